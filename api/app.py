"""The FastAPI application: ``create_app(settings)``; ``ecosystem serve`` runs it."""

from __future__ import annotations

import asyncio
import gc
import logging
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

from ecosystem import __version__
from ecosystem.api import errors
from ecosystem.api.middleware import BodyLimit, NamedOperation, RedactSecrets
from ecosystem.api.routes import (
    analysis,
    explorer,
    health,
    imports,
    nodes,
    partnerships,
    predictions,
    relationships,
    views,
)
from ecosystem.api.schemas import ErrorOut
from ecosystem.api.settings import Settings
from ecosystem.dates import today
from ecosystem.stores.base import open_store

__all__ = ["create_app"]

_REDACT = RedactSecrets()


async def _deliver_alerts(app: FastAPI, minutes: int, stopping: threading.Event) -> None:
    """Every ``minutes``, send the alerts not sent before (as `ecosystem alerts --notify`);
    a failure is logged (without secrets) and tried again the next time. Once ``stopping``
    is set, the delivery in progress is finished and recorded, and the loop ends (at once
    when it is waiting): cancelling it instead would leave the round running in its
    thread while the store closes, so that an alert already sent went unrecorded and was
    sent again after the restart."""
    from starlette.concurrency import run_in_threadpool

    from ecosystem.lifecycle.delivery import Channels, notify

    log = logging.getLogger("ecosystem.alerts")
    channels = Channels.from_environment()
    while not stopping.is_set():
        try:
            report = await run_in_threadpool(lambda: notify(
                app.state.store, as_of=today(), channels=channels, stop=stopping.is_set))
            log.info("alerts: sent %d, already sent %d, failed %d", len(report.sent),
                     report.already, len(report.failed))
            for item in report.failed:
                log.warning("alert %s not delivered by %s: %s", item["alert"],
                            item["channel"], item["error"])
        except Exception as error:
            log.warning("alert delivery failed: %s", type(error).__name__)
        await asyncio.to_thread(stopping.wait, 60 * minutes)  # ends early once it is set


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the API on the store the settings name (default: from the environment)."""
    chosen = settings or Settings.from_environment()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        logging.getLogger("uvicorn.access").addFilter(_REDACT)
        app.state.store = open_store(chosen.store)
        # What is loaded by now (the library and its modules, hundreds of thousands of
        # objects) lives as long as the process: leave it out of the cyclic garbage
        # collector, whose full passes over it stalled every request for ~100 ms.
        gc.collect()
        gc.freeze()
        stopping = threading.Event()
        delivering = (asyncio.create_task(_deliver_alerts(app, chosen.notify_minutes,
                                                          stopping))
                      if chosen.notify_minutes else None)
        try:
            yield
        finally:
            stopping.set()
            if delivering is not None:
                await delivering  # the delivery in progress, recorded before the store closes
            app.state.store.close()

    app = FastAPI(
        title="ecosystem",
        version=__version__,
        description="Ecosystem maps for strategy and partnership teams: companies, "
        "capabilities, patents, programmes; partner scanning and influence. Writes need an "
        f"API key in the {chosen.header} header. Errors have one shape: "
        '{"error": {"type", "message", "details"}}.',
        lifespan=lifespan,
        default_response_class=errors.SafeJSONResponse,
        responses={code: {"model": ErrorOut} for code in (401, 404, 409, 413, 422, 503)},
    )
    app.state.settings = chosen
    errors.install(app)

    app.add_middleware(NamedOperation)
    app.add_middleware(BodyLimit, settings=chosen)
    if chosen.cors_origins:
        app.add_middleware(CORSMiddleware, allow_origins=list(chosen.cors_origins),
                           allow_methods=["GET", "PUT", "POST", "PATCH", "DELETE"],
                           allow_headers=[chosen.header, "Content-Type"])
    for module in (health, nodes, relationships, analysis, imports, views, partnerships,
                   predictions):
        app.include_router(module.router, prefix="/v1")
    app.include_router(explorer.data, prefix="/v1")
    app.include_router(explorer.page)
    return app
