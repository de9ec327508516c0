"""Capability-needs maps (docs/method.md, step 1.1): a focal company's strategic needs, each
with the capabilities and technology classes it takes, a standard, a priority weight and a
horizon.

A needs map is written as YAML or JSON::

    company: voltra
    needs:
      - id: cockpit-fusion
        name: Cockpit-driving fusion algorithms
        standard: algorithm iteration cycle under 3 months
        capabilities: [autonomy/fusion]       # ids; a capability below one counts too
        classes: [G06N]                       # technology class ids, likewise
        min_level: 3                          # lowest capability level that meets it
        min_patents: 10                       # fewest patents in a class that meet it
        weight: 2                             # priority
        horizon_years: 3

It is stored in the graph as ``need`` nodes (id ``<company>/<need id>``) joined to the
company by ``has_need`` and to what they take by ``requires_capability`` and
``requires_class``. :func:`coverage` says how far each company meets each need.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp
import yaml

from ecosystem.dates import AsOf, Window
from ecosystem.errors import ImportRefused, InvalidInput, Problem
from ecosystem.io.batch import ROW, RawTable
from ecosystem.model import NodeKind, RelKind
from ecosystem.scanning.hierarchy import descendants
from ecosystem.stores.base import Store, WriteSummary

__all__ = [
    "Coverage",
    "Need",
    "NeedsMap",
    "coverage",
    "load_needs",
    "read_needs_file",
    "save_needs",
]


@dataclass(frozen=True)
class Need:
    """One strategic need. It is met when every required capability is held at
    ``min_level`` or more and every required class has ``min_patents`` or more."""

    id: str
    name: str
    capabilities: tuple[str, ...] = ()
    classes: tuple[str, ...] = ()
    standard: str = ""
    min_level: float = 0.0
    min_patents: int = 1
    weight: float = 1.0
    horizon_years: float | None = None

    @property
    def requirements(self) -> int:
        return len(self.capabilities) + len(self.classes)


@dataclass(frozen=True)
class NeedsMap:
    """The needs of one focal company."""

    company: str
    needs: tuple[Need, ...] = field(default_factory=tuple)


_FIELDS = {"id", "name", "capabilities", "classes", "standard", "min_level", "min_patents",
           "weight", "horizon_years", "description"}


def _problem(source: str, where: str, message: str, fix: str, value: object = None) -> Problem:
    return Problem(file=source, column=where, message=message, fix=fix, value=value)


def _number(raw: Mapping[str, Any], name: str, where: str, source: str,
            problems: list[Problem], default: float, *, whole: bool = False) -> float:
    value = raw.get(name, default)
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0 or (
            whole and not float(value).is_integer()):
        kind = "whole number" if whole else "number"
        problems.append(_problem(source, f"{where}.{name}", f"'{name}' is not a {kind} >= 0",
                                 f"Write a {kind} such as {int(default) or 1}.", value))
        return default
    return float(value)


def _ids(raw: Mapping[str, Any], name: str, where: str, source: str,
         problems: list[Problem]) -> tuple[str, ...]:
    value = raw.get(name) or []
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        problems.append(_problem(source, f"{where}.{name}", f"'{name}' is not a list of ids",
                                 f"Write e.g. {name}: [id-one, id-two].", value))
        return ()
    return tuple(value)


def parse_needs(data: object, source: str = "needs") -> NeedsMap:
    """Check and convert a parsed needs document; raise ImportRefused listing every problem."""
    problems: list[Problem] = []
    if not isinstance(data, dict) or not isinstance(data.get("company"), str):
        raise ImportRefused([_problem(source, "company", "no 'company' at the top level",
                                      "Start the file with 'company: <company id>'.")])
    raw_needs = data.get("needs")
    if not isinstance(raw_needs, list) or not raw_needs:
        raise ImportRefused([_problem(source, "needs", "no list of needs",
                                      "Add 'needs:' with at least one item (id, name, "
                                      "capabilities or classes).")])
    needs, seen = [], set()
    for index, raw in enumerate(raw_needs):
        where = f"needs[{index}]"
        if not isinstance(raw, dict):
            problems.append(_problem(source, where, "a need must be a mapping",
                                     "Give id, name, capabilities and/or classes.", raw))
            continue
        for key in sorted(set(raw) - _FIELDS):
            close = difflib.get_close_matches(str(key), sorted(_FIELDS), n=1)
            hint = f" Did you mean '{close[0]}'?" if close else ""
            problems.append(_problem(source, f"{where}.{key}", "unknown field",
                                     f"Remove it.{hint} Fields: {', '.join(sorted(_FIELDS))}."))
        need_id = raw.get("id")
        if not isinstance(need_id, str) or not need_id.strip():
            problems.append(_problem(source, f"{where}.id", "'id' is missing",
                                     "Give each need a short id such as 'cockpit-fusion'."))
            continue
        if need_id in seen:
            problems.append(_problem(source, f"{where}.id", "duplicate need id",
                                     "Give each need its own id.", need_id))
        seen.add(need_id)
        need = Need(
            id=need_id.strip(),
            name=str(raw.get("name") or need_id),
            capabilities=_ids(raw, "capabilities", where, source, problems),
            classes=_ids(raw, "classes", where, source, problems),
            standard=str(raw.get("standard") or ""),
            min_level=_number(raw, "min_level", where, source, problems, 0.0),
            min_patents=int(_number(raw, "min_patents", where, source, problems, 1.0,
                                    whole=True)),
            weight=_number(raw, "weight", where, source, problems, 1.0),
            horizon_years=(_number(raw, "horizon_years", where, source, problems, 0.0)
                           if raw.get("horizon_years") is not None else None),
        )
        if not need.requirements:
            problems.append(_problem(source, where, "the need requires nothing",
                                     "List at least one capability or technology class."))
        needs.append(need)
    if problems:
        raise ImportRefused(problems)
    return NeedsMap(str(data["company"]), tuple(needs))


def read_needs_file(path: str | Path) -> NeedsMap:
    """Read a needs map from a ``.yaml``/``.yml`` or ``.json`` file."""
    file = Path(path)
    try:
        text = file.read_text(encoding="utf-8-sig")
        data = json.loads(text) if file.suffix.lower() == ".json" else yaml.safe_load(text)
    except FileNotFoundError:
        raise ImportRefused([_problem(str(file), "", "no such file", "Check the path.")]
                            ) from None
    except (yaml.YAMLError, json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ImportRefused([_problem(str(file), "", f"not readable YAML/JSON ({exc})",
                                      "Fix the syntax; see the example in the docs.")]
                            ) from exc
    return parse_needs(data, str(file))


def check_against_store(store: Store, needs: NeedsMap, source: str = "needs") -> None:
    """Refuse a needs map naming an unknown company, capability or technology class."""
    problems: list[Problem] = []
    companies = store.ids(NodeKind.COMPANY)
    if needs.company not in companies:
        close = difflib.get_close_matches(needs.company, sorted(companies), n=3)
        problems.append(_problem(source, "company", "unknown company",
                                 ("Did you mean " + ", ".join(map(repr, close)) + "?")
                                 if close else "Import the company first.", needs.company))
    known = {"capabilities": store.ids(NodeKind.CAPABILITY),
             "classes": store.ids(NodeKind.TECHNOLOGY_CLASS)}
    for index, need in enumerate(needs.needs):
        for name in ("capabilities", "classes"):
            for value in getattr(need, name):
                if value not in known[name]:
                    close = difflib.get_close_matches(value, sorted(known[name]), n=3)
                    kind = "capability" if name == "capabilities" else "technology_class"
                    fix = (("Did you mean " + ", ".join(map(repr, close)) + "?") if close
                           else f"List them with `ecosystem nodes {kind}`.")
                    problems.append(_problem(source, f"needs[{index}].{name}",
                                             f"unknown {kind}", fix, value))
    if problems:
        raise ImportRefused(problems)


def _table(name: str, rows: list[dict[str, Any]]) -> RawTable:
    frame = pd.DataFrame(rows, dtype=object)
    frame[ROW] = range(2, len(frame) + 2)
    return RawTable(name, f"needs map ({name})", frame)


def save_needs(store: Store, needs: NeedsMap) -> WriteSummary:
    """Store a needs map in the graph (one transaction; saving again updates in place)."""
    check_against_store(store, needs)
    uid = {n.id: f"{needs.company}/{n.id}" for n in needs.needs}
    tables = [
        _table("needs", [{"id": uid[n.id], "name": n.name, "standard": n.standard or None,
                          "min_level": n.min_level, "min_patents": n.min_patents,
                          "weight": n.weight, "horizon_years": n.horizon_years}
                         for n in needs.needs]),
        _table(RelKind.HAS_NEED.value, [{"source": needs.company, "target": uid[n.id]}
                                        for n in needs.needs]),
    ]
    caps = [{"source": uid[n.id], "target": c} for n in needs.needs for c in n.capabilities]
    classes = [{"source": uid[n.id], "target": c} for n in needs.needs for c in n.classes]
    if caps:
        tables.append(_table(RelKind.REQUIRES_CAPABILITY.value, caps))
    if classes:
        tables.append(_table(RelKind.REQUIRES_CLASS.value, classes))
    return store.write(tables)


def load_needs(store: Store, company: str) -> NeedsMap:
    """The needs map of ``company`` as stored (empty when it has none)."""
    prefix = f"{company}/"
    rels = store.relationships(node=(NodeKind.COMPANY, company))
    need_ids = sorted(r.target for r in rels if r.kind is RelKind.HAS_NEED)
    needs = []
    for need_id in need_ids:
        node = store.node(NodeKind.NEED, need_id)
        required = store.relationships(node=(NodeKind.NEED, need_id))
        p = node.properties
        needs.append(Need(
            id=need_id.removeprefix(prefix),
            name=node.name,
            capabilities=tuple(sorted(r.target for r in required
                                      if r.kind is RelKind.REQUIRES_CAPABILITY)),
            classes=tuple(sorted(r.target for r in required
                                 if r.kind is RelKind.REQUIRES_CLASS)),
            standard=str(p.get("standard", "")),
            min_level=float(p.get("min_level", 0.0)),
            min_patents=int(p.get("min_patents", 1)),
            weight=float(p.get("weight", 1.0)),
            horizon_years=p.get("horizon_years"),
        ))
    return NeedsMap(company, tuple(needs))


@dataclass(frozen=True)
class Coverage:
    """How far each company meets each need.

    ``met[c, n]`` is the share of need n's requirements company c meets (0..1, a
    requirement met or not); ``graded[c, n]`` the same with each requirement counted by
    the depth of what the company holds (:func:`coverage`), which tells a firm with two
    dozen products in a capability from one with one. ``detail[need id]`` is companies x
    requirements (capabilities first, then classes), 1 where met; ``amount[need id]`` how
    much each company holds of each requirement (capability levels, patents).
    """

    companies: tuple[str, ...]
    needs: tuple[Need, ...]
    met: np.ndarray
    detail: dict[str, sp.csr_array]  # need id -> companies x requirements, 0/1
    graded: np.ndarray = field(default_factory=lambda: np.zeros((0, 0)))
    amount: dict[str, np.ndarray] = field(default_factory=dict)

    def row(self, company: str) -> np.ndarray:
        return np.asarray(self.met[self.companies.index(company)])


def _depth(amount: np.ndarray, floor: float) -> np.ndarray:
    """0..1 per company and requirement: ``log(1 + a) / log(1 + reference)``, capped at 1,
    where the reference is the 90th percentile of the positive amounts (at least
    ``floor``): the deepest tenth of holders count fully, one product a little."""
    out = np.zeros_like(amount, dtype=float)
    for k in range(amount.shape[1]):
        column = amount[:, k]
        positive = column[column > 0]
        if not len(positive):
            continue
        reference = max(float(np.quantile(positive, 0.9)), floor, 1.0)
        out[:, k] = np.minimum(np.log1p(column) / np.log1p(reference), 1.0)
        out[column < floor, k] = 0.0
    return out


def coverage(store: Store, needs: NeedsMap, *, as_of: AsOf = None,
             window: Window = None) -> Coverage:
    """Share of each need's requirements that every company meets (matrix operations).

    ``held[c, n, r]`` is not materialised: ``detail`` keeps, per need, which requirements
    each company meets, for explanations.

    A required capability is met when the company holds it, or a capability below it, at
    ``min_level`` or more (any positive level when ``min_level`` is 0); a required class
    when the company's patents in it and the classes below it number ``min_patents`` or more.
    ``graded`` counts a met requirement by depth: ``log(1 + amount) / log(1 + reference)``
    (capped at 1) with the 90th percentile of the holders' amounts as the reference.
    """
    if not needs.needs:
        raise InvalidInput(f"{needs.company} has no needs to cover; write a needs map first "
                           "(`ecosystem needs set FILE`).")
    caps = store.matrix(RelKind.HAS_CAPABILITY, as_of=as_of, window=window)
    pats = store.matrix(RelKind.HOLDS_PATENTS_IN, as_of=as_of, window=window)
    if caps.rows != pats.rows:
        raise InvalidInput("capability and patent matrices disagree on companies")
    cap_down = descendants(store, NodeKind.CAPABILITY, caps.columns)
    class_down = descendants(store, NodeKind.TECHNOLOGY_CLASS, pats.columns)
    cap_index, class_index = caps.column_index(), pats.column_index()
    met = np.zeros((len(caps.rows), len(needs.needs)))
    graded = np.zeros_like(met)
    detail: dict[str, sp.csr_array] = {}
    amounts: dict[str, np.ndarray] = {}
    for j, need in enumerate(needs.needs):
        held, depth = [], []
        if need.capabilities:
            cols = [cap_index[c] for c in need.capabilities]
            levels = np.asarray((caps.matrix @ cap_down[:, cols]).toarray(), dtype=float)
            held.append(levels)
            depth.append(_depth(levels, max(need.min_level, 1e-12)))
        if need.classes:
            cols = [class_index[c] for c in need.classes]
            counts = np.asarray((pats.matrix @ class_down[:, cols]).toarray(), dtype=float)
            held.append(counts)
            depth.append(_depth(counts, float(max(need.min_patents, 1))))
        amount = np.hstack(held)
        strength = np.hstack(depth)
        amounts[need.id] = amount
        detail[need.id] = sp.csr_array(strength > 0, dtype=float)
        met[:, j] = (strength > 0).sum(axis=1) / need.requirements
        graded[:, j] = strength.sum(axis=1) / need.requirements
    return Coverage(caps.rows, needs.needs, met, detail, graded, amounts)
