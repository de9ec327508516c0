"""Link prediction: which ties are likely to form next, and how well that works
(time-split back-tests)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from ecosystem.api.deps import ReadAccess, SettingsDep, StoreDep
from ecosystem.api.params import Cutoff, Day
from ecosystem.api.schemas import (
    BacktestOut,
)
from ecosystem.errors import InvalidValue
from ecosystem.prediction import backtest, predict_links

router = APIRouter(tags=["prediction"], dependencies=[ReadAccess])

Relation = Annotated[str, Query(min_length=1, max_length=100, examples=["member_of"],
                                description="A dated relationship kind, as in the store")]
Horizon = Annotated[str, Query(max_length=20, examples=["1y"],
                               description="How far ahead: 1y, 18m, 90d")]


class PredictionOut(BaseModel):
    source: str = Field(examples=["ibm"])
    target: str = Field(examples=["lfeu"])
    score: float = Field(examples=[0.535], description="The model's probability that the "
                         "tie forms within the horizon")
    evidence: dict[str, float | None] = Field(
        examples=[{"common_neighbours": 137.0, "adamic_adar": 96.9}],
        description="Every feature the model saw for the pair (null: unknown)")


@router.get("/predictions", response_model=list[PredictionOut])
def predictions(store: StoreDep, settings: SettingsDep, relation: Relation, as_of: Day,
                company: Annotated[str | None, Query(min_length=1, max_length=500)] = None,
                target: Annotated[str | None, Query(
                    min_length=1, max_length=600, examples=["programme:cncf"],
                    description="Only pairs with this target: who joins this programme (or "
                    "ties with this company) next")] = None,
                top: Annotated[int, Query()] = 20, horizon: Horizon = "1y"
                ) -> list[dict[str, Any]]:
    """The pairs most likely to form a ``relation`` tie within ``horizon`` after ``as_of``,
    best first, scored by the learned model trained on the history before ``as_of``, with
    the evidence behind each; ``company`` keeps the pairs involving it, ``target`` those
    with that target. Ids are the store's.

    Results are kept until the stored data change, so repeated requests are cheap.
    """
    if not 1 <= top <= settings.max_top:
        raise InvalidValue(f"top is {top}; give 1 to {settings.max_top}.", field="top",
                           value=top)
    key = ("api-predictions", relation, as_of, company, target, top, horizon)
    return store.cached(key, lambda: [p.as_dict() for p in predict_links(
        store, relation, as_of=as_of, company=company, target=target, top=top,
        horizon=horizon)])


@router.get("/backtests", response_model=BacktestOut)
def backtests(store: StoreDep, relation: Relation, cutoff: Cutoff, horizon: Horizon = "1y",
              k: Annotated[int, Query(ge=1, le=1000)] = 5) -> dict[str, Any]:
    """Back-test link prediction: know only what was there before ``cutoff``, predict the
    ties that formed in the ``horizon`` after it, and score the learned model and every
    topological baseline (MAP, AUC, average precision, Hits@k, Recall@k, per-company
    recall and average precision), with the model's gain over the best baseline and its
    95% bootstrap interval. Pairs with no tie in the window are unlabelled: AUC and
    average precision count them as negatives (lower bounds).
    """
    key = ("api-backtests", relation, cutoff, horizon, k)
    return store.cached(key, lambda: backtest(store, relation, cutoff=cutoff,
                                              horizon=horizon, k=k).as_dict())
