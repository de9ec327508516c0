"""How well organisation types, sectors and duplicate merges match hand-made labels.

Labels are tables a person filled in from public knowledge:

- organisations: ``id``, ``org_type`` (``?`` when the labeller could not tell), ``sector``
  (a SIC sector id such as ``sic-37`` or ``sic-H``; empty when unknown to the labeller),
  ``sample`` (``random`` for the uniform random sample; other rows were drawn from one
  inferred type, to measure its precision);
- duplicate pairs: ``keep``, ``merge``, ``same`` (yes / no).

The demo's labels are ``tests/data/labels``; the README reports these figures on them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ecosystem.entities.organisation_types import OrgType
from ecosystem.entities.resolution import AUTO_MERGE, Pair
from ecosystem.entities.sectors import SectorAssignment, share_industry
from ecosystem.model import ORG_TYPES

__all__ = ["Score", "merge_scores", "sector_scores", "type_scores"]


@dataclass(frozen=True)
class Score:
    """Precision and recall of one class (None where nothing was counted)."""

    precision: float | None
    recall: float | None
    predicted: int
    actual: int


def _ratio(hits: int, total: int) -> float | None:
    return hits / total if total else None


def type_scores(types: Mapping[str, OrgType], labels: Sequence[Mapping[str, str]]
                ) -> dict[str, Score]:
    """Per organisation type: recall on the random sample, precision on every labelled
    row the rules gave that type (the random sample and the rows drawn by type)."""
    known = [r for r in labels if r["org_type"] in ORG_TYPES and r["id"] in types]
    out = {}
    for kind in ORG_TYPES:
        random = [r for r in known if r.get("sample", "random") == "random"]
        actual = [r for r in random if r["org_type"] == kind]
        found = sum(types[r["id"]].type == kind for r in actual)
        predicted = [r for r in known if types[r["id"]].type == kind]
        right = sum(r["org_type"] == kind for r in predicted)
        out[kind] = Score(_ratio(right, len(predicted)), _ratio(found, len(actual)),
                          len(predicted), len(actual))
    return out


def sector_scores(sectors: Mapping[str, Sequence[SectorAssignment]],
                  labels: Sequence[Mapping[str, str]]) -> Score:
    """Over the labelled rows with a sector: precision (a sector given is in the label's
    industry, :func:`~ecosystem.entities.sectors.share_industry`) and recall (a sector was
    given at all, and is right)."""
    rows = [r for r in labels if r.get("sector") and r["id"] in sectors]
    given = [r for r in rows if sectors[r["id"]]]
    right = sum(share_industry({a.sector for a in sectors[r["id"]]}, {r["sector"]})
                for r in given)
    return Score(_ratio(right, len(given)), _ratio(right, len(rows)), len(given), len(rows))


def merge_scores(pairs: Sequence[Pair], labels: Sequence[Mapping[str, str]],
                 threshold: float = AUTO_MERGE) -> dict[str, Score]:
    """Precision of the pairs merged at once (score >= threshold) and of those left for
    review, on the labelled pairs; recall of the merges among the labelled same pairs."""
    scores = {frozenset((p.keep.id, p.other.id)): p.score for p in pairs}
    rows = [r for r in labels if frozenset((r["keep"], r["merge"])) in scores]
    out = {}
    for band, merged_band in (("merged", True), ("review", False)):
        chosen = [r for r in rows if
                  (scores[frozenset((r["keep"], r["merge"]))] >= threshold) is merged_band]
        same = sum(r["same"] == "yes" for r in chosen)
        out[band] = Score(_ratio(same, len(chosen)), None, len(chosen), same)
    yes = [r for r in rows if r["same"] == "yes"]
    merged = sum(scores[frozenset((r["keep"], r["merge"]))] >= threshold for r in yes)
    out["same pairs"] = Score(None, _ratio(merged, len(yes)), merged, len(yes))
    return out
