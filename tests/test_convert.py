"""Cell conversion: text held in Arrow (every CSV read) converts exactly as Python text
does, days are real days in ASCII digits, and a bad number among blanks is flagged, not a
crash."""

from __future__ import annotations

import pandas as pd
import pytest

from ecosystem.io.convert import convert_column
from ecosystem.model import Field, FieldType

DAY = Field("since", FieldType.DATE)
DAYS = ["2024", " 2024-06 ", "2024-06-30", "2024-02-29", "2023-02-29", "2024-02-30",
        "2024-13-01", "2024-04-31", "2024-1-01", "2024-06-30T00:00", "१९९९-01-01",
        "２０２４-01-01", "0000-01-01", "9999-12-31", "\u00a02024-01-01"]
WANTED = ["2024-01-01", "2024-06-01", "2024-06-30", "2024-02-29", None, None, None, None,
          None, None, None, None, "0000-01-01", "9999-12-31", "2024-01-01"]


@pytest.mark.parametrize("dtype", [object, "string[pyarrow]", "str"])
@pytest.mark.parametrize("index", [None, list(range(3, 3 + 2 * len(DAYS), 2))])
def test_days_convert_alike_whatever_holds_the_text(dtype: object, index: object) -> None:
    cells = pd.Series(DAYS, dtype=dtype, index=index)  # type: ignore[call-overload]
    values, bad = convert_column(cells, DAY)
    assert list(values.index) == list(cells.index) == list(bad.index)
    assert [None if pd.isna(v) else v for v in values] == WANTED
    # a day that is not in its month, or not written in ASCII digits, is refused (other
    # digits would not sort as days do)
    assert list(bad) == [w is None for w in WANTED]


@pytest.mark.parametrize("dtype", [object, "string[pyarrow]", "str"])
def test_bad_numbers_among_blanks_are_flagged(dtype: object) -> None:
    cells = pd.Series(["1.5", "", None, "inf", "x", " 2 "], dtype=dtype)  # type: ignore[call-overload]
    values, bad = convert_column(cells, Field("weight", FieldType.FLOAT))
    assert values.dtype == "float64"
    assert [None if pd.isna(v) else v for v in values] == [1.5, None, None, None, None, 2.0]
    assert list(bad) == [False, False, False, True, True, False]


NUMBERS = ["1", " 2.5 ", "1e3", "-0", "+5", ".5", "007", "inf", "nan", "1e400",
           "0.1234567890123456789", "-4"]


@pytest.mark.parametrize("kind", [FieldType.FLOAT, FieldType.INT])
def test_numbers_in_arrow_text_convert_as_python_text_does(kind: FieldType) -> None:
    """Arrow's parser reads a column of numbers held in Arrow (every CSV read) only when
    every cell is a number; what it reads must equal what pandas reads from Python text,
    including infinities and NaN (flagged bad) and a negative zero (stored as 0)."""
    fld = Field("weight", kind, minimum=-10)
    results = [convert_column(pd.Series(NUMBERS, dtype=dtype), fld)  # type: ignore[call-overload]
               for dtype in (object, "string[pyarrow]")]
    (python_values, python_bad), (arrow_values, arrow_bad) = results
    assert list(arrow_bad) == list(python_bad)
    assert [None if pd.isna(v) else v for v in arrow_values] == \
        [None if pd.isna(v) else v for v in python_values]
    whole = kind is FieldType.INT
    expected_bad = [False, whole, False, False, False, whole, False, True, True, True, whole,
                    False]
    assert list(arrow_bad) == expected_bad
    zero = arrow_values.iloc[3]
    assert zero == 0 and str(zero) in ("0", "0.0")  # not -0.0


def test_arrow_dates_accept_exactly_the_days_of_the_calendar() -> None:
    """Every month 00-13 and day 00-32 of years around the leap rules: a cell is a day
    when Python's calendar has it (year 0 too, a leap year as Arrow's parser has it)."""
    import datetime as dt

    import pyarrow as pa

    from ecosystem.io.convert import arrow_dates

    years = [1, 4, 100, 400, 1582, 1900, 2000, 2023, 2024, 2100, 9999]
    texts = [f"{y:04d}-{m:02d}-{d:02d}" for y in [0, *years] for m in range(14)
             for d in range(33)]

    def real(text: str) -> bool:
        if text.startswith("0000"):
            text = "2000" + text[4:]  # year 0 is a leap year, as 2000 is
        try:
            dt.date.fromisoformat(text)
        except ValueError:
            return False
        return True

    values, bad = arrow_dates(pa.array(texts))
    assert bad.to_pylist() == [not real(t) for t in texts]
    assert values.to_pylist() == [t if real(t) else None for t in texts]


@pytest.mark.parametrize("dtype", [object, "string[pyarrow]"])
def test_a_whole_number_too_large_to_keep_exactly_is_refused_not_rounded(dtype: object) -> None:
    """Numbers are read as doubles: 2**53 + 1 would be stored as 2**53. The largest whole
    number a double holds with every one below it is accepted; any larger one is bad."""
    from ecosystem.io.convert import WHOLE_LIMIT, expectation

    count = Field("count", FieldType.INT, minimum=0)
    cells = pd.Series([str(WHOLE_LIMIT), str(WHOLE_LIMIT + 1), "12345678901234567", "12"],
                      dtype=dtype)  # type: ignore[call-overload]
    values, bad = convert_column(cells, count)
    assert list(bad) == [False, True, True, False]
    assert values[0] == WHOLE_LIMIT and values[3] == 12
    assert expectation(count) == "expected a whole number between 0 and 9,007,199,254,740,991"
