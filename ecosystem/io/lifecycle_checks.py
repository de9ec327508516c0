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
from ecosystem.model import SURVEY_DIMENSIONS, Node, NodeKind, check_transition

__all__ = ["CURRENCIES", "StoredNodes", "check_lifecycle", "metric_bounds"]

#: Reads every stored node of one kind (inside the write's transaction).
StoredNodes = Callable[[NodeKind], list[Node]]
_SOURCE = "__source__"

#: ISO 4217 codes of the currencies in use (losses and budgets name one of them).
_ISO_4217 = """
AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BRL BSD BTN BWP
BYN BZD CAD CDF CHF CLP CNY COP CRC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP
GEL GHS GIP GMD GNF GTQ GYD HKD HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS KHR
KMF KPW KRW KWD KYD KZT LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK
MXN MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR RON RSD RUB RWF SAR
SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP STN SVC SYP SZL THB TJS TMT TND TOP TRY TTD TWD TZS
UAH UGX USD UYU UZS VES VND VUV WST XAF XCD XOF XPF YER ZAR ZMW ZWL
"""
CURRENCIES = frozenset(_ISO_4217.split())
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
         NodeKind.INCIDENT, NodeKind.WHY, NodeKind.CLAUSE, NodeKind.SURVEY_RESPONSE,
         NodeKind.BUDGET_LINE, NodeKind.REALLOCATION, NodeKind.POOL_ENTRY,
         NodeKind.SHARED_CUSTOMER, NodeKind.ROTATION, NodeKind.PROTECTED_ITEM})
    if not touched:
        return []
    problems: list[Problem] = []
    if NodeKind.PARTNERSHIP in touched:
        problems += _check_partnerships(batch, stored)
    if NodeKind.STAGE_CHANGE in touched:
        problems += _check_stages(batch, stored)
    if touched & {NodeKind.KPI, NodeKind.KPI_ACTUAL}:
        problems += _check_figures(batch, stored)
    if NodeKind.WHY in touched:
        problems += _check_whys(batch, stored)
    if NodeKind.CLAUSE in touched:
        problems += _check_clauses(batch, stored)
    if NodeKind.SURVEY_RESPONSE in touched:
        problems += _check_surveys(batch, stored)
    if NodeKind.BUDGET_LINE in touched:
        _, lines = _merged(batch, stored, NodeKind.BUDGET_LINE)
        problems += [p for row in lines for p in _currency(row, required=True)]
    if NodeKind.REALLOCATION in touched:
        problems += _check_reallocations(batch, stored)
    if NodeKind.POOL_ENTRY in touched:
        _, entries = _merged(batch, stored, NodeKind.POOL_ENTRY)
        problems += [_problem(row, "technology_class", "the entry names nothing shared",
                              "Give a technology_class, capability or patent (or a name).")
                     for row in entries if not any(row.get(k) for k in (
                         "technology_class", "capability", "patent", "name"))]
    if NodeKind.PROTECTED_ITEM in touched:
        _, items = _merged(batch, stored, NodeKind.PROTECTED_ITEM)
        for row in items:
            given = [k for k in ("technology_class", "capability", "patent") if row.get(k)]
            if len(given) != 1:
                problems.append(_problem(
                    row, "technology_class", "a protected item names "
                    + ("nothing" if not given else " and ".join(given)),
                    "Give exactly one of technology_class, capability, patent per row."))
    if NodeKind.SHARED_CUSTOMER in touched:
        _, orders = _merged(batch, stored, NodeKind.SHARED_CUSTOMER)
        for row in orders:
            problems += _currency(row, required=True)
            problems += _percent_split(row, "company_contribution", "partner_contribution",
                                       ("the contributions", "sum", "them"))
    if NodeKind.ROTATION in touched:
        _, rotations = _merged(batch, stored, NodeKind.ROTATION)
        for row in rotations:
            for column in ("end", "non_compete_until"):
                if row.get(column) and row.get("start") and \
                        (_day(row[column]) or "") < (_day(row["start"]) or ""):
                    problems.append(_problem(
                        row, column, f"'{column}' ({_day(row[column])}) is before the "
                        f"rotation starts ({_day(row['start'])})",
                        f"Dates out of order: make '{column}' on or after 'start'."))
    if NodeKind.INCIDENT in touched:
        _, incidents = _merged(batch, stored, NodeKind.INCIDENT)
        problems += _check_shares(incidents)
        problems += [
            _problem(row, "resolved", f"the incident is resolved ({_day(row['resolved'])}) "
                     f"before it happened ({_day(row['date'])})",
                     "Dates out of order: make 'resolved' on or after 'date'.")
            for row in incidents
            if row.get("resolved") and row.get("date")
            and _day(row["resolved"]) < _day(row["date"])  # type: ignore[operator]
        ]
    return problems


def _check_shares(incidents: list[dict[str, Any]]) -> list[Problem]:
    """Responsibility in percent: both shares given, summing to 100; a loss has a known
    currency."""
    problems = []
    for row in incidents:
        problems += _percent_split(row, "company_share", "partner_share",
                                   ("the responsibility split", "sums", "the shares"))
        problems += _currency(row, required=row.get("loss") is not None)
    return problems


def _percent_split(row: dict[str, Any], first: str, second: str,
                   words: tuple[str, str, str]) -> list[Problem]:
    """Two percentages of one whole (``first`` and ``second``): both or neither given, and
    summing to 100. ``words``: what the pair is called, its verb, what to make sum."""
    a, b = row.get(first), row.get(second)
    if a is None and b is None:
        return []
    if a is None or b is None:
        given, missing = (first, second) if a is not None else (second, first)
        value = float(row[given])
        return [_problem(row, missing, f"'{given}' is given but '{missing}' is not",
                         f"Give both shares (in percent, summing to 100); e.g. "
                         f"{missing}={100 - value:g}.")]
    if abs(float(a) + float(b) - 100) <= 1e-6:
        return []
    name, verb, subject = words
    return [_problem(row, second, f"{name} {float(a):g}% + {float(b):g}% {verb} to "
                     f"{float(a) + float(b):g}%, not 100%",
                     f"Make {subject} sum to 100, e.g. {second}={100 - float(a):g}.")]


def _currency(row: dict[str, Any], *, required: bool) -> list[Problem]:
    """A row's currency is an ISO 4217 code (and given, when ``required``)."""
    currency = row.get("currency")
    if currency is not None and str(currency).strip().upper() not in CURRENCIES:
        return [_problem(row, "currency", f"unknown currency {currency!r}",
                         "Give an ISO 4217 code such as EUR, USD, JPY or CNY.")]
    if currency is None and required:
        return [_problem(row, "currency", "an amount is given without its currency",
                         "Give the currency as an ISO 4217 code, e.g. EUR.")]
    return []


def _check_reallocations(batch: GraphBatch, stored: StoredNodes) -> list[Problem]:
    """A reallocation is decided by an executive meeting, moves something, from one place
    to another, in a known currency."""
    _, rows = _merged(batch, stored, NodeKind.REALLOCATION)
    meetings = {n.id: n.properties for n in stored(NodeKind.MEETING)}
    if NodeKind.MEETING in batch.nodes:
        meetings |= {str(r["id"]): r for r in _rows(batch.nodes[NodeKind.MEETING])}
    problems = []
    for row in rows:
        level = meetings.get(str(row.get("meeting")), {}).get("level")
        if level is not None and level != "executive":
            problems.append(_problem(
                row, "meeting", f"meeting {row.get('meeting')!r} is a {level} meeting",
                "Resources are reallocated at an executive meeting (docs/method.md, 3.1): "
                "name one."))
        if row.get("amount") is None and row.get("people") is None:
            problems.append(_problem(row, "amount", "the reallocation moves nothing",
                                     "Give an amount (with its currency) or people."))
        if row.get("from_milestone") and row.get("from_milestone") == row.get("to_milestone"):
            problems.append(_problem(row, "to_milestone", "resources move to the milestone "
                                     "they come from", "Name two different milestones."))
        problems += _currency(row, required=row.get("amount") is not None)
    return problems


def _check_whys(batch: GraphBatch, stored: StoredNodes) -> list[Problem]:
    """Each incident's why-chain numbered 1, 2, 3 ... with no gap and no step twice."""
    before, rows = _merged(batch, stored, NodeKind.WHY)
    new_ids = {str(r["id"]) for r in rows}
    chains: dict[str, list[dict[str, Any]]] = {}
    for record in [*(r for i, r in before.items() if i not in new_ids), *rows]:
        chains.setdefault(str(record.get("incident")), []).append(record)
    problems = []
    for incident, chain in chains.items():
        given = [r for r in chain if ROW in r]
        if not given:
            continue
        steps: dict[int, dict[str, Any]] = {}
        for record in sorted(chain, key=lambda r: ROW in r):
            step = int(record["step"])
            if step in steps and ROW in record:
                problems.append(_problem(
                    record, "step", f"step {step} of the why-chain of {incident!r} is "
                    "given twice", "Number the whys 1, 2, 3 ... once each; to change a "
                    "step, give its id."))
            steps[step] = record
        for gap in sorted(set(range(1, max(steps) + 1)) - set(steps)):
            after = min((r for s, r in steps.items() if s > gap), key=lambda r: r["step"])
            blame = after if ROW in after else given[0]
            problems.append(_problem(
                blame, "step", f"the why-chain of {incident!r} has a gap: step {gap} is "
                f"missing before step {int(after['step'])}",
                f"Add step {gap} (each why answers the one before), or renumber."))
    return problems


def _check_clauses(batch: GraphBatch, stored: StoredNodes) -> list[Problem]:
    """A version has a text unless it retires the clause; an incident as its cause is
    named; one version per clause and day."""
    before, rows = _merged(batch, stored, NodeKind.CLAUSE)
    problems = []
    for row in rows:
        if not row.get("text") and not row.get("retired"):
            problems.append(_problem(row, "text", f"version of clause {row.get('clause')!r} "
                                     "has no text", "Give the clause's text, or "
                                     "retired=true to end the clause."))
        if row.get("cause") == "incident" and not row.get("incident"):
            problems.append(_problem(row, "incident", "the cause is an incident but no "
                                     "incident is named", "Give the incident's id."))
    new_ids = {str(r["id"]) for r in rows}
    seen: dict[tuple[str, str, str | None], dict[str, Any]] = {
        (str(r.get("partnership")), str(r.get("clause")), _day(r.get("effective"))): r
        for i, r in before.items() if i not in new_ids}
    for row in rows:
        key = (str(row.get("partnership")), str(row.get("clause")), _day(row.get("effective")))
        if key in seen:
            problems.append(_problem(
                row, "effective", f"clause {key[1]!r} already has a version effective "
                f"{key[2]} ({seen[key]['id']!r})",
                "Give that version's id to change it, or another effective day."))
        seen[key] = row
    return problems


def _check_surveys(batch: GraphBatch, stored: StoredNodes) -> list[Problem]:
    """Every answer on its scale (1 to scale_max); a response answers something."""
    _, rows = _merged(batch, stored, NodeKind.SURVEY_RESPONSE)
    problems = []
    for row in rows:
        top = float(row.get("scale_max") or 5)
        answered = [d for d in SURVEY_DIMENSIONS if row.get(d) is not None]
        if not answered:
            problems.append(_problem(row, SURVEY_DIMENSIONS[0], "the response answers no "
                                     "question", "Give at least one of "
                                     f"{', '.join(SURVEY_DIMENSIONS)}, or leave the row "
                                     "out."))
        for d in answered:
            value = float(row[d])
            if not 1 <= value <= top:
                problems.append(_problem(row, d, f"answer {value:g} is out of range for "
                                         f"a 1-{top:g} scale", f"Give a number from 1 to "
                                         f"{top:g}, or set scale_max to the form's scale."))
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
