"""Reader for the Linux Foundation landscape data set (``--format lf-landscape``).

The folder holds ``memberships.csv`` (organisation x programme, with tiers and month-dated
joins and exits) and ``landscape_items.csv`` (products placed in a category / subcategory
taxonomy). They map onto the model as follows; the data set's own ids are kept:

==========================  =================================================================
data set                    ecosystem
==========================  =================================================================
``org_key``                 Company id; name from ``org_name`` (else derived from the key)
``program``                 Programme id (``cncf``, ``lfai`` ...); names in PROGRAMME_NAMES
membership row              ``member_of``; ``since`` = ``joined`` if known, else
                            ``first_seen_month``; ``until`` = the month after
                            ``last_seen_month`` when ``present_at_head`` is 0; ``tier`` =
                            ``tier_at_head``, else the last of ``tiers_seen``
``category/subcategory``    Capability ``<category>`` and its child ``<category>/<sub>``
products of one vendor in   ``has_capability``; ``level`` = number of products, ``evidence``
one subcategory             = their names (``[open source]`` after those with a repository
                            or a hosted-project status), ``since``/``until`` from their
                            first/last months
adopter listings            ``uses_capability`` instead: the organisation uses the technology
                            (categories and subcategories naming adopters, users,
                            customers, participants, supporters, conformance)
``crunchbase_slug``         the company's ``crunchbase``
==========================  =================================================================

Text is NFKC-normalised and look-alike letters of another script inside a Latin word are
folded (the Cyrillic ``о`` of ``OSPO Adоpter``, :func:`~ecosystem.io.names.fold_confusables`);
each fold is reported in the import's notes.

When ``seen_in_first_snapshot`` is 1 the join date is unknown (the member list starts then);
``since`` is that first month and the note says ``join date censored``.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path
from urllib.parse import unquote

import pandas as pd

from ecosystem.errors import ImportRefused, Problem
from ecosystem.io.batch import ROW, RawTable
from ecosystem.io.names import fold_confusables, slug
from ecosystem.io.tabular import read_table_file

__all__ = ["ADOPTER_LISTING", "OPEN_SOURCE", "PROGRAMME_NAMES", "is_lf_landscape",
           "read_lf_landscape"]

#: Categories or subcategories that list users of a technology, not providers of it.
ADOPTER_LISTING = re.compile(r"adopter|\buser\b|customer|participating|supporting|"
                             r"conformance", re.I)

MEMBERSHIPS = "memberships.csv"
ITEMS = "landscape_items.csv"

PROGRAMME_NAMES = {
    "aousd": "Alliance for OpenUSD",
    "aswf": "Academy Software Foundation",
    "camara": "CAMARA",
    "ccc": "Confidential Computing Consortium",
    "cdf": "Continuous Delivery Foundation",
    "cip": "Civil Infrastructure Platform",
    "cncf": "Cloud Native Computing Foundation",
    "finos": "FINOS (Fintech Open Source Foundation)",
    "graphql": "GraphQL Foundation",
    "hyperledger_dlt": "Hyperledger Foundation (LF Decentralized Trust)",
    "lf": "The Linux Foundation",
    "lfai": "LF AI & Data Foundation",
    "lfedge": "LF Edge",
    "lfenergy": "LF Energy",
    "lfeu": "Linux Foundation Europe",
    "lfnetworking": "LF Networking",
    "neonephos": "NeoNephos Foundation",
    "oai": "OpenAPI Initiative",
    "omp": "Open Mainframe Project",
    "openchain": "OpenChain Project",
    "openinfra": "OpenInfra Foundation",
    "openssf": "Open Source Security Foundation",
    "overturemaps": "Overture Maps Foundation",
    "presto": "Presto Foundation",
    "pytorch": "PyTorch Foundation",
    "riscv": "RISC-V International",
    "todo_ospo": "TODO Group (OSPO landscape)",
}

_MEMBERSHIP_COLUMNS = ("program", "org_key", "org_name", "tier_at_head", "tiers_seen",
                       "joined", "first_seen_month", "seen_in_first_snapshot",
                       "last_seen_month", "present_at_head")
_ITEM_COLUMNS = ("program", "category", "subcategory", "item_name", "org_key",
                 "first_seen_month", "last_seen_month", "present_at_head")


def is_lf_landscape(path: Path) -> bool:
    """Whether ``path`` is a folder in the LF landscape layout."""
    return path.is_dir() and (path / MEMBERSHIPS).is_file() and (path / ITEMS).is_file()


def _name_from_key(key: str) -> str:
    base = unquote(key.removeprefix("name:"))  # keys may be percent-encoded (%c3%a4: ä)
    return " ".join(part.capitalize() for part in base.replace("_", "-").split("-") if part)


def _next_month(month: pd.Series) -> pd.Series:
    periods = pd.PeriodIndex(month, freq="M") + 1
    return pd.Series(periods.strftime("%Y-%m"), index=month.index)


def _folded(frame: pd.DataFrame, columns: tuple[str, ...], source: str,
            notes: list[str]) -> pd.DataFrame:
    """``columns`` NFKC-normalised with look-alike letters folded; each fold noted."""
    for column in columns:
        if column not in frame.columns:
            continue
        values = frame[column].astype(object)
        unusual = values.map(lambda v: isinstance(v, str) and not v.isascii()).astype(bool)
        rows: dict[str, list[int]] = {}
        for index in values[unusual].index:
            text = unicodedata.normalize("NFKC", str(values.at[index]))
            folded, found = fold_confusables(text)
            values.at[index] = folded
            for note in found:
                rows.setdefault(note, []).append(int(str(frame.at[index, ROW])))
        frame[column] = values
        for note, where in rows.items():
            more = f" and {len(where) - 1:,} more" if len(where) > 1 else ""
            notes.append(f"{source} row {where[0]}{more}, column '{column}': {note}")
    return frame


def _read(path: Path, required: tuple[str, ...]) -> pd.DataFrame:
    (table,) = read_table_file(path)
    frame = table.frame
    missing = [c for c in required if c not in frame.columns]
    if missing:
        raise ImportRefused([
            Problem(file=str(path), row=1, column=c, message="required column is missing",
                    fix="This reader expects the LF landscape layout; see its README, or use "
                    "--format tabular.")
            for c in missing
        ])
    return frame


def read_lf_landscape(folder: Path) -> list[RawTable]:
    """Read an LF landscape folder into canonical raw tables (validated later as usual)."""
    source_m = f"{folder / MEMBERSHIPS}"
    source_i = f"{folder / ITEMS}"
    notes: list[str] = []
    members = _folded(_read(folder / MEMBERSHIPS, _MEMBERSHIP_COLUMNS),
                      ("org_name", "tier_at_head", "tiers_seen"), source_m, notes)
    items = _folded(_read(folder / ITEMS, _ITEM_COLUMNS),
                    ("category", "subcategory", "item_name"), source_i, notes)
    items = items[items["org_key"].str.strip() != ""]
    adopters = (items["category"].str.contains(ADOPTER_LISTING)
                | items["subcategory"].str.contains(ADOPTER_LISTING)).astype(bool)
    tables = [
        RawTable("programmes", source_m, _programmes(members), {"id": "program"}),
        RawTable("companies", source_m, _companies(members, items),
                 {"id": "org_key", "name": "org_name", "homepage": "homepage_url",
                  "crunchbase": "crunchbase_slug"}, notes),
        RawTable("member_of", source_m, _memberships(members), _MEMBERSHIP_SOURCES),
        RawTable("capabilities", source_i, _capabilities(items),
                 {"id": "category/subcategory", "name": "category/subcategory"}),
        RawTable("has_capability", source_i, _has_capability(items[~adopters]),
                 _ITEM_SOURCES),
    ]
    if adopters.any():
        uses = _has_capability(items[adopters])
        tables.append(RawTable("uses_capability", source_i, uses, _ITEM_SOURCES))
    return tables


#: The columns of memberships.csv each member_of field is made from (for messages).
_MEMBERSHIP_SOURCES = {"source": "org_key", "target": "program",
                       "since": "joined (else first_seen_month)",
                       "until": "last_seen_month (with present_at_head)",
                       "tier": "tier_at_head (else tiers_seen)"}
#: The columns of landscape_items.csv each has_capability field is made from.
_ITEM_SOURCES = {"source": "org_key", "target": "category/subcategory",
                 "since": "first_seen_month", "until": "last_seen_month (with present_at_head)",
                 "level": "item_name (counted)", "evidence": "item_name"}


def _programmes(members: pd.DataFrame) -> pd.DataFrame:
    first = members.drop_duplicates("program")
    return pd.DataFrame({
        "id": first["program"],
        "name": first["program"].map(lambda p: PROGRAMME_NAMES.get(p, p)),
        ROW: first[ROW],
    })


def _companies(members: pd.DataFrame, items: pd.DataFrame) -> pd.DataFrame:
    named = members[members["org_name"].str.strip() != ""].drop_duplicates("org_key")
    names = dict(zip(named["org_key"], named["org_name"], strict=True))
    homepages = {}
    if "homepage_url" in members.columns:
        with_home = members[members["homepage_url"] != ""].drop_duplicates("org_key")
        homepages = dict(zip(with_home["org_key"], with_home["homepage_url"], strict=True))
    keys = pd.concat([members[["org_key", ROW]], items[["org_key", ROW]]])
    keys = keys.drop_duplicates("org_key")
    slugs: dict[str, str] = {}
    for frame in (members, items):
        if "crunchbase_slug" in frame.columns:
            found = frame[frame["crunchbase_slug"].str.strip() != ""]
            slugs.update(zip(found["org_key"], found["crunchbase_slug"].str.strip(),
                             strict=True))
    end_users = set()
    if "enduser" in members.columns:
        end_users = set(members.loc[members["enduser"].isin(["1", "true", "True"]), "org_key"])
    return pd.DataFrame({
        "id": keys["org_key"],
        "name": keys["org_key"].map(lambda k: names.get(k) or _name_from_key(k)),
        "homepage": keys["org_key"].map(lambda k: homepages.get(k, "")),
        "tags": keys["org_key"].map(lambda k: "end-user" if k in end_users else ""),
        "crunchbase": keys["org_key"].map(lambda k: slugs.get(k, "")),
        ROW: keys[ROW],
    })


def _memberships(members: pd.DataFrame) -> pd.DataFrame:
    left = members["present_at_head"] == "0"
    until = _next_month(members["last_seen_month"]).where(left, "")
    joined = members["joined"].str.strip()
    # An official join date after the last sighting is a data-entry error: fall back.
    usable = (joined != "") & ((until == "") | (joined.str[:7] < until))
    since = joined.where(usable, members["first_seen_month"])
    censored = (members["seen_in_first_snapshot"] == "1") & ~usable
    tier = members["tier_at_head"].where(
        members["tier_at_head"] != "", members["tiers_seen"].str.split("|").str[-1]
    )
    return pd.DataFrame({
        "source": members["org_key"],
        "target": members["program"],
        "since": since,
        "until": until,
        "tier": tier.fillna(""),
        "note": censored.map({True: "join date censored", False: ""}),
        ROW: members[ROW],
    })


def _capability_ids(items: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    category = items["category"].map(slug)
    sub = category + "/" + items["subcategory"].map(slug)
    return category, sub


def _capabilities(items: pd.DataFrame) -> pd.DataFrame:
    category, sub = _capability_ids(items)
    categories = pd.DataFrame({"id": category, "name": items["category"].str.strip(),
                               "parent": "", ROW: items[ROW]}).drop_duplicates("id")
    subs = pd.DataFrame({"id": sub, "name": items["subcategory"].str.strip(),
                         "parent": category, ROW: items[ROW]}).drop_duplicates("id")
    return pd.concat([categories, subs], ignore_index=True)


#: Marks an open-source product (one with a repository or a hosted-project status) in the
#: ``evidence`` of a capability: organisation types tell projects from vendors by it.
OPEN_SOURCE = " [open source]"


def _has_capability(items: pd.DataFrame) -> pd.DataFrame:
    _, sub = _capability_ids(items)
    open_source = pd.Series(False, index=items.index)
    for column in ("repo_url", "project_status"):
        if column in items.columns:
            open_source |= items[column].str.strip() != ""
    named = items["item_name"].where(~open_source, items["item_name"] + OPEN_SOURCE)
    frame = items.assign(capability=sub, item_name=named)
    grouped = frame.groupby(["org_key", "capability"], sort=True)
    result = grouped.agg(
        level=("item_name", "size"),
        evidence=("item_name", lambda names: "; ".join(sorted(set(names)))),
        since=("first_seen_month", "min"),
        last=("last_seen_month", "max"),
        present=("present_at_head", lambda flags: (flags == "1").any()),
        row=(ROW, "min"),
    ).reset_index()
    until = _next_month(result["last"]).where(~result["present"], "")
    return pd.DataFrame({
        "source": result["org_key"],
        "target": result["capability"],
        "since": result["since"],
        "until": until,
        "level": result["level"].astype(str),
        "evidence": result["evidence"],
        ROW: result["row"],
    })
