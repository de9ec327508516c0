"""One JSON error shape for every failure, and the only place HTTP status codes are chosen.

Every error response is ``{"error": {"type", "message", "details"}}``::

    validation    422  the request or its data are wrong (details: problems or fields)
    not_found     404  an id is unknown (details: suggestions)
    conflict      409  the request contradicts the data
    unauthorized  401  no or wrong API key
    too_large     413  the body or upload is over the limit
    unavailable   503  the store cannot be reached, or is busy with another write
                       (then with a Retry-After header; details: holder, retry_after)
    internal      500  a bug; the message says so and nothing more
"""

from __future__ import annotations

import json
import logging
import math
from enum import StrEnum
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from ecosystem.errors import (
    Conflict,
    EcosystemError,
    ImportRefused,
    InvalidInput,
    NodeNotFound,
    NotFound,
    StoreBusy,
    StoreUnavailable,
    UnknownKind,
)

__all__ = ["STATUS", "ApiError", "ErrorType", "SafeJSONResponse", "error_body", "install"]

log = logging.getLogger(__name__)

class ErrorType(StrEnum):
    """The ``error.type`` of a response; each has one HTTP status (:data:`STATUS`)."""

    VALIDATION = "validation"
    NOT_FOUND = "not_found"
    CONFLICT = "conflict"
    UNAUTHORIZED = "unauthorized"
    TOO_LARGE = "too_large"
    UNAVAILABLE = "unavailable"
    INTERNAL = "internal"
    NOT_ALLOWED = "not_allowed"


#: The HTTP status of each error type.
STATUS: dict[ErrorType, int] = {
    ErrorType.VALIDATION: 422, ErrorType.NOT_FOUND: 404, ErrorType.CONFLICT: 409,
    ErrorType.UNAUTHORIZED: 401, ErrorType.TOO_LARGE: 413, ErrorType.UNAVAILABLE: 503,
    ErrorType.INTERNAL: 500, ErrorType.NOT_ALLOWED: 405}


class ApiError(Exception):
    """An error raised by the API layer itself (auth, limits)."""

    def __init__(self, type: ErrorType, message: str, details: Any = None) -> None:
        super().__init__(message)
        self.type = type
        self.message = message
        self.details = details


def error_body(type: ErrorType, message: str, details: Any = None) -> dict[str, Any]:
    return {"error": {"type": type, "message": message, "details": _plain(details, True)}}


def _plain(value: Any, quote_numbers: bool = False) -> Any:
    """``value`` as JSON can carry it: NaN and infinities become text (in error details,
    where the offending value is the point) or null; unknown objects become text."""
    if isinstance(value, float) and not math.isfinite(value):
        return str(value) if quote_numbers else None
    if isinstance(value, dict):
        return {str(k): _plain(v, quote_numbers) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v, quote_numbers) for v in value]
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)


class SafeJSONResponse(JSONResponse):
    """JSON that never fails to render: a NaN or infinity that reaches a response is
    null, and text that UTF-8 cannot carry (a lone surrogate echoed from a request) is
    sent as a JSON escape, instead of a 500."""

    def render(self, content: Any) -> bytes:
        try:
            return super().render(content)
        except ValueError:  # also UnicodeEncodeError
            return json.dumps(_plain(content), ensure_ascii=True, allow_nan=False,
                              separators=(",", ":")).encode("ascii")


def _response(type: ErrorType, message: str, details: Any = None,
              headers: dict[str, str] | None = None) -> JSONResponse:
    return SafeJSONResponse(error_body(type, message, details), status_code=STATUS[type],
                            headers=headers)


def _library(exc: EcosystemError) -> JSONResponse:
    if isinstance(exc, ImportRefused):
        return _response(ErrorType.VALIDATION, str(exc).splitlines()[0], {
            "total": exc.total,
            "problems": [{"file": p.file, "row": p.row, "column": p.column,
                          "value": p.value,
                          "message": p.message, "fix": p.fix} for p in exc.problems]})
    if isinstance(exc, NodeNotFound):
        return _response(ErrorType.NOT_FOUND, str(exc), {"kind": exc.kind, "id": exc.id,
                                                 "suggestions": exc.suggestions})
    if isinstance(exc, UnknownKind):
        return _response(ErrorType.VALIDATION, str(exc), {"suggestions": exc.suggestions})
    if isinstance(exc, NotFound):
        return _response(ErrorType.NOT_FOUND, str(exc))
    if isinstance(exc, Conflict):
        return _response(ErrorType.CONFLICT, str(exc))
    if isinstance(exc, StoreBusy):
        return _response(ErrorType.UNAVAILABLE, str(exc),
                         {"holder": exc.holder, "retry_after": exc.retry_after},
                         headers={"Retry-After": str(exc.retry_after)})
    if isinstance(exc, StoreUnavailable):
        return _response(ErrorType.UNAVAILABLE, str(exc))
    if isinstance(exc, InvalidInput):
        return _response(ErrorType.VALIDATION, str(exc), {"field": getattr(exc, "field", None)})
    return _response(ErrorType.INTERNAL, "Internal error; it has been logged.")


def install(app: FastAPI) -> None:
    """Register the handlers that give every failure the one shape."""

    @app.exception_handler(EcosystemError)
    async def library(_: Request, exc: EcosystemError) -> JSONResponse:
        return _library(exc)

    @app.exception_handler(ApiError)
    async def api(_: Request, exc: ApiError) -> JSONResponse:
        return _response(exc.type, exc.message, exc.details)

    @app.exception_handler(RequestValidationError)
    async def validation(_: Request, exc: RequestValidationError) -> JSONResponse:
        fields = [{"location": list(map(str, e.get("loc", ()))), "message": e.get("msg", ""),
                   "input": e.get("input") if isinstance(e.get("input"), str | int | float)
                   and not isinstance(e.get("input"), bool) else None} for e in exc.errors()]
        return _response(ErrorType.VALIDATION, "The request is not valid; see details.", fields)

    @app.exception_handler(StarletteHTTPException)
    async def http(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        type = {404: ErrorType.NOT_FOUND, 405: ErrorType.NOT_ALLOWED,
                413: ErrorType.TOO_LARGE}.get(
            exc.status_code, ErrorType.VALIDATION)
        # A body that is not JSON at all is refused like any other invalid request.
        status = STATUS[type] if exc.status_code == 400 else exc.status_code
        return SafeJSONResponse(error_body(type, str(exc.detail)), status_code=status)

    @app.exception_handler(Exception)
    async def internal(_: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error", exc_info=exc)
        return _response(ErrorType.INTERNAL, "Internal error; it has been logged.")
