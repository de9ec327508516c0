"""Import of a spreadsheet or a bundle of CSV files: all or nothing, as the CLI."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, File, Query, UploadFile

from api.deps import SettingsDep, StoreDep, WriteAccess
from api.errors import ApiError
from api.schemas import ImportOut
from ecosystem.io.importer import ImportFormat, import_paths

router = APIRouter(tags=["import"], dependencies=[WriteAccess])

_SAFE = re.compile(r"[^A-Za-z0-9_.-]")


@router.post("/import", response_model=ImportOut)
async def import_files(store: StoreDep, settings: SettingsDep,
                       files: Annotated[list[UploadFile], File(
                           description="CSV/Parquet tables or one .xlsx workbook")],
                       format: Annotated[ImportFormat, Query()] = ImportFormat.TABULAR
                       ) -> ImportOut:
    """Import uploaded tables (companies.csv, member_of.csv ... or a workbook) all or
    nothing, with the same validation and messages as `ecosystem import`."""
    total = 0
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for upload in files:
            name = _SAFE.sub("_", Path(upload.filename or "upload.csv").name) or "upload.csv"
            data = await upload.read()
            total += len(data)
            if total > settings.max_upload_bytes:
                raise ApiError("too_large", f"The upload is over {settings.max_upload_bytes:,} "
                               "bytes; split it or import from the command line.")
            (folder / name).write_bytes(data)
        from starlette.concurrency import run_in_threadpool

        summary = await run_in_threadpool(import_paths, store, [folder], format=format)
    return ImportOut(**summary.as_dict())
