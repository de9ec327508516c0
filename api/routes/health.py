"""Health of the service and its store."""

from __future__ import annotations

from fastapi import APIRouter

from ecosystem.api.deps import StoreDep
from ecosystem.api.schemas import HealthOut

router = APIRouter(tags=["health"])


@router.get("/health", response_model=HealthOut)
def health(store: StoreDep, counts: bool = False) -> HealthOut:
    """Whether the service and its store answer (with ``counts``, the store's counts)."""
    return HealthOut(status="ok", store=store.location, generation=store.generation(),
                     counts=store.counts() if counts else {})
