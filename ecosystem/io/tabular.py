"""The canonical tabular format: one table per node and relationship kind.

A table is a CSV file (``companies.csv``), a Parquet file (``companies.parquet``) or a sheet
of an Excel workbook (sheet ``companies``); the table name is the file stem or sheet name.
A folder is read file by file. Files and sheets whose name starts with ``_`` are ignored
(notes, match reports).
``docs/tabular-format.md`` lists every table and column.
"""

from __future__ import annotations

import codecs
import csv
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

import pandas as pd

from ecosystem.errors import ImportRefused, Problem
from ecosystem.io.batch import ROW, RawTable

__all__ = ["TABLE_SUFFIXES", "read_table_file", "read_tabular"]

TABLE_SUFFIXES = (".csv", ".parquet", ".xlsx")
_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def read_tabular(paths: Sequence[Path], *, encoding: str | None = None) -> list[RawTable]:
    """Read every table under ``paths`` (folders, CSV, Parquet or Excel files).

    Raises
    ------
    ImportRefused
        If a file cannot be read at all: empty, undecodable, not a table; every such
        file is listed.
    """
    tables: list[RawTable] = []
    problems: list[Problem] = []
    for path in _table_files(paths, problems):
        try:
            tables.extend(read_table_file(path, encoding=encoding))
        except ImportRefused as refused:
            problems.extend(refused.problems)
    if problems:
        raise ImportRefused(problems)
    return tables


def _table_files(paths: Sequence[Path], problems: list[Problem]) -> Iterator[Path]:
    for path in paths:
        if path.is_dir():
            files = sorted(p for p in path.iterdir()
                           if p.suffix.lower() in TABLE_SUFFIXES and not p.name.startswith("_"))
            if not files:
                problems.append(Problem(
                    file=str(path), message="folder holds no .csv, .parquet or .xlsx file",
                    fix="Point at a folder of tables such as companies.csv and member_of.csv."))
            yield from files
        elif path.is_file():
            yield path
        else:
            problems.append(Problem(file=str(path), message="no such file or folder",
                                    fix="Check the path."))


def read_table_file(path: Path, *, encoding: str | None = None) -> Iterable[RawTable]:
    """Read the table(s) in one file; an Excel workbook gives one table per sheet."""
    suffix = path.suffix.lower()
    if path.stat().st_size == 0:
        raise ImportRefused([Problem(
            file=str(path), message="file is empty",
            fix="A table needs at least a header row, e.g. 'id,name' for companies.csv.")])
    if suffix == ".csv":
        return [RawTable(path.stem, str(path), _read_csv(path, encoding))]
    if suffix == ".parquet":
        return [RawTable(path.stem, str(path), _numbered(_read_parquet(path)))]
    if suffix == ".xlsx":
        return list(_read_workbook(path))
    raise ImportRefused([Problem(
        file=str(path), message=f"unsupported file type '{path.suffix}'",
        fix="Save the table as .csv, .parquet or .xlsx.")])


def _numbered(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.rename(columns=lambda c: str(c).strip())
    frame[ROW] = range(2, len(frame) + 2)
    return frame


def _sniff_encoding(path: Path) -> str:
    with path.open("rb") as handle:
        head = handle.read(4)
    for bom, name in _BOMS:
        if head.startswith(bom):
            return name
    return "utf-8"


def _read_csv(path: Path, encoding: str | None) -> pd.DataFrame:
    chosen = encoding or _sniff_encoding(path)
    if chosen.lower().replace("_", "-") in {"utf-8", "utf8"}:
        try:  # pyarrow's parallel reader is an order of magnitude faster on big files
            frame = pd.read_csv(path, dtype=str, keep_default_na=False, engine="pyarrow")
            return _numbered(frame)
        except Exception:  # the C engine below gives the precise error
            pass
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, na_filter=False,
                            encoding=chosen, skipinitialspace=False)
    except UnicodeDecodeError as exc:
        raise ImportRefused([_decode_problem(path, chosen, exc)]) from exc
    except pd.errors.EmptyDataError as exc:
        raise ImportRefused([Problem(
            file=str(path), message="file has no header row",
            fix="Put the column names on the first line, e.g. 'id,name'.")]) from exc
    except (pd.errors.ParserError, csv.Error) as exc:
        raise ImportRefused([Problem(
            file=str(path), message=f"not a readable CSV table ({exc})",
            fix="Check the quoting and that every row has as many cells as the header.")]
        ) from exc
    except LookupError as exc:
        raise ImportRefused([Problem(
            file=str(path), message=f"unknown encoding {chosen!r}",
            fix="Give a Python codec name such as utf-8, cp1252 or latin-1.")]) from exc
    return _numbered(frame)


def _decode_problem(path: Path, encoding: str, exc: UnicodeDecodeError) -> Problem:
    data = path.read_bytes()
    # pandas decodes in chunks, so exc.start is relative; find the first bad byte ourselves.
    try:
        data.decode(encoding)
        offset = exc.start
    except UnicodeDecodeError as full:
        offset = full.start
    line = data.count(b"\n", 0, offset) + 1
    bad = data[offset: offset + 4]
    return Problem(
        file=str(path),
        row=line,
        message=f"is not valid {encoding} text at byte {offset}",
        value=bad.hex(" "),
        fix="Save the file as UTF-8 (Excel: 'CSV UTF-8'), or name its encoding with "
        "--encoding, e.g. --encoding cp1252.",
    )


def _read_parquet(path: Path) -> pd.DataFrame:
    try:
        return pd.read_parquet(path)
    except Exception as exc:  # pyarrow raises several unrelated types for bad files
        raise ImportRefused([Problem(
            file=str(path), message=f"not a readable Parquet file ({type(exc).__name__})",
            fix="Write it again with pandas.DataFrame.to_parquet or pyarrow.")]) from exc


def _read_workbook(path: Path) -> Iterator[RawTable]:
    try:
        sheets = pd.read_excel(path, sheet_name=None, dtype=object, engine="openpyxl")
    except Exception as exc:  # openpyxl raises zipfile, KeyError and its own errors
        raise ImportRefused([Problem(
            file=str(path), message=f"not a readable Excel workbook ({type(exc).__name__})",
            fix="Save it from Excel or LibreOffice as .xlsx.")]) from exc
    for sheet, frame in sheets.items():
        if str(sheet).startswith("_"):
            continue
        yield RawTable(str(sheet), f"{path}[{sheet}]", _numbered(frame))
