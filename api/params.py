"""Query and body parameters shared by the routes, defined once: days parsed here (the
API's edge) into :class:`datetime.date` (:func:`ecosystem.dates.parse_day`), so that a
route and everything below it handle days only."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import Depends, Query
from pydantic import BeforeValidator, PlainSerializer

from ecosystem.dates import Window, parse_day, parse_window, today
from ecosystem.errors import InvalidValue

__all__ = ["AsOf", "AsOfOrToday", "BodyDay", "Cutoff", "Day", "WindowDep"]

_FORMS = "YYYY, YYYY-MM or YYYY-MM-DD"

# Dependencies that only read the request are coroutines: FastAPI runs a plain function
# in its thread pool, a hop that costs more than the work under load.


async def _as_of(as_of: Annotated[str | None, Query(
        max_length=10, examples=["2024-06-30"],
        description=f"Only what holds on this day ({_FORMS}); none: no date filter")]
        = None) -> dt.date | None:
    return parse_day(as_of) if as_of is not None else None


async def _as_of_or_today(as_of: Annotated[str | None, Query(
        max_length=10, examples=["2026-06-30"],
        description=f"Evaluate as on this day ({_FORMS}), with only what was known then; "
        "default today")] = None) -> dt.date:
    return parse_day(as_of) if as_of is not None else today()


async def _window(since: Annotated[str | None, Query(
                max_length=10, description=f"Window start ({_FORMS}): only what holds on "
                "or after it")] = None,
            until: Annotated[str | None, Query(
                max_length=10, description=f"Window end ({_FORMS}): only what began "
                "before it")] = None) -> Window:
    return parse_window(since, until)


#: ``as_of`` of the graph, metrics and scans: a day, or None for no date filter.
AsOf = Annotated[dt.date | None, Depends(_as_of)]
#: ``as_of`` of the lifecycle: a day, today when not given.
AsOfOrToday = Annotated[dt.date, Depends(_as_of_or_today)]
#: The ``since`` / ``until`` window of metrics and scans.
WindowDep = Annotated[Window, Depends(_window)]


async def _predict_from(as_of: Annotated[str, Query(
        min_length=4, max_length=10, examples=["2025-01-01"],
        description=f"Predict from this day ({_FORMS}); nothing dated on or after it is "
        "used")]) -> dt.date:
    return parse_day(as_of)


async def _cutoff(cutoff: Annotated[str, Query(
        min_length=4, max_length=10, examples=["2024-01-01"],
        description=f"Train on what was known before this day ({_FORMS})")]) -> dt.date:
    return parse_day(cutoff, field="cutoff")


#: A required ``as_of`` day in the query string (predictions).
Day = Annotated[dt.date, Depends(_predict_from)]
#: The cut-off day of a back-test.
Cutoff = Annotated[dt.date, Depends(_cutoff)]


def _body_day(value: object) -> object:
    if not isinstance(value, str):
        return value
    try:
        return parse_day(value, field="date")
    except InvalidValue as exc:  # reported by pydantic as a validation error of the field
        raise ValueError(str(exc)) from None


#: A day in a request body: the same forms as on the command line, as a date.
BodyDay = Annotated[dt.date, BeforeValidator(_body_day),
                    PlainSerializer(lambda d: d.isoformat(), return_type=str)]
