"""Recording a partnership's life: creation, stage changes, records, transformation, exit.

Every function here is one atomic write through the store's validation, so the lifecycle
rules of :mod:`ecosystem.io.lifecycle_checks` apply exactly as they do to an import: a bad
date, figure or stage change is refused with a message naming the field and the value,
and nothing is saved.

The partnership is also drawn on the graph: when it starts operating a ``partners_with``
relationship starts (its ``scope`` is the partnership's form); a transformation ends the
pair's relationships and starts one with the new form, keeping the history; ending the
partnership ends its relationships.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from ecosystem.dates import add_months, checked, checked_day, today
from ecosystem.errors import Conflict, ImportRefused, InvalidValue, Problem
from ecosystem.io.batch import ROW, RawTable
from ecosystem.io.tabular import read_table_file
from ecosystem.lifecycle.records import (
    Partnership,
    StageChange,
    load_partnership,
)
from ecosystem.model import (
    LIFECYCLE_KINDS,
    NODE_SCHEMAS,
    SURVEY_DIMENSIONS,
    NodeKind,
    RelKind,
    Stage,
    parse_node_kind,
)
from ecosystem.stores.base import Store, WriteSummary

__all__ = ["RECORD_TABLES", "TIE_KINDS", "add_records", "change_stage", "create_partnership",
           "delete_partnership", "exit_plan", "import_records", "import_survey", "node_table",
           "protect_item", "record_table",
           "save_exit_plan", "transform"]

#: The record tables that can be added to a partnership, by table name.
RECORD_TABLES: Mapping[str, NodeKind] = {
    NODE_SCHEMAS[k].table: k for k in LIFECYCLE_KINDS if k is not NodeKind.PARTNERSHIP}
_PREFIX = {NodeKind.STAGE_CHANGE: "stage", NodeKind.RISK: "risk",
           NodeKind.MILESTONE: "milestone", NodeKind.KPI: "kpi",
           NodeKind.MEETING: "meeting", NodeKind.INCIDENT: "incident",
           NodeKind.EXIT_STEP: "exit", NodeKind.WHY: "why", NodeKind.CLAUSE: "clause",
           NodeKind.SURVEY_RESPONSE: "survey", NodeKind.BUDGET_LINE: "budget",
           NodeKind.REALLOCATION: "realloc", NodeKind.POOL_ENTRY: "pool",
           NodeKind.SHARED_CUSTOMER: "customer", NodeKind.ROTATION: "rotation"}
#: The relationship kinds that draw a partnership on the graph.
TIE_KINDS: tuple[RelKind, ...] = (RelKind.PARTNERS_WITH, RelKind.JOINT_VENTURE)


def record_table(name: str) -> NodeKind:
    """The record kind of a table name or kind name (``milestones``, ``milestone``)."""
    if name in RECORD_TABLES:
        return RECORD_TABLES[name]
    kind = parse_node_kind(name)
    if kind not in RECORD_TABLES.values():
        raise InvalidValue(f"{name!r} is not a partnership record; give one of "
                           f"{', '.join(RECORD_TABLES)}.", field="table", value=name)
    return kind


def _cells(row: Mapping[str, Any]) -> dict[str, Any]:
    return {k: (";".join(map(str, v)) if isinstance(v, list | tuple) else
                v.isoformat() if isinstance(v, dt.date) else v)
            for k, v in row.items() if v is not None}


def _raw_table(name: str, rows: Sequence[Mapping[str, Any]], source: str) -> RawTable:
    """``rows`` as a raw table; row numbers are positions (first = 2, as in a sheet).
    An absent or None value keeps the stored one."""
    frame = pd.DataFrame([_cells(row) for row in rows], dtype=object)
    frame[ROW] = range(2, len(frame) + 2)
    return RawTable(name, source, frame)


def node_table(kind: NodeKind, rows: Sequence[Mapping[str, Any]], source: str) -> RawTable:
    """``rows`` of one node kind as the raw table a store writes (dates as text; an absent
    or None value keeps the stored one)."""
    return _raw_table(NODE_SCHEMAS[kind].table, rows, source)


def _restated(store: Store, kind: NodeKind, rows: Sequence[Mapping[str, Any]]
              ) -> list[dict[str, Any]]:
    """Rows over the stored properties of the records they update."""
    stored = {n.id: n.properties for n in store.nodes(kind)} if any(
        r.get("id") for r in rows) else {}
    return [{**stored.get(str(r.get("id")), {}), **r} for r in rows]


def _next_id(taken: Iterable[str], kind: NodeKind, partnership: str) -> str:
    """The next free id ``<partnership>/<kind>/<n>`` among ``taken`` (n zero-padded, so
    that records of one day sort in the order they were added)."""
    prefix = f"{partnership}/{_PREFIX[kind]}/"
    numbers = [int(m.group(1)) for i in taken
               if (m := re.fullmatch(re.escape(prefix) + r"(\d+)", i))]
    return f"{prefix}{max(numbers, default=0) + 1:03d}"


def create_partnership(store: Store, id: str, company: str, partner: str, *,
                       name: str | None = None, stage: str = Stage.IDENTIFIED,
                       date: dt.date | None = None, reason: str | None = None,
                       source: str = "request", **fields: Any) -> Partnership:
    """Record a new partnership in its first ``stage`` (default ``identified``) on
    ``date`` (default today); ``fields`` are further partnership fields (``form``,
    ``goals``, ``cost_share`` ...). Raises Conflict if the id is taken."""
    reserved = {"id", "company", "partner", "name"} & set(fields)
    if reserved:
        field = sorted(reserved)[0]
        raise InvalidValue(f"{field!r} is given twice; pass it once, as the argument "
                           f"{field}, not among the other fields.", field=field,
                           value=fields[field])
    if id in store.ids(NodeKind.PARTNERSHIP):
        raise Conflict(f"A partnership with id {id!r} exists already; give another id or "
                       "change the existing one.")
    day = (checked(date, field="date") or today()).isoformat()
    row = {"id": id, "name": name or id, "company": company, "partner": partner, **fields}
    tables = [node_table(NodeKind.PARTNERSHIP, [row], source),
              node_table(NodeKind.STAGE_CHANGE, [{"id": f"{id}/stage/001", "partnership": id,
                                              "date": day, "stage": stage,
                                              "reason": reason}], source)]
    tables += _tie_tables(store, row, stage, day, source)
    store.write(tables)
    return load_partnership(store, id)


def change_stage(store: Store, partnership: str, stage: str, *,
                 date: dt.date | None = None, reason: str | None = None,
                 form: str | None = None, source: str = "request") -> StageChange:
    """Move ``partnership`` to ``stage`` on ``date`` (default today).

    Raises ImportRefused, naming the rule, if the change skips the stage rules (for
    example ``ended -> active``) or is dated before the recorded history. A change to
    ``transformed`` is a :func:`transform` and needs the new ``form``.
    """
    if stage == Stage.TRANSFORMED:
        return transform(store, partnership, form=form or "", date=date, reason=reason,
                         source=source)
    return _change(store, partnership, stage, date=date, reason=reason, form=form,
                   source=source)


def transform(store: Store, partnership: str, *, form: str,
              date: dt.date | None = None, reason: str | None = None,
              becomes: RelKind | str = RelKind.PARTNERS_WITH,
              ends: Sequence[RelKind | str] = TIE_KINDS,
              source: str = "request") -> StageChange:
    """Record a transformation (docs/method.md, stage 5): the stage becomes ``transformed`` and the
    relationship takes its new ``form``; the history stays on the graph.

    The pair's active relationships of the ``ends`` kinds end that day (add
    ``competes_with`` to turn competition into complementarity) and one of kind
    ``becomes`` starts with the new form as its scope (``partners_with``: from a joint
    venture to a loose alliance) or venture name (``joint_venture``: from co-development
    to a market joint venture).
    """
    if not form.strip():
        raise InvalidValue("form is empty; say what the relationship becomes, e.g. "
                           "'loose alliance'.", field="form", value=form)
    new = RelKind(becomes)
    if new not in TIE_KINDS:
        raise InvalidValue(f"a partnership becomes a {' or '.join(TIE_KINDS)} relationship, "
                           f"not {new.value!r}.", field="becomes", value=new.value)
    closed = tuple(RelKind(k) for k in ends)
    return _change(store, partnership, Stage.TRANSFORMED, date=date, reason=reason, form=form,
                   source=source, becomes=new, ends=closed)


def _change(store: Store, partnership: str, stage: str, *, date: dt.date | None,
            reason: str | None, form: str | None, source: str,
            becomes: RelKind = RelKind.PARTNERS_WITH,
            ends: tuple[RelKind, ...] = ()) -> StageChange:
    p = load_partnership(store, partnership)
    day = (checked(date, field="date") or today()).isoformat()
    change_id = _next_id(store.ids(NodeKind.STAGE_CHANGE), NodeKind.STAGE_CHANGE, p.id)
    row = {"id": change_id, "partnership": p.id, "date": day, "stage": stage,
           "reason": reason, "form": form}
    tables = [node_table(NodeKind.STAGE_CHANGE, [row], source)]
    properties = dict(p.properties)
    if form:
        tables.append(node_table(NodeKind.PARTNERSHIP, [{"id": p.id, "form": form}], source))
        properties["form"] = form
    tables += _tie_tables(store, {**properties, "id": p.id}, stage, day, source,
                          becomes=becomes, ends=ends)
    store.write(tables)
    return load_partnership(store, p.id).stages[-1]


def _tie_tables(store: Store, partnership: Mapping[str, Any], stage: str, day: str,
                source: str, *, becomes: RelKind = RelKind.PARTNERS_WITH,
                ends: tuple[RelKind, ...] = ()) -> list[RawTable]:
    """The relationship rows that keep the graph in step with a stage change: a tie
    starts when the partnership starts operating, ends when it ends, and a
    transformation ends the ``ends`` ties and starts one of kind ``becomes``."""
    company, partner = str(partnership["company"]), str(partnership["partner"])
    current = {kind: [r for r in store.relationships(kind, as_of=dt.date.fromisoformat(day),
                                                      node=(NodeKind.COMPANY, company))
                      if {r.source, r.target} == {company, partner}]
               for kind in {*TIE_KINDS, *ends}}
    closing = ends if stage == Stage.TRANSFORMED else TIE_KINDS if stage == Stage.ENDED else ()
    rows: dict[RelKind, list[dict[str, Any]]] = {}
    for kind in closing:
        # A tie that began the same day cannot end that day ('until' must follow 'since').
        rows[kind] = [{**r.properties, "source": r.source, "target": r.target,
                       "since": r.since or "", "key": r.key, "until": day}
                      for r in current[kind] if (r.since or "") < day]
    operating = stage in (Stage.ACTIVE, Stage.TRANSFORMED, Stage.UNDER_REVIEW, Stage.BUFFER_PERIOD)
    tied = any(current[k] for k in TIE_KINDS)
    if (operating and not tied) or stage == Stage.TRANSFORMED:
        kind = becomes if stage == Stage.TRANSFORMED else RelKind.PARTNERS_WITH
        label = "venture" if kind is RelKind.JOINT_VENTURE else "scope"
        rows.setdefault(kind, []).append({
            "source": company, "target": partner, "since": day,
            label: partnership.get("form") or partnership.get("name"),
            "note": f"partnership {partnership['id']}"})
    return [_raw_table(kind.value, kind_rows, source) for kind, kind_rows in rows.items()
            if kind_rows]


def add_records(store: Store, kind: NodeKind | str, rows: Sequence[Mapping[str, Any]], *,
                partnership: str | None = None, source: str = "request") -> WriteSummary:
    """Add or update records of one kind (milestones, KPI actuals, meetings ...).

    Rows without an ``id`` get one (``<partnership>/<kind>/<n>``; KPI actuals
    ``<kpi>/<period>``). ``partnership`` fills the partnership of rows that lack it, and
    lets KPI actuals name their KPI by its id within the partnership (``ux`` for
    ``<partnership>/ux``).
    """
    kind = record_table(kind) if isinstance(kind, str) else kind
    if kind not in RECORD_TABLES.values():
        raise InvalidValue(f"{kind.value!r} is not a partnership record; give one of "
                           f"{', '.join(RECORD_TABLES)}.", field="table", value=kind.value)
    table = node_table(kind, _restated(store, kind, rows), source)
    return store.write([_completed(store, kind, table, partnership, set())])


def import_records(store: Store, path: str | Path, *, table: str | None = None,
                   partnership: str | None = None) -> WriteSummary:
    """Import records from a CSV, Parquet or Excel file (each sheet a table named like
    ``milestones`` or ``kpi_actuals``, or the whole file the ``table`` given) in one
    atomic write; ids and partnership are completed as in :func:`add_records`."""
    path = Path(path)
    if not path.exists():
        raise ImportRefused([Problem(file=str(path), message="no such file",
                                     fix="Check the path.")])
    raw = list(read_table_file(path))
    if table is not None:
        kind = record_table(table)
        raw = [RawTable(NODE_SCHEMAS[kind].table, t.source, t.frame) for t in raw]
    tables = []
    taken: set[str] = set()
    for t in raw:
        name = t.name.strip().lower()
        if name not in RECORD_TABLES:
            raise ImportRefused([Problem(
                file=t.source, value=t.name, message=f"'{t.name}' is not a record table",
                fix="Name the file or sheet after a record table, or pass table=; tables: "
                f"{', '.join(RECORD_TABLES)}.")])
        tables.append(_completed(store, RECORD_TABLES[name],
                                 RawTable(name, t.source, t.frame), partnership, taken))
    return store.write(tables)


#: Form-export headers taken as the day a response was given.
_SURVEY_DAY = ("date", "timestamp", "submitted", "submitted_at", "submission_date",
               "completed", "end_date", "response_date")


def import_survey(store: Store, partnership: str, path: str | Path, *, side: str,
                  scale_max: float | None = None) -> WriteSummary:
    """Import one side's answers from a survey form export (CSV or Excel: one row per
    respondent), all or nothing.

    Columns are matched by name, ignoring case, spaces and punctuation: one per survey
    dimension (``Decision speed``, ``resource support`` ...; a header that contains the
    dimension's words counts too) and the day answered (``Timestamp``, ``Date``,
    ``Submitted at`` ...; a time of day is dropped). Every other column (names, e-mail
    addresses, comments) is left out: nothing that identifies a respondent is stored.
    """
    path = Path(path)
    if not path.exists():
        raise ImportRefused([Problem(file=str(path), message="no such file",
                                     fix="Check the path.")])
    (raw, *_) = list(read_table_file(path, name="survey_responses"))
    frame = raw.frame
    names = {c: re.sub(r"[^a-z0-9]+", "_", str(c).lower()).strip("_") for c in frame.columns}
    chosen: dict[str, str] = {}
    for column, name in names.items():
        for d in SURVEY_DIMENSIONS:
            if d not in chosen.values() and (name == d or f"_{d}_" in f"_{name}_"):
                chosen[column] = d
        if name in _SURVEY_DAY and "date" not in chosen.values():
            chosen[column] = "date"
    problems = []
    if "date" not in chosen.values():
        problems.append(Problem(file=raw.source, row=1, message="no column gives the day "
                                "answered", fix="Add a 'date' column (or keep the form's "
                                "'Timestamp' column)."))
    if not set(chosen.values()) & set(SURVEY_DIMENSIONS):
        problems.append(Problem(
            file=raw.source, row=1, message="no column answers a survey dimension",
            fix="Name the answer columns after the dimensions: "
            + ", ".join(d.replace("_", " ") for d in SURVEY_DIMENSIONS) + "."))
    if problems:
        raise ImportRefused(problems)
    kept = frame[[c for c in frame.columns if c in chosen or str(c).startswith("__")]]
    kept = kept.rename(columns=chosen)
    day = kept["date"].astype("string").str.strip()
    parsed = pd.to_datetime(day, errors="coerce", format="mixed")
    kept["date"] = parsed.dt.strftime("%Y-%m-%d").where(parsed.notna(), day)
    kept["side"] = side
    if scale_max is not None:
        kept["scale_max"] = scale_max
    table = RawTable("survey_responses", raw.source, kept.reset_index(drop=True))
    return store.write([_completed(store, NodeKind.SURVEY_RESPONSE, table, partnership,
                                   set())])


def _completed(store: Store, kind: NodeKind, table: RawTable, partnership: str | None,
               taken: set[str]) -> RawTable:
    frame = table.frame.copy()

    def blank(column: str) -> pd.Series:
        if column not in frame.columns:
            return pd.Series(True, index=frame.index)
        return frame[column].isna() | (frame[column].astype(str).str.strip() == "")

    if partnership is not None:
        store.node(NodeKind.PARTNERSHIP, partnership)  # NodeNotFound with suggestions
        if kind is NodeKind.KPI_ACTUAL and "kpi" in frame.columns:
            known = store.ids(NodeKind.KPI)
            frame["kpi"] = [f"{partnership}/{v}" if isinstance(v, str) and v not in known
                            and f"{partnership}/{v}" in known else v for v in frame["kpi"]]
        elif kind is not NodeKind.KPI_ACTUAL:
            missing = blank("partnership")
            if missing.any():
                frame.loc[missing, "partnership"] = partnership
    missing_id = blank("id")
    if missing_id.any():
        if kind is NodeKind.KPI_ACTUAL:
            if "kpi" in frame.columns and "period" in frame.columns:
                frame.loc[missing_id, "id"] = [f"{k}/{str(p)[:10]}" for k, p in zip(
                    frame.loc[missing_id, "kpi"], frame.loc[missing_id, "period"],
                    strict=True)]
        elif "partnership" in frame.columns:
            taken |= store.ids(kind)  # read once, not per row
            ids = []
            for owner in frame.loc[missing_id, "partnership"]:
                ids.append(_next_id(taken, kind, str(owner)))
                taken.add(ids[-1])
            frame.loc[missing_id, "id"] = ids
    return RawTable(table.name, table.source, frame)


def exit_plan(partnership: Partnership, start: dt.date, *, quota_step: float = 0.1,
              staff_steps: int = 3, notice_months: int = 6,
              after_sales_owner: str | None = None) -> list[dict[str, Any]]:
    """A stepwise exit plan (docs/method.md, stage 5) starting on ``start``, as exit-step rows.

    Customers are told first, ``notice_months`` before the end; the licence quota goes
    down by ``quota_step`` a month until it is 0; seconded staff return in ``staff_steps``
    even steps over the same span; after-sales gets a named owner; an "upgrade" statement
    closes the plan. Save it with :func:`save_exit_plan`.
    """
    if not 0 < quota_step <= 1:
        raise InvalidValue(f"quota_step is {quota_step!r}; give a share above 0 and at most "
                           "1, such as 0.1 for 10% a month.", field="quota_step",
                           value=quota_step)
    if staff_steps < 1 or notice_months < 0:
        raise InvalidValue("staff_steps must be 1 or more and notice_months 0 or more.",
                           field="staff_steps", value=(staff_steps, notice_months))
    day = checked_day(start, field="start")
    months = max(round(1 / quota_step + 1e-9), 1)
    end = add_months(day, max(months, notice_months))
    owner = after_sales_owner or partnership.properties.get("lead") or partnership.company
    notice = max(add_months(end, -notice_months), day)
    steps: list[dict[str, Any]] = [
        {"date": notice, "action": "customer_notice", "name": f"Tell customers the "
         f"partnership changes on {end.isoformat()} ({notice_months} months' notice)"},
        {"date": day, "action": "after_sales_owner", "owner": owner,
         "name": f"After-sales service owned by {owner}"},
    ]
    for k in range(1, months + 1):
        quota = max(1 - k * quota_step, 0.0)
        steps.append({"date": add_months(day, k), "action": "licence_reduction",
                      "quota": round(quota, 6),
                      "name": f"Licence / API quota down to {quota:.0%}"})
    span = (end - day).days
    for k in range(1, staff_steps + 1):
        steps.append({"date": day + dt.timedelta(days=round(span * k / staff_steps)),
                      "action": "staff_withdrawal",
                      "name": f"Seconded staff withdrawn: step {k} of {staff_steps}"})
    steps.append({"date": end, "action": "statement",
                  "name": "Publish an 'upgrade' statement on the new relationship"})
    return sorted(steps, key=lambda s: (s["date"], s["action"]))


def save_exit_plan(store: Store, partnership: str, steps: Sequence[Mapping[str, Any]],
                   *, source: str = "request") -> WriteSummary:
    """Record the steps of an exit plan (from :func:`exit_plan` or hand-written)."""
    return add_records(store, NodeKind.EXIT_STEP,
                       [{**s, "partnership": partnership} for s in steps],
                       partnership=partnership, source=source)


def protect_item(store: Store, company: str, *, technology_class: str | None = None,
                 capability: str | None = None, patent: str | None = None,
                 reason: str | None = None) -> str:
    """Add one item (exactly one of the three) to ``company``'s protected core-technology
    list; returns its id. Items that do not exist are refused by name."""
    given = {k: v for k, v in (("technology_class", technology_class),
                               ("capability", capability), ("patent", patent)) if v}
    if len(given) != 1:
        raise InvalidValue("give exactly one of a technology class, a capability or a "
                           f"patent to protect (given: {', '.join(given) or 'none'})",
                           field="item", value=", ".join(given.values()) or None)
    store.node(NodeKind.COMPANY, company)  # NodeNotFound with suggestions
    prefix = f"{company}/protected/"
    taken = store.ids(NodeKind.PROTECTED_ITEM)
    number = max((int(i.removeprefix(prefix)) for i in taken
                  if i.startswith(prefix) and i.removeprefix(prefix).isdigit()), default=0)
    row = {"id": f"{prefix}{number + 1:03d}", "company": company, **given}
    if reason:
        row["reason"] = reason
    store.write([node_table(NodeKind.PROTECTED_ITEM, [row], "command line")])
    kind, value = next(iter(given.items()))
    return f"{kind.replace('_', ' ')} {value}"


def delete_partnership(store: Store, id: str) -> int:
    """Delete a partnership and every record of it, in one transaction; returns how many
    records went. Its ``partners_with`` relationships stay: they are graph history."""
    p = load_partnership(store, id)
    records = [(NodeKind.KPI_ACTUAL, a.id) for a in p.actuals]
    for kind, items in ((NodeKind.STAGE_CHANGE, p.stages), (NodeKind.RISK, p.risks),
                        (NodeKind.MILESTONE, p.milestones), (NodeKind.KPI, p.kpis),
                        (NodeKind.MEETING, p.meetings), (NodeKind.INCIDENT, p.incidents),
                        (NodeKind.EXIT_STEP, p.exit_steps), (NodeKind.WHY, p.whys),
                        (NodeKind.CLAUSE, p.clauses),
                        (NodeKind.SURVEY_RESPONSE, p.surveys),
                        (NodeKind.BUDGET_LINE, p.budget),
                        (NodeKind.REALLOCATION, p.reallocations),
                        (NodeKind.POOL_ENTRY, p.pool),
                        (NodeKind.SHARED_CUSTOMER, p.customers),
                        (NodeKind.ROTATION, p.rotations)):
        records += [(kind, r.id) for r in items]
    store.delete_nodes([*records, (NodeKind.PARTNERSHIP, p.id)])
    return len(records)
