"""Vectorised conversion of one column of cells into typed values, finding the bad cells.

Each converter takes the cells of one column (strings from CSV, typed values from Excel or
Parquet) and returns the converted column plus a mask of the cells that could not be
converted. Empty cells become ``None``; they are never "bad" here (required-ness is
checked by the caller).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, cast

import numpy as np
import pandas as pd

from ecosystem.model import Field, FieldType

if TYPE_CHECKING:
    import pyarrow as pa

__all__ = ["CLEAR", "WHOLE_LIMIT", "arrow_dates", "arrow_numbers", "blank_mask", "clear_mask",
           "convert_column", "expectation", "invalid_numbers", "invalid_text_mask",
           "is_arrow_text"]

#: The cell text that clears a stored value (an empty cell leaves it alone).
CLEAR = "#clear"
#: The largest whole number read exactly: numbers are read as doubles, which hold every
#: whole number below 2**53 and round some of the larger ones.
WHOLE_LIMIT = 2**53 - 1

_TRUE = {"true", "1", "yes", "y", "t"}
_FALSE = {"false", "0", "no", "n", "f"}


def blank_mask(cells: pd.Series) -> pd.Series:
    """True where a cell is empty: missing, NaN, or only whitespace."""
    if pd.api.types.is_string_dtype(cells) and pd.api.types.infer_dtype(
        cells, skipna=True
    ) in ("string", "empty"):
        return cells.isna() | (cells.str.strip() == "")
    return cells.map(_is_blank).astype(bool)


def clear_mask(cells: pd.Series) -> pd.Series:
    """True where a cell asks to clear the stored value: ``#clear``, any case."""
    if pd.api.types.infer_dtype(cells, skipna=True) in ("string", "empty"):
        return (cells.str.strip().str.lower() == CLEAR).fillna(False).astype(bool)
    return cells.map(lambda v: isinstance(v, str) and v.strip().lower() == CLEAR).astype(bool)


def is_arrow_text(cells: pd.Series) -> bool:
    """Whether pandas holds ``cells`` as text in Arrow (every CSV read does)."""
    return isinstance(cells.dtype, pd.StringDtype) and cells.dtype.storage == "pyarrow"


_NOT_TEXT = re.compile(r"[\x00\ud800-\udfff]")


def invalid_text_mask(cells: pd.Series) -> pd.Series:
    """True where a text cell holds a NUL or a lone surrogate (which no file or database
    can store as text; JSON can carry them)."""
    if is_arrow_text(cells):
        # Arrow strings are valid UTF-8, so they hold no surrogate; only NUL is possible.
        return cells.str.contains("\x00", regex=False).fillna(False).astype(bool)
    return cells.map(lambda v: isinstance(v, str) and _NOT_TEXT.search(v) is not None
                     ).astype(bool)


def _is_blank(value: object) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, list | tuple | np.ndarray):
        return len(value) == 0
    return False


def _text(value: object) -> str:
    """A cell as text: integral floats (Excel numbers) lose their '.0'."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, pd.Timestamp | dt.datetime):
        return value.isoformat()
    return str(value).strip()


def _as_text(cells: pd.Series) -> pd.Series:
    if pd.api.types.infer_dtype(cells, skipna=True) == "string":
        return cells.str.strip()
    return cells.map(_text, na_action="ignore")


def _convert_str(cells: pd.Series, fld: Field) -> tuple[pd.Series, pd.Series]:
    return _as_text(cells), pd.Series(False, index=cells.index)


def _convert_number(cells: pd.Series, fld: Field) -> tuple[pd.Series, pd.Series]:
    if pd.api.types.is_numeric_dtype(cells) and not pd.api.types.is_bool_dtype(cells):
        numbers = cells.astype("float64")
    elif (parsed := _numbers_arrow(cells)) is not None:
        numbers = parsed
    else:
        numbers = pd.to_numeric(_as_text(cells), errors="coerce")
        if isinstance(numbers.dtype, pd.api.extensions.ExtensionDtype):
            # nullable Float64 (from text held in Arrow): NA as NaN, like every other input
            numbers = numbers.astype("float64")
    bad = pd.Series(invalid_numbers(numbers.to_numpy(dtype="float64"), fld),
                    index=cells.index)
    if fld.type is FieldType.INT:
        return numbers.where(~bad).astype("Int64"), bad
    return numbers.where(~bad), bad


def invalid_numbers(numbers: np.ndarray, fld: Field) -> np.ndarray:
    """Where ``numbers`` are not values of ``fld``: missing or not finite, outside its
    bounds, or for a whole-number field with a fraction or beyond :data:`WHOLE_LIMIT`."""
    with np.errstate(invalid="ignore"):
        bad = ~np.isfinite(numbers)
        if fld.type is FieldType.INT:
            bad |= (numbers % 1 != 0) | (np.abs(numbers) > WHOLE_LIMIT)
        if fld.minimum is not None:
            bad |= numbers < fld.minimum
        if fld.maximum is not None:
            bad |= numbers > fld.maximum
    return np.asarray(bad, dtype=bool)


def _numbers_arrow(cells: pd.Series) -> pd.Series | None:
    """Text held in Arrow (every CSV read) as numbers by Arrow's parser, which is many
    times faster than pandas'; None when a cell is not a number (pandas then finds which)."""
    if not is_arrow_text(cells):
        return None
    import pyarrow as pa

    numbers = arrow_numbers(pa.array(cells, pa.string(), from_pandas=True))
    if numbers is None:
        return None
    return pd.Series(numbers, index=cells.index, dtype="float64")


def arrow_numbers(text: pa.Array | pa.ChunkedArray) -> np.ndarray | None:
    """Arrow text as float64 numbers (a null stays NaN, -0 is 0 as pandas reads it); None
    when a cell is not a number. Shared by :func:`convert_column` and the check of clean
    chunks (:func:`ecosystem.io.validate.clean_relationships`)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    try:
        numbers = pc.cast(pc.utf8_trim_whitespace(text), pa.float64())
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None
    values: np.ndarray = numbers.to_numpy(zero_copy_only=False) + 0.0
    return values


def _date_text(value: object) -> object:
    if isinstance(value, pd.Timestamp | dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return _text(value)


def _convert_date_arrow(cells: pd.Series) -> tuple[pd.Series, pd.Series]:
    """:func:`_convert_date` for text held in Arrow (every CSV read), in Arrow's kernels."""
    import pyarrow as pa

    values, bad = arrow_dates(pa.array(cells, pa.string(), from_pandas=True))
    return (pd.Series(values.to_numpy(zero_copy_only=False), index=cells.index,
                      dtype=object),
            pd.Series(bad.to_numpy(zero_copy_only=False), index=cells.index))


def arrow_dates(text: pa.Array | pa.ChunkedArray) -> tuple[pa.Array, pa.Array]:
    """Non-blank Arrow text as days (YYYY-MM-DD text; a year or a month is its first
    day), and where a cell is not a day (its value is then null)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    text = pc.utf8_trim_whitespace(text)
    length = pc.utf8_length(text)
    year, month_only = pc.equal(length, 4), pc.equal(length, 7)
    padded = text
    if pc.any(pc.or_(year, month_only)).as_py():  # a year or a month means its first day
        padded = pc.if_else(year, pc.binary_join_element_wise(text, "01-01", "-"),
                            pc.if_else(month_only,
                                       pc.binary_join_element_wise(text, "01", "-"), text))
    shaped = pc.fill_null(pc.match_substring_regex(padded, _DAY_SHAPE), False)
    real = np.zeros(len(padded), dtype=bool)
    where = shaped.to_numpy(zero_copy_only=False)
    real[where] = _real_days(pc.filter(padded, shaped))
    bad = pa.array(~real)
    values = padded if real.all() else pc.if_else(bad, pa.scalar(None, pa.string()), padded)
    return values, bad


def _real_days(days: pa.Array | pa.ChunkedArray) -> np.ndarray:
    """Whether each of ``days`` (text of the shape YYYY-MM-DD, ASCII digits) is a day of
    the proleptic Gregorian calendar (year 0 included, as Arrow's parser has it), read
    from the text's bytes: no parse, no rollover of 2024-02-30 into March."""
    import pyarrow as pa

    if isinstance(days, pa.ChunkedArray):
        days = days.combine_chunks()
    if not len(days):
        return np.zeros(0, dtype=bool)
    days = cast("pa.StringArray", days)
    _, offsets, text = days.buffers()
    first = int(np.frombuffer(offsets, dtype=np.int32, count=days.offset + 1)[-1])
    data = np.frombuffer(text, dtype=np.uint8, count=first + 10 * len(days))
    digits = data[first:].reshape(-1, 10).astype(np.int32) - ord("0")
    year = digits[:, 0] * 1000 + digits[:, 1] * 100 + digits[:, 2] * 10 + digits[:, 3]
    month = digits[:, 5] * 10 + digits[:, 6]
    day = digits[:, 8] * 10 + digits[:, 9]
    leap = ((year % 4 == 0) & (year % 100 != 0)) | (year % 400 == 0)
    length = _MONTH_DAYS[np.clip(month, 0, 12)] + ((month == 2) & leap)
    real: np.ndarray = (month >= 1) & (month <= 12) & (day >= 1) & (day <= length)
    return real


#: Days in each month of a common year (index 0: no month).
_MONTH_DAYS = np.array([0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])


#: A day written YYYY-MM-DD in ASCII digits (other digits would not sort as dates do).
_DAY_SHAPE = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"


def _convert_date(cells: pd.Series, fld: Field) -> tuple[pd.Series, pd.Series]:
    if is_arrow_text(cells):
        return _convert_date_arrow(cells)
    if pd.api.types.is_datetime64_any_dtype(cells):
        text = cells.dt.strftime("%Y-%m-%d")
    elif pd.api.types.infer_dtype(cells, skipna=True) == "string":
        text = cells.str.strip()
    else:
        text = cells.map(_date_text, na_action="ignore").astype("object")
    lengths = text.str.len()
    padded = text.where(lengths != 4, text + "-01-01")
    padded = padded.where(lengths != 7, text + "-01")
    shaped = padded.str.fullmatch(_DAY_SHAPE[1:-1]).fillna(False).astype(bool)
    parsed = pd.to_datetime(padded.where(shaped), format="%Y-%m-%d", errors="coerce")
    bad = ~shaped | parsed.isna()
    return padded.where(~bad), bad


def _convert_bool(cells: pd.Series, fld: Field) -> tuple[pd.Series, pd.Series]:
    lowered = _as_text(cells).str.lower()
    values = lowered.map(lambda v: True if v in _TRUE else (False if v in _FALSE else None))
    return values, values.isna()


def _convert_list(cells: pd.Series, fld: Field) -> tuple[pd.Series, pd.Series]:
    def split(value: Any) -> list[str]:
        if isinstance(value, list | tuple | np.ndarray):
            return [_text(v) for v in value if not _is_blank(v)]
        return [part.strip() for part in _text(value).split(";") if part.strip()]

    values = cells.map(split, na_action="ignore")
    return values, pd.Series(False, index=cells.index)


def _convert_enum(cells: pd.Series, fld: Field) -> tuple[pd.Series, pd.Series]:
    canonical = {c.lower(): c for c in fld.choices}
    values = _as_text(cells).str.lower().map(canonical)
    return values, values.isna()


_CONVERTERS: dict[FieldType, Callable[[pd.Series, Field], tuple[pd.Series, pd.Series]]] = {
    FieldType.STR: _convert_str,
    FieldType.INT: _convert_number,
    FieldType.FLOAT: _convert_number,
    FieldType.DATE: _convert_date,
    FieldType.BOOL: _convert_bool,
    FieldType.LIST: _convert_list,
    FieldType.ENUM: _convert_enum,
}


def convert_column(cells: pd.Series, fld: Field) -> tuple[pd.Series, pd.Series]:
    """Convert the non-blank cells of ``cells`` to ``fld``'s type.

    Returns
    -------
    values, bad
        ``values`` has ``None``/NA where the cell was blank or bad; ``bad`` is True where
        a non-blank cell could not be converted.
    """
    dtype = _DTYPES.get(fld.type, np.dtype(object))
    blank = blank_mask(cells)
    if not blank.any() and len(cells):  # every cell given: no cell to put back in place
        converted, bad_all = _CONVERTERS[fld.type](cells, fld)
        values = (converted.astype(dtype) if fld.type in _DTYPES else
                  pd.Series(converted.to_numpy(dtype=object), index=cells.index, dtype=object))
        return values, pd.Series(bad_all.to_numpy(dtype=bool), index=cells.index)
    values = pd.Series(None, index=cells.index, dtype=dtype)
    bad = pd.Series(False, index=cells.index)
    present = cells[~blank]
    if len(present):
        converted, bad_present = _CONVERTERS[fld.type](present, fld)
        values.loc[present.index] = converted
        bad.loc[present.index] = bad_present.to_numpy(dtype=bool)
    return values, bad


#: The pandas type of a converted column (missing values: NA, NaN or None).
_DTYPES: dict[FieldType, Any] = {FieldType.INT: pd.Int64Dtype(),
                                 FieldType.FLOAT: np.dtype("float64")}


def expectation(fld: Field) -> str:
    """What a valid value of ``fld`` looks like, for error messages."""
    bounds = ""
    highest = (f"{fld.maximum:g}" if fld.maximum is not None
               else f"{WHOLE_LIMIT:,}" if fld.type is FieldType.INT else None)
    if fld.minimum is not None and highest is not None:
        bounds = f" between {fld.minimum:g} and {highest}"
    elif fld.minimum is not None:
        bounds = f" of at least {fld.minimum:g}"
    elif highest is not None:
        bounds = f" of at most {highest}"
    if fld.type is FieldType.INT:
        example = f" such as {fld.example}" if fld.example else ""
        return f"expected a whole number{bounds}{example}"
    if fld.type is FieldType.FLOAT:
        return f"expected a number{bounds}"
    if fld.type is FieldType.DATE:
        return "expected a date such as 2024-06-30, 2024-06 or 2024"
    if fld.type is FieldType.BOOL:
        return "expected true or false"
    if fld.type is FieldType.ENUM:
        return "expected one of " + ", ".join(fld.choices)
    return "expected text"
