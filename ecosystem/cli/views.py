"""``ecosystem view ...``: write interactive maps as self-contained HTML (or PNG/SVG)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from ecosystem.cli.common import AS_OF, Context, handle_errors, remembered
from ecosystem.dates import today
from ecosystem.scanning.axes import Axis
from ecosystem.views.kinds import FOCUS_KINDS, MAP_KINDS, MAX_NODES

if TYPE_CHECKING:
    from ecosystem.views import View

__all__ = ["COMMANDS", "report"]

F = TypeVar("F", bound=Callable[..., Any])


def _out(default: str) -> Callable[[F], F]:
    def decorate(command: F) -> F:
        command = click.option(
            "--format", "fmt", type=click.Choice(["html", "png", "svg"]), default=None,
            help="Output format (default: from the file's suffix, else html).")(command)
        return click.option(
            "--out", "-o", type=click.Path(dir_okay=False, path_type=Path), default=default,
            show_default=True, help="File to write: .html (interactive), .png or .svg.",
        )(command)
    return decorate


def report(view: View, path: Path) -> None:
    """Print where a view went and what it shows."""

    click.echo(f"Wrote {path} ({len(view.nodes):,} nodes, {len(view.edges):,} edges): "
               f"{view.title}")
    for note in view.notes:
        click.echo(f"  {note}")


@click.group()
def view() -> None:
    """Interactive network views, written as one self-contained HTML file each (no network
    access needed to open them; safe to share), or as PNG/SVG for slides."""


@view.command(name="map")
@AS_OF
@click.option("--color-by", type=click.Choice(["community", "industry"]), default="community",
              show_default=True, help="Colour companies by Louvain community or industry "
              "(the SIC major group of each company's best-evidenced sector).")
@click.option("--top", type=int, default=None, help="Only the N most influential nodes.")
@click.option("--kind", "kinds", multiple=True, type=click.Choice([k.value for k in MAP_KINDS]),
              help="Relationship kinds to draw (repeatable; default: all of these).")
@click.option("--max-nodes", type=int, default=MAX_NODES, show_default=True,
              help="Above this many nodes, draw communities as single nodes.")
@click.option("--all-edges", is_flag=True,
              help="Draw every tie (a dense map of over a thousand nodes draws each node's "
              "3 strongest by default).")
@_out("map.html")
@click.pass_obj
@handle_errors
@remembered(files=("out",))
def map_(obj: Context, as_of: dt.date | None, color_by: str, top: int | None,
         kinds: tuple[str, ...], max_nodes: int, all_edges: bool, out: Path,
         fmt: str | None) -> None:
    """The ecosystem map: companies and programmes sized by influence, coloured by
    community or industry, edges styled by relationship kind; with no --as-of, a date
    slider."""
    from ecosystem.views import ecosystem_map

    with obj.open() as store:
        result = ecosystem_map(store, as_of=as_of, color_by=color_by,  # type: ignore[arg-type]
                               top=top, kinds=kinds or MAP_KINDS, max_nodes=max_nodes,
                               all_edges=all_edges)
    report(result, result.save(out, format=fmt))


@view.command()
@click.argument("company")
@click.option("--hops", default=1, show_default=True, help="How many relationships away (1-4).")
@click.option("--kind", "kinds", multiple=True, metavar="KIND",
              help="Relationship kinds to follow (repeatable), e.g. member_of, "
              "partners_with, has_capability, in_industry. Default: company ties and "
              "memberships.")
@AS_OF
@click.option("--max-nodes", default=400, show_default=True, help="Draw at most this many.")
@_out("focus.html")
@click.pass_obj
@handle_errors
@remembered(files=("out",))
def focus(obj: Context, company: str, hops: int, kinds: tuple[str, ...], as_of: dt.date | None,
          max_nodes: int, out: Path, fmt: str | None) -> None:
    """COMPANY (an id or a name) and everything within --hops relationships of it."""
    from ecosystem.views import focus_view

    with obj.open() as store:
        result = focus_view(store, company, hops=hops, as_of=as_of, max_nodes=max_nodes,
                            kinds=kinds or FOCUS_KINDS)
    report(result, result.save(out, format=fmt))


@view.command()
@click.argument("company")
@click.option("--needs", "needs_file", type=click.Path(exists=True, dir_okay=False,
                                                       path_type=Path),
              help="A needs map (YAML/JSON); default: the stored one, if any.")
@click.option("--top", default=20, show_default=True, help="How many candidates.")
@click.option("--axis", type=click.Choice([a.value for a in Axis]), default="both",
              show_default=True, help="In-industry, cross-industry or both (half each).")
@click.option("--weights", default=None, metavar="NAME=W,...", help="Fit weights, as for scan.")
@click.option("--predict", "predict_kind", default=None, metavar="KIND",
              help="Draw predicted ties from this dated relation as dashed edges (e.g. "
              "member_of: candidates predicted to join your programmes).")
@AS_OF
@_out("radar.html")
@click.pass_obj
@handle_errors
@remembered(files=("out",))
def radar(obj: Context, company: str, needs_file: Path | None, top: int, axis: str,
          weights: str | None, predict_kind: str | None, as_of: dt.date | None, out: Path,
          fmt: str | None) -> None:
    """The partner radar of COMPANY: candidates placed by fit score, in-industry on the
    left, cross-industry on the right, each with its score explanation; with --predict,
    predicted ties dashed."""
    from ecosystem.prediction.model import predicted_partners
    from ecosystem.scanning.needs import read_needs_file
    from ecosystem.scanning.scan import parse_weights
    from ecosystem.views import partner_radar

    needs_map = read_needs_file(needs_file) if needs_file else None
    with obj.open() as store:
        predicted = [] if predict_kind is None else [
            (other, score) for other, (score, _) in predicted_partners(
                store, company, predict_kind, as_of=as_of or today()).items()]
        result = partner_radar(store, company, needs=needs_map, top=top, axis=axis,
                               weights=parse_weights(weights), as_of=as_of,
                               predicted=predicted)
    report(result, result.save(out, format=fmt))


@view.command()
@click.option("--company", default=None, help="Also show this company's cross-industry "
              "candidates.")
@click.option("--top", default=10, show_default=True, help="How many community gaps.")
@AS_OF
@_out("opportunities.html")
@click.pass_obj
@handle_errors
@remembered(files=("out",))
def opportunities(obj: Context, company: str | None, top: int, as_of: dt.date | None, out: Path,
                  fmt: str | None) -> None:
    """Cross-industry opportunities: communities, the pairs with too few ties between
    them, and the companies placed to bridge them."""
    from ecosystem.views import opportunities_view

    with obj.open() as store:
        result = opportunities_view(store, company=company, top=top, as_of=as_of)
    report(result, result.save(out, format=fmt))


@view.command()
@click.argument("programme")
@AS_OF
@click.option("--others/--no-others", default=True, show_default=True,
              help="Show the members' other programmes.")
@_out("programme.html")
@click.pass_obj
@handle_errors
@remembered(files=("out",))
def programme(obj: Context, programme: str, as_of: dt.date | None, others: bool, out: Path,
              fmt: str | None) -> None:
    """Members of PROGRAMME (an id, see `ecosystem nodes programme`) by tier, and their
    other programmes."""
    from ecosystem.views import programme_view

    with obj.open() as store:
        result = programme_view(store, programme, as_of=as_of, other_programmes=others)
    report(result, result.save(out, format=fmt))


COMMANDS = [view]
