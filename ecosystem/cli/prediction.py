"""``ecosystem predict`` and ``ecosystem backtest``: who partners next, and how well that
can be known from the past."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

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
@click.option("--target", default=None, metavar="NODE",
              help="Who ties with this target next: programme:cncf (who joins CNCF), or a "
              "company for a company-company relation.")
@click.option("--top", default=20, show_default=True, help="How many pairs.")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              metavar="FILE", help="Write the full ranking of every candidate pair (no --top "
              "limit) to FILE.csv or FILE.parquet instead of printing.")
@HORIZON
@JSON
@click.pass_obj
@handle_errors
@remembered(files=("out",))
def predict(obj: Context, company: str | None, relation: str, as_of: dt.date,
            target: str | None, top: int, out: Path | None, horizon: str,
            as_json: bool) -> None:
    """The ties most likely to form next (within --horizon after --as-of), with the evidence
    behind each; only those of COMPANY, or of --target, if given. A model trained on the
    relation's history before --as-of ranks every pair with no tie yet. Scores are called
    probabilities only when the model's calibration, checked on a training window it did
    not see, holds (expected error at most half the base rate)."""
    from ecosystem.prediction.model import ranking

    if out is not None:
        _check_out(out)
    with obj.open() as store:
        found = ranking(store, relation, as_of=as_of, company=company, target=target,
                        top=None if out is not None else top, horizon=horizon)
    what = "probability" if found.calibrated else "score"
    if out is not None:
        _write_ranking(found.predictions, out, what)
        click.echo(f"Wrote {out} ({len(found.predictions):,} pairs, best first; column "
                   f"{what!r}).")
        return
    if as_json:
        # "calibrated": whether "score" reads as the probability of the tie (checked on a
        # training window the model did not see)
        echo_json([p.as_dict() | {"calibrated": found.calibrated} for p in found.predictions])
        return
    if not found.predictions:
        click.echo("No candidate pairs: nothing to predict.")
        return
    click.echo(f"rank  {what}" + (f" that the {relation} tie forms within {horizon}"
                                   if found.calibrated else ""))
    shown = [f"{p.score:.3f}" for p in found.predictions]
    for rank, (p, score) in enumerate(zip(found.predictions, shown, strict=True), start=1):
        click.echo(f"{rank:>3}. {score}  {p.source} -> {p.target}")
        click.echo(f"       {p.explain()}")
    if len(set(shown)) < len(shown):
        click.echo(f"Pairs of equal {what} are in the order of the model's raw score "
                   + ("(each probability is learnt from a group of a few hundred training "
                      "pairs, so close pairs can share one)." if found.calibrated else
                      "(shown to three decimals)."))


def _check_out(path: Path) -> None:
    """Refuse an output file that is not CSV or Parquet, or whose folder does not exist,
    before any work is done."""
    from ecosystem.errors import InvalidValue

    if path.suffix.lower() not in (".csv", ".parquet"):
        raise InvalidValue(f"cannot write the ranking as {path.name!r}; name a file ending "
                           "in .csv or .parquet.", field="out", value=str(path))
    if not path.parent.is_dir():
        raise InvalidValue(f"cannot write {str(path)!r}: folder {str(path.parent)!r} does "
                           "not exist; create it first.", field="out", value=str(path))


def _write_ranking(predictions: list[Any], path: Path, what: str) -> None:
    """Every pair with its rank, score and evidence, written to a partial file and then
    renamed (a failed write leaves no half file)."""
    import os

    import pandas as pd

    from ecosystem.errors import InvalidValue

    frame = pd.DataFrame([{"rank": i, "source": p.source, "target": p.target,
                           what: p.score, **p.evidence}
                          for i, p in enumerate(predictions, start=1)])
    partial = path.with_name(path.name + ".partial")
    try:
        if path.suffix.lower() == ".csv":
            frame.to_csv(partial, index=False)
        else:
            frame.to_parquet(partial, index=False)
        os.replace(partial, path)
    except OSError as error:
        partial.unlink(missing_ok=True)
        raise InvalidValue(f"cannot write {str(path)!r}: {error.strerror or error}.",
                           field="out", value=str(path)) from None


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
               "of them by nodes with no history before the cut-off: see cold start)")
    click.echo(f"  trained on {len(result.training_windows)} window(s) "
               f"{result.training_windows[-1][0]} to {result.training_windows[0][1]}: "
               f"{result.training_pairs:,} pairs, {result.training_positives:,} ties")
    click.echo(result.table())
    click.echo("Baselines are chosen per view on the latest training window; intervals are "
               "95% bootstrap over sources or targets. Unlabelled pairs count as negatives "
               "in AUC and AP (lower bounds); recall and hits use positives only.")


COMMANDS = [predict, backtest]
