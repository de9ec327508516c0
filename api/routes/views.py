"""Interactive views as self-contained HTML pages (the same pages the CLI writes)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query
from fastapi.responses import HTMLResponse

from ecosystem.api.deps import ReadAccess, SettingsDep, StoreDep
from ecosystem.api.params import AsOf
from ecosystem.errors import InvalidValue
from ecosystem.scanning.axes import Axis
from ecosystem.views import (
    View,
    ecosystem_map,
    focus_view,
    opportunities_view,
    partner_radar,
    programme_view,
)

router = APIRouter(prefix="/views", tags=["views"], dependencies=[ReadAccess],
                   default_response_class=HTMLResponse)

Id = Annotated[str, Path(min_length=1, max_length=500, examples=["ibm"])]
_PAGE: dict[int | str, dict[str, Any]] = {
    200: {"content": {"text/html": {}}, "description": "A self-contained HTML page."}}


def _page(view: View) -> HTMLResponse:
    return HTMLResponse(view.html(), headers={"X-Content-Type-Options": "nosniff"})


def _limit(value: int, limit: int, field: str) -> int:
    if not 1 <= value <= limit:
        raise InvalidValue(f"{field} is {value}; give 1 to {limit}.", field=field, value=value)
    return value


@router.get("/map", responses=_PAGE)
def map_view(store: StoreDep, settings: SettingsDep, as_of: AsOf,
             top: Annotated[int, Query()] = 300,
             color_by: Literal["community", "industry"] = "community") -> HTMLResponse:
    """The ecosystem map of the ``top`` most influential companies and programmes."""
    chosen = _limit(top, settings.max_view_nodes, "top")
    return store.cached(("api-view-map", as_of, chosen, color_by), lambda: _page(
        ecosystem_map(store, as_of=as_of, top=chosen, color_by=color_by)))


@router.get("/focus/{company}", responses=_PAGE)
def focus(store: StoreDep, company: Id, as_of: AsOf,
          hops: Annotated[int, Query()] = 1) -> HTMLResponse:
    """A company and everything within ``hops`` relationships of it."""
    return _page(focus_view(store, company, hops=hops, as_of=as_of))


@router.get("/radar/{company}", responses=_PAGE)
def radar(store: StoreDep, settings: SettingsDep, company: Id, as_of: AsOf,
          top: Annotated[int, Query()] = 20, axis: Axis = Axis.BOTH) -> HTMLResponse:
    """The partner radar of a company (its stored needs), candidates placed by fit."""
    return _page(partner_radar(store, company, top=_limit(top, settings.max_top, "top"),
                               axis=axis, as_of=as_of))


@router.get("/opportunities", responses=_PAGE)
def opportunities(store: StoreDep, settings: SettingsDep, as_of: AsOf,
                  company: Annotated[str | None, Query(max_length=500)] = None,
                  top: Annotated[int, Query()] = 10) -> HTMLResponse:
    """Communities, the pairs with too few ties between them, and who could bridge them."""
    return _page(opportunities_view(store, company=company, as_of=as_of,
                                    top=_limit(top, settings.max_top, "top")))


@router.get("/programme/{programme}", responses=_PAGE)
def programme(store: StoreDep, programme: Id, as_of: AsOf) -> HTMLResponse:
    """The members of a programme by tier, and their other programmes."""
    return _page(programme_view(store, programme, as_of=as_of))
