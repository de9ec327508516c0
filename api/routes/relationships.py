"""Relationships: create, update, delete."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response

from ecosystem.api.deps import StoreDep, WriteAccess
from ecosystem.api.schemas import RelationshipIn, RelationshipOut, relationship_out
from ecosystem.dates import parse_day
from ecosystem.editing import upsert_relationship
from ecosystem.model import RELATIONSHIP_SCHEMAS, parse_rel_kind

router = APIRouter(tags=["relationships"], dependencies=[WriteAccess])


@router.put("/relationships", response_model=RelationshipOut)
def put_relationship(store: StoreDep, body: RelationshipIn) -> RelationshipOut:
    """Create or update one relationship (identity: kind, source, target, since, key)."""
    kind = parse_rel_kind(body.kind)
    row: dict[str, object] = {"source": body.source, "target": body.target}
    if body.since is not None:
        row["since"] = body.since
    if body.key:
        row["key"] = body.key
    if "until" in body.model_fields_set:  # null reopens an ended relationship
        row["until"] = body.until
    upsert_relationship(store, kind, {**row, **body.properties},
                        source="PUT /v1/relationships")
    since = parse_day(body.since, field="since").isoformat() if body.since else None
    schema = RELATIONSHIP_SCHEMAS[kind]
    for rel in store.relationships(kind, node=(schema.source, body.source)):
        if (rel.target, rel.since, rel.key) == (body.target, since, body.key or "") \
                and rel.source == body.source:
            return relationship_out(rel)
    raise RuntimeError("a written relationship could not be read back")


@router.delete("/relationships", status_code=204)
def delete_relationship(store: StoreDep,
                        kind: Annotated[str, Query(examples=["partners_with"])],
                        source: Annotated[str, Query(min_length=1, max_length=500)],
                        target: Annotated[str, Query(min_length=1, max_length=500)],
                        since: Annotated[str | None, Query(max_length=10)] = None,
                        key: Annotated[str, Query(max_length=500)] = "") -> Response:
    """Delete one relationship."""
    store.delete_relationship(parse_rel_kind(kind), source, target, since=since, key=key)
    return Response(status_code=204)
