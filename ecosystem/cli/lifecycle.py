"""``ecosystem partnership ...`` and ``ecosystem alerts``: the partnership lifecycle."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from ecosystem import lifecycle as lc
from ecosystem.cli.common import DAY, JSON, Context, echo_json, handle_errors, remembered
from ecosystem.dates import today
from ecosystem.errors import InvalidValue
from ecosystem.model import NODE_SCHEMAS, STAGES

if TYPE_CHECKING:
    from ecosystem.lifecycle.records import Partnership
    from ecosystem.lifecycle.rules import RuleConfig

__all__ = ["COMMANDS"]

AS_OF = click.option("--as-of", "as_of", type=DAY, metavar="DATE", default=today,
                     show_default="today",
                     help="Evaluate as on this day, with only what was known then.")
RULES = click.option("--rules", type=click.Path(dir_okay=False, path_type=Path),
                     default=None, metavar="FILE",
                     help="Rule settings (YAML or JSON), e.g. 'delay_threshold: 0.3'.")
DATE = click.option("--date", type=DAY, metavar="DATE", default=None,
                    help="The day (default: today).")
_LEVEL_MARK = {"hard_trigger": "!!", "executive": "! ", "warning": "~ ", "reminder": ". "}


def _config(path: Path | None) -> RuleConfig | None:

    return lc.load_rule_config(path) if path is not None else None


def _partnership(obj: Context, id: str) -> Partnership:
    """Partnership ID with its records (NodeNotFound, with close ids, if there is none)."""
    with obj.open() as store:
        return lc.load_partnership(store, id)


def _pairs(values: tuple[str, ...], what: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for value in values:
        name, sep, text = value.partition("=")
        if not sep or not name.strip():
            raise InvalidValue(f"{what} {value!r} is not FIELD=VALUE; write it like "
                               "due=2025-03-31.", field=what, value=value)
        out[name.strip()] = text
    return out


@click.group()
def partnership() -> None:
    """Partnerships through their lifecycle: stages, risks, milestones, KPIs, meetings,
    incidents, health, transformation and exit (docs/method.md, stages 2-5).

    \b
    ecosystem partnership new voltra-lumen --company voltra --partner lumen
    ecosystem partnership stage voltra-lumen evaluating --date 2025-02-01
    ecosystem partnership add voltra-lumen milestones name="Prototype" due=2025-05-31
    ecosystem partnership import annex.xlsx --partnership voltra-lumen
    ecosystem partnership show voltra-lumen
    """


@partnership.command("worked-case")
@click.pass_obj
@handle_errors
def worked_case(obj: Context) -> None:
    """Record the worked case of docs/method.md in the store: a small EV ecosystem and the
    Voltra Motors - Cortex AI partnership through all five stages (2024-2026), to explore
    with `partnership show`, `alerts --as-of` and the views."""
    from ecosystem.demo import WORKED_CASE_PARTNERSHIP, replay_worked_case

    with obj.open() as store:
        partner = replay_worked_case(store)
    click.echo(f"Recorded the worked case: partnership {WORKED_CASE_PARTNERSHIP} (voltra + "
               f"{partner}). Try `ecosystem partnership show {WORKED_CASE_PARTNERSHIP} "
               "--as-of 2025-10-10` and `ecosystem alerts --all`.")


@partnership.command("new")
@click.argument("id")
@click.option("--company", required=True, help="Id of our company.")
@click.option("--partner", required=True, help="Id of the partner company.")
@click.option("--name", default=None, help="Display name (default: the id).")
@click.option("--stage", type=click.Choice(STAGES), default="identified", show_default=True)
@DATE
@click.option("--set", "fields", multiple=True, metavar="FIELD=VALUE",
              help="Further partnership fields: form, goals, ip_ownership, cost_share, "
              "exit_mechanism, signed, executive_days ... (repeatable).")
@click.pass_obj
@handle_errors
def new(obj: Context, id: str, company: str, partner: str, name: str | None, stage: str,
        date: dt.date | None, fields: tuple[str, ...]) -> None:
    """Record partnership ID between --company and --partner, in its first stage."""
    with obj.open() as store:
        p = lc.create_partnership(store, id, company, partner, name=name, stage=stage,
                                  date=date, source="command line", **_pairs(fields, "--set"))
    click.echo(f"Recorded partnership {p.id} ({p.company} + {p.partner}), stage "
               f"{p.stages[-1].stage} since {p.stages[-1].date}.")


@partnership.command("list")
@click.option("--company", default=None, help="Only partnerships of this company.")
@AS_OF
@RULES
@JSON
@click.pass_obj
@handle_errors
@remembered()
def list_(obj: Context, company: str | None, as_of: dt.date, rules: Path | None,
          as_json: bool) -> None:
    """Every partnership with its stage, latest health index and open alerts."""
    with obj.open() as store:
        found = lc.statuses(store, as_of=as_of, company=company, config=_config(rules))
    if as_json:
        echo_json([s.as_dict() for s in found])
        return
    if not found:
        click.echo("No partnerships yet: record one with `ecosystem partnership new`.")
    for s in found:
        health = f"{s.health:5.1f} {s.band}" if s.health is not None else "  -  no data"
        click.echo(f"{s.id:<24} {s.company} + {s.partner:<16} {s.stage or '-':<14} "
                   f"health {health:<14} open alerts {len(s.open_alerts)}")


@partnership.command()
@click.argument("id")
@AS_OF
@RULES
@JSON
@click.pass_obj
@handle_errors
@remembered()
def show(obj: Context, id: str, as_of: dt.date, rules: Path | None, as_json: bool) -> None:
    """Everything about partnership ID: stage history, risk map, annex milestones, KPIs,
    meetings, incidents, exit steps, health per period and alerts."""
    with obj.open() as store:
        report = lc.partnership_report(lc.load_partnership(store, id), as_of=as_of,
                                       config=_config(rules), store=store)
    if as_json:
        echo_json(report)
        return
    head = report["partnership"]
    click.echo(f"{head['name']} ({head['id']}): {head['company']} + {head['partner']}")
    click.echo(f"Stage {report['stage']} since {report['stage_since']}"
               + (f"; form: {report['form']}" if report["form"] else ""))
    for key in ("goals", "ip_ownership", "cost_share", "exit_mechanism"):
        if head.get(key) is not None:
            click.echo(f"  {key}: {head[key]}")
    _section("Stage history", [f"{s['date']}  {s['stage']}" + (f"  ({s['reason']})"
                                                                 if s["reason"] else "")
                               for s in report["stages"]])
    _section("Risk map (severity x likelihood)", [
        f"{r['score']:>3}  {r['category']:<12} {r['name']}"
        + (f"  owner {r['owner']}" if r["owner"] else "")
        + (f"; mitigation: {r['mitigation']}" if r["mitigation"] else "")
        for r in report["risks"]])
    _section("Milestones", [
        f"{m['due']}  {m['name'] or m['id']:<36} "
        + ("delivered " + m["delivered"] if m["delivered"] else "open")
        + ({True: "  on time", False: "  LATE", None: ""}[m["on_time"]])
        for m in report["milestones"]])
    _section("Health", [
        f"{h['start']}  index {h['index'] if h['index'] is not None else '-':>5}  "
        f"{h['band'] or '':<9} hit rate "
        + (f"{h['hit_rate']:.0%}" if h["hit_rate"] is not None else "-")
        + "  KPI gaps: " + (", ".join(
            f"{k['name']} {k['actual']:g} vs {k['target']:g}" for k in h["kpis"]
            if k["target"] is not None) or "-")
        for h in report["health"]])
    _section("Conflict log", [
        f"{c['incident']['date']}  {c['incident']['name'] or c['incident']['id']}: "
        f"root cause {c['root_cause'] or '-'}"
        + ("; split " + ", ".join(f"{s['side']} {s['percent']:g}%" for s in c["shares"])
           if c["shares"] else "")
        + (f"; {len(c['remedial'])} remedial milestone(s)" if c["remedial"] else "")
        + (f"; proposed: update clause {c['proposal']['clause']!r}" if c["proposal"] else "")
        for c in report["conflicts"]])
    versions = len(report["agreement"]["versions"])
    _section(f"Agreement (version {versions})" if versions else "Agreement", [
        f"[{c['clause']}] since {c['effective']}: {c['text']}"
        for c in report["agreement"]["clauses"]])
    _section("Survey rounds", [
        f"{r['quarter']}  {r['side']:<8} "
        + (f"{r['answers']} answers, overall {r['overall']:.0%}" if r["shown"]
           else f"{r['answers']} answer(s), not shown (fewer than "
                f"{report['surveys']['min_group']})")
        for r in report["surveys"]["rounds"]] + [
        f"{side}: {m['most'].replace('_', ' ')} moved most ({m['by']:+.0%})"
        for side, m in report["surveys"]["moves"].items()])
    _section("Budget (planned after reallocations; actual; variance)", [
        f"{r['milestone'] or '(partnership)':<28} {r['side']:<8} {r['budget']:>12,.0f} "
        f"{r['currency']}  actual " + ("-" if r["actual"] is None else
                                       f"{r['actual']:,.0f} ({r['variance']:+,.0f})")
        for r in report["budget"]])
    _section("Resource pool warnings", [
        f"{w['pool']} entry {w['entry']} ({w['side']}) {w['how']}: {w['protected']} is "
        f"protected by {w['owner']}" for w in report["pool_warnings"]])
    if report["evaluation"] is not None:
        ev = report["evaluation"]
        share = ev["influence"]["share_from_partnership"]
        _section(f"Evaluation from the graph (since {ev['start']})", [
            f"joint patents: {len(ev['joint_patents'])}",
            "PageRank of the company owed to the partnership: "
            + ("-" if share is None else f"{share:.0%}"),
            f"third parties that tied to either side: {ev['third_parties_count']}"])
    _section("Alerts", [_alert_line(a) for a in report["alerts"]])


def _section(title: str, lines: list[str]) -> None:
    click.echo(f"\n{title}:")
    for line in lines or ["(none)"]:
        click.echo(f"  {line}")


def _alert_line(alert: dict[str, Any]) -> str:
    state = f"resolved {alert['resolved']}" if alert["resolved"] else "OPEN"
    return (f"{_LEVEL_MARK[alert['level']]} {alert['date']}  {alert['rule']:<21} "
            f"{alert['partnership']}: {alert['message']} [{state}]\n"
            f"      next: {alert['recommendation']}")


@partnership.command()
@click.argument("id")
@click.argument("stage", type=click.Choice(STAGES))
@DATE
@click.option("--reason", default=None, help="Why the stage changes.")
@click.pass_obj
@handle_errors
def stage(obj: Context, id: str, stage: str, date: dt.date | None, reason: str | None) -> None:
    """Move partnership ID to STAGE; changes that skip the stage rules are refused."""
    with obj.open() as store:
        change = lc.change_stage(store, id, stage, date=date, reason=reason,
                                 source="command line")
    click.echo(f"{id}: stage {change.stage} since {change.date}.")


@partnership.command()
@click.argument("id")
@click.option("--form", required=True, help="What the relationship becomes, e.g. "
              "'technology licence + ecosystem partnership'.")
@DATE
@click.option("--reason", default=None)
@click.option("--becomes", type=click.Choice(["partners_with", "joint_venture"]),
              default="partners_with", show_default=True,
              help="The kind of the new relationship.")
@click.option("--end", "ends", multiple=True, default=("partners_with", "joint_venture"),
              type=click.Choice(["partners_with", "joint_venture", "competes_with"]),
              show_default=True, help="Kinds of the pair's relationships that end (repeat; "
              "add competes_with to turn competition into complementarity).")
@click.pass_obj
@handle_errors
def transform(obj: Context, id: str, form: str, date: dt.date | None, reason: str | None,
              becomes: str, ends: tuple[str, ...]) -> None:
    """Transform partnership ID into a new form (joint venture -> loose alliance,
    competition -> complementarity ...), keeping its history on the graph."""
    with obj.open() as store:
        change = lc.transform(store, id, form=form, date=date, reason=reason,
                              becomes=becomes, ends=ends, source="command line")
    click.echo(f"{id}: transformed into '{change.form}' on {change.date}.")


@partnership.command()
@click.argument("id")
@click.argument("table", metavar="TABLE")
@click.argument("fields", nargs=-1, metavar="FIELD=VALUE...")
@click.pass_obj
@handle_errors
def add(obj: Context, id: str, table: str, fields: tuple[str, ...]) -> None:
    """Add (or update, giving its id) one record of partnership ID.

    TABLE is one of risks, milestones, kpis, kpi_actuals, meetings, incidents, whys,
    clauses, survey_responses, exit_steps (or stage_changes); fields as in
    docs/tabular-format.md.
    """
    from ecosystem.lifecycle.editing import record_table

    kind = record_table(table)
    with obj.open() as store:
        lc.add_records(store, kind, [_pairs(fields, "field")], partnership=id,
                       source="command line")
    click.echo(f"{id}: {NODE_SCHEMAS[kind].table} recorded.")


@partnership.command("import")
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--table", default=None, help="The record table of a single-table file "
              "(default: the file or sheet name).")
@click.option("--partnership", "partnership_id", default=None,
              help="Fill this partnership into rows without one.")
@click.pass_obj
@handle_errors
def import_(obj: Context, path: Path, table: str | None, partnership_id: str | None) -> None:
    """Import milestones, KPI actuals or other records from CSV, Parquet or Excel, all or
    nothing."""
    with obj.open() as store:
        summary = lc.import_records(store, path, table=table, partnership=partnership_id)
    for kind, n in summary.nodes_written.items():
        click.echo(f"{kind}: {n} row(s) written, {summary.nodes_created.get(kind, 0)} new")


@partnership.command()
@click.argument("id")
@AS_OF
@click.option("--months", type=click.IntRange(1, 24), default=None,
              help="Period length (default: the partnership's review_months, else 6).")
@click.option("--weights", default=None, metavar="NAME=W,...",
              help="Index weights, e.g. kpis=0.5,milestones=0.3,satisfaction=0.2 "
              "(components not named get 0; default 0.4/0.3/0.2/0.1/0.1 with communication and "
              "budget).")
@JSON
@click.pass_obj
@handle_errors
@remembered()
def health(obj: Context, id: str, as_of: dt.date, months: int | None,
           weights: str | None, as_json: bool) -> None:
    """The health diagnosis of partnership ID, period by period."""
    from ecosystem.lifecycle.health import HealthWeights

    chosen = HealthWeights.parse(weights) if weights else None
    with obj.open() as store:
        periods = lc.diagnose(lc.load_partnership(store, id), as_of=as_of,
                              months=months, weights=chosen)
    if as_json:
        echo_json([h.as_dict() for h in periods])
        return
    for h in periods:
        index = f"{h.index:5.1f} {h.band}" if h.index is not None else "  -  no data"
        click.echo(f"{h.start} to {h.end}: {index}")
        for name, score in h.components.items():
            click.echo(f"    {name:<14} {score:.2f}")
        for gap in h.kpis:
            if gap.target is not None:
                click.echo(f"    KPI {gap.name}: {gap.actual:g} vs target {gap.target:g} "
                           f"(gap {gap.gap:+g})")
        for side, move in h.survey_moves.items():
            click.echo(f"    survey ({side}): {move['most'].replace('_', ' ')} moved most, "
                       f"{move['by']:+.0%} of the scale since {move['from']}")


@partnership.command()
@click.argument("id")
@click.argument("incident", required=False)
@AS_OF
@JSON
@click.pass_obj
@handle_errors
def conflicts(obj: Context, id: str, incident: str | None, as_of: dt.date,
              as_json: bool) -> None:
    """The conflict log of partnership ID (or of one INCIDENT): the five-whys chain with
    evidence, the fishbone, the responsibility split and the loss each side carries, the
    remedial milestones and, once resolved, the proposed clause update.

    \b
    ecosystem partnership add voltra-lumen whys incident=voltra-lumen/incident/1 step=1 \\
        why="Test data held real records" evidence="audit log" cause=process
    ecosystem partnership conflicts voltra-lumen
    """
    from ecosystem.lifecycle.conflicts import conflict
    from ecosystem.lifecycle.conflicts import conflicts as all_conflicts

    p = _partnership(obj, id)
    found = ([conflict(p, incident, as_of=as_of)] if incident
             else all_conflicts(p, as_of=as_of))
    if as_json:
        echo_json([c.as_dict() for c in found])
        return
    if not found:
        click.echo(f"{id}: no incident by {as_of}.")
    for c in found:
        i = c.incident
        click.echo(f"{i.date}  {i.name or i.id} ({i.category}, {i.severity}) "
                   + (f"resolved {i.resolved}" if i.resolved else "OPEN"))
        for why in c.chain:
            click.echo(f"  why {why.step}: {why.why}"
                       + (f"  [{why.cause}]" if why.cause else "")
                       + (f"\n         evidence: {why.evidence}" if why.evidence else ""))
        if c.root_cause:
            click.echo(f"  root cause: {c.root_cause}")
        if c.fishbone:
            click.echo("  fishbone: " + "; ".join(f"{bone}: {len(items)}"
                                                  for bone, items in c.fishbone.items()))
        for share in c.shares:
            amount = (f", {share.amount:,.2f} {i.currency or ''}".rstrip()
                      if share.amount is not None else "")
            click.echo(f"  responsibility {share.side}: {share.percent:g}%{amount}")
        for m, state in c.remedial:
            click.echo(f"  remedial: {m.due}  {m.name or m.id}  {state}")
        if c.proposal:
            click.echo(f"  proposed: update clause {c.proposal['clause']!r} "
                       f"({c.proposal['reason']})\n    {c.proposal['command']}")
        click.echo("")


@partnership.group()
def agreement() -> None:
    """The agreement as a dynamic contract: clauses with effective days, versions and
    what changed between them, and why.

    \b
    ecosystem partnership agreement update voltra-lumen data-protection \\
        --effective 2025-07-01 --text "..." --cause incident --incident voltra-lumen/incident/1
    ecosystem partnership agreement show voltra-lumen --as-of 2025-12-31
    ecosystem partnership agreement diff voltra-lumen 1 2
    """


@agreement.command("show")
@click.argument("id")
@AS_OF
@JSON
@click.pass_obj
@handle_errors
def agreement_show(obj: Context, id: str, as_of: dt.date, as_json: bool) -> None:
    """The clauses of partnership ID's agreement in force on the day, and its versions."""
    from ecosystem.lifecycle.agreement import agreement_on, agreement_versions

    p = _partnership(obj, id)
    clauses = agreement_on(p, as_of)
    versions = [v for v in agreement_versions(p) if v <= as_of]
    if as_json:
        echo_json({"versions": [v.isoformat() for v in versions],
                   "clauses": {k: {"text": c.text, "effective": c.effective.isoformat(),
                                   "reason": c.reason, "cause": c.cause}
                               for k, c in clauses.items()}})
        return
    click.echo(f"{id}: agreement version {len(versions)} on {as_of}"
               + (f" (since {versions[-1]})" if versions else " (no clauses yet)"))
    for key, c in clauses.items():
        click.echo(f"\n[{key}] effective {c.effective}"
                   + (f", {c.cause}" if c.cause else "")
                   + (f": {c.reason}" if c.reason else ""))
        click.echo(f"  {c.text}")


@agreement.command("diff")
@click.argument("id")
@click.argument("start", metavar="FROM")
@click.argument("end", metavar="TO")
@JSON
@click.pass_obj
@handle_errors
def agreement_diff_(obj: Context, id: str, start: str, end: str, as_json: bool) -> None:
    """What changed in partnership ID's agreement from FROM to TO (version numbers or
    days): clauses added, changed (line by line) and retired, each with its reason."""
    from ecosystem.lifecycle.agreement import agreement_diff, parse_version

    p = _partnership(obj, id)
    changes = agreement_diff(p, parse_version(start, "from"), parse_version(end, "to"))
    if as_json:
        echo_json([c.as_dict() for c in changes])
        return
    if not changes:
        click.echo(f"{id}: no clause changed from {start} to {end}.")
    for c in changes:
        why = ", ".join(x for x in (c.cause, c.incident, c.reason) if x)
        click.echo(f"{c.change.upper():<8} [{c.clause}] effective {c.effective}"
                   + (f"  ({why})" if why else ""))
        for line in c.diff_lines():
            click.echo(f"    {line}")


@agreement.command("update")
@click.argument("id")
@click.argument("clause")
@click.option("--text", default=None, help="The clause as agreed from the effective day.")
@click.option("--effective", type=DAY, default=today, show_default="today", metavar="DATE")
@click.option("--reason", default=None, help="Why it changed.")
@click.option("--cause", type=click.Choice(["signature", "incident", "health_review",
                                           "transformation", "renegotiation"]),
              default=None)
@click.option("--incident", default=None, help="The incident behind the change.")
@click.option("--retire", is_flag=True, help="End the clause on the effective day.")
@click.pass_obj
@handle_errors
def agreement_update(obj: Context, id: str, clause: str, text: str | None,
                     effective: dt.date, reason: str | None, cause: str | None,
                     incident: str | None, retire: bool) -> None:
    """Record a new version of CLAUSE of partnership ID (or its first one)."""
    row: dict[str, Any] = {"clause": clause, "effective": effective.isoformat(),
                           "text": text, "reason": reason,
                           "cause": cause or ("incident" if incident else None),
                           "incident": incident, "retired": "true" if retire else None}
    with obj.open() as store:
        lc.add_records(store, "clauses", [{k: v for k, v in row.items() if v is not None}],
                       partnership=id, source="command line")
    click.echo(f"{id}: clause {clause!r} " + ("retired" if retire else "recorded")
               + f" from {effective}.")


@partnership.command()
@click.argument("id")
@AS_OF
@click.option("--min-group", type=click.IntRange(1), default=3, show_default=True,
              help="Fewest answers a round needs to be shown (anonymity).")
@click.option("--import", "path", type=click.Path(path_type=Path), default=None,
              metavar="FILE", help="First import one side's answers from a form export "
              "(CSV or Excel; needs --side).")
@click.option("--side", type=click.Choice(["company", "partner"]), default=None,
              help="Which side answered the form imported.")
@click.option("--scale", "scale_max", type=click.FloatRange(min=1), default=None,
              help="Top of the form's answer scale (default 5).")
@JSON
@click.pass_obj
@handle_errors
def survey(obj: Context, id: str, as_of: dt.date, min_group: int, path: Path | None,
           side: str | None, scale_max: float | None, as_json: bool) -> None:
    """Two-sided satisfaction survey of partnership ID: each side's rounds (quarters) by
    dimension as shares of the scale, withheld below --min-group answers, and the
    dimension that moved most since the side's previous round.

    \b
    ecosystem partnership survey voltra-lumen --import answers.csv --side partner
    """
    from ecosystem.lifecycle.editing import import_survey
    from ecosystem.lifecycle.surveys import dimension_moves, survey_rounds

    if path is not None and side is None:
        raise click.UsageError("--import needs --side company or --side partner.")
    with obj.open() as store:
        if path is not None:
            summary = import_survey(store, id, path, side=side or "", scale_max=scale_max)
            written = summary.nodes_written.get("survey_response", 0)
            click.echo(f"{id}: {written} answer(s) imported ({side}).", err=as_json)
        p = lc.load_partnership(store, id)
    rounds = survey_rounds(p, as_of=as_of, min_group=min_group)
    moves = dimension_moves(p, as_of=as_of, min_group=min_group)
    if as_json:
        echo_json({"min_group": min_group, "rounds": [r.as_dict() for r in rounds],
                   "moves": moves})
        return
    if not rounds:
        click.echo(f"{id}: no survey answers before {as_of}.")
    for r in rounds:
        if not r.shown:
            click.echo(f"{r.quarter}  {r.side:<8} {r.answers} answer(s): fewer than "
                       f"{min_group}, not shown")
            continue
        dims = "  ".join(f"{d.replace('_', ' ')} {v:.0%}" for d, v in r.means.items())
        click.echo(f"{r.quarter}  {r.side:<8} {r.answers} answers  overall "
                   f"{r.overall:.0%}  {dims}")
    for who, move in moves.items():
        click.echo(f"{who}: {move['most'].replace('_', ' ')} moved most, "
                   f"{move['by']:+.0%} of the scale from {move['from']} to {move['to']}")


@partnership.command("exit-plan")
@click.argument("id")
@click.option("--start", required=True, type=DAY, metavar="DATE", help="First day of the exit.")
@click.option("--quota-step", default=0.1, show_default=True,
              help="Licence quota cut per month (0.1 = 10%).")
@click.option("--staff-steps", default=3, show_default=True)
@click.option("--notice-months", default=6, show_default=True,
              help="Tell customers this many months before the end.")
@click.option("--after-sales-owner", default=None)
@click.option("--save", is_flag=True, help="Record the steps on the partnership.")
@JSON
@click.pass_obj
@handle_errors
def exit_plan(obj: Context, id: str, start: dt.date, quota_step: float, staff_steps: int,
              notice_months: int, after_sales_owner: str | None, save: bool,
              as_json: bool) -> None:
    """A stepwise exit plan for partnership ID (printed; recorded with --save)."""
    with obj.open() as store:
        steps = lc.exit_plan(lc.load_partnership(store, id), start, quota_step=quota_step,
                             staff_steps=staff_steps, notice_months=notice_months,
                             after_sales_owner=after_sales_owner)
        if save:
            lc.save_exit_plan(store, id, steps, source="command line")
    if as_json:
        echo_json([{**s, "date": s["date"].isoformat()} for s in steps])
    else:
        for s in steps:
            click.echo(f"{s['date']}  {s['action']:<18} {s['name']}")
        if save:
            click.echo(f"Saved {len(steps)} exit steps on {id}.")


@partnership.command()
@click.argument("id")
@click.pass_obj
@handle_errors
def delete(obj: Context, id: str) -> None:
    """Delete partnership ID and its records (its graph relationships stay)."""
    with obj.open() as store:
        n = lc.delete_partnership(store, id)
    click.echo(f"Deleted {id} and {n} record(s).")


@click.command()
@AS_OF
@click.option("--company", default=None, help="Only partnerships of this company.")
@click.option("--all", "everything", is_flag=True,
              help="Also alerts already resolved (the whole history).")
@click.option("--notify", is_flag=True,
              help="Send each open alert not sent before to the configured channels: a "
              "webhook (ECOSYSTEM_WEBHOOK_URL, signed with ECOSYSTEM_WEBHOOK_SECRET) and "
              "e-mail (ECOSYSTEM_SMTP_HOST, _PORT, _USER, _PASSWORD, _FROM; recipients "
              "ECOSYSTEM_ALERT_EMAILS, the lead's e-mail, and the sponsor's for executive "
              "alerts). What a channel accepted is remembered in the store and never sent "
              "again; what failed is reported and tried again on the next run (exit code 1).")
@RULES
@JSON
@click.pass_obj
@handle_errors
@remembered(unless=("notify",))
def alerts(obj: Context, as_of: dt.date, company: str | None, everything: bool,
           notify: bool, rules: Path | None, as_json: bool) -> None:
    """Open alerts of every partnership (with --all, every alert raised so far), most
    severe first: which rule fired, on which data, and what the method recommends.

    \b
    Run with --notify from cron or a systemd timer to deliver them, e.g. every hour:
    0 * * * * cd /srv/ecosystem && ECOSYSTEM_SMTP_HOST=... ecosystem alerts --notify
    (or `ecosystem serve --notify-every 60`).
    """
    if notify:
        _notify(obj, as_of, company, rules, as_json)
        return
    with obj.open() as store:
        found = lc.evaluate_all(lc.load_partnerships(store, company=company), as_of=as_of,
                                config=_config(rules), open_only=not everything)
    if as_json:
        echo_json([a.as_dict() for a in found])
        return
    if not found:
        click.echo("No alerts." if everything else "No open alerts.")
    for a in found:
        click.echo(_alert_line(a.as_dict()))


def _notify(obj: Context, as_of: dt.date, company: str | None, rules: Path | None,
            as_json: bool) -> None:
    from ecosystem.lifecycle.delivery import Channels, notify

    channels = Channels.from_environment()
    with obj.open() as store:
        report = notify(store, as_of=as_of, channels=channels, config=_config(rules),
                        partnerships=lc.load_partnerships(store, company=company))
    if as_json:
        echo_json(report.as_dict())
    else:
        click.echo(f"{report.open_alerts} open alert(s); sent {len(report.sent)}, "
                   f"already sent {report.already}, failed {len(report.failed)} "
                   f"(channels: {', '.join(channels.names)}).")
        for item in report.sent:
            click.echo(f"  sent   {item['channel']:<8}{item['alert']}  -> {item['to']}")
        for item in report.failed:
            click.echo(f"  FAILED {item['channel']:<8}{item['alert']}: {item['error']}")
    if report.failed:
        raise SystemExit(1)


@click.command()
@AS_OF
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path),
              default=Path("dashboard.html"), show_default=True,
              help="The page to write (HTML, self-contained, offline).")
@click.option("--focus-views/--no-focus-views", default=True, show_default=True,
              help="Also write each company's focus view into OUT's folder "
              "(focus/COMPANY.html), linked from its rows.")
@RULES
@JSON
@click.pass_obj
@handle_errors
def dashboard(obj: Context, as_of: dt.date, out: Path, focus_views: bool,
              rules: Path | None, as_json: bool) -> None:
    """The portfolio dashboard: every partnership with its stage, health and its trend per
    quarter, open alerts by severity, milestones due in 90 days and late ones, KPIs against
    targets and the risk heat map, sortable and filterable, in one offline HTML page."""
    from ecosystem.views.dashboard import portfolio_dashboard
    from ecosystem.views.focus import focus_view

    with obj.open() as store:
        page = portfolio_dashboard(
            store, as_of=as_of, config=_config(rules),
            link=(lambda row: f"focus/{_file_name(row['company'])}.html") if focus_views
            else None)
        if focus_views:
            for company in sorted({r["company"] for r in page.data["rows"]}):
                focus_view(store, company, as_of=as_of).save(
                    out.parent / "focus" / f"{_file_name(company)}.html")
    page.save(out)
    if as_json:
        echo_json(page.data)
        return
    totals = page.data["totals"]
    click.echo(f"Wrote {out} ({totals['partnerships']} partnerships: "
               f"{totals['bands']['critical']} critical, {totals['bands']['watch']} watch; "
               f"{totals['late']} late milestones).")


def _file_name(id: str) -> str:
    """A company id as a file name (ids may hold slashes and spaces)."""
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in id) or "_"


@click.command()
@AS_OF
@click.option("--days", type=click.IntRange(1, 366), default=7, show_default=True,
              help="What changed in this many days before the day.")
@click.option("--send", is_flag=True,
              help="E-mail each owner with an address (lead_email, partner_lead_email, "
              "sponsor_email) their digest over the SMTP settings of `alerts --notify`.")
@RULES
@JSON
@click.pass_obj
@handle_errors
def digest(obj: Context, as_of: dt.date, days: int, send: bool, rules: Path | None,
           as_json: bool) -> None:
    """The weekly digest per owner (lead, partner lead, executive sponsor): what is late,
    what changed and what to decide, as text (or --json), or e-mailed with --send."""
    from ecosystem.lifecycle.digest import digest as build
    from ecosystem.lifecycle.digest import digest_text, send_digest

    with obj.open() as store:
        data = build(lc.load_partnerships(store), as_of=as_of, days=days,
                     config=_config(rules))
    if send:
        from ecosystem.lifecycle.delivery import Channels

        smtp = Channels.from_environment().email
        if smtp is None:
            raise InvalidValue("--send needs ECOSYSTEM_SMTP_HOST and ECOSYSTEM_SMTP_FROM.",
                               field="ECOSYSTEM_SMTP_HOST", value=None)
        result = send_digest(data, smtp)
        if as_json:
            echo_json(result)
        else:
            for item in result["sent"]:
                click.echo(f"sent to {item['owner']} <{item['to']}>")
            for item in result["failed"]:
                click.echo(f"NOT sent to {item['owner']}: {item['error']}")
        if result["failed"]:
            raise SystemExit(1)
        return
    if as_json:
        echo_json(data)
        return
    if not data["owners"]:
        click.echo("No owners recorded: set lead, partner_lead or sponsor (and their _email) "
                   "on the partnerships.")
    for entry in data["owners"]:
        click.echo(digest_text(entry, data["as_of"], data["since"]))


@partnership.command("budget")
@click.argument("id")
@AS_OF
@JSON
@click.pass_obj
@handle_errors
def budget_(obj: Context, id: str, as_of: dt.date, as_json: bool) -> None:
    """Budget of partnership ID per milestone and side: planned spend and people after the
    executive meetings' reallocations, actual, variance (never summed across currencies).

    \b
    ecosystem partnership add voltra-lumen budget_lines side=company currency=EUR \\
        milestone=voltra-lumen/milestone/001 planned=200000 actual=230000
    ecosystem partnership add voltra-lumen reallocations meeting=voltra-lumen/meeting/004 \\
        side=company from_milestone=... to_milestone=... amount=50000 currency=EUR
    """
    from ecosystem.lifecycle.resources import budget

    p = _partnership(obj, id)
    rows = budget(p, as_of=as_of)
    if as_json:
        echo_json([r.as_dict() for r in rows])
        return
    if not rows:
        click.echo(f"{id}: no budget recorded.")
    names = {m.id: m.name or m.id for m in p.milestones}
    for r in rows:
        where = names.get(r.milestone or "", r.milestone or "(partnership)")
        moved = f" ({r.moved:+,.0f} moved)" if r.moved else ""
        actual = ("actual -" if r.actual is None else
                  f"actual {r.actual:,.0f}, variance {r.variance:+,.0f}")
        people = ""
        if r.people_planned is not None or r.people_actual is not None:
            people = (f"; people {_figure(r.people_planned)} planned, "
                      f"{_figure(r.people_actual)} actual")
        click.echo(f"{where:<36} {r.side:<8} budget {r.budget:,.0f} {r.currency}{moved}; "
                   f"{actual}{people}")


def _figure(value: float | None) -> str:
    return "-" if value is None else f"{value:g}"


@partnership.command()
@click.argument("id")
@AS_OF
@JSON
@click.pass_obj
@handle_errors
def resources(obj: Context, id: str, as_of: dt.date, as_json: bool) -> None:
    """Resource pool of partnership ID: shared scope, joint lab and patent-pool entries
    with a warning for each protected item they touch, shared customers' orders attributed
    by contribution, and talent rotations with their non-compete terms.

    \b
    ecosystem partnership protect cortex --class uspc-704
    ecosystem partnership add voltra-cortex pool_entries pool=patent_pool side=partner \\
        patent=US1234567
    """
    from ecosystem.lifecycle.resources import attribution, pool_warnings, rotations

    p = _partnership(obj, id)
    warnings, orders, people = pool_warnings(p), attribution(p, as_of=as_of), \
        rotations(p, as_of=as_of)
    if as_json:
        echo_json({"pool": [{"id": e.id, "pool": e.pool, "side": e.side, "name": e.name,
                             "technology_class": e.technology_class,
                             "capability": e.capability, "patent": e.patent}
                            for e in p.pool],
                   "warnings": [w.as_dict() for w in warnings],
                   "attribution": orders, "rotations": people})
        return
    _section("Resource pool", [
        f"{e.pool:<12} {e.side:<8} {e.name or e.technology_class or e.capability or e.patent}"
        for e in p.pool])
    _section("Warnings", [f"! {w}" for w in warnings])
    _section("Shared customers (attribution by contribution)", [
        f"{o['customer']:<24} {o['orders']} order(s) {o['value']:,.2f} {o['currency']}: "
        f"{p.company} {o['company']:,.2f}, {p.partner} {o['partner']:,.2f}" for o in orders])
    _section("Rotations", [
        f"{r['person']} from {r['home']} since {r['start']}: non-compete {r['non_compete']}"
        + (f" (until {r['non_compete_until']})" if r["non_compete_until"] else "")
        + (f"; now at {r['now_at']}" + (" (a COMPETITOR)" if r["at_competitor"] else "")
           if r["now_at"] else "") for r in people])


@partnership.command()
@click.argument("company")
@click.option("--class", "technology_class", default=None, metavar="ID",
              help="A technology class it does not share.")
@click.option("--capability", default=None, metavar="ID")
@click.option("--patent", default=None, metavar="ID")
@click.option("--reason", default=None)
@click.pass_obj
@handle_errors
def protect(obj: Context, company: str, technology_class: str | None,
            capability: str | None, patent: str | None, reason: str | None) -> None:
    """Add an item to COMPANY's protected core-technology list (give exactly one of
    --class, --capability, --patent); every partnership's resource pool is checked
    against it."""
    from ecosystem.lifecycle.editing import protect_item

    with obj.open() as store:
        item = protect_item(store, company, technology_class=technology_class,
                            capability=capability, patent=patent, reason=reason)
    click.echo(f"{company}: {item} protected.")


@partnership.command()
@click.argument("id")
@AS_OF
@JSON
@click.pass_obj
@handle_errors
def evaluate(obj: Context, id: str, as_of: dt.date, as_json: bool) -> None:
    """Evaluation of partnership ID from the graph: joint patents (co-held, filed since the
    start; also the actuals of a joint_patents KPI), the company's PageRank with and
    without the partnership, and the third parties that tied to either side since."""
    from ecosystem.lifecycle.evaluation import evaluation

    with obj.open() as store:
        result = evaluation(store, lc.load_partnership(store, id), as_of=as_of)
    if as_json:
        echo_json(result)
        return
    influence = result["influence"]
    click.echo(f"{id} from {result['start']} to {result['as_of']}:")
    click.echo(f"  joint patents: {len(result['joint_patents'])}"
               + "".join(f"\n    {j['day']}  {j['patent']}" for j in result["joint_patents"]))
    if influence["pagerank_with"] is not None:
        click.echo(f"  PageRank with the partnership {influence['pagerank_with']:.4f}, "
                   f"without {influence['pagerank_without']:.4f} "
                   f"({influence['share_from_partnership']:.0%} owed to it)")
    click.echo(f"  third parties that tied to either side: {result['third_parties_count']}")
    for t in result["third_parties"]:
        click.echo(f"    {t['since']}  {t['third_party']:<20} {t['kind']} ({t['side']})")


@click.command()
@click.option("--category", default=None, help="Incident category, transformation or exit.")
@click.option("--stage", default=None, help="The stage the case happened in.")
@click.option("--cause", type=click.Choice(["people", "process", "technology", "resources",
                                           "contract", "environment"]), default=None,
              help="A fishbone cause of its why-chain.")
@click.option("--kpi-gap", default=None, metavar="METRIC",
              help="A KPI metric below target before it.")
@click.option("--words", default=None, help="Words in its title, root cause or remedy.")
@click.option("--like", nargs=2, default=None, metavar="PARTNERSHIP INCIDENT",
              help="Instead: the past cases most like this incident, and the action the "
                   "decision tree recommends.")
@JSON
@click.pass_obj
@handle_errors
def cases(obj: Context, category: str | None, stage: str | None, cause: str | None,
          kpi_gap: str | None, words: str | None, like: tuple[str, str] | None,
          as_json: bool) -> None:
    """The case library: resolved incidents, transformations and exits of every
    partnership, with their context and what was done (docs/method.md, stage 4.3).

    \b
    ecosystem cases --cause contract
    ecosystem cases --like voltra-cortex voltra-cortex/incident/002
    """
    from ecosystem.lifecycle.cases import case_library, consult

    with obj.open() as store:
        if like is not None:
            similar, advice = consult(store, *like)
            if as_json:
                echo_json({"similar": [{**c.as_dict(), "similarity": s} for c, s in similar],
                           "recommended": advice.action,
                           "behind": [c.id for c in advice.behind],
                           "rules": advice.rules or None})
                return
            _section(f"Past cases like {like[1]}", [
                f"{s:.2f}  {c.date}  {c.title}: {c.action} ({c.done})" for c, s in similar])
            if advice.action is not None:
                click.echo(f"\nThe decision tree recommends: {advice.action} (learned from "
                           f"{advice.cases} case(s); behind it: "
                           + ", ".join(c.title for c in advice.behind) + ")")
                click.echo(advice.rules)
            return
        found = case_library(store, category=category, stage=stage, cause=cause,
                             kpi_gap=kpi_gap, words=words)
    if as_json:
        echo_json([c.as_dict() for c in found])
        return
    if not found:
        click.echo("No case matches.")
    for c in found:
        click.echo(f"{c.date}  {c.kind:<14} {c.title}\n    stage {c.stage or '-'}; "
                   f"causes {', '.join(c.causes) or '-'}; KPI gaps "
                   f"{', '.join(c.kpi_gaps) or '-'}\n    action {c.action}: {c.done}")


@click.command()
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              metavar="FILE.md", help="Write it here (default: print it).")
@click.pass_obj
@handle_errors
def playbook(obj: Context, out: Path | None) -> None:
    """The case library and the decision rules learned from it, as a Markdown document."""
    from ecosystem.lifecycle.cases import playbook as write_playbook

    with obj.open() as store:
        text = write_playbook(store)
    if out is None:
        click.echo(text)
        return
    try:
        out.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise InvalidValue(f"cannot write {out}: {exc.strerror or exc}", field="out",
                           value=str(out)) from exc
    click.echo(f"Playbook written to {out}")


COMMANDS = [partnership, alerts, dashboard, digest, cases, playbook]
