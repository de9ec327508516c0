"""Commands of partner scanning: needs maps, scan, overlap (docs/method.md, stage 1)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from ecosystem.cli.common import AS_OF, DAY, JSON, Context, echo_json, handle_errors, remembered
from ecosystem.dates import parse_window, today
from ecosystem.scanning.axes import MIN_CONFIDENCE, SCAN_AXES

__all__ = ["COMMANDS"]

_SINCE = click.option("--since", default=None, type=DAY, metavar="DATE",
                      help="Window start: only relationships holding on or after it.")
_UNTIL = click.option("--until", default=None, type=DAY, metavar="DATE",
                      help="Window end: only relationships that began before it.")


@click.group()
def needs() -> None:
    """Capability-needs maps: what a company needs, with standards and priorities."""


@needs.command(name="set")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.pass_obj
@handle_errors
def needs_set(obj: Context, file: Path) -> None:
    """Store the needs map in FILE (YAML or JSON) in the graph.

    \b
    company: voltra
    needs:
      - id: cockpit-fusion
        name: Cockpit-driving fusion algorithms
        capabilities: [autonomy/fusion]
        classes: [G06N]
        min_level: 3
        min_patents: 10
        weight: 2
        horizon_years: 3
    """
    from ecosystem.scanning.needs import read_needs_file, save_needs

    needs_map = read_needs_file(file)
    with obj.open() as store:
        save_needs(store, needs_map)
    click.echo(f"Stored {len(needs_map.needs)} need(s) of {needs_map.company}.")


@needs.command(name="show")
@click.argument("company")
@JSON
@click.pass_obj
@handle_errors
@remembered()
def needs_show(obj: Context, company: str, as_json: bool) -> None:
    """Show the stored needs map of COMPANY (an id or a name)."""
    from ecosystem.entities.lookup import resolve_company
    from ecosystem.scanning.needs import load_needs

    with obj.open() as store:
        needs_map = load_needs(store, resolve_company(store, company))
    if as_json:
        echo_json({"company": needs_map.company,
                   "needs": [vars(n) | {"capabilities": list(n.capabilities),
                                        "classes": list(n.classes)}
                             for n in needs_map.needs]})
        return
    if not needs_map.needs:
        click.echo(f"{needs_map.company} has no stored needs; add them with "
                   "`ecosystem needs set FILE`.")
    for need in needs_map.needs:
        click.echo(f"{need.id}: {need.name} (weight {need.weight:g})")
        for cap in need.capabilities:
            click.echo(f"  capability {cap}  (level >= {need.min_level:g})")
        for cls in need.classes:
            click.echo(f"  class {cls}  (patents >= {need.min_patents})")


@click.command()
@click.argument("company")
@click.option("--needs", "needs_file", type=click.Path(exists=True, dir_okay=False,
                                                       path_type=Path),
              help="A needs map (YAML/JSON) to scan for; default: the stored one, if any.")
@click.option("--top", default=10, show_default=True, help="How many candidates (1-1000).")
@click.option("--axis", type=click.Choice([a.value for a in SCAN_AXES]), default="both",
              show_default=True, help="In-industry, cross-industry or both.")
@click.option("--include", default=None, metavar="TYPES",
              help="Also propose these organisation types (non_profit, academic, government, "
              "project; comma-separated). Default: companies only.")
@click.option("--min-confidence", default=MIN_CONFIDENCE, show_default=True,
              type=click.FloatRange(0, 1),
              help="Leave out candidates whose score rests on less evidence than this "
              "(share of the weighted fit that is known); 0 shows them all.")
@click.option("--weights", default=None, metavar="NAME=W,...",
              help="Fit weights, e.g. strategy=0.2,capability=0.6,culture=0.2 (also "
              "complementarity, synergy, overlap).")
@click.option("--explain", is_flag=True, help="Print each score's decomposition and evidence.")
@click.option("--whatif", "with_whatif", is_flag=True,
              help="Also show how each partnership would change your influence.")
@click.option("--predict", "predict_kind", default=None, metavar="KIND",
              help="Add link-prediction evidence from this dated relation (e.g. member_of: "
              "candidates predicted to join your programmes), trained on its history "
              "before --as-of (default today).")
@AS_OF
@_SINCE
@_UNTIL
@JSON
@click.pass_obj
@handle_errors
@remembered()
def scan(obj: Context, company: str, needs_file: Path | None, top: int, axis: str,
         include: str | None, min_confidence: float, weights: str | None, explain: bool,
         with_whatif: bool, predict_kind: str | None, as_of: dt.date | None,
         since: dt.date | None, until: dt.date | None, as_json: bool) -> None:
    """Rank candidate partners for COMPANY (an id or a name) on strategy, capability and
    culture fit, inside its industry and across industries."""
    from ecosystem.entities.organisation_types import parse_org_types
    from ecosystem.prediction.model import predicted_partners, with_predictions
    from ecosystem.scanning.needs import read_needs_file
    from ecosystem.scanning.scan import parse_weights, scan_partners

    fit = parse_weights(weights)
    needs_map = read_needs_file(needs_file) if needs_file else None
    with obj.open() as store:
        result = scan_partners(store, company, needs=needs_map, top=top, axis=axis,
                               weights=fit, as_of=as_of, window=parse_window(since, until),
                               what_if=with_whatif, include=parse_org_types(include),
                               min_confidence=min_confidence)
        if predict_kind is not None:
            result = with_predictions(result, predicted_partners(
                store, result.focal, predict_kind, as_of=as_of or today()))
    if as_json:
        echo_json([c.as_dict() for c in result.candidates])
        return
    sectors = ", ".join(dict.fromkeys(a.sector for a in result.sectors)) or "unknown"
    thin = (f"; {result.thin:,} left out for thin evidence, --min-confidence 0 shows them"
            if result.thin else "")
    click.echo(f"Candidates for {result.focal} (sector {sectors}; {result.considered:,} "
               f"considered{thin})")
    if result.gaps:
        click.echo("Unmet share of each need: " + ", ".join(
            f"{need} {gap:.0%}" for need, gap in result.gaps.items()))
    for rank, cand in enumerate(result.candidates, start=1):
        dims = ", ".join(f"{d.name} {d.score:.2f}" if d.known else f"{d.name} unknown"
                         for d in (cand.capability, cand.strategy, cand.culture))
        sector = ", ".join(dict.fromkeys(a.sector for a in cand.sectors)) or "sector unknown"
        click.echo(f"{rank:>3}. {cand.score:.2f}  {cand.name} ({cand.company})  "
                   f"[{cand.axis.value}, {sector}; {dims}; confidence "
                   f"{cand.confidence:.2f}]")
        if explain:
            for line in cand.explanation[1:]:
                click.echo(f"       {line}")
        elif predict_kind is not None:
            for reason in cand.reasons:
                if reason.startswith("predicted"):
                    click.echo(f"       {reason}")
        elif cand.what_if:
            click.echo(f"       {cand.explanation[-1]}")


@click.command()
@click.argument("a")
@click.argument("b")
@AS_OF
@_SINCE
@_UNTIL
@JSON
@click.pass_obj
@handle_errors
@remembered()
def overlap(obj: Context, a: str, b: str, as_of: dt.date | None, since: dt.date | None,
            until: dt.date | None, as_json: bool) -> None:
    """Every overlap, proximity and complementarity metric for companies A and B."""
    from ecosystem.scanning.pair import pair_metrics

    with obj.open() as store:
        metrics = pair_metrics(store, a, b, as_of=as_of, window=parse_window(since, until))
    if as_json:
        echo_json(metrics)
        return
    click.echo(f"{metrics['a']} and {metrics['b']}")
    for name, value in metrics.items():
        if name in {"a", "b", "flags"} or (value is None and name in {"window", "as_of"}):
            continue
        shown = "undefined" if value is None else (f"{value:.3f}" if isinstance(value, float)
                                                   else value)
        click.echo(f"  {name:<28}{shown}")
    for flag in metrics["flags"]:
        click.echo(f"  note: {flag}")


COMMANDS = [needs, scan, overlap]
