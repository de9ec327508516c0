"""Matching organisation names across data sets by a documented normalisation.

:func:`normalise` lower-cases a name, reads ``&`` as ``and``, drops punctuation, and removes
legal-form words (Inc, Corp, Co, Ltd, PLC, AG, SA, NV, GmbH, LLC, Holdings ...) from the end
and ``the`` from the start. Two names match when their normalised forms are equal; nothing
is matched by similarity, so a match can be trusted and a miss is reported, never guessed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

__all__ = ["NameIndex", "normalise", "slug"]

LEGAL_FORMS = frozenset({
    "inc", "corp", "corporation", "co", "company", "cos", "ltd", "limited",
    "plc", "ag", "sa", "nv", "bv", "se", "gmbh", "llc", "lp", "hldg", "holdings", "holding",
    "oyj", "ab", "asa", "as", "kgaa", "kk", "spa", "srl", "intl", "international", "the",
})


def normalise(name: str) -> str:
    """The matching form of an organisation name.

    Examples
    --------
    >>> normalise("Cisco Systems, Inc.")
    'cisco systems'
    >>> normalise("Johnson & Johnson")
    'johnson and johnson'
    >>> normalise("red-hat")
    'red hat'
    >>> normalise("INTERNATIONAL BUSINESS MACHINES CORPORATION")
    'international business machines'
    """
    text = name.lower().replace("&", " and ")
    words = re.sub(r"[^0-9a-z\u00c0-\uffff]+", " ", text).split()
    while len(words) > 1 and words[-1] in LEGAL_FORMS:
        words.pop()
    while len(words) > 1 and words[0] == "the":
        words.pop(0)
    return " ".join(words)


def slug(text: str) -> str:
    """A lower-case id made of letters, digits and hyphens.

    Examples
    --------
    >>> slug("Observability & Analysis")
    'observability-analysis'
    """
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


@dataclass
class NameIndex:
    """Company ids by normalised id and name; a name is matched only when unambiguous."""

    by_key: dict[str, set[str]] = field(default_factory=dict)
    by_name: dict[str, set[str]] = field(default_factory=dict)

    @classmethod
    def of(cls, companies: Iterable[tuple[str, str]]) -> NameIndex:
        """Index ``(id, name)`` pairs."""
        index = cls()
        for company_id, name in companies:
            index.by_key.setdefault(normalise(company_id), set()).add(company_id)
            if name:
                index.by_name.setdefault(normalise(name), set()).add(company_id)
        return index

    def match(self, name: str) -> str | None:
        """The one company whose normalised id (first) or name equals ``name``'s, or None."""
        key = normalise(name)
        for candidates in (self.by_key.get(key, set()), self.by_name.get(key, set())):
            if len(candidates) == 1:
                return next(iter(candidates))
        return None
