"""Uploaded files: saved under safe, unique names in a private folder, and every message
about them named by the name the client gave, never by the server's folder."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

from fastapi import UploadFile

from ecosystem.api.errors import ApiError, ErrorType
from ecosystem.errors import ImportRefused, InvalidValue

__all__ = ["named_for_client", "save_uploads"]

_UNSAFE = re.compile(r"[^A-Za-z0-9_. ()-]")


def _safe_name(given: str | None, allowed: Sequence[str]) -> str:
    """The upload's base name with unsafe characters replaced; refused if nothing of a
    file name is left or its type is not one of ``allowed``."""
    base = re.split(r"[/\\]", given or "")[-1].strip()
    name = _UNSAFE.sub("_", base).strip(" .")
    suffix = Path(name).suffix.lower()
    if not name or not Path(name).stem.strip("._ ") or suffix not in allowed:
        raise InvalidValue(
            f"An upload is named {given!r}; name each file after its table with one of the "
            f"endings {', '.join(allowed)} (companies.csv, member_of.csv, book.xlsx ...).",
            field="files", value=given)
    return name


async def save_uploads(files: Sequence[UploadFile], folder: Path, *, allowed: Sequence[str],
                       max_bytes: int) -> list[Path]:
    """Write ``files`` into ``folder`` under their safe names and return the paths.

    Raises
    ------
    InvalidValue
        If a name is not a file name of an allowed type, or two uploads have the same name
        (the second would replace the first).
    ApiError
        ``too_large`` if the uploads together exceed ``max_bytes``.
    """
    paths: list[Path] = []
    taken: dict[str, str | None] = {}
    total = 0
    for upload in files:
        name = _safe_name(upload.filename, allowed)
        if name.lower() in taken:
            raise InvalidValue(
                f"Two uploads are named {name!r} ({taken[name.lower()]!r} and "
                f"{upload.filename!r}); the second would replace the first. Merge them into "
                "one table, or import them one after the other.",
                field="files", value=upload.filename)
        taken[name.lower()] = upload.filename
        data = await upload.read()
        total += len(data)
        if total > max_bytes:
            raise ApiError(ErrorType.TOO_LARGE, f"The upload is over {max_bytes:,} bytes; split it "
                           "or import from the command line.")
        path = folder / name
        path.write_bytes(data)
        paths.append(path)
    return paths


@contextmanager
def named_for_client(folder: Path) -> Iterator[None]:
    """Refusals name the uploaded files as the client named them, not the server's
    temporary folder."""
    prefix = f"{folder}/"
    try:
        yield
    except ImportRefused as refused:
        problems = [replace(p, file=p.file.replace(prefix, "").replace(str(folder), "upload"))
                    for p in refused.problems]
        raise ImportRefused(problems, total=refused.total) from refused
