"""What every request passes through: limits on the bytes actually received, the name of
the operation (for a writer kept waiting), and secrets kept out of the access log."""

from __future__ import annotations

import json
import logging
import re
from typing import Any

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ecosystem.api.errors import ErrorType, error_body
from ecosystem.api.settings import Settings
from ecosystem.stores.locking import operation

__all__ = ["BodyLimit", "NamedOperation", "RedactSecrets"]


def _is_upload(path: str) -> bool:
    return path.rstrip("/").endswith("/import")


class BodyLimit:
    """Refuse a body over the limit (uploads: ``max_upload_bytes``; anything else:
    ``max_body_bytes``) with 413, counting the bytes as they arrive, so that neither a
    wrong ``Content-Length`` nor a chunked body without one gets past it."""

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.settings = settings

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        upload = _is_upload(scope["path"])
        limit = self.settings.max_upload_bytes if upload else self.settings.max_body_bytes
        message = (f"The upload is over {limit:,} bytes; split it or import from the "
                   "command line." if upload else f"The request body is over {limit:,} "
                   "bytes.")
        length = dict(scope["headers"]).get(b"content-length")
        if length is not None and (not length.isdigit() or int(length) > limit):
            await _send_json(send, 413, error_body(ErrorType.TOO_LARGE, message))
            return
        received = 0

        async def counted() -> Message:
            nonlocal received
            event = await receive()
            if event["type"] == "http.request":
                received += len(event.get("body", b""))
                if received > limit:  # raised while the route reads: the one shape, 413
                    raise HTTPException(413, message)
            return event

        await self.app(scope, counted, send)


async def _send_json(send: Send, status: int, body: dict[str, Any]) -> None:
    data = json.dumps(body).encode()
    await send({"type": "http.response.start", "status": status, "headers": [
        (b"content-type", b"application/json"), (b"content-length", str(len(data)).encode()),
        (b"connection", b"close")]})
    await send({"type": "http.response.body", "body": data})


class NamedOperation:
    """Name each request's writes after it (``POST /v1/import``), so that a writer kept
    waiting is told what holds the store."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        with operation(f"{scope['method']} {scope['path']}"):
            await self.app(scope, receive, send)


_SECRET = re.compile(r"(?i)([?&][^=&]*(?:key|token|secret|password|passwd|auth)[^=&]*=)"
                     r"[^&\s\"]*")


class RedactSecrets(logging.Filter):
    """Hide the values of query parameters named like secrets (``api_key``, ``token``
    ...) in access-log lines: a key sent in the URL by mistake is not written to logs.

    Examples
    --------
    >>> RedactSecrets().redact("/v1/companies?api_key=s3cret&limit=1")
    '/v1/companies?api_key=REDACTED&limit=1'
    """

    @staticmethod
    def redact(text: str) -> str:
        return _SECRET.sub(r"\1REDACTED", text)

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(self.redact(a) if isinstance(a, str) else a
                                for a in record.args)
        record.msg = self.redact(str(record.msg))
        return True
