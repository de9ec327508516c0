"""The canonical tabular format: one table per node and relationship kind.

A table is a CSV file (``companies.csv``), a Parquet file (``companies.parquet``) or a sheet
of an Excel workbook (sheet ``companies``); the table name is the file stem or sheet name.

Folders are read with their sub-folders, recursively, in name order: every ``.csv``,
``.parquet`` and ``.xlsx`` file is a table (a workbook one per sheet). Files, folders and
sheets whose name starts with ``_`` (notes, match reports) or ``.`` (hidden), and Excel's
lock files (``~$book.xlsx``), are skipped; so are files of other types. Every skipped file
is reported with the reason (``skipped``), never passed over in silence. A broken link, a
link that loops, or a file that cannot be opened is a problem that refuses the import.

Exports write a text that a spreadsheet would run as a formula (one starting with ``=``,
``+``, ``-``, ``@``, a tab or a carriage return, after any apostrophes) with one more
apostrophe in front, as OWASP advises against CSV injection; readers take that
apostrophe off again, so the round trip is exact (:func:`escape_formulas`).

Cells are read exactly as written: every CSV cell is text (``NA``, ``null`` and ``None``
stay text), a row with more or fewer cells than the header is refused (it would shift or
drop values), and no column is ever taken as an index. Workbooks and Parquet files are
checked against :data:`LIMITS` before they are unpacked, so a small file that inflates to
gigabytes is refused at once.
"""

from __future__ import annotations

import codecs
import csv
import os
import re
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from ecosystem.errors import ImportRefused, Problem
from ecosystem.io.batch import ROW, RawTable
from ecosystem.model import RELATIONSHIP_SCHEMAS

__all__ = ["CHUNK_BYTES", "LIMITS", "TABLE_SUFFIXES", "ReadLimits", "escape_formulas",
           "read_csv_chunks", "read_csv_strict",
           "read_table_file", "read_tabular", "table_files", "unescape_formulas"]

TABLE_SUFFIXES = (".csv", ".parquet", ".xlsx")
#: Tables a streamed import reads in chunks: the relationship tables.
_STREAMED_TABLES = frozenset({*(s.table for s in RELATIONSHIP_SCHEMAS.values()),
                              "relationships"})
_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


# A text a spreadsheet would evaluate: =, +, -, @, tab or CR first, after any apostrophes.
_FORMULA = r"^(?='*[=+\-@\t\r])"
_ESCAPED = r"^'(?='*[=+\-@\t\r])"


def escape_formulas(cells: pd.Series) -> pd.Series:
    """Text cells that a spreadsheet would run as formulas, with an apostrophe in front.

    Examples
    --------
    >>> escape_formulas(pd.Series(["=SUM(A1)", "-5", "'=x", "IBM"])).tolist()
    ["'=SUM(A1)", "'-5", "''=x", 'IBM']
    """
    text = cells.astype("object")
    strings = text.map(lambda v: isinstance(v, str), na_action="ignore").fillna(False)
    strings = strings.astype(bool)
    if not strings.any():
        return cells
    escaped = text[strings].astype(str).str.replace(_FORMULA, "'", regex=True)
    return text.where(~strings, escaped)


def unescape_formulas(cells: pd.Series) -> pd.Series:
    """Undo :func:`escape_formulas`: one leading apostrophe off where it guards a formula.

    Examples
    --------
    >>> unescape_formulas(pd.Series(["'=x", "''=x", "'quoted'", "'-5"])).tolist()
    ['=x', "'=x", "'quoted'", '-5']
    """
    if pd.api.types.infer_dtype(cells, skipna=True) in ("string", "empty"):
        if not cells.str.startswith("'").any():
            return cells
        return cells.str.replace(_ESCAPED, "", regex=True)
    if cells.dtype != object:
        return cells
    return cells.map(lambda v: re.sub(_ESCAPED, "", v) if isinstance(v, str) else v)


@dataclass(frozen=True)
class ReadLimits:
    """How large a compressed input may grow when it is unpacked.

    ``unpacked_bytes`` bounds the XML inside a workbook and the uncompressed column data
    of a Parquet file; ``cells`` bounds rows x columns of a Parquet file (dictionary and
    run-length encodings inflate beyond their stated size). Set them with the
    environment variables ``ECOSYSTEM_MAX_UNPACKED_MB`` and ``ECOSYSTEM_MAX_CELLS``.
    """

    unpacked_bytes: int = 256 * 2**20
    cells: int = 200_000_000

    @classmethod
    def from_environment(cls) -> ReadLimits:
        megabytes = os.environ.get("ECOSYSTEM_MAX_UNPACKED_MB")
        cells = os.environ.get("ECOSYSTEM_MAX_CELLS")
        return cls(
            unpacked_bytes=int(megabytes) * 2**20 if megabytes else cls.unpacked_bytes,
            cells=int(cells) if cells else cls.cells,
        )


#: The limits in force (from the environment, else the defaults).
LIMITS = ReadLimits.from_environment()


def read_tabular(paths: Sequence[Path], *, encoding: str | None = None,
                 skipped: dict[str, str] | None = None, stream: bool = False
                 ) -> list[RawTable]:
    """Read every table under ``paths`` (folders, CSV, Parquet or Excel files).

    Parameters
    ----------
    paths
        Folders (read recursively, see the module notes) and files.
    encoding
        Text encoding of CSV files; UTF-8 by default (a byte-order mark is honoured).
    skipped
        Given, receives each file that was skipped, with the reason.
    stream
        Read large relationship files in chunks (see :func:`read_table_file`).

    Raises
    ------
    ImportRefused
        If a file cannot be read at all: empty, undecodable, ragged, not a table, too
        large once unpacked; every such file is listed.
    """
    tables: list[RawTable] = []
    problems: list[Problem] = []
    for path in table_files(paths, problems, skipped):
        try:
            tables.extend(read_table_file(path, encoding=encoding, stream=stream))
        except ImportRefused as refused:
            problems.extend(refused.problems)
    if problems:
        raise ImportRefused(problems)
    return tables


def _ignored(name: str) -> bool:
    return name.startswith(("_", ".", "~$"))


def table_files(paths: Sequence[Path], problems: list[Problem],
                skipped: dict[str, str] | None = None) -> Iterator[Path]:
    """The table files under ``paths``, by the rule of the module notes.

    File-system oddities (missing paths, broken or looping links, unreadable folders)
    are added to ``problems``; skipped files to ``skipped``.
    """
    notes: dict[str, str] = {} if skipped is None else skipped
    for path in paths:
        if path.is_symlink() and not path.exists():
            problems.append(_broken_link(path))
        elif path.is_dir():
            found = list(_walk(path, problems, notes, seen=set()))
            if not found and not any(p.file.startswith(str(path)) for p in problems):
                problems.append(Problem(
                    file=str(path), message="folder holds no .csv, .parquet or .xlsx file",
                    fix="Point at a folder of tables such as companies.csv and member_of.csv."))
            yield from found
        elif path.is_file():
            yield path
        else:
            problems.append(Problem(file=str(path), message="no such file or folder",
                                    fix="Check the path."))


def _broken_link(path: Path) -> Problem:
    return Problem(file=str(path), message=f"is a link to {os.readlink(path)!r}, which "
                   "does not exist", fix="Remove the link or point it at the table.")


def _walk(folder: Path, problems: list[Problem], skipped: dict[str, str],
          seen: set[Path]) -> Iterator[Path]:
    real = folder.resolve()
    if real in seen:
        problems.append(Problem(file=str(folder), message="a link leads back into a folder "
                                "already being read (a loop)",
                                fix="Remove the link, or import the folders separately."))
        return
    seen = seen | {real}
    try:
        entries = sorted(folder.iterdir(), key=lambda p: p.name)
    except OSError as exc:
        problems.append(Problem(file=str(folder), message=f"folder cannot be read "
                                f"({exc.strerror or exc})",
                                fix="Check its permissions."))
        return
    for entry in entries:
        if _ignored(entry.name):
            skipped[str(entry)] = "its name starts with '_', '.' or '~$' (notes, hidden " \
                "and lock files are not read)"
        elif entry.is_symlink() and not entry.exists():
            problems.append(_broken_link(entry))
        elif entry.is_dir():
            yield from _walk(entry, problems, skipped, seen)
        elif entry.suffix.lower() in TABLE_SUFFIXES and entry.is_file():
            yield entry
        else:
            skipped[str(entry)] = "not a table (tables are .csv, .parquet or .xlsx files)"


def read_table_file(path: Path, *, encoding: str | None = None,
                    name: str | None = None, source: str | None = None,
                    stream: bool = False) -> Iterable[RawTable]:
    """Read the table(s) in one file; an Excel workbook gives one table per sheet.

    ``name`` and ``source`` override the table name (default: the file stem) and the
    file named in messages (default: the path), e.g. for an upload saved under another
    name. With ``stream``, a CSV file of relationships larger than :data:`CHUNK_BYTES` is
    read in chunks (:attr:`RawTable.rest`), so that a store can write it in bounded
    memory; node tables are always read whole (their ids resolve the references).
    """
    where = source or str(path)
    suffix = path.suffix.lower()
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise ImportRefused([Problem(file=where, message=f"cannot be read "
                                     f"({exc.strerror or exc})",
                                     fix="Check that it exists and may be read.")]) from exc
    if path.is_dir():
        raise ImportRefused([Problem(file=where, message="is a folder, not a file",
                                     fix="Name the folder itself to read the tables in it.")])
    if size == 0:
        raise ImportRefused([Problem(
            file=where, message="file is empty",
            fix="A table needs at least a header row, e.g. 'id,name' for companies.csv.")])
    table = name or path.stem
    try:
        if suffix == ".csv":
            if stream and size > CHUNK_BYTES and table.strip().lower() in _STREAMED_TABLES:
                chunks = read_csv_chunks(path, encoding=encoding, source=where)
                first = next(chunks, None)
                if first is not None:
                    return [RawTable(table, where, first, rest=chunks)]
            return [RawTable(table, where, read_csv_strict(path, encoding=encoding,
                                                           source=where))]
        if suffix == ".parquet":
            return [RawTable(table, where, _numbered(_read_parquet(path, where), where))]
        if suffix == ".xlsx":
            return list(_read_workbook(path, where))
    except PermissionError as exc:
        raise ImportRefused([Problem(file=where, message="may not be read (permission "
                                     "denied)", fix="Check its permissions.")]) from exc
    raise ImportRefused([Problem(
        file=where, message=f"unsupported file type '{path.suffix}'",
        fix="Save the table as .csv, .parquet or .xlsx.")])


def _numbered(frame: pd.DataFrame, source: str, first_row: int = 2) -> pd.DataFrame:
    """Name columns by their header text, number the rows as a spreadsheet does (header
    row 1; a chunk's first row is ``first_row``), refuse values under an empty header,
    drop rows with no value at all, and take off the apostrophes that guard formulas."""
    frame = frame.rename(columns=lambda c: str(c).strip())
    for i in range(frame.shape[1]):
        frame.isetitem(i, unescape_formulas(frame.iloc[:, i]).array)
    frame[ROW] = range(first_row, len(frame) + first_row)
    blank = pd.DataFrame({c: _blank_cells(frame.iloc[:, i])
                          for i, c in enumerate(frame.columns) if c != ROW})
    headless = [i for i, c in enumerate(frame.columns) if c == "" or c.startswith("Unnamed: ")]
    problems = []
    for i in headless:
        filled = ~blank.iloc[:, i]
        for row, value in zip(frame.loc[filled, ROW].head(5), frame.iloc[:, i][filled].head(5),
                              strict=True):
            problems.append(Problem(
                file=source, row=int(row), column=_column_letter(i), value=value,
                message="a value stands in a column with no header",
                fix="Give the column a header, or move the value into its column (a comma "
                "inside a cell needs the cell in quotes)."))
    if problems:
        raise ImportRefused(problems)
    keep = [c for i, c in enumerate(frame.columns) if i not in headless]
    frame = frame.loc[:, keep] if headless else frame
    if len(blank.columns):
        frame = frame[~blank.all(axis=1).to_numpy()]
    return frame.reset_index(drop=True)


def _blank_cells(cells: pd.Series) -> pd.Series:
    if pd.api.types.infer_dtype(cells, skipna=True) in ("string", "empty"):
        return (cells.isna() | (cells.str.strip() == "")).astype(bool)
    if cells.dtype == object:
        return cells.map(lambda v: v is None or (isinstance(v, str) and not v.strip())
                         or (isinstance(v, float) and v != v)).astype(bool)
    return cells.isna()


def _column_letter(index: int) -> str:
    """Spreadsheet column letters: 0 -> A, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _sniff_encoding(path: Path) -> str:
    with path.open("rb") as handle:
        head = handle.read(4)
    for bom, name in _BOMS:
        if head.startswith(bom):
            return name
    return "utf-8"


def _header(path: Path, encoding: str, sep: str, source: str) -> list[str]:
    try:
        with path.open(encoding=encoding, newline="") as handle:
            return next(csv.reader(handle, delimiter=sep), [])
    except UnicodeDecodeError as exc:
        raise ImportRefused([_decode_problem(path, encoding, exc, source)]) from exc
    except LookupError as exc:
        raise ImportRefused([Problem(
            file=source, message=f"unknown encoding {encoding!r}",
            fix="Give a Python codec name such as utf-8, cp1252 or latin-1.")]) from exc
    except csv.Error as exc:
        raise ImportRefused([Problem(
            file=source, row=1, message=f"the header row is not readable ({exc})",
            fix="Put the column names on the first line, e.g. 'id,name'.")]) from exc


def read_csv_strict(path: Path, *, encoding: str | None = None, sep: str = ",",
                    source: str | None = None) -> pd.DataFrame:
    """A CSV file as text cells, refusing ragged rows; rows numbered as in a spreadsheet.

    Every cell is read as text. A row with more or fewer cells than the header is a
    problem naming the row (an unquoted comma would otherwise shift every value after
    it); rows with no value at all are dropped; quoted cells may hold line breaks.

    Raises
    ------
    ImportRefused
        Listing the ragged rows (up to 50), or why the file cannot be read.
    """
    import pyarrow as pa
    import pyarrow.csv as pacsv

    reading = _CsvReading(path, encoding, sep, source)
    try:
        table = pacsv.read_csv(path, **reading.options(threads=True))
        if reading.ragged and any(number is None for number, *_ in reading.ragged):
            reading.ragged.clear()  # read again in one thread, which knows the row numbers
            table = pacsv.read_csv(path, **reading.options(threads=False))
    except (UnicodeDecodeError, pa.ArrowInvalid) as exc:
        raise reading.refusal(exc) from exc
    reading.refuse_ragged()
    return _numbered(reading.named(table.to_pandas()), reading.where)


def read_csv_chunks(path: Path, *, encoding: str | None = None, sep: str = ",",
                    source: str | None = None, chunk_bytes: int | None = None
                    ) -> Iterator[pd.DataFrame]:
    """A CSV file in chunks of about ``chunk_bytes`` (default :data:`CHUNK_BYTES`) of text,
    each as :func:`read_csv_strict` reads a whole file, rows numbered across the file.

    Memory stays bounded by the chunk, not the file. Ragged rows are collected on the way
    and refused once the file has been read (ImportRefused, raised by the iteration), so
    a reader that writes chunk by chunk in a transaction rolls back.
    """
    import pyarrow as pa
    import pyarrow.csv as pacsv

    reading = _CsvReading(path, encoding, sep, source)
    wanted = max(int(chunk_bytes or CHUNK_BYTES), 1)
    # pyarrow reads about 30 blocks ahead: small blocks keep that buffer small (~30 MiB),
    # and are joined into chunks of the size asked for
    block = min(wanted, _BLOCK_BYTES)
    next_row, held = 2, 0
    batches: list[pa.RecordBatch] = []

    def chunk() -> pd.DataFrame:
        nonlocal next_row, held
        frame = reading.named(pa.Table.from_batches(batches).to_pandas())
        batches.clear()
        held = 0
        numbered = _numbered(frame, reading.where, first_row=next_row)
        next_row += len(frame)
        return numbered

    try:
        reader = pacsv.open_csv(path, **reading.options(threads=False, block_size=block))
        for batch in reader:
            batches.append(batch)
            held += batch.nbytes
            if held >= wanted and len(numbered := chunk()):
                yield numbered
        if batches and len(numbered := chunk()):
            yield numbered
    except (UnicodeDecodeError, pa.ArrowInvalid) as exc:
        raise reading.refusal(exc) from exc
    reading.refuse_ragged()


#: How much CSV text a streamed import reads at a time (``ECOSYSTEM_IMPORT_CHUNK_MB``).
#: A chunk's validation needs about 25 times its text in memory; 2 MiB chunks import
#: as fast as 4 MiB ones, in 45 MB less.
CHUNK_BYTES = int(float(os.environ.get("ECOSYSTEM_IMPORT_CHUNK_MB", "2")) * 2**20)
_BLOCK_BYTES = 2**20


class _CsvReading:
    """What reading one CSV file needs: its encoding and header, pyarrow's options, the
    ragged rows met, and the problems to raise."""

    def __init__(self, path: Path, encoding: str | None, sep: str, source: str | None):
        self.path, self.sep = path, sep
        self.where = source or str(path)
        self.encoding = encoding or _sniff_encoding(path)
        self.header = _header(path, self.encoding, sep, self.where)
        if not [c for c in self.header if c.strip()]:
            raise ImportRefused([Problem(
                file=self.where, row=1, message="file has no header row",
                fix="Put the column names on the first line, e.g. 'id,name'.")])
        self.ragged: list[tuple[int | None, int, int, str]] = []

    def options(self, *, threads: bool, block_size: int | None = None) -> dict[str, Any]:
        import pyarrow as pa
        import pyarrow.csv as pacsv

        def refuse_row(row: pacsv.InvalidRow) -> str:
            self.ragged.append((row.number, row.expected_columns, row.actual_columns,
                                row.text))
            return "skip"

        # pyarrow reads UTF-8 natively (and skips its byte-order mark); others it transcodes
        utf8 = self.encoding.lower().replace("_", "-") in {"utf-8", "utf8", "utf-8-sig"}
        read = pacsv.ReadOptions(use_threads=threads, encoding="utf8" if utf8
                                 else self.encoding)
        if block_size is not None:
            read.block_size = block_size
        return {
            "read_options": read,
            "parse_options": pacsv.ParseOptions(delimiter=self.sep, newlines_in_values=True,
                                                ignore_empty_lines=False,
                                                invalid_row_handler=refuse_row),
            "convert_options": pacsv.ConvertOptions(
                column_types=dict.fromkeys(self.header, pa.string()),
                strings_can_be_null=False, quoted_strings_can_be_null=False),
        }

    def named(self, frame: pd.DataFrame) -> pd.DataFrame:
        if len(self.header) == frame.shape[1]:
            frame.columns = [str(c) for c in self.header]
        return frame

    def refuse_ragged(self) -> None:
        if self.ragged:
            raise ImportRefused([_ragged_problem(self.where, self.header, *row)
                                 for row in self.ragged[:50]], total=len(self.ragged))

    def refusal(self, exc: Exception) -> ImportRefused:
        if isinstance(exc, UnicodeDecodeError):
            return ImportRefused([_decode_problem(self.path, self.encoding, exc, self.where)])
        if "UTF8" in str(exc) or "decode" in str(exc).lower():
            bad = UnicodeDecodeError(self.encoding, b"", 0, 1, str(exc))
            return ImportRefused([_decode_problem(self.path, self.encoding, bad, self.where)])
        return ImportRefused([Problem(
            file=self.where, message=f"not a readable CSV table ({exc})",
            fix="Check the quoting: a cell that holds a quote, comma or line break is "
            "written in double quotes, with inner quotes doubled.")])


def _ragged_problem(source: str, header: list[str], number: int | None, expected: int,
                    actual: int, text: str) -> Problem:
    more = actual > expected
    return Problem(
        file=source, row=number, value=text,
        message=f"the row has {actual} cells but the header has {expected}",
        fix=("Put cells that hold a comma in double quotes (\"Acme, Inc.\"), or remove the "
             "extra cells" if more else "Add the missing cells (empty ones still need their "
             "commas)") + f"; the columns are {', '.join(header)}.")


def _decode_problem(path: Path, encoding: str, exc: UnicodeDecodeError,
                    source: str | None = None) -> Problem:
    data = path.read_bytes()
    # Readers decode in chunks, so exc.start is relative; find the first bad byte ourselves.
    try:
        data.decode(encoding)
        offset = exc.start
    except UnicodeDecodeError as full:
        offset = full.start
    except LookupError:
        offset = exc.start
    line = data.count(b"\n", 0, offset) + 1
    bad = data[offset: offset + 4]
    return Problem(
        file=source or str(path),
        row=line,
        message=f"is not valid {encoding} text at byte {offset}",
        value=bad.hex(" "),
        fix="Save the file as UTF-8 (Excel: 'CSV UTF-8'), or name its encoding with "
        "--encoding, e.g. --encoding cp1252.",
    )


def _too_large(source: str, what: str) -> Problem:
    return Problem(
        file=source, message=f"{what}, over the limit of {LIMITS.unpacked_bytes:,} bytes "
        f"({LIMITS.unpacked_bytes // 2**20} MiB) once unpacked",
        fix="Split it, or save large tables as CSV or Parquet; to read it as it is, raise "
        "the limit with ECOSYSTEM_MAX_UNPACKED_MB.")


def _read_parquet(path: Path, source: str) -> pd.DataFrame:
    import pyarrow.parquet as pq

    try:
        meta = pq.ParquetFile(path).metadata
        unpacked = sum(meta.row_group(i).total_byte_size for i in range(meta.num_row_groups))
        if unpacked > LIMITS.unpacked_bytes:
            raise ImportRefused([_too_large(source, f"its columns hold {unpacked:,} bytes")])
        if meta.num_rows * max(meta.num_columns, 1) > LIMITS.cells:
            raise ImportRefused([Problem(
                file=source, message=f"it holds {meta.num_rows:,} rows x "
                f"{meta.num_columns} columns, over the limit of {LIMITS.cells:,} cells",
                fix="Split it; to read it as it is, raise the limit with "
                "ECOSYSTEM_MAX_CELLS.")])
        return pd.read_parquet(path)
    except ImportRefused:
        raise
    except Exception as exc:  # pyarrow raises several unrelated types for bad files
        raise ImportRefused([Problem(
            file=source, message=f"not a readable Parquet file ({type(exc).__name__})",
            fix="Write it again with pandas.DataFrame.to_parquet or pyarrow.")]) from exc


def _check_workbook(path: Path, source: str) -> None:
    """Refuse a workbook that is not a zip file or would unpack over the limit."""
    try:
        with zipfile.ZipFile(path) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError) as exc:
        raise ImportRefused([Problem(
            file=source, message=f"not a readable Excel workbook ({type(exc).__name__})",
            fix="Save it from Excel or LibreOffice as .xlsx.")]) from exc
    if unpacked > LIMITS.unpacked_bytes:
        raise ImportRefused([_too_large(
            source, f"the workbook's {path.stat().st_size:,} bytes unpack to "
            f"{unpacked:,}")])


def _read_workbook(path: Path, source: str) -> Iterator[RawTable]:
    from openpyxl.utils.escape import unescape

    _check_workbook(path, source)
    try:
        # keep_default_na=False: a company named "NA" or "None" stays that name
        sheets = pd.read_excel(path, sheet_name=None, dtype=object, engine="openpyxl",
                               keep_default_na=False, na_values=[])
    except Exception as exc:  # openpyxl raises zipfile, KeyError and its own errors
        raise ImportRefused([Problem(
            file=source, message=f"not a readable Excel workbook ({type(exc).__name__})",
            fix="Save it from Excel or LibreOffice as .xlsx.")]) from exc
    problems: list[Problem] = []
    for sheet, frame in sheets.items():
        if _ignored(str(sheet)):
            continue
        for i in range(frame.shape[1]):  # the format writes control characters as _xHHHH_
            frame.isetitem(i, frame.iloc[:, i].map(
                lambda v: unescape(v) if isinstance(v, str) and "_x" in v else v).array)
        where = f"{source}[{sheet}]"
        try:
            yield RawTable(str(sheet), where, _numbered(frame, where))
        except ImportRefused as refused:
            problems += refused.problems
    if problems:
        raise ImportRefused(problems)
