"""Sectors: which industries a company is in, by what evidence, with what confidence.

The sector taxonomy is the US SIC: ten divisions (``sic-D`` Manufacturing) and 83 major
groups (``sic-37`` Transportation Equipment, parent ``sic-D``); :func:`sic_taxonomy` gives
them as an ``industries`` table (``ecosystem sectors --taxonomy`` imports it). Any other
taxonomy a user imports works too: its top-level industries are its sectors.

A company's sectors come from the first of these sources that knows any (an assignment
below :data:`MIN_CONFIDENCE` is not used; SIC 99, non-classifiable, counts as unknown):

=====================  ==========  ===========================================================
source                 confidence  evidence
=====================  ==========  ===========================================================
industries             1.0         the company's own ``industries`` (an import; the TDA
                                   patents data's SIC codes)
stored assignments     as stored   ``in_sector`` relationships, with their provenance
                                   (``wikidata``: the demo's Wikidata matches)
name                   0.7         Bank, Bancorp, Insurance, Securities, Motors, Automotive,
                                   Airlines, Pharma, Semiconductor, Telecom, Studios ...
organisation type      0.8         academic: educational services (82); government: public
                                   administration (division J)
programme domain       0.6         a member of FINOS (finance, H), LF Energy (utilities, 49),
                                   ASWF or AOUSD (motion pictures, 78), CAMARA (telecoms,
                                   48) that lists no product of its own in any landscape
landscape vendor       0.6         lists products in a technology landscape: software and
                                   services (73)
=====================  ==========  ===========================================================

Unknown stays unknown: nothing else is guessed. Sectors are compared within one scheme
(SIC with SIC, S&P sectors with S&P sectors): two companies are *in the same industry*
when they share a sector (a major group, or a division when one of them is known only to
the division); a candidate is *cross-industry* only when both have sectors in a common
scheme and share none (:func:`compare`).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources

from ecosystem.entities.organisation_types import organisation_types
from ecosystem.io.batch import ROW, RawTable
from ecosystem.model import Node, NodeKind, RelKind
from ecosystem.stores.base import Store

__all__ = [
    "MIN_CONFIDENCE",
    "SectorAssignment",
    "company_sectors",
    "compare",
    "sector_names",
    "share_industry",
    "sic_taxonomy",
]

#: Assignments below this confidence are not used.
MIN_CONFIDENCE = 0.5
_SIC = re.compile(r"sic-(\d{2})\d*|sic-([A-J])")


@dataclass(frozen=True)
class SectorAssignment:
    """One sector of a company: the industry id, where it comes from, and why."""

    sector: str
    source: str
    confidence: float
    evidence: str
    scheme: str = "SIC"

    def as_dict(self) -> dict[str, object]:
        return {"sector": self.sector, "scheme": self.scheme, "source": self.source,
                "confidence": self.confidence, "evidence": self.evidence}


def _major_groups() -> list[dict[str, str]]:
    import csv

    path = resources.files("ecosystem") / "demo_data" / "sic" / "major_groups.csv"
    with path.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def sic_taxonomy() -> list[RawTable]:
    """The SIC divisions and major groups as an ``industries`` table (scheme SIC)."""
    import pandas as pd

    rows, seen = [], set()
    for group in _major_groups():
        division = f"sic-{group['division']}"
        if division not in seen:
            seen.add(division)
            rows.append({"id": division, "name": group["division_title"], "scheme": "SIC",
                         "code": group["division"], "parent": None})
        rows.append({"id": f"sic-{group['major_group']}", "name": group["major_group_title"],
                     "scheme": "SIC", "code": group["major_group"], "parent": division})
    frame = pd.DataFrame(rows, dtype=object)
    frame[ROW] = range(2, len(frame) + 2)
    return [RawTable("industries", "SIC divisions and major groups (OSHA SIC manual)", frame)]


_DIVISION_OF = {f"sic-{g['major_group']}": f"sic-{g['division']}" for g in _major_groups()}

#: Name words that name a sector, with the SIC sector they stand for.
_NAME_RULES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern, re.I), sector) for pattern, sector in (
        (r"\b(bank|bancorp|banco|banque|bankhaus|sparkasse|credit union|savings)\b",
         "sic-60"),
        (r"\b(insurance|assurance|versicherung|reinsurance|assicurazioni)\b", "sic-63"),
        (r"\b(securities|capital markets|stock exchange|asset management|investments?)\b",
         "sic-62"),
        (r"\b(motors?|automotive|automobiles?|autos)\b", "sic-37"),
        (r"\b(airlines?|airways)\b", "sic-45"),
        (r"\b(pharma\w*|therapeutics|biopharma|biotech\w*)\b", "sic-28"),
        (r"\b(semiconductors?|microelectronics|silicon)\b", "sic-36"),
        (r"\b(telecom\w*|telekom|telco|telefonica|telefónica|mobile operator)\b", "sic-48"),
        (r"\b(studios?|pictures|animation|visual effects|vfx)\b", "sic-78"),
        (r"\b(utilit(y|ies)|electricity|netbeheer|grid operator|power company)\b", "sic-49"),
        (r"\b(hospital|health system|clinic)\b", "sic-80"),
        (r"\b(railways?|rail)\b", "sic-40"),
    ))
#: Programmes whose domain is a sector, for members that list no product of their own.
_PROGRAMME_SECTORS = {"finos": "sic-H", "lfenergy": "sic-49", "aswf": "sic-78",
                      "aousd": "sic-78", "camara": "sic-48"}


def _sector_of(industry: str, parents: dict[str, str | None],
               schemes: dict[str, str]) -> tuple[str, str] | None:
    """The sector an industry belongs to and its scheme: its SIC major group (or
    division); the top of its chain in another taxonomy; None for SIC 99
    (non-classifiable)."""
    node, seen = industry, set()
    while node is not None and node not in seen:
        seen.add(node)
        hit = _SIC.fullmatch(node)
        if hit:
            if hit.group(1):
                return None if hit.group(1) == "99" else (f"sic-{hit.group(1)}", "SIC")
            return node, "SIC"
        parent = parents.get(node)
        if parent is None:
            return node, schemes.get(node) or node
        node = parent
    return industry, schemes.get(industry) or industry


def _assignments(node: Node, parents: dict[str, str | None], schemes: dict[str, str],
                 stored: list[SectorAssignment], programmes: list[str], vendor: bool,
                 org_type: str) -> list[SectorAssignment]:
    own = []
    for industry in node.properties.get("industries") or []:
        found = _sector_of(str(industry), parents, schemes)
        if found is not None:
            own.append(SectorAssignment(found[0], "industries", 1.0,
                                        f"its industry {industry}", found[1]))
    usable = [a for a in [*own, *stored] if a.confidence >= MIN_CONFIDENCE]
    if usable:
        return usable
    named = [SectorAssignment(sector, "name", 0.7, f"its name says {hit.group(0)!r}")
             for pattern, sector in _NAME_RULES if (hit := pattern.search(node.name))]
    if named:
        return named
    if org_type == "academic":
        return [SectorAssignment("sic-82", "organisation type", 0.8, "an academic body")]
    if org_type == "government":
        return [SectorAssignment("sic-J", "organisation type", 0.8, "a public body")]
    if not vendor:
        domain = [SectorAssignment(_PROGRAMME_SECTORS[p], "programme domain", 0.6,
                                   f"a member of {p} that lists no product of its own")
                  for p in programmes if p in _PROGRAMME_SECTORS]
        if domain:
            return list({a.sector: a for a in domain}.values())
    if vendor:
        return [SectorAssignment("sic-73", "landscape vendor", 0.6,
                                 "lists products of its own in a technology landscape")]
    return []


def _build(store: Store) -> dict[str, list[SectorAssignment]]:
    industries = store.nodes(NodeKind.INDUSTRY)
    parents = {n.id: (str(n.properties["parent"]) if n.properties.get("parent") else None)
               for n in industries}
    schemes = {n.id: str(n.properties.get("scheme") or "") for n in industries}
    stored: dict[str, list[SectorAssignment]] = defaultdict(list)
    for rel in store.relationships(RelKind.IN_SECTOR):
        found = _sector_of(rel.target, parents, schemes)
        if found is None:
            continue
        confidence = rel.properties.get("confidence")
        stored[rel.source].append(SectorAssignment(
            found[0], str(rel.properties.get("provenance") or "stored"),
            float(confidence) if confidence is not None else 1.0,
            str(rel.properties.get("evidence") or ""), found[1]))
    programmes: dict[str, list[str]] = defaultdict(list)
    for rel in store.relationships(RelKind.MEMBER_OF):
        programmes[rel.source].append(rel.target)
    vendors = {r.source for r in store.relationships(RelKind.HAS_CAPABILITY)}
    types = organisation_types(store)
    out = {}
    for node in store.nodes(NodeKind.COMPANY):
        assigned = _assignments(node, parents, schemes, stored.get(node.id, []),
                                sorted(set(programmes.get(node.id, []))), node.id in vendors,
                                types[node.id].type if node.id in types else "company")
        out[node.id] = sorted({(a.sector, a.source): a for a in assigned}.values(),
                              key=lambda a: (-a.confidence, a.sector))
    return out


def company_sectors(store: Store) -> dict[str, list[SectorAssignment]]:
    """The sectors of every company, each with its source, confidence and evidence (an
    empty list: unknown). Cached until the data change."""
    return store.cached("company-sectors", lambda: _build(store))


def division(sector: str) -> str:
    """The SIC division of a sector (itself for a division or another taxonomy's sector)."""
    return _DIVISION_OF.get(sector, sector)


def share_industry(mine: Iterable[str], theirs: Iterable[str]) -> bool:
    """Whether two sets of sectors share an industry: a sector, or a division where one
    side is known only to the division.

    Examples
    --------
    >>> share_industry({"sic-37"}, {"sic-73", "sic-37"}), share_industry({"sic-37"}, {"sic-36"})
    (True, False)
    >>> share_industry({"sic-H"}, {"sic-60"}), share_industry({"sic-H"}, {"sic-73"})
    (True, False)
    """
    a, b = set(mine), set(theirs)
    if a & b:
        return True
    coarse_a = {s for s in a if division(s) == s}
    coarse_b = {s for s in b if division(s) == s}
    return bool(coarse_a & {division(s) for s in b} or coarse_b & {division(s) for s in a})


def compare(mine: Iterable[SectorAssignment], theirs: Iterable[SectorAssignment]
            ) -> bool | None:
    """True: in the same industry; False: in different ones (both known in a common
    scheme, none shared); None: not known well enough to say.

    Examples
    --------
    >>> car = [SectorAssignment("sic-37", "name", 0.7, "")]
    >>> bank = [SectorAssignment("sic-60", "name", 0.7, "")]
    >>> sp = [SectorAssignment("sp-technology", "industries", 1.0, "", "S&P sector")]
    >>> compare(car, car), compare(car, bank), compare(car, sp), compare(car, [])
    (True, False, None, None)
    """
    def by_scheme(found: Iterable[SectorAssignment]) -> dict[str, set[str]]:
        out: dict[str, set[str]] = defaultdict(set)
        for a in found:
            out[a.scheme].add(a.sector)
        return out

    a, b = by_scheme(mine), by_scheme(theirs)
    common = set(a) & set(b)
    if not common:
        return None
    return any(share_industry(a[s], b[s]) for s in common)


def sector_names(store: Store) -> dict[str, str]:
    """Display names of the sectors (industry names, or the SIC titles)."""
    names = {f"sic-{g['major_group']}": g["major_group_title"] for g in _major_groups()}
    names |= {f"sic-{g['division']}": g["division_title"] for g in _major_groups()}
    names |= {n.id: n.name for n in store.nodes(NodeKind.INDUSTRY)}
    return names
