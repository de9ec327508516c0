"""The explorer: a page at ``/`` and the JSON it asks for under ``/v1/explore``.

The page and its scripts are files of the package (vis-network from pyvis's wheel, our own
from ``ecosystem/views/assets``): nothing is fetched from another host, and every page is
sent with a Content-Security-Policy that allows scripts, styles and requests from this
server only.
"""

from __future__ import annotations

import html
import io
from functools import cache
from importlib import resources
from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query, Request, Response
from fastapi.responses import HTMLResponse
from pydantic import Field

from ecosystem.api.answers import cached_json
from ecosystem.api.deps import ReadAccess, SettingsDep, StoreDep
from ecosystem.api.errors import ApiError, ErrorType
from ecosystem.api.params import AsOf, AsOfOrToday
from ecosystem.api.schemas import (
    CompanyPageOut,
    ExploreMetaOut,
    ExploreNodeOut,
    NeighboursOut,
    ProgrammePageOut,
    RequestModel,
)
from ecosystem.errors import InvalidValue
from ecosystem.views.kinds import FOCUS_KINDS

__all__ = ["CSP", "data", "page"]

#: Scripts, styles, images and requests from this server only; no frames, forms or plugins.
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
       "connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'none'; "
       "frame-ancestors 'none'")
_HEADERS = {"Content-Security-Policy": CSP, "X-Content-Type-Options": "nosniff",
            "Referrer-Policy": "no-referrer", "X-Frame-Options": "DENY"}
#: The files the page loads: name -> (package, path, media type).
_ASSETS = {
    "vis-network.min.js": ("pyvis", "lib/vis-9.1.2/vis-network.min.js", "text/javascript"),
    "vis-network.css": ("pyvis", "lib/vis-9.1.2/vis-network.css", "text/css"),
    "labels.js": ("ecosystem.views", "assets/labels.js", "text/javascript"),
    "explorer.js": ("ecosystem.views", "assets/explorer.js", "text/javascript"),
    "explorer.css": ("ecosystem.views", "assets/explorer.css", "text/css"),
}

page = APIRouter(tags=["explorer"], include_in_schema=False)
data = APIRouter(prefix="/explore", tags=["explorer"], dependencies=[ReadAccess])

Kinds = Annotated[list[str] | None, Query(
    max_length=20, description="Relationship kinds to follow (default: those of the focus "
    "view)")]
NodeKey = Annotated[str, Query(min_length=3, max_length=600, examples=["company:ibm"])]


@cache
def _asset(name: str) -> bytes:
    package, path, _ = _ASSETS[name]
    return (resources.files(package) / path).read_bytes()


@page.get("/", response_class=HTMLResponse)
def explorer(request: Request) -> HTMLResponse:
    """The explorer page (reads need no key unless the server asks keys for reads)."""
    header = request.app.state.settings.header
    text = _page_template().replace("{{ key_header }}", html.escape(header, quote=True))
    return HTMLResponse(text, headers=_HEADERS)


@cache
def _page_template() -> str:
    return (resources.files("ecosystem.views") / "assets" / "explorer.html").read_text(
        encoding="utf-8")


@page.get("/dashboard", response_class=HTMLResponse, dependencies=[ReadAccess])
def dashboard(request: Request, as_of: AsOfOrToday) -> HTMLResponse:
    """The portfolio dashboard page; each row opens its company in the explorer. (The
    page carries its own policy, with its scripts' hashes.)"""
    from urllib.parse import urlencode

    from ecosystem.views.dashboard import portfolio_dashboard

    day = as_of.isoformat()
    page = portfolio_dashboard(request.app.state.store, as_of=as_of, link=lambda row: "/?" +
                               urlencode({"focus": f"company:{row['company']}",
                                          "expand": f"company:{row['company']}",
                                          "as_of": day}))
    return HTMLResponse(page.html(), headers={k: v for k, v in _HEADERS.items()
                                              if k != "Content-Security-Policy"})


@page.get("/explorer/{name}")
def asset(name: Annotated[str, Path(max_length=40)]) -> Response:
    """One of the page's own files."""
    if name not in _ASSETS:
        raise ApiError(ErrorType.NOT_FOUND, f"No explorer file {name!r}.")
    return Response(_asset(name), media_type=_ASSETS[name][2],
                    headers={**_HEADERS, "Cache-Control": "public, max-age=3600"})


def _kinds(kinds: list[str] | None) -> tuple[str, ...]:
    chosen = tuple(kinds) if kinds else FOCUS_KINDS
    for kind in chosen:
        if kind not in FOCUS_KINDS:
            raise InvalidValue(f"kind is {kind!r}; use one of {', '.join(FOCUS_KINDS)}.",
                               field="kind", value=kind)
    return chosen


@data.get("/meta", response_model=ExploreMetaOut)
def meta(store: StoreDep) -> Response:
    """What the controls offer: relationship kinds, organisation types, sectors, dates."""
    from ecosystem.explorer import explorer_meta

    return cached_json(store, ("api-explore-meta",), ExploreMetaOut,
                       lambda: explorer_meta(store))


@data.get("/suggest", response_model=list[ExploreNodeOut])
def suggest(store: StoreDep, q: Annotated[str, Query(max_length=200)],
            limit: Annotated[int, Query(ge=1, le=50)] = 8) -> Response:
    """Companies and programmes matching ``q``, best first."""
    from ecosystem.explorer import suggest as found

    return cached_json(store, ("api-explore-suggest", q.strip().casefold(), limit),
                       list[ExploreNodeOut], lambda: found(store, q, limit=limit))


@data.get("/companies/{company}", response_model=CompanyPageOut)
def company(store: StoreDep, company: Annotated[str, Path(min_length=1, max_length=500)],
            as_of: AsOf) -> Response:
    """A company's page: type, sectors, memberships, ties, patents, partnerships."""
    from ecosystem.explorer import company_page

    return cached_json(store, ("api-explore-company", company, as_of), CompanyPageOut,
                       lambda: company_page(store, company, as_of=as_of))


@data.get("/programmes/{programme}", response_model=ProgrammePageOut)
def programme(store: StoreDep, programme: Annotated[str, Path(min_length=1, max_length=500)],
              as_of: AsOf) -> Response:
    """A programme's page: members by tier, who joined in the last year, the best
    connected members."""
    from ecosystem.explorer import programme_page

    return cached_json(store, ("api-explore-programme", programme, as_of), ProgrammePageOut,
                       lambda: programme_page(store, programme, as_of=as_of))


@data.get("/neighbours", response_model=NeighboursOut)
def neighbours(store: StoreDep, settings: SettingsDep, node: NodeKey, as_of: AsOf,
               kind: Kinds = None, limit: Annotated[int, Query(ge=1)] = 20,
               offset: Annotated[int, Query(ge=0)] = 0) -> Response:
    """A page of a node's neighbours, best connected first, and the edges to them."""
    from ecosystem.explorer import neighbours as around

    if limit > settings.max_page:
        raise InvalidValue(f"limit is {limit}; the most is {settings.max_page}.",
                           field="limit", value=limit)
    kinds = _kinds(kind)
    return cached_json(store, ("api-explore-neighbours", node, as_of, kinds, limit, offset),
                       NeighboursOut, lambda: around(store, node, as_of=as_of, kinds=kinds,
                                                      limit=limit, offset=offset))


class ExportIn(RequestModel):
    """The explorer's current graph, to be written as the CLI writes a view."""

    focal: str = Field(min_length=3, max_length=600, examples=["company:ibm"])
    nodes: list[str] = Field(min_length=1, max_length=5000,
                             examples=[["company:ibm", "programme:cncf"]])
    as_of: str | None = Field(default=None, max_length=10, examples=["2024-06-30"])
    kinds: list[str] | None = Field(default=None, max_length=20)
    format: Literal["html", "png", "svg"] = "html"


_MEDIA = {"html": "text/html; charset=utf-8", "png": "image/png", "svg": "image/svg+xml"}


@data.post("/export", response_class=Response, responses={200: {
    "content": {"text/html": {}, "image/png": {}, "image/svg+xml": {}},
    "description": "The view as a file to download."}})
def export(store: StoreDep, body: ExportIn) -> Response:
    """The current graph as a self-contained HTML page, or a PNG or SVG picture."""
    from ecosystem.dates import parse_day
    from ecosystem.explorer import explored_view

    as_of = parse_day(body.as_of) if body.as_of else None
    view = explored_view(store, body.focal, body.nodes, as_of=as_of, kinds=_kinds(body.kinds))
    if body.format == "html":
        content = view.html().encode("utf-8")
    else:
        from ecosystem.views.static import save_static

        buffer = io.BytesIO()
        save_static(view, buffer, body.format)
        content = buffer.getvalue()
    name = "".join(c if c.isalnum() else "-" for c in view.title).strip("-")[:80] or "view"
    headers = {"Content-Disposition": f'attachment; filename="{name}.{body.format}"',
               "X-Content-Type-Options": "nosniff"}
    if body.format != "html":  # the page carries its own policy, with its scripts' hashes
        headers["Content-Security-Policy"] = CSP
    return Response(content, media_type=_MEDIA[body.format], headers=headers)
