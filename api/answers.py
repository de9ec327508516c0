"""Answers kept as rendered JSON: a read that is asked again before the data change is
sent from the store's cache as bytes, without building, validating or rendering it again
(the cache is invalidated by any write to a kind the answer read; see
:mod:`ecosystem.stores.memory`)."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from functools import lru_cache
from typing import Any

from fastapi import Response
from pydantic import TypeAdapter

from ecosystem.api.errors import SafeJSONResponse
from ecosystem.stores.base import Store

__all__ = ["cached_json"]


def cached_json(store: Store, key: Hashable, shape: Any, build: Callable[[], Any]) -> Response:
    """The answer ``build()`` validated as ``shape`` (the route's response model) and
    rendered as FastAPI would, remembered under ``key`` until the data it read change."""
    body = store.cached(key, lambda: _rendered(shape, build()))
    return Response(body, media_type="application/json")


@lru_cache(maxsize=64)
def _adapter(shape: Any) -> TypeAdapter[Any]:
    return TypeAdapter(shape)


def _rendered(shape: Any, data: Any) -> bytes:
    adapter = _adapter(shape)
    plain = adapter.dump_python(adapter.validate_python(data), mode="json", by_alias=True)
    return bytes(SafeJSONResponse(plain).body)
