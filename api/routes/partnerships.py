"""Partnerships through their lifecycle, and the alerts they raise."""

from __future__ import annotations

import tempfile
from pathlib import Path as FilePath
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, File, Path, Query, Response, UploadFile
from pydantic import Field
from starlette.concurrency import run_in_threadpool

from ecosystem import lifecycle as lc
from ecosystem.api.deps import ReadAccess, SettingsDep, StoreDep, WriteAccess
from ecosystem.api.errors import ApiError, ErrorType
from ecosystem.api.params import AsOfOrToday, BodyDay
from ecosystem.api.schemas import (
    AlertOut,
    CaseOut,
    CellValue,
    ClauseChangeOut,
    DigestOut,
    ImportOut,
    PartnershipOut,
    PartnershipStatusOut,
    PeriodHealthOut,
    PortfolioOut,
    RequestModel,
    SimilarCasesOut,
)
from ecosystem.api.uploads import named_for_client, save_uploads
from ecosystem.dates import today
from ecosystem.editing import upsert_node
from ecosystem.lifecycle.health import HealthWeights
from ecosystem.model import STAGES, NodeKind

router = APIRouter(tags=["partnerships"], dependencies=[ReadAccess])

Id = Annotated[str, Path(min_length=1, max_length=500, examples=["voltra-cortex"])]
Stage = Literal[STAGES]  # type: ignore[valid-type]
Value = CellValue
RecordTable = Literal["risks", "milestones", "kpis", "kpi_actuals", "meetings", "incidents",
                      "whys", "clauses", "survey_responses", "budget_lines",
                      "reallocations", "pool_entries", "shared_customers", "rotations",
                      "exit_steps"]


class PartnershipIn(RequestModel):
    """A new partnership in its first stage."""

    id: str = Field(min_length=1, max_length=500, examples=["voltra-cortex"])
    company: str = Field(min_length=1, max_length=500, examples=["voltra"])
    partner: str = Field(min_length=1, max_length=500, examples=["cortex"])
    name: str | None = Field(default=None, max_length=1000)
    stage: Stage = "identified"
    date: BodyDay | None = Field(default=None, examples=["2024-01-08"],
                                description="Day of the first stage; default today")
    fields: dict[str, Value] = Field(default_factory=dict, examples=[
        {"form": "joint R&D", "cost_share": 0.5}])


class StageIn(RequestModel):
    """A change of stage."""

    stage: Stage
    date: BodyDay | None = Field(default=None, examples=["2025-10-15"],
                                description="Day of the change; default today")
    reason: str | None = Field(default=None, max_length=10_000)
    form: str | None = Field(default=None, max_length=1000,
                             description="The new form, when the stage is 'transformed'.")
    becomes: Literal["partners_with", "joint_venture"] = Field(
        default="partners_with", description="Transformation: the new relationship's kind.")
    ends: list[Literal["partners_with", "joint_venture", "competes_with"]] = Field(
        default=["partners_with", "joint_venture"], max_length=3,
        description="Transformation: the kinds of the pair's relationships that end.")


@router.get("/partnerships", response_model=list[PartnershipStatusOut])
def list_partnerships(store: StoreDep, as_of: AsOfOrToday,
                      company: Annotated[str | None, Query(max_length=500)] = None
                      ) -> list[dict[str, Any]]:
    """Every partnership with its stage, latest health index and open alerts."""
    return [s.as_dict() for s in lc.statuses(store, as_of=as_of, company=company)]


@router.post("/partnerships", status_code=201, dependencies=[WriteAccess],
             response_model=PartnershipOut)
def create_partnership(store: StoreDep, body: PartnershipIn) -> dict[str, Any]:
    """Record a new partnership between a company and a partner, in its first stage."""
    fields: dict[str, Any] = dict(body.fields)
    p = lc.create_partnership(store, body.id, body.company, body.partner, name=body.name,
                              stage=body.stage, date=body.date,
                              source="POST /v1/partnerships", **fields)
    return lc.partnership_report(p, as_of=today())


@router.get("/partnerships/{partnership}", response_model=PartnershipOut)
def get_partnership(store: StoreDep, partnership: Id, as_of: AsOfOrToday) -> dict[str, Any]:
    """Everything about one partnership: stages, risks, milestones, KPIs, meetings,
    incidents and their conflict log, agreement, surveys, budget, resource pool, exit steps,
    health per period, alerts, and the evaluation from the graph."""
    return lc.partnership_report(lc.load_partnership(store, partnership), as_of=as_of,
                                 store=store)


@router.patch("/partnerships/{partnership}", dependencies=[WriteAccess],
              response_model=PartnershipOut)
def update_partnership(store: StoreDep, partnership: Id,
                       fields: Annotated[dict[str, Value], Body(examples=[
                           {"goals": "3 joint products in 3 years", "cost_share": 0.6}])]
                       ) -> dict[str, Any]:
    """Change the partnership's own fields (agreement terms, cadence ...); null clears one."""
    store.node(NodeKind.PARTNERSHIP, partnership)
    upsert_node(store, NodeKind.PARTNERSHIP, {**fields, "id": partnership},
                source=f"PATCH /v1/partnerships/{partnership}")
    return lc.partnership_report(lc.load_partnership(store, partnership), as_of=today())


@router.delete("/partnerships/{partnership}", status_code=204, dependencies=[WriteAccess])
def delete_partnership(store: StoreDep, partnership: Id) -> Response:
    """Delete a partnership and its records (its graph relationships stay)."""
    lc.delete_partnership(store, partnership)
    return Response(status_code=204)


@router.post("/partnerships/{partnership}/stages", status_code=201,
             dependencies=[WriteAccess], response_model=PartnershipOut)
def change_stage(store: StoreDep, partnership: Id, body: StageIn) -> dict[str, Any]:
    """Move the partnership to a new stage; changes that skip the stage rules, or dated
    before the recorded history, are refused."""
    source = f"POST /v1/partnerships/{partnership}/stages"
    if body.stage == "transformed":
        lc.transform(store, partnership, form=body.form or "", date=body.date,
                     reason=body.reason, becomes=body.becomes, ends=body.ends, source=source)
    else:
        lc.change_stage(store, partnership, body.stage, date=body.date, reason=body.reason,
                        form=body.form, source=source)
    return lc.partnership_report(lc.load_partnership(store, partnership), as_of=today())


@router.post("/partnerships/{partnership}/records/{table}", status_code=201,
             dependencies=[WriteAccess], response_model=ImportOut)
def add_records(store: StoreDep, settings: SettingsDep, partnership: Id, table: RecordTable,
                rows: Annotated[list[dict[str, Value]], Body(examples=[[
                    {"name": "Fusion algorithm version 7", "due": "2026-09-30"}]])]
                ) -> dict[str, Any]:
    """Add or update records (all or nothing); rows without an id get one."""
    if len(rows) > settings.max_page:
        raise ApiError(ErrorType.TOO_LARGE, f"{len(rows)} rows; send at most {settings.max_page} "
                       "per request, or upload a file to /import.")
    summary = lc.add_records(store, table, rows, partnership=partnership,
                             source=f"POST /v1/partnerships/{partnership}/records/{table}")
    return summary.as_dict()


@router.post("/partnerships/{partnership}/import", response_model=ImportOut,
             dependencies=[WriteAccess])
async def import_records(store: StoreDep, settings: SettingsDep, partnership: Id,
                         file: Annotated[UploadFile, File(
                             description="A CSV, Parquet or .xlsx file of records")],
                         table: Annotated[RecordTable | None, Query()] = None) -> ImportOut:
    """Import milestones, KPI actuals or other records from a CSV or Excel upload (sheets
    or the file named after their table, or ``table``), all or nothing."""
    with tempfile.TemporaryDirectory() as tmp:
        (path,) = await save_uploads([file], FilePath(tmp),
                                     allowed=(".csv", ".parquet", ".xlsx"),
                                     max_bytes=settings.max_upload_bytes)
        with named_for_client(FilePath(tmp)):
            summary = await run_in_threadpool(lc.import_records, store, path, table=table,
                                              partnership=partnership)
    return ImportOut(**summary.as_dict())


@router.post("/partnerships/{partnership}/surveys", response_model=ImportOut,
             dependencies=[WriteAccess])
async def import_survey(store: StoreDep, settings: SettingsDep, partnership: Id,
                        file: Annotated[UploadFile, File(
                            description="A survey form export (CSV or .xlsx), one row per "
                            "answer")],
                        side: Annotated[Literal["company", "partner"], Query()],
                        scale_max: Annotated[float | None, Query(ge=1, le=100)] = None
                        ) -> ImportOut:
    """Import one side's answers from a survey form export, all or nothing: columns found
    by name (the five dimensions and the timestamp); names, e-mail addresses and comments
    are never stored."""
    from ecosystem.lifecycle.editing import import_survey as read_survey

    with tempfile.TemporaryDirectory() as tmp:
        (path,) = await save_uploads([file], FilePath(tmp), allowed=(".csv", ".xlsx"),
                                     max_bytes=settings.max_upload_bytes)
        with named_for_client(FilePath(tmp)):
            summary = await run_in_threadpool(read_survey, store, partnership, path,
                                              side=side, scale_max=scale_max)
    return ImportOut(**summary.as_dict())


@router.get("/partnerships/{partnership}/health", response_model=list[PeriodHealthOut])
def partnership_health(store: StoreDep, partnership: Id, as_of: AsOfOrToday,
                       months: Annotated[int | None, Query(ge=1, le=24)] = None,
                       weights: Annotated[str | None, Query(
                           max_length=200, examples=["kpis=0.5,milestones=0.5"])] = None
                       ) -> list[dict[str, Any]]:
    """The health diagnosis period by period (components not named in weights get 0)."""
    chosen = HealthWeights.parse(weights) if weights else None
    periods = lc.diagnose(lc.load_partnership(store, partnership), as_of=as_of,
                          months=months, weights=chosen)
    return [h.as_dict() for h in periods]


@router.get("/partnerships/{partnership}/agreement/diff",
            response_model=list[ClauseChangeOut])
def partnership_agreement_diff(
        store: StoreDep, partnership: Id,
        start: Annotated[str, Query(alias="from", max_length=10, pattern=r"^[0-9-]+$",
                                    examples=["1", "2025-01-01"])],
        end: Annotated[str, Query(alias="to", max_length=10, pattern=r"^[0-9-]+$",
                                  examples=["2", "2026-06-30"])]) -> list[dict[str, Any]]:
    """What changed in the agreement from one version (number) or day to another: clauses
    added, changed (with a line diff) and retired, each with its reason and cause."""
    from ecosystem.lifecycle.agreement import agreement_diff, parse_version

    changes = agreement_diff(lc.load_partnership(store, partnership),
                             parse_version(start, "from"), parse_version(end, "to"))
    return [c.as_dict() for c in changes]


_Text = Annotated[str | None, Query(max_length=200)]


@router.get("/cases", response_model=list[CaseOut])
def list_cases(store: StoreDep, category: _Text = None, stage: _Text = None,
               cause: _Text = None, kpi_gap: _Text = None, words: _Text = None
               ) -> list[dict[str, Any]]:
    """The case library: resolved incidents, transformations and exits with their context
    (stage, fishbone causes, KPI gaps) and what was done, filtered by what is given."""
    from ecosystem.lifecycle.cases import case_library

    return [c.as_dict() for c in case_library(store, category=category, stage=stage,
                                               cause=cause, kpi_gap=kpi_gap, words=words)]


@router.get("/cases/similar", response_model=SimilarCasesOut)
def similar_cases(store: StoreDep,
                  partnership: Annotated[str, Query(min_length=1, max_length=500)],
                  incident: Annotated[str, Query(min_length=1, max_length=500)],
                  top: Annotated[int, Query(ge=1, le=50)] = 3) -> dict[str, Any]:
    """The past cases most like an incident, and the action the decision tree learned
    from the cases recommends (with the cases behind it and the rules as text)."""
    from ecosystem.lifecycle.cases import consult

    found, advice = consult(store, partnership, incident, top=top)
    return {"similar": [{**c.as_dict(), "similarity": score} for c, score in found],
            "recommended": advice.action, "behind": [c.id for c in advice.behind],
            "rules": advice.rules or None}


@router.get("/playbook", response_class=Response,
            responses={200: {"content": {"text/markdown": {}}}})
def get_playbook(store: StoreDep) -> Response:
    """The case library and the decision rules as a Markdown document."""
    from ecosystem.lifecycle.cases import playbook

    return Response(playbook(store), media_type="text/markdown; charset=utf-8")


@router.get("/alerts", response_model=list[AlertOut])
def list_alerts(store: StoreDep, as_of: AsOfOrToday,
                company: Annotated[str | None, Query(max_length=500)] = None,
                all: Annotated[bool, Query(description="Also resolved alerts")] = False
                ) -> list[dict[str, Any]]:
    """Open alerts (or every alert raised so far) of every partnership, most severe first."""
    found = lc.evaluate_all(lc.load_partnerships(store, company=company), as_of=as_of,
                            open_only=not all)
    return [a.as_dict() for a in found]


@router.get("/portfolio", response_model=PortfolioOut)
def portfolio(store: StoreDep, as_of: AsOfOrToday) -> dict[str, Any]:
    """Every partnership as the dashboard shows it: stage, health and its trend per quarter,
    open alerts by level, milestones due in 90 days and late ones, risks and KPIs; and the
    risk heat map of the portfolio (`ecosystem dashboard`)."""
    from ecosystem.lifecycle.portfolio import portfolio as build

    return build(lc.load_partnerships(store), as_of=as_of)


@router.get("/digest", response_model=DigestOut)
def digest(store: StoreDep, as_of: AsOfOrToday,
           days: Annotated[int, Query(ge=1, le=366)] = 7) -> dict[str, Any]:
    """The digest per owner (lead, partner lead, executive sponsor) of the ``days`` before
    ``as_of``: what is late, what changed, what to decide (`ecosystem digest`)."""
    from ecosystem.lifecycle.digest import digest as build

    return build(lc.load_partnerships(store), as_of=as_of, days=days)
