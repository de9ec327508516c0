"""Dependencies shared by the routes: the store, the settings, the API key check."""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import Depends, Request

from ecosystem.api.errors import ApiError, ErrorType
from ecosystem.api.settings import Settings
from ecosystem.stores.base import Store

__all__ = ["ReadAccess", "SettingsDep", "StoreDep", "WriteAccess"]

# The dependencies only read the request: coroutines, so that FastAPI does not send each
# through its thread pool (a hop that costs more than the work under load).


async def _settings(request: Request) -> Settings:
    return _settings_of(request)


def _settings_of(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


async def _store(request: Request) -> Store:
    store: Store = request.app.state.store
    return store


def _key_matches(settings: Settings, given: str | None) -> bool:
    if not given:
        return False
    # compare against every key, in constant time, so timing says nothing about keys
    matches = [hmac.compare_digest(given.encode(), key.encode()) for key in settings.api_keys]
    return any(matches)


def _require_key(request: Request) -> None:
    settings = _settings_of(request)
    if not _key_matches(settings, request.headers.get(settings.header)):
        raise ApiError(ErrorType.UNAUTHORIZED, f"Send a valid API key in the {settings.header} "
                       "header.")


async def _write_access(request: Request) -> None:
    _require_key(request)


async def _read_access(request: Request) -> None:
    if _settings_of(request).keys_for_reads:
        _require_key(request)


SettingsDep = Annotated[Settings, Depends(_settings)]
StoreDep = Annotated[Store, Depends(_store)]
WriteAccess = Depends(_write_access)
ReadAccess = Depends(_read_access)
