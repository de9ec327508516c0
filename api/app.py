"""The FastAPI application: ``create_app(settings)``; ``ecosystem serve`` runs it."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request, Response
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse

from api import errors
from api.routes import (
    analysis,
    health,
    imports,
    nodes,
    partnerships,
    predictions,
    relationships,
    views,
)
from api.schemas import ErrorOut
from api.settings import Settings
from ecosystem import __version__
from ecosystem.stores.base import open_store

__all__ = ["create_app"]


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the API on the store the settings name (default: from the environment)."""
    chosen = settings or Settings.from_environment()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.store = open_store(chosen.store)
        try:
            yield
        finally:
            app.state.store.close()

    app = FastAPI(
        title="ecosystem",
        version=__version__,
        description="Ecosystem maps for strategy and partnership teams: companies, "
        "capabilities, patents, programmes; partner scanning and influence. Writes need an "
        f"API key in the {chosen.header} header. Errors have one shape: "
        '{"error": {"type", "message", "details"}}.',
        lifespan=lifespan,
        responses={code: {"model": ErrorOut} for code in (401, 404, 409, 413, 422, 503)},
    )
    app.state.settings = chosen
    errors.install(app)

    @app.middleware("http")
    async def limit_body(request: Request,
                         call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        length = request.headers.get("content-length")
        limit = max(chosen.max_body_bytes, chosen.max_upload_bytes)
        if length is not None and (not length.isdigit() or int(length) > limit):
            return JSONResponse(errors.error_body(
                "too_large", f"The request body is over {limit:,} bytes."), status_code=413)
        return await call_next(request)

    if chosen.cors_origins:
        app.add_middleware(CORSMiddleware, allow_origins=list(chosen.cors_origins),
                           allow_methods=["GET", "PUT", "POST", "PATCH", "DELETE"],
                           allow_headers=[chosen.header, "Content-Type"])
    for module in (health, nodes, relationships, analysis, imports, views, partnerships,
                   predictions):
        app.include_router(module.router, prefix="/v1")
    return app
