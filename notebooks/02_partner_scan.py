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
# # Partner scanning on the demo ecosystem (method, stage 1)
#
# The method ([docs/method.md](../docs/method.md)) starts from strategy: decompose the 3-5
# year strategy into a **capability-needs map**, scan for partners **inside the industry and
# across industries**, and score fit on **strategy, capability and culture**. Here Toyota (a
# member of several Linux Foundation programmes) wants an intelligent, connected cockpit: it
# needs deep-learning platforms, model observability and edge software.

# %%
import datetime as dt
import pathlib
import tempfile
from collections import Counter

import matplotlib.pyplot as plt
import pandas as pd

from ecosystem import RelKind, open_store
from ecosystem.demo import build_demo
from ecosystem.metrics.overlap import jaffe, mahalanobis
from ecosystem.scanning.needs import coverage, parse_needs, save_needs
from ecosystem.scanning.pair import pair_metrics
from ecosystem.scanning.scan import scan_partners

DAY = dt.date(2025, 6, 30)
store = open_store(pathlib.Path(tempfile.mkdtemp()) / "demo.db")
build_demo(store)

# %% [markdown]
# ## 1. The capability-needs map
#
# Written here as data; in practice a YAML file and `ecosystem needs set FILE`.

# %%
needs = parse_needs({"company": "toyota", "needs": [
    {"id": "cockpit-ai", "name": "Deep learning for the cockpit",
     "standard": "a production-grade training and serving platform",
     "capabilities": ["deep-learning"], "weight": 3, "horizon_years": 3},
    {"id": "model-ops", "name": "Observability of models in the car",
     "capabilities": ["cnai/model-llm-observability", "ai-native-infra/observability"],
     "weight": 2, "horizon_years": 3},
    {"id": "edge", "name": "Edge software for connected vehicles",
     "capabilities": ["edge-relevant-software"], "weight": 1, "horizon_years": 5},
]})
save_needs(store, needs)
cov = coverage(store, needs, as_of=DAY)
pd.Series(cov.row("toyota"), index=[n.id for n in needs.needs], name="met by Toyota")

# %% [markdown]
# ## 2. Scan on both axes
#
# Every company is scored at once on the sparse matrices; the top candidates carry the
# reasons they were found and each score's decomposition.

# %%
result = scan_partners(store, "Toyota Motor Corporation", top=12, as_of=DAY)
table = pd.DataFrame([{"candidate": c.name, "axis": c.axis.value, "score": c.score,
                       "strategy": c.strategy.score, "capability": c.capability.score,
                       "culture": c.culture.score, "confidence": c.confidence}
                      for c in result.candidates])
table.round(2)

# %%
for line in result.candidates[0].explanation:
    print(line)

# %%
ax = table.set_index("candidate")[["strategy", "capability", "culture"]].plot.barh(
    figsize=(8, 6), title="Fit of the top candidates by dimension")
ax.invert_yaxis()
plt.xlabel("score (0-1)")
plt.show()

# %% [markdown]
# ## 3. The cross-industry opportunity radar
#
# Candidates of another known sector than Toyota's (SIC 37, transportation equipment, from
# its Wikidata industry) that cover its unmet needs while overlapping little with what it
# already has.

# %%
radar = scan_partners(store, "toyota", axis="cross-industry", top=8, as_of=DAY)
pd.DataFrame([{"candidate": c.name, "score": round(c.score, 2),
               "sector": ", ".join(dict.fromkeys(a.sector for a in c.sectors)),
               "covers": c.capability.components[0].evidence} for c in radar.candidates])

# %% [markdown]
# ## 4. Why the candidates can be defended
#
# Three things stand between the raw data and the list: what kind of organisation each one
# is (foundations, universities and open-source projects are members of the programmes
# too, but not partner companies), which organisations are one (the demo build merged the
# duplicates scoring 0.9 or more), and which sector each is in, each with its source. The
# demo's organisations by type:

# %%
from ecosystem.entities.organisation_types import organisation_types
from ecosystem.entities.sectors import company_sectors, sector_names

types = organisation_types(store)
counts = pd.Series(Counter(t.type for t in types.values())).sort_values()
fig, ax = plt.subplots(figsize=(6, 2.5))
ax.bar_label(ax.barh(counts.index, counts.to_numpy()))
ax.set_title("Organisations of the demo by type")
plt.show()

# %% [markdown]
# IBM looks for partners across industries. A candidate is cross-industry only when both
# sectors are known and differ; each sector carries its source (the TDA patent data's SIC
# code, a Wikidata industry, a name rule ...) and confidence.

# %%
sectors, names = company_sectors(store), sector_names(store)
print("IBM:", "; ".join(f"{names[a.sector]} ({a.source})" for a in sectors["ibm"]))
ibm = scan_partners(store, "ibm", axis="cross-industry", top=8, as_of=DAY)
pd.DataFrame([{"candidate": c.name, "score": round(c.score, 2),
               "type": types[c.company].type,
               "sector": names.get(c.sectors[0].sector, c.sectors[0].sector),
               "source": c.sectors[0].source, "evidence": c.sectors[0].evidence}
              for c in ibm.candidates])

# %% [markdown]
# Scores separate: a dimension with no evidence drops out instead of counting as a neutral
# 0.5, and the confidence (how much of the score rests on evidence) is shown beside it;
# candidates whose score rests on under 30% of the evidence are left out
# (`min_confidence`). The best candidates' scores against their confidence:

# %%
both = scan_partners(store, "ibm", top=40, as_of=DAY)
frame = pd.DataFrame([{"name": c.name, "score": c.score, "confidence": c.confidence,
                       "axis": c.axis.value} for c in both.candidates])
fig, ax = plt.subplots(figsize=(7, 4))
for axis, group in frame.groupby("axis"):
    ax.scatter(group["confidence"], group["score"], label=axis)
for _, row in frame.head(6).iterrows():
    ax.annotate(row["name"][:18], (row["confidence"], row["score"]), fontsize=7)
ax.set_xlabel("confidence")
ax.set_ylabel("score")
ax.legend()
ax.set_title("IBM's 40 best candidates")
plt.show()

# %% [markdown]
# The partner radar draws both axes at once: the closer to Toyota, the better the fit;
# in-industry on the left, cross-industry on the right. Hover a candidate for its score
# explanation.

# %%
from ecosystem.views import partner_radar

partner_radar(store, "toyota", top=16, as_of=DAY)

# %% [markdown]
# ## 5. Patent portfolios: overlap and technological proximity
#
# On the real TDA patent portfolios of matched LF members: Jaffe's cosine against the
# Mahalanobis proximity of Bloom, Schankerman & Van Reenen, which also credits related
# classes.

# %%
pats = store.matrix(RelKind.HOLDS_PATENTS_IN)
i = pats.row_index()["ibm"]
j, m = jaffe(pats.matrix, i), mahalanobis(pats.matrix, i, normalized=True)
held = ~pd.isna(j)
held[i] = False  # not IBM itself
plt.figure(figsize=(6, 6))
plt.scatter(j[held], m[held])
for k in pd.Series(m).where(held).nlargest(6).index:
    plt.annotate(pats.rows[k], (j[k], m[k]), fontsize=8)
plt.plot([0, 1], [0, 1], lw=0.5, color="grey")
plt.xlabel("Jaffe proximity to IBM")
plt.ylabel("Mahalanobis proximity (normalised)")
plt.title("Technological proximity to IBM, US patents 1976-2005")
plt.show()
pd.Series(pair_metrics(store, "ibm", "hewlett-packard")).drop(["flags"])

# %%
store.close()
