"""Days: the library's one date type, parsed once where text comes in.

A day is a :class:`datetime.date`. Text (``2024-06-30``, ``2024-06`` or ``2024``, a month or
a year meaning its first day) becomes a day at the edge where it enters: the CLI's options,
the API's query parameters, the readers of files. Below the edge every function takes a
day, and ``as_of`` means the same everywhere:

- a day: what holds on that day (a relationship from its ``since`` up to, not including,
  its ``until``);
- ``None`` (:data:`EVER`): no date filter, everything ever recorded.

The lifecycle and prediction, which always need a day ("which milestones are late?",
"who joins next?"), take one; the CLI and API pass today's when the user gives none.
Stored dates (``since``, ``until``, ``due`` ...) are ISO text, which sorts like the days
it names, so a day is compared with them as :func:`iso` text.
"""

from __future__ import annotations

import datetime as dt

from ecosystem.errors import InvalidValue

__all__ = [
    "EVER",
    "AsOf",
    "Window",
    "add_months",
    "checked",
    "checked_day",
    "is_active",
    "iso",
    "overlaps",
    "parse_day",
    "parse_window",
    "today",
]

#: A day, or None for "no date filter".
AsOf = dt.date | None
#: Days ``(since, until)`` between which a relationship must hold at some time, either end
#: open (None); None: no window.
Window = tuple[dt.date | None, dt.date | None] | None
#: ``as_of`` that filters nothing: everything ever recorded.
EVER: AsOf = None


def parse_day(value: str | dt.date, *, field: str = "as_of") -> dt.date:
    """Parse ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` into a day (a month or a year means
    its first day); a day is returned as it is.

    Examples
    --------
    >>> parse_day("2019-05"), parse_day("2024")
    (datetime.date(2019, 5, 1), datetime.date(2024, 1, 1))

    Raises
    ------
    InvalidValue
        Naming ``field`` and the value, with the forms that are understood.
    """
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    padded = {4: text + "-01-01", 7: text + "-01"}.get(len(text), text)
    try:
        return dt.date.fromisoformat(padded)
    except ValueError:
        raise InvalidValue(
            f"{field} is {value!r}; expected a date such as 2024-06-30, 2024-06 or 2024.",
            field=field, value=value) from None


def checked(as_of: object, *, field: str = "as_of") -> dt.date | None:
    """``as_of`` as a library function takes it (a day or None), or a clear error: text is
    parsed where it comes in, with :func:`parse_day`."""
    return _checked(as_of, field, "or None for no date filter")


def checked_day(as_of: object, *, field: str = "as_of") -> dt.date:
    """Like :func:`checked`, for functions that need a day (the lifecycle, prediction):
    None is refused too."""
    day = _checked(as_of, field, "such as datetime.date.today()")
    if day is None:
        raise InvalidValue(f"{field} is needed here: give the day to evaluate on (e.g. "
                           "datetime.date.today()).", field=field, value=None)
    return day


def _checked(as_of: object, field: str, alternative: str) -> dt.date | None:
    if isinstance(as_of, dt.datetime):
        return as_of.date()
    if as_of is None or isinstance(as_of, dt.date):
        return as_of
    raise InvalidValue(
        f"{field} is {as_of!r} ({type(as_of).__name__}); give a datetime.date, e.g. "
        f"ecosystem.dates.parse_day({str(as_of)!r}), {alternative}.",
        field=field, value=str(as_of))


def iso(day: dt.date | None) -> str | None:
    """The ISO text of ``day`` (as stored dates are written), or None."""
    return None if day is None else day.isoformat()


def today() -> dt.date:
    return dt.date.today()


def parse_window(since: str | dt.date | None, until: str | dt.date | None) -> Window:
    """A ``(since, until)`` window of days from text or days; None when both are open.

    Raises InvalidValue when ``until`` is not after ``since``.
    """
    if since is None and until is None:
        return None
    start = parse_day(since, field="since") if since is not None else None
    end = parse_day(until, field="until") if until is not None else None
    if start and end and end <= start:
        raise InvalidValue(f"The window ends ({end}) before it starts ({start}); give an "
                           "'until' later than 'since'.", field="until", value=str(until))
    return start, end


def is_active(since: str | None, until: str | None, as_of: dt.date | None) -> bool:
    """Whether something stored as holding over ``[since, until)`` holds on ``as_of``
    (None: always).

    Examples
    --------
    >>> is_active("2020-01-01", "2021-01-01", dt.date(2020, 6, 30))
    True
    >>> is_active("2020-01-01", "2021-01-01", dt.date(2021, 1, 1))
    False
    """
    if as_of is None:
        return True
    day = as_of.isoformat()
    return (not since or since <= day) and (not until or day < until)


def overlaps(since: str | None, until: str | None, window: Window) -> bool:
    """Whether ``[since, until)`` meets the window ``[w_since, w_until)`` (None: always)."""
    if window is None:
        return True
    w_since, w_until = (iso(d) for d in window)
    return (not w_until or not since or since < w_until) and \
        (not w_since or not until or until > w_since)


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` moved by ``months``, clipped to the end of the month.

    Examples
    --------
    >>> add_months(dt.date(2025, 8, 31), 6)
    datetime.date(2026, 2, 28)
    """
    total = day.year * 12 + day.month - 1 + months
    year, month = divmod(total, 12)
    for last in (31, 30, 29, 28):
        try:
            return dt.date(year, month + 1, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable: every month has 28 days")
