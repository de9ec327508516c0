"""``ecosystem predict`` and ``ecosystem backtest``: who partners next, and how well that
can be known from the past."""

from __future__ import annotations

import datetime as dt

import click

from ecosystem.cli.common import DAY, JSON, Context, echo_json, handle_errors, remembered
from ecosystem.model import RelKind

__all__ = ["COMMANDS"]

RELATION = click.option("--relation", required=True, type=click.Choice([k.value for k in RelKind]),
                        metavar="KIND", help="The dated relationship kind, e.g. member_of or "
                        "partners_with (as named in the store).")
HORIZON = click.option("--horizon", default="1y", show_default=True, metavar="DURATION",
                       help="How far ahead: 1y, 18m, 90d.")


@click.command()
@click.argument("company", required=False)
@RELATION
@click.option("--as-of", "as_of", required=True, type=DAY, metavar="DATE",
              help="Predict from this day; nothing dated on or after it is used.")
@click.option("--top", default=20, show_default=True, help="How many pairs.")
@HORIZON
@JSON
@click.pass_obj
@handle_errors
@remembered()
def predict(obj: Context, company: str | None, relation: str, as_of: dt.date, top: int,
            horizon: str, as_json: bool) -> None:
    """The ties most likely to form next (within --horizon after --as-of), with the evidence
    behind each; only those of COMPANY if given. A model trained on the relation's history
    before --as-of ranks every pair with no tie yet."""
    from ecosystem.prediction import predict_links

    with obj.open() as store:
        found = predict_links(store, relation, as_of=as_of, company=company, top=top,
                              horizon=horizon)
    if as_json:
        echo_json([p.as_dict() for p in found])
        return
    if not found:
        click.echo("No candidate pairs: nothing to predict.")
    for rank, p in enumerate(found, start=1):
        click.echo(f"{rank:>3}. {p.score:.3f}  {p.source} -> {p.target}")
        click.echo(f"       {p.explain()}")


@click.command()
@RELATION
@click.option("--cutoff", required=True, type=DAY, metavar="DATE",
              help="Train on what was known before this day ...")
@HORIZON
@click.option("--k", default=5, show_default=True, help="Cut-off rank of Hits@k and Recall@k.")
@JSON
@click.pass_obj
@handle_errors
@remembered()
def backtest(obj: Context, relation: str, cutoff: dt.date, horizon: str, k: int,
             as_json: bool) -> None:
    """Back-test link prediction: know only what was there before --cutoff, predict the ties
    that formed in the --horizon after it, and score the learned model and every
    topological baseline (MAP, AUC, average precision, Hits@k, Recall@k)."""
    from ecosystem.prediction import backtest as run_backtest

    with obj.open() as store:
        result = run_backtest(store, relation, cutoff=cutoff, horizon=horizon, k=k,
                              progress=obj.bars(as_json))
    if as_json:
        echo_json(result.as_dict())
        return
    click.echo(f"{result.relation}: cut-off {result.cutoff}, test window to {result.end}")
    click.echo(f"  {result.candidates:,} candidate pairs, {result.test_ties:,} test ties "
               f"({result.formed_in_window:,} formed in the window, {result.new_node_ties:,} "
               "of them by nodes with no history before the cut-off, not scored)")
    click.echo(f"  trained on {len(result.training_windows)} window(s) "
               f"{result.training_windows[-1][0]} to {result.training_windows[0][1]}: "
               f"{result.training_pairs:,} pairs, {result.training_positives:,} ties")
    click.echo(result.table())
    low, high = result.map_gain_interval()
    click.echo(f"Model vs best baseline ({result.best_baseline.method}) MAP: "
               f"{result.map_gain:+.1%} (95% bootstrap interval over companies {low:+.1%} to "
               f"{high:+.1%}). Unlabelled pairs count as negatives in AUC and AP "
               "(lower bounds); recall and hits use positives only.")


COMMANDS = [predict, backtest]
