"""Companies, capabilities, technology classes and programmes."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Path, Query, Response

from ecosystem.api.answers import cached_json
from ecosystem.api.deps import ReadAccess, SettingsDep, StoreDep, WriteAccess
from ecosystem.api.params import AsOf
from ecosystem.api.schemas import (
    CellValue,
    CompaniesOut,
    CompanyOut,
    NodeOut,
    NodesOut,
    node_out,
    relationship_out,
)
from ecosystem.editing import company_detail, company_identity, find_companies, upsert_node
from ecosystem.errors import InvalidValue
from ecosystem.model import NodeKind, RelKind

router = APIRouter(tags=["ecosystem"], dependencies=[ReadAccess])

Id = Annotated[str, Path(min_length=1, max_length=500, examples=["ibm"])]
Limit = Annotated[int, Query(ge=1, description="Page size (at most the configured maximum)")]
Offset = Annotated[int, Query(ge=0)]


def _page(settings: Any, limit: int) -> int:
    if limit > settings.max_page:
        raise InvalidValue(f"limit is {limit}; the most is {settings.max_page}.",
                           field="limit", value=limit)
    return limit


@router.get("/companies", response_model=CompaniesOut)
def list_companies(store: StoreDep, settings: SettingsDep, as_of: AsOf,
                   search: Annotated[str | None, Query(max_length=200)] = None,
                   industry: Annotated[str | None, Query(max_length=500)] = None,
                   capability: Annotated[str | None, Query(max_length=500)] = None,
                   programme: Annotated[str | None, Query(max_length=500)] = None,
                   limit: Limit = 50, offset: Offset = 0) -> CompaniesOut:
    """Companies, searched by id or name and filtered by industry, capability, programme."""
    page, total = find_companies(store, search=search, industry=industry,
                                 capability=capability, programme=programme, as_of=as_of,
                                 limit=_page(settings, limit), offset=offset)
    return CompaniesOut(items=[node_out(n) for n in page], total=total, limit=limit,
                        offset=offset)


@router.get("/companies/{company}", response_model=CompanyOut)
def get_company(store: StoreDep, company: Id, as_of: AsOf) -> Response:
    """One company with its capabilities, programmes and relationships; patent counts are
    summed per class in ``patents`` rather than listed year by year."""
    def build() -> CompanyOut:
        node, rels, patents = company_detail(store, company, as_of=as_of)
        return CompanyOut(**node_out(node).model_dump(), **company_identity(store, node),
                          relationships=[relationship_out(r) for r in rels], patents=patents)

    return cached_json(store, ("api-company", company, as_of), CompanyOut, build)


@router.put("/companies/{company}", response_model=NodeOut, dependencies=[WriteAccess])
def put_company(store: StoreDep, company: Id,
                properties: Annotated[dict[str, CellValue], Body(
                    examples=[{"name": "Voltra Motors", "country": "DE",
                               "strategy_horizon_years": 5}])]) -> NodeOut:
    """Create or update a company; fields left out keep their values, null clears one."""
    upsert_node(store, NodeKind.COMPANY, {**properties, "id": company},
                source=f"PUT /v1/companies/{company}")
    return node_out(store.node(NodeKind.COMPANY, company))


def _list(kind: NodeKind):  # type: ignore[no-untyped-def]
    def handler(store: StoreDep, settings: SettingsDep,
                search: Annotated[str | None, Query(max_length=200)] = None,
                limit: Limit = 100, offset: Offset = 0) -> NodesOut:
        items = store.nodes(kind, search=search)
        page = items[offset:offset + _page(settings, limit)]
        return NodesOut(items=[node_out(n) for n in page], total=len(items), limit=limit,
                        offset=offset)

    handler.__doc__ = f"{kind.value.replace('_', ' ').capitalize()} nodes, searched by id or name."
    return handler


for _path, _kind in (("/capabilities", NodeKind.CAPABILITY),
                     ("/technology-classes", NodeKind.TECHNOLOGY_CLASS),
                     ("/programmes", NodeKind.PROGRAMME), ("/industries", NodeKind.INDUSTRY)):
    router.add_api_route(_path, _list(_kind), methods=["GET"], response_model=NodesOut,
                         name=f"list_{_kind.value}")


@router.get("/programmes/{programme}/members", response_model=NodesOut)
def programme_members(store: StoreDep, settings: SettingsDep, programme: Id,
                      as_of: AsOf, limit: Limit = 100, offset: Offset = 0) -> NodesOut:
    """Members of a programme (as of a date), with their tiers in ``properties.tier``."""
    store.node(NodeKind.PROGRAMME, programme)
    rels = [r for r in store.relationships(RelKind.MEMBER_OF, as_of=as_of,
                                           node=(NodeKind.PROGRAMME, programme))]
    page = rels[offset:offset + _page(settings, limit)]
    items = []
    for rel in page:
        node = node_out(store.node(NodeKind.COMPANY, rel.source))
        node.properties = {**node.properties, "tier": rel.properties.get("tier"),
                           "since": rel.since, "until": rel.until}
        items.append(node)
    return NodesOut(items=items, total=len(rels), limit=limit, offset=offset)
