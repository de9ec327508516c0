"""The lifecycle's rules on data, checked on every write that touches lifecycle records.

Field types, bounds and references are checked for every table by
:mod:`ecosystem.io.validate`; this module adds what needs several rows or the stored
history: stage changes that break :data:`~ecosystem.model.TRANSITIONS` or come
before the recorded history, dates out of order within a row, figures impossible for
their KPI's metric, and a company partnering with itself. Each problem names the file, row,
column and value, and how to fix it; the write is then refused as a whole.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Iterator
from typing import Any

import pandas as pd

from ecosystem.errors import Problem
from ecosystem.io.batch import CLEARED, ROW, GraphBatch
from ecosystem.model import Node, NodeKind, check_transition

__all__ = ["StoredNodes", "check_lifecycle", "metric_bounds"]

#: Reads every stored node of one kind (inside the write's transaction).
StoredNodes = Callable[[NodeKind], list[Node]]
_SOURCE = "__source__"

#: (lowest, highest, whole numbers only) for each metric; None: open.
_BOUNDS: dict[str, tuple[float | None, float | None, bool, str]] = {
    "joint_revenue_share": (0.0, 1.0, False, "a share from 0 to 1 (0.25 for 25%)"),
    "cost_saving_rate": (0.0, 1.0, False, "a rate from 0 to 1 (0.12 for 12%)"),
    "joint_patents": (0.0, None, True, "a whole number of patents, 0 or more"),
    "time_to_market": (0.0, None, False, "a duration above 0"),
    "rd_cycle_time": (0.0, None, False, "a duration above 0"),
    "user_experience": (0.0, None, False, "a score of 0 or more"),
    "other": (None, None, False, "a finite number"),
}


def metric_bounds(metric: str, scale_max: float | None = None) -> tuple[
        float | None, float | None, bool, str]:
    """``(lowest, highest, whole, words)`` for figures of ``metric``.

    Examples
    --------
    >>> metric_bounds("satisfaction", 10)[:2]
    (0.0, 10.0)
    """
    if metric == "satisfaction":
        top = float(scale_max or 5)
        return 0.0, top, False, f"a survey score from 0 to {top:g} (the KPI's scale_max)"
    return _BOUNDS.get(metric, _BOUNDS["other"])


def is_possible(value: float, metric: str, scale_max: float | None = None) -> bool:
    low, high, whole, _ = metric_bounds(metric, scale_max)
    if not math.isfinite(value):
        return False
    if metric in ("time_to_market", "rd_cycle_time") and value <= 0:
        return False
    return ((low is None or value >= low) and (high is None or value <= high)
            and (not whole or value == int(value)))


def _rows(frame: pd.DataFrame) -> Iterator[dict[str, Any]]:
    for record in frame.to_dict("records"):
        yield {str(k): (None if _blank(v) else v) for k, v in record.items()}


def _blank(value: Any) -> bool:
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _day(value: Any) -> str | None:
    return None if value is None else str(value)[:10]


def _problem(row: dict[str, Any], column: str, message: str, fix: str) -> Problem:
    return Problem(file=str(row[_SOURCE]), row=int(row[ROW]), column=column,
                   value=row.get(column), message=message, fix=fix)


def _merged(batch: GraphBatch, stored: StoredNodes, kind: NodeKind
            ) -> tuple[dict[str, dict[str, Any]], list[dict[str, Any]]]:
    """Stored nodes of ``kind`` by id, and the batch rows merged over them."""
    before = {n.id: {**n.properties, "id": n.id} for n in stored(kind)}
    frame = batch.nodes.get(kind)
    rows: list[dict[str, Any]] = []
    if frame is None:
        return before, rows
    for raw, cleared in zip(_rows(frame), GraphBatch.cleared(frame), strict=True):
        row = dict(before.get(str(raw["id"]), {}))
        for column in frame.columns:
            if column == CLEARED:
                continue
            if raw.get(column) is not None or column in (ROW, _SOURCE):
                row[column] = raw[column]  # an empty cell keeps the stored value
        for column in cleared:
            row.pop(column, None)
        rows.append(row)
    return before, rows


def check_lifecycle(batch: GraphBatch, stored: StoredNodes) -> list[Problem]:
    """Every problem the lifecycle rules find with ``batch`` written over the store."""
    touched = set(batch.nodes).intersection(
        {NodeKind.PARTNERSHIP, NodeKind.STAGE_CHANGE, NodeKind.KPI, NodeKind.KPI_ACTUAL,
         NodeKind.INCIDENT})
    if not touched:
        return []
    problems: list[Problem] = []
    if NodeKind.PARTNERSHIP in touched:
        problems += _check_partnerships(batch, stored)
    if NodeKind.STAGE_CHANGE in touched:
        problems += _check_stages(batch, stored)
    if touched & {NodeKind.KPI, NodeKind.KPI_ACTUAL}:
        problems += _check_figures(batch, stored)
    if NodeKind.INCIDENT in touched:
        _, incidents = _merged(batch, stored, NodeKind.INCIDENT)
        problems += [
            _problem(row, "resolved", f"the incident is resolved ({_day(row['resolved'])}) "
                     f"before it happened ({_day(row['date'])})",
                     "Dates out of order: make 'resolved' on or after 'date'.")
            for row in incidents
            if row.get("resolved") and row.get("date")
            and _day(row["resolved"]) < _day(row["date"])  # type: ignore[operator]
        ]
    return problems


def _check_partnerships(batch: GraphBatch, stored: StoredNodes) -> list[Problem]:
    _, rows = _merged(batch, stored, NodeKind.PARTNERSHIP)
    return [_problem(row, "partner", f"the partner is the company itself ({row['partner']!r})",
                     "A partnership joins two different companies; give the partner's id.")
            for row in rows if row.get("partner") and row.get("partner") == row.get("company")]


def _check_stages(batch: GraphBatch, stored: StoredNodes) -> list[Problem]:
    before, rows = _merged(batch, stored, NodeKind.STAGE_CHANGE)
    new_ids = {str(r["id"]) for r in rows}
    problems: list[Problem] = []
    by_partnership: dict[str, list[dict[str, Any]]] = {}
    for record in [*(r for i, r in before.items() if i not in new_ids), *rows]:
        by_partnership.setdefault(str(record.get("partnership")), []).append(record)
    for changes in by_partnership.values():
        if not any(ROW in c for c in changes):
            continue
        recorded = [c for c in changes if ROW not in c]
        last = max((_day(c["date"]) or "" for c in recorded), default="")
        history = sorted(changes, key=lambda c: (_day(c["date"]) or "", str(c["id"])))
        for change in changes:
            if ROW in change and recorded and (_day(change["date"]) or "") < last:
                problems.append(_problem(
                    change, "date",
                    f"dates out of order: the stage change to '{change['stage']}' is dated "
                    f"before the latest recorded change ({last})",
                    f"Date it on or after {last}, or correct the recorded history first."))
        if problems:
            continue
        for previous, change in itertools.pairwise(history):
            why = check_transition(previous["stage"], change["stage"])
            if why is None:
                continue
            blame = change if ROW in change else previous
            problems.append(_problem(
                blame, "stage",
                f"stage change on {_day(change['date'])} skips the rules: {why}",
                "Record the stages in between with their dates, or correct this row."))
    return problems


def _check_figures(batch: GraphBatch, stored: StoredNodes) -> list[Problem]:
    before_kpis, kpi_rows = _merged(batch, stored, NodeKind.KPI)
    kpis = {**before_kpis, **{str(r["id"]): r for r in kpi_rows}}
    problems: list[Problem] = []
    for row in kpi_rows:
        if row.get("target") is not None and not is_possible(
                float(row["target"]), str(row.get("metric")), row.get("scale_max")):
            words = metric_bounds(str(row.get("metric")), row.get("scale_max"))[3]
            problems.append(_problem(row, "target", f"the target is impossible for a "
                                     f"'{row.get('metric')}' KPI", f"Give {words}."))
    stored_actuals, actuals = _merged(batch, stored, NodeKind.KPI_ACTUAL)
    given = {r["id"] for r in actuals}
    # A changed KPI (its metric or scale) re-checks the figures already stored for it.
    rechecked = [a for i, a in stored_actuals.items() if i not in given] \
        if NodeKind.KPI in batch.nodes else []
    for row in actuals + rechecked:
        kpi = kpis.get(str(row.get("kpi")), {})
        metric, scale = str(kpi.get("metric", "other")), kpi.get("scale_max")
        words = metric_bounds(metric, scale)[3]
        for column in ("actual", "target"):
            value = row.get(column)
            if value is None or is_possible(float(value), metric, scale):
                continue
            if ROW in row:
                problems.append(_problem(
                    row, column, f"{value!r} is impossible for KPI '{kpi.get('id')}' "
                    f"({metric})", f"Give {words}."))
            else:
                kpi_row = next(r for r in kpi_rows if r["id"] == kpi.get("id"))
                problems.append(_problem(
                    kpi_row, "metric", f"the stored {column} {value!r} of {row['id']!r} is "
                    f"impossible for a '{metric}' KPI",
                    f"Keep the metric, or correct the figures first: give {words}."))
        if row.get("reported") and row.get("period") and (
                _day(row["reported"]) or "") < (_day(row["period"]) or "") and ROW in row:
            problems.append(_problem(
                row, "reported", f"the figure is reported ({_day(row['reported'])}) "
                f"before its period starts ({_day(row['period'])})",
                "Dates out of order: make 'reported' on or after 'period'."))
    return problems
