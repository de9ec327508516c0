# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # The partnership lifecycle: the method's worked case
#
# An EV maker, **Voltra Motors**, needs a smart-cockpit breakthrough. This notebook replays
# the worked case of the method ([docs/method.md](../docs/method.md)) through all five
# stages with the library: the needs map and the scan pick a partner; due diligence gives a
# risk map; a pilot, a master agreement and a technology annex of milestones follow;
# meetings, a conflict and quarterly KPI figures are recorded; the partner's change of
# direction raises alerts, a buffer period opens, and the joint R&D is transformed into a
# technology licence plus an ecosystem partnership. Every record lives on the graph.

# %% [markdown]
# ## 1. Plan and identify
#
# The worked-case ecosystem and Voltra's needs map; the scan ranks candidates for the
# cockpit-fusion need.

# %%
import datetime as dt
import pathlib
import tempfile

import matplotlib.pyplot as plt
import pandas as pd

from ecosystem import NodeKind, RelKind, open_store
from ecosystem import lifecycle as lc
from ecosystem.demo import build_worked_case, worked_case_folder
from ecosystem.editing import upsert_node, upsert_relationship
from ecosystem.lifecycle.agreement import agreement_diff
from ecosystem.lifecycle.cases import advise, case_library, playbook, similar_cases
from ecosystem.lifecycle.conflicts import conflict
from ecosystem.lifecycle.editing import import_survey
from ecosystem.lifecycle.resources import budget
from ecosystem.lifecycle.surveys import dimension_moves, survey_rounds
from ecosystem.scanning.scan import scan_partners
from ecosystem.views import ecosystem_map, focus_view, partner_radar

store = open_store(pathlib.Path(tempfile.mkdtemp()) / "case.db")
build_worked_case(store)
scan = scan_partners(store, "voltra", top=3)
pd.DataFrame([{"candidate": c.company, "fit": round(c.score, 3)} for c in scan.candidates])

# %%
partner_radar(store, "voltra", top=10)

# %% [markdown]
# ## 2. Establish and negotiate
#
# The partnership is recorded as *identified*, then *evaluating*. Due diligence gives the
# risk map (imported from a CSV file), a 3-month pilot builds a prototype, and the master
# agreement is signed.

# %%
PID = "voltra-cortex"
chosen = scan.candidates[0].company
lc.create_partnership(store, PID, "voltra", chosen, name="Smart cockpit",
                      date=dt.date(2024, 1, 8), need="voltra/cockpit-fusion")
lc.change_stage(store, PID, "evaluating", date=dt.date(2024, 1, 22),
                reason="fit: 5-year strategy cycles, compatible cultures")
folder = worked_case_folder() / "lifecycle"
lc.import_records(store, folder / "risks.csv", partnership=PID)
report = lc.partnership_report(lc.load_partnership(store, PID), as_of=dt.date(2024, 2, 1))
risks = pd.DataFrame(report["risks"])
colours = {"operational": "tab:blue", "compliance": "tab:red", "cultural": "tab:green"}
ax = risks.plot.scatter(x="likelihood", y="severity", s=(risks["score"] * 40).tolist(),
                        c=risks["category"].map(colours).tolist(), figsize=(7, 4.5),
                        xlim=(0.5, 5.5), ylim=(0.5, 5.5),
                        title="Due-diligence risk map (blue operational, red compliance, "
                        "green cultural)")
risks["nth"] = risks.groupby(["likelihood", "severity"]).cumcount()
for _, r in risks.iterrows():  # risks in the same cell: labels one under another
    ax.annotate(r["name"][:30], (r["likelihood"], r["severity"]), fontsize=7,
                xytext=(12, 6 - 11 * r["nth"]), textcoords="offset points")
plt.show()
risks[["category", "name", "severity", "likelihood", "score", "owner", "mitigation"]]

# %%
lc.change_stage(store, PID, "negotiating", date=dt.date(2024, 5, 6),
                reason="pilot prototype delivered")
upsert_node(store, NodeKind.PARTNERSHIP, {
    "id": PID, "form": "joint R&D", "signed": "2024-06-03",
    "goals": "joint R&D of cockpit-driving fusion; regional launches EU 2025, SEA 2025",
    "ip_ownership": "shared patents", "cost_share": 0.5,
    "exit_mechanism": "6 months' notice; licences wound down stepwise",
    "review_months": 3, "executive_days": 14, "management_days": 30})
lc.change_stage(store, PID, "active", date=dt.date(2024, 6, 3),
                reason="master agreement and technology annex signed")
lc.import_records(store, folder / "milestones.csv", partnership=PID)
lc.import_records(store, folder / "kpis.csv", partnership=PID)
pd.read_csv(folder / "milestones.csv")[
    ["name", "annex", "due", "owner_side", "resources", "acceptance"]]

# %% [markdown]
# ## 3. Operate and manage
#
# Executive meetings every two weeks, monthly technical reviews, and an algorithm-fit
# conflict solved by shared responsibility and a free system upgrade from the partner.

# %%
executive = pd.date_range("2024-06-05", "2026-06-30", freq="14D")
reviews = pd.date_range("2024-06-12", "2026-06-30", freq="28D")
lc.add_records(store, "meetings",
               [{"level": "executive", "date": d.date()} for d in executive]
               + [{"level": "management", "date": d.date(), "topic": "technical review"}
                  for d in reviews], partnership=PID)
lc.add_records(store, "incidents", [{
    "name": "Algorithm-fit conflict: fusion model vs sensor timing",
    "date": "2024-12-10", "category": "conflict", "severity": "minor",
    "root_cause": "sensor timestamp drift not in the interface spec",
    "responsibility": "shared 50/50",
    "remedy": "free system upgrade from Cortex; interface spec updated",
    "resolved": "2025-01-20"}], partnership=PID)
pd.DataFrame(lc.evaluate(lc.load_partnership(store, PID), as_of=dt.date(2025, 3, 1)))[
    ["date", "rule", "level", "message", "resolved"]]

# %% [markdown]
# ### Budget: the executive meeting reallocates
#
# Each side plans spend and people per milestone. Version 2 runs over; the executive
# meeting of mid-December moves 40,000 EUR and one engineer from version 3 to version 2,
# and the variance feeds the health index (its budget component).

# %%
lc.add_records(store, "budget_lines", [
    {"side": "company", "milestone": f"{PID}/m/v2", "currency": "EUR", "planned": 200000,
     "actual": 260000, "people_planned": 4, "people_actual": 5},
    {"side": "partner", "milestone": f"{PID}/m/v2", "currency": "EUR", "planned": 100000,
     "actual": 100000},
    {"side": "company", "milestone": f"{PID}/m/v3", "currency": "EUR", "planned": 150000,
     "actual": 100000, "people_planned": 3}], partnership=PID)
december = [m for m in lc.load_partnership(store, PID).meetings
            if m.level == "executive" and m.date < dt.date(2024, 12, 31)][-1]
lc.add_records(store, "reallocations", [{
    "meeting": december.id, "side": "company", "from_milestone": f"{PID}/m/v3",
    "to_milestone": f"{PID}/m/v2", "amount": 40000, "currency": "EUR", "people": 1,
    "reason": "version 2 is late"}], partnership=PID)
pd.DataFrame([r.as_dict() for r in budget(lc.load_partnership(store, PID))])[
    ["milestone", "side", "currency", "planned", "moved", "budget", "actual", "variance",
     "people_planned", "people_actual"]]

# %% [markdown]
# The late version 2 raised the method's smart alert (delivery-delay rate above 20%:
# executive communication); the next executive meeting resolved it.
#
# ### The conflict log and the dynamic contract
#
# The agreement signed on 3 June 2024 is kept as clauses with effective days. The conflict
# is written up as the method asks (stage 3.3): five whys, each with its evidence and
# fishbone category, the responsibility split in numbers and the loss each side carries,
# and the remedial project as a real milestone. Once resolved, the tool proposes an update
# of the clause the incident bears on; the update is recorded as a new agreement version.

# %%
lc.add_records(store, "clauses", [
    {"clause": "interface-spec", "effective": "2024-06-03", "cause": "signature",
     "text": "Sensor data follow interface spec v1."},
    {"clause": "cost-share", "effective": "2024-06-03", "cause": "signature",
     "text": "Development costs are shared 50/50."},
    {"clause": "ip", "effective": "2024-06-03", "cause": "signature",
     "text": "Joint patents are co-owned."}], partnership=PID)
incident = lc.load_partnership(store, PID).incidents[0].id
lc.add_records(store, "incidents", [{"id": incident, "company_share": 50,
                                     "partner_share": 50, "loss": 120000, "currency": "EUR",
                                     "clause": "interface-spec"}], partnership=PID)
lc.add_records(store, "whys", [
    {"incident": incident, "step": 1, "why": "Fusion output lagged the sensors",
     "evidence": "drive log 2024-12-09", "cause": "technology"},
    {"incident": incident, "step": 2, "why": "Sensor timestamps drifted",
     "evidence": "bench test", "cause": "technology"},
    {"incident": incident, "step": 3, "why": "Timestamp sync was not in the interface spec",
     "evidence": "spec v1, section 4", "cause": "contract"}], partnership=PID)
lc.add_records(store, "milestones", [{
    "name": "Interface spec v2: timestamp sync", "due": "2025-01-15",
    "delivered": "2025-01-14", "owner_side": "joint", "incident": incident}],
    partnership=PID)
logged = conflict(lc.load_partnership(store, PID), incident, as_of=dt.date(2025, 2, 1))
print("root cause:", logged.root_cause)
print("fishbone:", logged.fishbone)
print("shares:", [(s.side, s.percent, s.amount, "EUR") for s in logged.shares])
print("proposed:", logged.proposal and logged.proposal["reason"])
pd.DataFrame([{"step": w.step, "why": w.why, "evidence": w.evidence, "cause": w.cause}
              for w in logged.chain])

# %%
lc.add_records(store, "clauses", [{
    "clause": "interface-spec", "effective": "2025-01-20", "cause": "incident",
    "incident": incident, "reason": "algorithm-fit conflict",
    "text": "Sensor data follow interface spec v2 (timestamp sync every 10 ms)."}],
    partnership=PID)
for change in agreement_diff(lc.load_partnership(store, PID), 1, 2):
    print(change.change, change.clause, change.effective, change.cause, change.reason)
    print("\n".join("   " + line for line in change.diff_lines()))

# %% [markdown]
# ## 4. Evaluate and optimise
#
# Quarterly KPI figures (imported from CSV) and the health diagnosis per quarter; the
# partnership widens into a smart mobility alliance.

# %%
lc.import_records(store, folder / "kpi_actuals.csv", partnership=PID)
upsert_node(store, NodeKind.PROGRAMME, {"id": "smart-mobility",
                                        "name": "Smart Mobility Alliance", "owner": "voltra"})
for member in ("voltra", chosen, "cellix"):
    upsert_relationship(store, RelKind.MEMBER_OF, {
        "source": member, "target": "smart-mobility", "since": "2025-07-01",
        "tier": "Founding"})
# Both sides answer the same five questions each quarter (exported from the survey form;
# names and e-mail addresses are left out on import). A round of fewer than three answers
# is counted but not shown, to keep answers anonymous.
import_survey(store, PID, folder / "survey_partner.csv", side="partner")
import_survey(store, PID, folder / "survey_company.csv", side="company")
p = lc.load_partnership(store, PID)
print(dimension_moves(p, as_of=dt.date(2025, 12, 31)))
pd.DataFrame([{"quarter": r.quarter, "side": r.side, "answers": r.answers,
               **({**r.means, "overall": r.overall} if r.shown else {"overall": "not shown"})}
              for r in survey_rounds(p, as_of=dt.date(2025, 12, 31))]).round(2)

# %%
health = pd.DataFrame([{"quarter": f"{h.start.year} Q{(h.start.month + 2) // 3}",
                        "health index": h.index,
                        **{g.name: g.attainment for g in h.kpis},
                        "milestone hit rate": h.hit_rate}
                       for h in lc.diagnose(p, as_of=dt.date(2025, 12, 31))]
                      ).set_index("quarter")
fig, (left, right) = plt.subplots(1, 2, figsize=(12, 4))
health["health index"].plot(ax=left, marker="o", ylim=(0, 100),
                            title="Health index per quarter")
left.axhline(70, color="tab:green", ls="--")
left.axhline(50, color="tab:red", ls="--")
health[["User-experience score", "R&D cycle time"]].plot(
    ax=right, marker="o", title="KPI attainment (1 = target: UX +30%, R&D cycle -40%)")
right.axhline(1, color="grey", ls="--")
plt.show()
health.round(2)

# %% [markdown]
# ## 5. Terminate and transform
#
# The partner pivots to enterprise AI (a soft trigger) while partner satisfaction falls two
# quarters in a row. Both warnings ask for a 6-month buffer period and a transformation
# assessment.

# %%
lc.add_records(store, "incidents", [{"name": "Cortex pivots to enterprise AI platforms",
                                     "date": "2025-09-15", "category": "strategy_change",
                                     "severity": "major"}], partnership=PID)
alerts = lc.evaluate(lc.load_partnership(store, PID), as_of=dt.date(2025, 10, 10))
pd.DataFrame([a.as_dict() for a in alerts if a.is_open])[
    ["date", "rule", "level", "message", "recommendation", "buffer_until"]]

# %%
lc.change_stage(store, PID, "buffer_period", date=dt.date(2025, 10, 15),
                reason="partner's change of direction; assess a transformation")
focus_view(store, "voltra", as_of=dt.date(2025, 10, 20))

# %% [markdown]
# The buffer period ends in a transformation: joint R&D becomes a technology licence plus an
# ecosystem partnership. The old relationship ends and the new one starts on the graph, so
# the history is kept. Had the team chosen to exit, `exit_plan` drafts the stepwise plan.

# %%
lc.transform(store, PID, form="technology licence + ecosystem partnership",
             date=dt.date(2026, 3, 2), reason="joint R&D ends; Cortex licenses the stack")
pd.DataFrame([{"since": r.since, "until": r.until, "scope": r.properties.get("scope")}
              for r in store.relationships(RelKind.PARTNERS_WITH) if r.target == chosen])

# %%
pd.DataFrame(lc.exit_plan(lc.load_partnership(store, PID), dt.date(2026, 3, 2),
                          after_sales_owner="Voltra service"))

# %% [markdown]
# ### Knowledge capture
#
# Resolved incidents, the transformation and any exit become cases in a library: their
# context (stage, fishbone causes, KPIs below target) and what was done. For a new incident
# the tool finds the most similar past cases, and a decision tree learned from the cases
# recommends an action with the cases behind it; `ecosystem playbook` writes it all as a
# document.

# %%
pd.DataFrame([c.as_dict() for c in case_library(store)])[
    ["date", "kind", "title", "stage", "causes", "kpi_gaps", "action"]]

# %%
pivot = lc.load_partnership(store, PID).incidents[1].id
print(similar_cases(store, PID, pivot))
print("recommended:", advise(store, PID, pivot).action)
print(playbook(store)[:1200])

# %%
status = lc.status(lc.load_partnership(store, PID), as_of=dt.date(2026, 6, 30))
print(status.stage, status.form, status.health, status.band, len(status.open_alerts),
      "open alerts")
ecosystem_map(store, as_of=dt.date(2026, 6, 30))

# %%
store.close()
