"""Import of a spreadsheet or a bundle of CSV files: all or nothing, as the CLI."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, File, Query, UploadFile
from starlette.concurrency import run_in_threadpool

from ecosystem.api.deps import SettingsDep, StoreDep, WriteAccess
from ecosystem.api.schemas import ImportOut
from ecosystem.api.uploads import named_for_client, save_uploads
from ecosystem.exchange import import_paths
from ecosystem.io.importer import ImportFormat, detect_format

router = APIRouter(tags=["import"], dependencies=[WriteAccess])

#: The file types each format reads, and whether its reader takes the folder of uploads.
_ACCEPTS: dict[ImportFormat, tuple[tuple[str, ...], bool]] = {
    ImportFormat.AUTO: ((".csv", ".parquet", ".xlsx", ".graphml"), False),
    ImportFormat.TABULAR: ((".csv", ".parquet", ".xlsx"), False),
    ImportFormat.LF_LANDSCAPE: ((".csv",), True),
    ImportFormat.GRAPHML: ((".graphml",), False),
    ImportFormat.PATENTSVIEW: ((".tsv",), True),
    ImportFormat.LENS: ((".csv",), False),
    ImportFormat.PATENT_COUNTS: ((".csv",), True),
}


@router.post("/import", response_model=ImportOut)
async def import_files(store: StoreDep, settings: SettingsDep,
                       files: Annotated[list[UploadFile], File(
                           description="CSV/Parquet tables or one .xlsx workbook, each file "
                           "named after its table (companies.csv ...); or the files of "
                           "another format")],
                       format: Annotated[ImportFormat, Query()] = ImportFormat.TABULAR
                       ) -> ImportOut:
    """Import uploaded tables (companies.csv, member_of.csv ... or a workbook) all or
    nothing, with the same validation and messages as `ecosystem import`."""
    allowed, whole_folder = _ACCEPTS[format]
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        paths = await save_uploads(files, folder, allowed=allowed,
                                   max_bytes=settings.max_upload_bytes)
        chosen = detect_format([folder]) if format is ImportFormat.AUTO else format
        if format is ImportFormat.AUTO and all(p.suffix == ".graphml" for p in paths):
            chosen = ImportFormat.GRAPHML
        whole_folder = whole_folder or chosen is ImportFormat.LF_LANDSCAPE
        with named_for_client(folder):
            summary = await run_in_threadpool(import_paths, store,
                                              [folder] if whole_folder else paths,
                                              format=chosen)
    summary.skipped = {k.replace(f"{folder}/", ""): v for k, v in summary.skipped.items()}
    return ImportOut(**summary.as_dict())
