"""Organisation names and ids in a matching form, by a documented normalisation.

:func:`normalise` folds a name to the form two spellings of one organisation share:

1. Unicode NFKC, then case folding (``Ｔｏｙｏｔａ`` -> ``toyota``);
2. look-alike letters of another script inside a Latin word replaced by their Latin
   twins (the Cyrillic ``о`` in ``Adоpter``; :func:`fold_confusables`, Unicode
   confusables via ``confusable_homoglyphs``); words wholly in another script are kept;
3. ``&`` and ``+`` read as ``and``, punctuation dropped;
4. legal forms removed: trailing words such as Inc, Corp, Ltd, LLC, PLC, GmbH, AG, SE,
   S.A., SpA, SRL, N.V., B.V., AB, Oy, KK, Pty, Co., Holdings, and the Japanese and
   Chinese forms 株式会社, 有限会社, 有限公司 and 股份有限公司 wherever they stand;
5. a leading ``the`` removed.

:func:`id_key` does the same for ids, after taking off what data sets add to make ids
unique: the ``name:`` prefix of name-derived ids. :func:`domain` reduces a web address to
its registered domain.

Exact matching on these forms (:class:`NameIndex`) is what imports trust; similar but
different forms are left to :mod:`ecosystem.resolution`, which scores and reports them.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

__all__ = ["COMMON_WORDS", "LEGAL_FORMS", "NameIndex", "domain", "fold_confusables", "id_key",
           "normalise", "slug"]

LEGAL_FORMS = frozenset({
    "inc", "incorporated", "corp", "corporation", "co", "company", "cos", "ltd", "limited",
    "plc", "ag", "sa", "nv", "bv", "se", "gmbh", "llc", "lp", "llp", "hldg", "holdings",
    "holding", "oyj", "oy", "ab", "asa", "as", "kgaa", "kg", "kk", "spa", "srl", "sarl",
    "sas", "pte", "pty", "bhd", "sdn", "ev", "ug", "intl", "international", "the",
})
#: Legal forms of two words, as they read once punctuation is gone ("S.A." -> "s a").
_LEGAL_PAIRS = frozenset({("s", "a"), ("n", "v"), ("b", "v"), ("s", "e"), ("a", "g"),
                          ("e", "v"), ("s", "p"), ("co", "ltd"), ("pty", "ltd"),
                          ("kabushiki", "kaisha"), ("s", "l")})
_CJK_FORMS = ("股份有限公司", "有限责任公司", "有限公司", "株式会社", "有限会社", "合同会社")
_WORD = re.compile(r"\w+", re.UNICODE)
#: Words common in organisation names: they tell nothing about which organisation it is.
COMMON_WORDS = frozenset({
    "and", "of", "for", "the", "technologies", "technology", "tech", "systems", "system",
    "software", "solutions", "labs", "lab", "laboratories", "data", "cloud", "group",
    "services", "service", "networks", "network", "digital", "ai", "io", "open", "source",
    "global", "foundation", "project", "inc", "de", "la", "institute", "university",
    "community", "consulting", "computing", "security", "hq", "industries", "industry",
    "international", "communications", "semiconductor", "semiconductors", "healthcare",
    "electronics", "engineering", "information", "innovation", "innovations", "research",
    "computer", "computers", "microsystems", "media", "energy", "capital", "partners",
})


def _script(char: str) -> str:
    """The script of a letter, from its Unicode name (``LATIN``, ``CYRILLIC`` ...)."""
    try:
        return unicodedata.name(char).split(" ")[0]
    except ValueError:
        return ""


@lru_cache(maxsize=4096)
def _latin_twin(char: str) -> str | None:
    from confusable_homoglyphs import confusables

    found = confusables.is_confusable(char, preferred_aliases=["latin"], greedy=True)
    for entry in found or []:
        for glyph in entry["homoglyphs"]:
            if glyph["c"].isascii() and glyph["c"].isalnum():
                return str(glyph["c"])
    return None


def fold_confusables(text: str) -> tuple[str, list[str]]:
    """``text`` with look-alike letters of other scripts replaced inside Latin words, and
    a note on each replacement.

    Examples
    --------
    >>> fold_confusables("OSPO Ad\\u043epter")
    ('OSPO Adopter', ["'о' (CYRILLIC SMALL LETTER O) read as 'o' in 'Adоpter'"])
    >>> fold_confusables("Яндекс")[0]
    'Яндекс'
    """
    if text.isascii():
        return text, []
    notes: list[str] = []

    def fold(match: re.Match[str]) -> str:
        word = match.group(0)
        scripts = {_script(c) for c in word if c.isalpha()}
        if "LATIN" not in scripts or len(scripts) == 1:
            return word
        out = []
        for char in word:
            twin = _latin_twin(char) if char.isalpha() and _script(char) != "LATIN" else None
            if twin is not None:
                notes.append(f"{char!r} ({unicodedata.name(char)}) read as {twin!r} in "
                             f"{word!r}")
            out.append(twin or char)
        return "".join(out)

    return _WORD.sub(fold, text), notes


def normalise(name: str) -> str:
    """The matching form of an organisation name (see the module notes).

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
    >>> normalise("Siemens AG"), normalise("Banco Santander, S.A."), normalise("Ｔｏｙｏｔａ")
    ('siemens', 'banco santander', 'toyota')
    >>> normalise("トヨタ自動車株式会社"), normalise("The Boeing Company")
    ('トヨタ自動車', 'boeing')
    >>> normalise("Meinberg Funkuhren GmbH & Co KG")
    'meinberg funkuhren'

    """
    text = unicodedata.normalize("NFKC", name)
    text = fold_confusables(text)[0].casefold()
    for form in _CJK_FORMS:
        text = text.replace(form, " ")
    text = text.replace("&", " and ").replace("+", " and ")
    words = re.sub(r"[\W_]+", " ", text).split()
    changed, changed_once = True, False
    while changed and len(words) > 1:
        changed = False
        if len(words) > 2 and (words[-2], words[-1]) in _LEGAL_PAIRS:
            del words[-2:]
            changed = changed_once = True
        elif words[-1] in LEGAL_FORMS or (words[-1] == "and" and changed_once):
            words.pop()
            changed = changed_once = True
    while len(words) > 1 and words[0] == "the":
        words.pop(0)
    return " ".join(words)


def id_key(identifier: str) -> str:
    """The matching form of an id: without the ``name:`` prefix of ids made from names,
    then normalised like a name. A trailing number is kept: Crunchbase adds one to tell
    apart different organisations of one name (``crane-4016`` is not Crane Co).

    Examples
    --------
    >>> id_key("name:toyota"), id_key("the-boeing-company"), id_key("boeing-7321")
    ('toyota', 'boeing', 'boeing 7321')
    """
    return normalise(identifier.removeprefix("name:"))


def domain(url: str | None) -> str | None:
    """The registered domain of a web address, or None.

    Examples
    --------
    >>> domain("https://www.toyota-global.com/company/"), domain("http://ibm.co.uk")
    ('toyota-global.com', 'ibm.co.uk')
    >>> domain(""), domain("not a url")
    (None, None)
    """
    if not url:
        return None
    host = re.sub(r"^[a-z][a-z0-9+.-]*://", "", url.strip().lower()).split("/")[0]
    host = host.split("@")[-1].split(":")[0].removeprefix("www.")
    labels = [part for part in host.split(".") if part]
    if len(labels) < 2 or not re.fullmatch(r"[a-z0-9.-]+", host):
        return None
    second_level = labels[-2] in {"co", "com", "ac", "org", "net", "gov", "edu", "or", "ne",
                                  "go"} and len(labels[-1]) == 2
    keep = 3 if second_level and len(labels) >= 3 else 2
    return ".".join(labels[-keep:])


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
    def of(cls, companies: Iterable[tuple[str, str] | tuple[str, str, Iterable[str]]]
           ) -> NameIndex:
        """Index ``(id, name)`` or ``(id, name, aliases)``; an alias counts as a name."""
        index = cls()
        for company_id, name, *rest in companies:
            index.by_key.setdefault(id_key(company_id), set()).add(company_id)
            for known in (name, *(rest[0] if rest else ())):
                if known:
                    index.by_name.setdefault(normalise(str(known)), set()).add(company_id)
        return index

    def match(self, name: str) -> str | None:
        """The one company whose normalised id (first) or name equals ``name``'s, or None."""
        key = normalise(name)
        for candidates in (self.by_key.get(key, set()), self.by_name.get(key, set())):
            if len(candidates) == 1:
                return next(iter(candidates))
        return None

    def near(self, name: str, limit: int = 3) -> list[str]:
        """Ids whose name or id is close to ``name`` (suggestions when :meth:`match` finds
        none): they share the distinctive words of the shorter name (``Cisco Systems`` /
        ``Cisco``: 'systems' is a common word), or read 85% alike; closest first.

        Examples
        --------
        >>> index = NameIndex.of([("cisco", "Cisco"), ("t-systems", "T-Systems"),
        ...                       ("23-technologies", "23 Technologies")])
        >>> index.near("Cisco Systems Inc"), index.near("Lucent Technologies Inc")
        (['cisco'], [])
        """
        from rapidfuzz import fuzz

        key = normalise(name)
        words = set(key.split()) - COMMON_WORDS
        found: list[tuple[float, str]] = []
        for known, ids in (*self.by_name.items(), *self.by_key.items()):
            theirs = set(known.split()) - COMMON_WORDS
            ratio = fuzz.token_sort_ratio(key, known)
            if (words and theirs and (words <= theirs or theirs <= words)) or ratio >= 85:
                found += [(ratio, i) for i in ids]
        found.sort(key=lambda f: (-f[0], f[1]))
        return list(dict.fromkeys(i for _, i in found))[:limit]
