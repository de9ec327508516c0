"""Entity resolution: which company nodes (or incoming rows) are one organisation.

Every company is read as a :class:`Record` of match keys: its normalised name and id
(:mod:`ecosystem.io.names`: NFKC, confusables folded, legal forms such as Inc, GmbH, S.A.
or 株式会社 dropped), the registered domain of its homepage, its Crunchbase slug and
Wikidata id, and its aliases. Pairs that share a key, or whose names are close, are scored
by the evidence they share (:data:`EVIDENCE`):

====================================  ======  ==========================================
evidence                              weight  example
====================================  ======  ==========================================
same Crunchbase slug or Wikidata id   0.99
same id once ``name:`` is taken off   0.95    ``name:toyota`` / ``toyota``
same name once legal forms are gone   0.92    ``Boeing`` / ``The Boeing Company``
id of one is the other's name         0.85    ``google`` / ``Google LLC``
same homepage domain                  0.75    ``https://ibm.com`` / ``www.ibm.com/cloud``
an alias of one is the other's name   0.90
similar names (rapidfuzz)             <=0.80  ``Cisco Systems`` / ``Cisco``: 0.62
====================================  ======  ==========================================

A domain shared by more than two organisations (a university's, a foundation's hosting its
members' pages) is no evidence. Independent evidence adds up as ``1 - prod(1 - weight)``,
so a shared domain alone (0.75) is left for review, with names 75% alike it is merged; a
conflict lowers the score:
different explicit organisation types, or different countries when both have an ISO code
(x 0.5).
Pairs at or above :data:`AUTO_MERGE` (0.9) are taken for one organisation by
``ecosystem demo`` and ``ecosystem merge --auto``; the rest go to a review table
(:func:`write_review`), whose accepted rows ``ecosystem merge`` applies
(:mod:`ecosystem.entities.merging`).

Name similarity is rapidfuzz's ``token_sort_ratio`` on the normalised names: it sees
``Cisco Systems`` and ``Cisco`` as related (62) but not equal, so a parent and its
division (``Google`` / ``Google Cloud``) are offered for review, never merged unasked.
"""

from __future__ import annotations

import itertools
import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ecosystem.errors import ImportRefused, Problem
from ecosystem.io.names import COMMON_WORDS, domain, id_key, normalise
from ecosystem.model import Node, NodeKind, RelKind
from ecosystem.stores.base import Store

__all__ = ["AUTO_MERGE", "REVIEW", "Decision", "Pair", "Record", "find_duplicates",
           "match_incoming", "read_review", "records", "review_rows", "write_review"]

#: Pairs scoring at least this are one organisation without review.
AUTO_MERGE = 0.9
#: Pairs scoring at least this are listed for review.
REVIEW = 0.7
#: Hosts many organisations share: equal domains there prove nothing.
SHARED_HOSTS = frozenset({
    "github.com", "gitlab.com", "linkedin.com", "medium.com", "google.com", "twitter.com",
    "x.com", "facebook.com", "youtube.com", "wordpress.com", "blogspot.com", "github.io",
    "notion.site", "sites.google.com", "crunchbase.com", "wikipedia.org", "linuxfoundation.org",
    "herokuapp.com", "netlify.app", "vercel.app", "readthedocs.io", "apache.org",
})


@dataclass(frozen=True)
class Record:
    """One organisation as the resolver sees it."""

    id: str
    name: str
    name_key: str
    id_key: str
    domain: str | None = None
    crunchbase: str | None = None
    wikidata: str | None = None
    pitchbook: str | None = None
    aliases: tuple[str, ...] = ()
    org_type: str | None = None
    country: str | None = None
    degree: int = 0

    @classmethod
    def of(cls, node: Node, degree: int = 0) -> Record:
        p = node.properties
        site = domain(str(p.get("homepage") or ""))
        return cls(
            id=node.id, name=node.name, name_key=normalise(node.name), id_key=id_key(node.id),
            domain=None if site in SHARED_HOSTS else site,
            crunchbase=_text(p.get("crunchbase")), wikidata=_text(p.get("wikidata")),
            pitchbook=_text(p.get("pitchbook")),
            aliases=tuple(normalise(a) for a in _list(p.get("aliases"))),
            org_type=_text(p.get("org_type")), country=_country(p.get("country")),
            degree=degree)


def _list(value: object) -> list[str]:
    """A list field as stored (a list) or as read from a file (';'-separated text)."""
    if isinstance(value, str):
        return [part.strip() for part in value.split(";") if part.strip()]
    return [str(v) for v in value or ()] if isinstance(value, list | tuple) else []


def _text(value: object) -> str | None:
    return str(value).strip().lower() or None if value else None


def _country(value: object) -> str | None:
    """An ISO 3166 alpha-2 code, or None (names are not compared: 'DE' and 'Germany')."""
    text = _text(value)
    return text if text is not None and len(text) == 2 and text.isalpha() else None


@dataclass(frozen=True)
class Pair:
    """Two records that may be one organisation: the score and the evidence for it."""

    a: Record
    b: Record
    score: float
    evidence: tuple[str, ...]

    @property
    def keep(self) -> Record:
        """The record to keep if the two are merged: an id from a data set's own key
        (not ``name:``), then the better connected, then the shorter id."""
        def rank(r: Record) -> tuple[bool, int, int, str]:
            return (r.id.startswith("name:"), -r.degree, len(r.id), r.id)

        return min(self.a, self.b, key=rank)

    @property
    def other(self) -> Record:
        return self.b if self.keep is self.a else self.a


def _unshared(found: list[Record]) -> list[Record]:
    """``found`` without the domains more than two of them share (no evidence)."""
    from collections import Counter

    counts = Counter(r.domain for r in found if r.domain)
    return [r if not r.domain or counts[r.domain] <= 2 else
            Record(**{**r.__dict__, "domain": None}) for r in found]


def records(store: Store) -> list[Record]:
    """Every company of ``store`` as a :class:`Record` (with its number of relationships,
    which decides which of two duplicates is kept)."""
    degree: dict[str, int] = defaultdict(int)
    for kind in (RelKind.MEMBER_OF, RelKind.HAS_CAPABILITY, RelKind.PARTNERS_WITH,
                 RelKind.HOLDS_PATENTS_IN, RelKind.USES_CAPABILITY):
        matrix = store.matrix(kind).matrix.tocsr()
        counts = np.diff(matrix.indptr)
        for company, count in zip(store.matrix(kind).rows, counts, strict=True):
            degree[company] += int(count)
    return _unshared([Record.of(n, degree[n.id]) for n in store.nodes(NodeKind.COMPANY)])


def _keys(record: Record) -> Iterable[tuple[str, str]]:
    yield "name", record.name_key
    yield "id", record.id_key
    for alias in record.aliases:
        yield "name", alias
    if record.domain:
        yield "domain", record.domain
    if record.crunchbase:
        yield "crunchbase", record.crunchbase
    if record.wikidata:
        yield "wikidata", record.wikidata
    if record.pitchbook:
        yield "pitchbook", record.pitchbook


def _score(a: Record, b: Record) -> tuple[float, tuple[str, ...]]:
    from rapidfuzz import fuzz

    found: list[tuple[float, str]] = []
    if a.crunchbase and a.crunchbase == b.crunchbase:
        found.append((0.99, f"same Crunchbase slug ({a.crunchbase})"))
    if a.wikidata and a.wikidata == b.wikidata:
        found.append((0.99, f"same Wikidata id ({a.wikidata})"))
    if a.pitchbook and a.pitchbook == b.pitchbook:
        found.append((0.99, f"same PitchBook id ({a.pitchbook})"))
    if a.id_key == b.id_key:
        found.append((0.95, f"same id once 'name:' is taken off ({a.id_key!r})"))
    if a.name_key and a.name_key == b.name_key:
        found.append((0.92, f"same name once legal forms are dropped ({a.name_key!r})"))
    elif a.id_key in (b.name_key, *b.aliases) or b.id_key in (a.name_key, *a.aliases):
        found.append((0.85, "the id of one is the name of the other"))
    if a.name_key in b.aliases or b.name_key in a.aliases:
        found.append((0.9, "an alias of one is the name of the other"))
    if a.domain and a.domain == b.domain:
        found.append((0.75, f"same homepage domain ({a.domain})"))
    if not any(w >= 0.92 for w, _ in found):
        similarity = fuzz.token_sort_ratio(a.name_key, b.name_key) / 100
        if similarity >= 0.5:
            found.append((round(0.8 * similarity, 4),
                          f"similar names ({a.name!r} / {b.name!r}: {similarity:.0%})"))
    if not found:
        return 0.0, ()
    score = 1.0 - math.prod(1.0 - w for w, _ in found)
    evidence = [text for _, text in sorted(found, key=lambda f: -f[0])]
    if a.org_type and b.org_type and a.org_type != b.org_type:
        score *= 0.5
        evidence.append(f"but one is a {a.org_type}, the other a {b.org_type}")
    if a.country and b.country and a.country != b.country:
        score *= 0.5
        evidence.append(f"but in different countries ({a.country} / {b.country})")
    return round(score, 4), tuple(evidence)


def _candidates(left: Sequence[Record], right: Sequence[Record], same: bool
                ) -> set[tuple[int, int]]:
    """Index pairs that share a match key or a rare name word (blocking)."""
    by_key: dict[tuple[str, str], list[int]] = defaultdict(list)
    by_word: dict[str, list[int]] = defaultdict(list)
    for j, record in enumerate(right):
        for key in _keys(record):
            by_key[key].append(j)
        for word in set(record.name_key.split()) - COMMON_WORDS:
            if len(word) > 1:
                by_word[word].append(j)
    pairs: set[tuple[int, int]] = set()
    for i, record in enumerate(left):
        found: set[int] = set()
        for key in _keys(record):
            found.update(by_key.get(key, ()))
            if key[0] in ("name", "id"):  # an id may be the other's name
                found.update(by_key.get(("name" if key[0] == "id" else "id", key[1]), ()))
        for word in set(record.name_key.split()) - COMMON_WORDS:
            holders = by_word.get(word, ())
            if len(holders) <= 50:  # a word in many names finds nothing specific
                found.update(holders)
        pairs.update((i, j) for j in found if not same or i < j)
    return pairs


def find_duplicates(store: Store, *, minimum: float = REVIEW) -> list[Pair]:
    """Pairs of the store's companies that may be one organisation, best first.

    Parameters
    ----------
    minimum
        Leave out pairs scoring below this.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from ecosystem import EmbeddedStore
    >>> from ecosystem.editing import upsert_node
    >>> with EmbeddedStore(pathlib.Path(tempfile.mkdtemp()) / "eco.db") as store:
    ...     for id, name in [("toyota", "Toyota"), ("name:toyota", "Toyota Motor Corp."),
    ...                      ("google", "Google LLC"), ("google-cloud", "Google Cloud")]:
    ...         _ = upsert_node(store, NodeKind.COMPANY, {"id": id, "name": name})
    ...     [(p.keep.id, p.other.id, p.score) for p in find_duplicates(store)]
    [('toyota', 'name:toyota', 0.9925)]
    """
    found = records(store)
    pairs = []
    for i, j in _candidates(found, found, same=True):
        score, evidence = _score(found[i], found[j])
        if score >= minimum:
            pairs.append(Pair(found[i], found[j], score, evidence))
    return sorted(pairs, key=lambda p: (-p.score, p.keep.id, p.other.id))


def match_incoming(incoming: Iterable[tuple[str, str, Mapping[str, Any]]], store: Store, *,
                   minimum: float = REVIEW) -> list[Pair]:
    """Pairs of an incoming row (``(id, name, properties)``) and a stored company that may
    be one organisation: what to review before an import adds a duplicate. Rows whose id
    is stored already are updates, not candidates."""
    stored = records(store)
    known = {r.id for r in stored}
    rows = [Record.of(Node(NodeKind.COMPANY, i, {**p, "name": n}))
            for i, n, p in incoming if i not in known]
    pairs = []
    for i, j in _candidates(rows, stored, same=False):
        score, evidence = _score(rows[i], stored[j])
        if score >= minimum:
            pairs.append(Pair(stored[j], rows[i], score, evidence))
    return sorted(pairs, key=lambda p: (-p.score, p.a.id, p.b.id))


# -- the review table ---------------------------------------------------------------------

#: Columns of a review table, in order.
REVIEW_COLUMNS = ("keep", "merge", "keep_name", "merge_name", "score", "evidence", "decision")
#: What the decision column may say.
DECISIONS = {"accept": True, "yes": True, "y": True, "merge": True, "reject": False,
             "no": False, "n": False, "": None}


@dataclass(frozen=True)
class Decision:
    """One row of a review table: merge ``merge`` into ``keep`` (if accepted)."""

    keep: str
    merge: str
    accepted: bool | None
    score: float | None = None
    evidence: str = ""
    row: int = 0
    source: str = field(default="", compare=False)


def review_rows(pairs: Sequence[Pair], *, accept_from: float | None = None
                ) -> list[dict[str, Any]]:
    """Rows of a review table; ``decision`` is ``accept`` where the score reaches
    ``accept_from``, else empty for a person to fill in."""
    return [{"keep": p.keep.id, "merge": p.other.id, "keep_name": p.keep.name,
             "merge_name": p.other.name, "score": p.score, "evidence": "; ".join(p.evidence),
             "decision": "accept" if accept_from is not None and p.score >= accept_from
             else ""} for p in pairs]


def write_review(pairs: Sequence[Pair], path: str | Path, *,
                 accept_from: float | None = None) -> Path:
    """Write a review table (``.csv`` or ``.xlsx``) of ``pairs`` for a person to decide."""
    import pandas as pd

    from ecosystem.io.export import write_workbook
    from ecosystem.io.tabular import escape_formulas

    target = Path(path)
    frame = pd.DataFrame(review_rows(pairs, accept_from=accept_from),
                         columns=list(REVIEW_COLUMNS))
    for column in ("keep", "merge", "keep_name", "merge_name", "evidence"):
        frame[column] = escape_formulas(frame[column])
    if target.suffix.lower() == ".xlsx":
        write_workbook({"review": frame}, target)
    else:
        frame.to_csv(target, index=False)
    return target


def read_review(path: str | Path) -> list[Decision]:
    """The decisions of a review table (CSV or Excel), every row checked.

    Raises
    ------
    ImportRefused
        Naming the file, row and column of each malformed row (a missing id, a decision
        that is neither accept nor reject, a row merging a company into itself, a company
        merged twice); nothing is applied.
    """
    from ecosystem.io.tabular import read_table_file

    source = Path(path)
    tables = list(read_table_file(source))
    problems: list[Problem] = []
    decisions: list[Decision] = []
    for table in tables:
        frame = table.frame
        missing = [c for c in ("keep", "merge", "decision") if c not in frame.columns]
        for column in missing:
            problems.append(Problem(file=table.source, row=1, column=column,
                                    message="required column is missing",
                                    fix="A review table has the columns "
                                    f"{', '.join(REVIEW_COLUMNS)} (`ecosystem resolve` "
                                    "writes one)."))
        if missing:
            continue
        for record in frame.to_dict("records"):
            row = int(record["__row__"])
            keep, merge = (str(record.get(c) or "").strip() for c in ("keep", "merge"))
            said = str(record.get("decision") or "").strip().lower()
            where: dict[str, Any] = {"file": table.source, "row": row}
            if said not in DECISIONS:
                problems.append(Problem(**where, column="decision", value=said,
                                        message="the decision is not one the tool knows",
                                        fix="Write accept or reject, or leave it empty "
                                        "(undecided)."))
                continue
            if not keep or not merge:
                problems.append(Problem(**where, column="keep" if not keep else "merge",
                                        message="an id is missing",
                                        fix="Give the ids of both companies."))
                continue
            if keep == merge:
                problems.append(Problem(**where, column="merge", value=merge,
                                        message="the row merges a company into itself",
                                        fix="Give two different companies, or delete the "
                                        "row."))
                continue
            decisions.append(Decision(keep, merge, DECISIONS[said],
                                      _float(record.get("score")),
                                      str(record.get("evidence") or ""), row, table.source))
    accepted = [d for d in decisions if d.accepted]
    for merged, rows in itertools.groupby(sorted(accepted, key=lambda d: d.merge),
                                          key=lambda d: d.merge):
        group = list(rows)
        if len({d.keep for d in group}) > 1:
            problems.append(Problem(file=group[1].source, row=group[1].row, column="merge",
                                    value=merged, message="the company is merged into two "
                                    "different ones", fix="Accept one of the rows only."))
    if problems:
        raise ImportRefused(problems)
    return decisions


def _float(value: object) -> float | None:
    try:
        number = float(str(value))
    except ValueError:
        return None
    return number if math.isfinite(number) else None
