"""Commands of ecosystem structure: influence rankings, what-if, communities and bridges."""

from __future__ import annotations

import datetime as dt

import click

from ecosystem.cli.common import AS_OF, JSON, Context, echo_json, handle_errors, remembered
from ecosystem.metrics.weights import DEFAULT_INFLUENCE_METRICS, INFLUENCE_METRIC_NAMES
from ecosystem.model import NodeKind

__all__ = ["COMMANDS"]


@click.command()
@AS_OF
@click.option("--top", default=20, show_default=True, help="How many rows.")
@click.option("--metric", "metrics", multiple=True,
              type=click.Choice(INFLUENCE_METRIC_NAMES),
              help="Metrics to compute (repeatable); the first orders the rows. Default: "
              + ", ".join(DEFAULT_INFLUENCE_METRICS) + ".")
@click.option("--programmes", is_flag=True, help="Rank programmes instead of companies.")
@JSON
@click.pass_obj
@handle_errors
@remembered()
def influence(obj: Context, as_of: dt.date | None, top: int, metrics: tuple[str, ...],
              programmes: bool, as_json: bool) -> None:
    """Rank companies (or programmes) by influence: PageRank, strength, betweenness,
    Burt's constraint and effective size, on the weighted ecosystem graph."""
    from ecosystem.metrics.report import (
        DEFAULT_INFLUENCE_METRICS,
        influence_rows,
        influence_table,
    )

    chosen = list(metrics) or list(DEFAULT_INFLUENCE_METRICS)
    kinds = (NodeKind.PROGRAMME,) if programmes else (NodeKind.COMPANY,)
    with obj.open() as store:
        table = influence_table(store, as_of=as_of, metrics=chosen, kinds=kinds,
                                progress=obj.bars(as_json)).head(top)
    if as_json:
        echo_json(influence_rows(table))
        return
    header = "".join(f"{m[:14]:>15}" for m in chosen)
    click.echo(f"{'':>4}{'name':<36}{header}")
    for rank, (_, row) in enumerate(table.iterrows(), start=1):
        values = "".join(f"{row[m]:>15.4g}" for m in chosen)
        click.echo(f"{rank:>3} {str(row['name'])[:35]:<36}{values}")


@click.command()
@click.argument("company")
@click.option("--add", "adds", multiple=True, metavar="KIND:TARGET[:WEIGHT]",
              help="A tie to add, e.g. partners_with:cortex or member_of:cncf:3.")
@click.option("--remove", "removes", multiple=True, metavar="KIND:TARGET",
              help="A tie to remove, e.g. member_of:openssf.")
@AS_OF
@JSON
@click.pass_obj
@handle_errors
@remembered()
def whatif(obj: Context, company: str, adds: tuple[str, ...], removes: tuple[str, ...],
           as_of: dt.date | None, as_json: bool) -> None:
    """How COMPANY's influence would change with a partnership added or a tie removed."""
    from ecosystem.metrics.report import parse_change, what_if

    with obj.open() as store:
        result = what_if(store, company, add=[parse_change(a) for a in adds],
                         remove=[parse_change(r) for r in removes], as_of=as_of)
    if as_json:
        echo_json(result.as_dict())
        return
    click.echo(f"{result.company}: " + "; ".join(result.changes))
    click.echo(f"  {'metric':<22}{'before':>12}{'after':>12}{'change':>12}")
    for name, before in result.before.items():
        after = result.after[name]
        click.echo(f"  {name:<22}{before:>12.4g}{after:>12.4g}{after - before:>+12.4g}")


@click.command(name="communities")
@AS_OF
@click.option("--top", default=10, show_default=True, help="How many communities and bridges.")
@JSON
@click.pass_obj
@handle_errors
@remembered()
def communities_(obj: Context, as_of: dt.date | None, top: int, as_json: bool) -> None:
    """Communities of the ecosystem (Louvain, fixed seed) with what dominates them, and the
    pairs of communities with few ties between them, with the companies that could bridge
    them."""
    from ecosystem.metrics.communities import (
        bridges,
        community_labels,
        community_names,
        summarise,
    )
    from ecosystem.metrics.influence import influence_graph

    with obj.open() as store:
        graph = influence_graph(store, as_of=as_of)
        labels = community_labels(store, graph)
        found = summarise(store, graph, labels, as_of=as_of)[:top]
        links = bridges(graph, labels, top=top)
        named = community_names(store, graph, labels)
    if as_json:
        echo_json({"communities": [vars(c) for c in found],
                   "bridges": [vars(b) | {"ratio": b.ratio} for b in links]})
        return
    for c in found:
        click.echo(f"{c.name} (#{c.label}): {c.size:,} members; programmes "
                   f"{', '.join(c.programmes) or '-'}")
        if c.capabilities:
            click.echo("  capabilities: " + ", ".join(f"{n} ({k})" for n, k in c.capabilities))
        if c.industries:
            click.echo("  industries:   " + ", ".join(f"{n} ({k})" for n, k in c.industries))
        click.echo("  central:      " + ", ".join(c.central))
    if links:
        click.echo("\nFew ties between (observed / expected tie weight), and who could bridge:")
        for b in links:
            click.echo(f"  {named[b.a]} - {named[b.b]}: {b.ties:.1f} / {b.expected:.1f}  "
                       f"via {', '.join(b.brokers)}")


COMMANDS = [influence, whatif, communities_]
