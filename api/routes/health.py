"""Health of the service and its store."""

from __future__ import annotations

from fastapi import APIRouter

from api.deps import StoreDep
from api.schemas import HealthOut

router = APIRouter(tags=["health"])


@router.get("/health", response_model=HealthOut)
def health(store: StoreDep) -> HealthOut:
    """Whether the service and its store answer, with the store's counts."""
    return HealthOut(status="ok", store=store.location, generation=store.generation(),
                     counts=store.counts())
