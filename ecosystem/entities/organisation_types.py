"""What kind of organisation each company node is, with the evidence for it.

Scans propose *companies*; foundations, universities, public bodies and open-source
projects listed as vendors in a landscape are not partners in that sense
(``scan --include non_profit,academic`` widens the pool). Each company node gets one of
:data:`~ecosystem.model.ORG_TYPES` by the first rule that applies:

========================  ==========  =====================================================
rule                      confidence  evidence
========================  ==========  =====================================================
user                      1.0         the node's own ``org_type`` (an import, the API)
name (academic, public)   0.9         University, Hochschule, Politecnico, College,
                                      Institute of Technology ...; Ministry, Government,
                                      Department of, City of, Federal Reserve ...
programme tier            0.9         a membership tier reserved for them: Nonprofit,
                                      Academic (Institution) (CNCF, OMP), Community
                                      (RISC-V), Associate (LF and its foundations: for
                                      non-profits, academia and government)
SIC industry              0.9         educational services (82), membership
                                      organisations (86), public administration (91-97)
name (non-profit)         0.85        Foundation, Association, Consortium, Alliance,
                                      Society, Federation, e.V., Forum, Council ...
project                   0.8         a landscape vendor with no membership anywhere,
                                      named like one of its (at most two) products,
                                      an open-source one (``Keras``), not like a firm
                                      (Inc, Labs, Software ...); or with its homepage on
                                      GitHub or GitLab; or ``Project`` in its name
project (umbrella)        0.7         a vendor of three or more products, three in four
                                      of them open source, member of no programme
                                      (``Apache``)
web domain                0.85 / 0.6  ``.edu``/``.ac.xx`` (academic), ``.gov``/``.gouv``
                                      (public body); ``.org`` (non-profit, weaker)
default                   0.5         none of the above: a company
========================  ==========  =====================================================

Types are computed from the store (cached until it changes), never stored: correct one
by giving the company an ``org_type`` (``ecosystem types --set ID=TYPE``, or a column
in an import). Precision and recall per type on a hand-labelled sample of the demo are
in the README (``tests/data/labels/organisations.csv``).
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass, field

from ecosystem.io.lf_landscape import OPEN_SOURCE
from ecosystem.io.names import domain, normalise
from ecosystem.model import ORG_TYPES, Node, NodeKind, RelKind
from ecosystem.stores.base import Store

__all__ = ["COMPANY", "OrgType", "organisation_types", "parse_org_types"]

COMPANY = "company"


@dataclass(frozen=True)
class OrgType:
    """The type of one organisation, and the rule and fact behind it."""

    type: str
    source: str
    evidence: str
    confidence: float

    def as_dict(self) -> dict[str, object]:
        return {"type": self.type, "source": self.source, "evidence": self.evidence,
                "confidence": self.confidence}


_ACADEMIC = re.compile(
    r"\b(universit(y|ies|ä|é|e|at|à|ad|ade|eit|etet)\w*|hochschule|politecnico|polytechni\w*|"
    r"college|institute of technology|école|ecole|school of|academy of sciences|"
    r"research (institute|center|centre)|national laborator(y|ies)|supercomputing|"
    r"academia|fraunhofer|max planck|cnrs|inria|eth zurich|epfl|tu (munich|berlin|delft)|"
    r"technische universit\w+|instituto|institut national)\b", re.I)
_GOVERNMENT = re.compile(
    r"\b(ministry|ministerio|ministère|minist[eé]rio|bundesamt|bundesministerium|"
    r"government|gouvernement|city of|county|municipality|department of|dept\.? of|"
    r"federal reserve|european commission|united nations|state of|agency for|"
    r"national (information|security|institute of standards|oceanic|science foundation)|"
    r"nist|nasa|darpa|public works|geological survey|met office|"
    r"(space|protection|environment(al)?|energy|information society) agency)\b", re.I)
_NON_PROFIT = re.compile(
    r"\b(foundation|fondation|fundaci[oó]n|funda[cç][aã]o|stiftung|association|"
    r"associa[cç][aã]o|associazione|asociaci[oó]n|consortium|consorzio|alliance|society|"
    r"federation|e\.\s?v\.?|forum|council|non-?profit|charity|institute|commons|"
    r"working group|initiative|aisbl|cooperative|coalition|chamber of|standards body|"
    r"international telecommunication union|w3c|ieee|oasis open)\b", re.I)
_PROJECT = re.compile(r"\bprojects?\b", re.I)
_FIRM = re.compile(r"\b(inc|co|corp|ltd|llc|gmbh|labs?|technolog\w*|software|systems|"
                   r"solutions|networks)\b", re.I)
#: Words a project's name carries beside its product's name ("Catalyst Team").
_PROJECT_WORDS = re.compile(r"\s+(team|community|project|org|dev|developers|contributors)$")
_CODE_HOSTS = {"github.com", "gitlab.com", "bitbucket.org", "sourceforge.net", "github.io"}
#: Membership tiers reserved for non-profits, academia and public bodies.
_TIERS = {
    "nonprofit": "non_profit", "non-profit": "non_profit", "associate": "non_profit",
    "academic institution": "academic", "academic": "academic", "community": "non_profit",
}
#: SIC major groups of non-company sectors.
_SIC = {"82": "academic", "86": "non_profit", **{str(g): "government" for g in range(91, 98)}}


def _by_name(name: str) -> tuple[str, str] | None:
    for pattern, kind in ((_ACADEMIC, "academic"), (_GOVERNMENT, "government")):
        hit = pattern.search(name)
        if hit:
            return kind, hit.group(0)
    return None


def _by_domain(homepage: object) -> tuple[str, str, float] | None:
    site = domain(str(homepage or ""))
    if site is None:
        return None
    labels = site.split(".")
    if labels[-1] == "edu" or (len(labels) >= 3 and labels[-2] in ("ac", "edu")):
        return "academic", site, 0.85
    if labels[-1] in ("gov", "mil") or labels[-2:-1] in (["gov"], ["gouv"], ["gob"]):
        return "government", site, 0.85
    if labels[-1] == "org" or labels[-2:-1] == ["org"]:
        return "non_profit", site, 0.6
    return None


def _classify(node: Node, tiers: list[tuple[str, str]], products: list[str],
              product_count: int, has_members: bool) -> OrgType:
    p = node.properties
    given = p.get("org_type")
    if given in ORG_TYPES:
        return OrgType(str(given), "user", "the company's own org_type", 1.0)
    name = node.name
    named = _by_name(name)
    if named is not None:
        return OrgType(named[0], "name", f"its name says {named[1]!r}", 0.9)
    for programme, tier in tiers:
        kind = _TIERS.get(tier.strip().lower())
        if kind is not None:
            return OrgType(kind, "programme tier", f"'{tier}' member of {programme}", 0.9)
    for industry in p.get("industries") or []:
        code = re.fullmatch(r"sic-(\d{2})\d*", str(industry))
        if code and code.group(1) in _SIC:
            return OrgType(_SIC[code.group(1)], "SIC industry", f"in {industry}", 0.9)
    hit = _NON_PROFIT.search(name)
    if hit:
        return OrgType("non_profit", "name", f"its name says {hit.group(0)!r}", 0.85)
    key = "" if has_members else _PROJECT_WORDS.sub("", normalise(name))
    firm_like = _FIRM.search(name) is not None
    if not has_members and key and key in products and product_count <= 2 and not firm_like:
        return OrgType("project", "project", "a landscape vendor of an open-source product "
                       "of its own name, member of no programme", 0.8)
    if not has_members and product_count >= 3 and not firm_like \
            and len(set(products)) >= 0.75 * product_count:
        return OrgType("project", "project", f"an open-source umbrella: {len(set(products))} "
                       f"of its {product_count} products are open source, member of no "
                       "programme", 0.7)
    if not has_members and domain(str(p.get("homepage") or "")) in _CODE_HOSTS:
        return OrgType("project", "project", "its homepage is a code repository", 0.8)
    project = _PROJECT.search(name)
    if project:
        return OrgType("project", "project", f"its name says {project.group(0)!r}", 0.8)
    site = _by_domain(p.get("homepage"))
    if site is not None:
        return OrgType(site[0], "web domain", f"homepage on {site[1]}", site[2])
    return OrgType(COMPANY, "default", "no rule for another type applies", 0.5)


@dataclass(frozen=True)
class _Inputs:
    """What the rules read from the store, whatever the day."""

    nodes: list[Node]
    #: (company, programme, since or "", tier or "") of every membership
    memberships: list[tuple[str, str, str, str]]
    products: dict[str, list[str]]  # open-source products' names
    counts: dict[str, int]  # products of any licence
    #: types already found, by (company, its tiers, member anywhere): most companies'
    #: inputs are the same on every day a back-test asks about
    found: dict[tuple[str, tuple[tuple[str, str], ...], bool], OrgType] = field(
        default_factory=dict)


def _inputs(store: Store) -> _Inputs:
    memberships = [(r.source, r.target, r.since or "", str(r.properties.get("tier") or ""))
                   for r in store.relationships(RelKind.MEMBER_OF)]
    products: dict[str, list[str]] = defaultdict(list)
    counts: dict[str, set[str]] = defaultdict(set)
    for rel in store.relationships(RelKind.HAS_CAPABILITY):
        evidence = rel.properties.get("evidence")
        if evidence:
            parts = str(evidence).split("; ")
            counts[rel.source].update(normalise(p.removesuffix(OPEN_SOURCE)) for p in parts)
            products[rel.source] += [normalise(part.removesuffix(OPEN_SOURCE))
                                     for part in parts if part.endswith(OPEN_SOURCE)]
    return _Inputs(list(store.nodes(NodeKind.COMPANY)), memberships, dict(products),
                   {c: len(v) for c, v in counts.items()})


def _build(store: Store, before: str | None = None) -> dict[str, OrgType]:
    found = store.cached("organisation-type-inputs", lambda: _inputs(store))
    tiers: dict[str, list[tuple[str, str]]] = defaultdict(list)
    members = set()
    for company, programme, since, tier in found.memberships:
        if before is not None and since >= before:
            continue  # an undated membership counts as known from the start
        members.add(company)
        if tier:
            tiers[company].append((programme, tier))
    out = {}
    for node in found.nodes:
        key = (node.id, tuple(sorted(tiers.get(node.id, []))), node.id in members)
        if key not in found.found:
            found.found[key] = _classify(node, list(key[1]), found.products.get(node.id, []),
                                         found.counts.get(node.id, 0), key[2])
        out[node.id] = found.found[key]
    return out


def organisation_types(store: Store, *, before: dt.date | None = None) -> dict[str, OrgType]:
    """The type of every company node, with its evidence (cached until the data change).

    ``before``: as known before that day, for a prediction that must not look ahead: only
    memberships that started before it count (their tiers, and whether the company is a
    member anywhere). Names, web domains, industries and products are taken as they are.
    """
    day = None if before is None else before.isoformat()
    return store.cached(("organisation-types", day), lambda: _build(store, day))


def parse_org_types(text: str | None) -> frozenset[str]:
    """Parse ``"non_profit,academic"`` (also ``non-profit``) into a set of types.

    Examples
    --------
    >>> sorted(parse_org_types("non-profit, academic"))
    ['academic', 'non_profit']
    """
    from ecosystem.errors import InvalidValue

    if not text:
        return frozenset()
    chosen = set()
    for part in filter(None, (p.strip().lower().replace("-", "_") for p in text.split(","))):
        if part not in ORG_TYPES:
            raise InvalidValue(f"{part!r} is not an organisation type; give some of "
                               f"{', '.join(ORG_TYPES)}, comma-separated.", field="include",
                               value=part)
        chosen.add(part)
    return frozenset(chosen)
