"""Needs maps, partner scanning, overlap, influence and cross-industry opportunities."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query, Response

from ecosystem.api.answers import cached_json
from ecosystem.api.deps import ReadAccess, SettingsDep, StoreDep, WriteAccess
from ecosystem.api.params import AsOf, WindowDep
from ecosystem.api.schemas import (
    CandidateOut,
    InfluenceRowOut,
    NeedsIn,
    NeedsOut,
    OpportunitiesOut,
    OverlapOut,
)
from ecosystem.dates import Window, today
from ecosystem.entities.lookup import resolve_company
from ecosystem.entities.organisation_types import parse_org_types
from ecosystem.errors import InvalidValue
from ecosystem.metrics.communities import bridges, communities, summarise
from ecosystem.metrics.influence import influence_graph
from ecosystem.metrics.report import influence_rows, influence_table
from ecosystem.model import NodeKind
from ecosystem.prediction.model import predicted_partners, with_predictions
from ecosystem.scanning.axes import MIN_CONFIDENCE, Axis
from ecosystem.scanning.needs import load_needs, parse_needs, save_needs
from ecosystem.scanning.pair import pair_metrics
from ecosystem.scanning.scan import parse_weights, scan_partners

router = APIRouter(tags=["analysis"], dependencies=[ReadAccess])

Company = Annotated[str, Path(min_length=1, max_length=500, examples=["ibm"])]
ScanAxis = Literal["in-industry", "cross-industry", "both"]
Include = Annotated[str | None, Query(
    max_length=200, examples=["non_profit,academic"],
    description="Organisation types proposed besides companies: non_profit, academic, "
    "government, project (comma-separated)")]
MinConfidence = Annotated[float, Query(
    ge=0, le=1, description="Leave out candidates whose score rests on less evidence than "
    "this (share of the weighted fit that is known); 0 keeps them all")]
Predict = Annotated[str | None, Query(
    min_length=1, max_length=100, examples=["member_of"],
    description="Add link-prediction evidence from this dated relation (member_of: "
    "candidates predicted to join the company's programmes) as of as_of or today")]


def _top(settings: Any, top: int) -> int:
    if not 1 <= top <= settings.max_top:
        raise InvalidValue(f"top is {top}; give 1 to {settings.max_top}.", field="top",
                           value=top)
    return top


def _needs_json(store: Any, company: str) -> dict[str, Any]:
    needs = load_needs(store, company)
    return {"company": needs.company, "needs": [
        vars(n) | {"capabilities": list(n.capabilities), "classes": list(n.classes)}
        for n in needs.needs]}


@router.get("/companies/{company}/needs", response_model=NeedsOut)
def get_needs(store: StoreDep, company: Company) -> dict[str, Any]:
    """The stored capability-needs map of a company."""
    return _needs_json(store, resolve_company(store, company))


@router.put("/companies/{company}/needs", dependencies=[WriteAccess], response_model=NeedsOut)
def put_needs(store: StoreDep, company: Company, body: NeedsIn) -> dict[str, Any]:
    """Create or update the needs map of a company (needs are upserted by id)."""
    focal = resolve_company(store, company)
    needs = parse_needs({"company": focal, "needs": [
        {k: v for k, v in n.model_dump().items() if v is not None} for n in body.needs]},
        f"PUT /v1/companies/{company}/needs")
    save_needs(store, needs)
    return _needs_json(store, focal)


def _scan(store: Any, settings: Any, company: str, needs: NeedsIn | None, axis: str,
          top: int, weights: str | None, as_of: dt.date | None, window: Window,
          whatif: bool, predict: str | None, include: str | None,
          min_confidence: float) -> list[dict[str, Any]]:
    needs_map = None
    if needs is not None:
        focal = resolve_company(store, company)
        needs_map = parse_needs({"company": focal, "needs": [
            {k: v for k, v in n.model_dump().items() if v is not None} for n in needs.needs]},
            "request body")
    result = scan_partners(store, company, needs=needs_map, top=_top(settings, top),
                           axis=Axis(axis), weights=parse_weights(weights), as_of=as_of,
                           window=window, what_if=whatif,
                           include=parse_org_types(include), min_confidence=min_confidence)
    if predict is not None:
        result = with_predictions(result, predicted_partners(store, result.focal, predict,
                                                             as_of=as_of or today()))
    return [c.as_dict() for c in result.candidates]


@router.get("/scan/{company}", response_model=list[CandidateOut])
def scan(store: StoreDep, settings: SettingsDep, company: Company, as_of: AsOf,
         window: WindowDep, axis: ScanAxis = "both", top: Annotated[int, Query()] = 10,
         weights: Annotated[str | None, Query(max_length=200,
                                              examples=["strategy=0.2,capability=0.6"])] = None,
         whatif: bool = False, predict: Predict = None, include: Include = None,
         min_confidence: MinConfidence = MIN_CONFIDENCE) -> Response:
    """Candidate partners for a company and its stored needs, with the full fit explanation
    (each with its organisation type and sectors, and their evidence).

    Results are kept until the stored data change, so repeated requests are cheap.
    """
    key = ("api-scan", company, axis, top, weights, as_of, window, whatif, predict,
           include, min_confidence)
    return cached_json(store, key, list[CandidateOut], lambda: _scan(
        store, settings, company, None, axis, top, weights, as_of, window, whatif, predict,
        include, min_confidence))


@router.post("/scan/{company}", response_model=list[CandidateOut])
def scan_for_needs(store: StoreDep, settings: SettingsDep, company: Company, body: NeedsIn,
                   as_of: AsOf, window: WindowDep, axis: ScanAxis = "both",
                   top: Annotated[int, Query()] = 10,
                   weights: Annotated[str | None, Query(max_length=200)] = None,
                   whatif: bool = False, predict: Predict = None, include: Include = None,
                   min_confidence: MinConfidence = MIN_CONFIDENCE) -> list[dict[str, Any]]:
    """Candidate partners for a company and the needs in the body (not stored)."""
    return _scan(store, settings, company, body, axis, top, weights, as_of, window,
                 whatif, predict, include, min_confidence)


@router.get("/overlap", response_model=OverlapOut)
def overlap(store: StoreDep, a: Annotated[str, Query(min_length=1, max_length=500)],
            b: Annotated[str, Query(min_length=1, max_length=500)], as_of: AsOf,
            window: WindowDep) -> dict[str, Any]:
    """Every overlap, proximity and complementarity metric for two companies."""
    return pair_metrics(store, a, b, as_of=as_of, window=window)


@router.get("/influence", response_model=list[InfluenceRowOut])
def influence(store: StoreDep, settings: SettingsDep, as_of: AsOf,
              top: Annotated[int, Query()] = 20,
              metric: Annotated[list[str] | None, Query()] = None,
              programmes: bool = False) -> list[dict[str, Any]]:
    """Influence ranking of companies (or programmes) as of a date."""
    kinds = (NodeKind.PROGRAMME,) if programmes else (NodeKind.COMPANY,)
    table = influence_table(store, as_of=as_of, metrics=metric, kinds=kinds)
    return influence_rows(table.head(_top(settings, top)))


@router.get("/opportunities", response_model=OpportunitiesOut)
def opportunities(store: StoreDep, settings: SettingsDep, as_of: AsOf,
                  top: Annotated[int, Query()] = 10) -> dict[str, Any]:
    """Cross-industry opportunities, structurally: communities, and the pairs of them with
    few ties between them together with the members who could bridge them."""
    graph = influence_graph(store, as_of=as_of)
    labels = communities(graph)
    limit = _top(settings, top)
    return {"communities": [vars(c) for c in summarise(store, graph, labels,
                                                        as_of=as_of)[:limit]],
            "bridges": [vars(b) | {"ratio": b.ratio} for b in bridges(graph, labels,
                                                                      top=limit)]}
