"""Find a company by what a person types: its id or its name."""

from __future__ import annotations

import difflib

from ecosystem.errors import InvalidValue, NodeNotFound
from ecosystem.model import NodeKind
from ecosystem.stores.base import Store

__all__ = ["resolve_company"]


def _names(store: Store) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Company ids and names, in id order (cached until the data change)."""
    def build() -> tuple[tuple[str, ...], tuple[str, ...]]:
        nodes = sorted(store.nodes(NodeKind.COMPANY), key=lambda n: n.id)
        return tuple(n.id for n in nodes), tuple(n.name for n in nodes)

    return store.cached("company-names", build)


def resolve_company(store: Store, text: str) -> str:
    """The id of the company named ``text``: an id, or a name (case-insensitive).

    Raises NodeNotFound with close ids and names as suggestions, and InvalidValue when
    several companies carry the name.
    """
    ids, names = _names(store)
    if text in ids:
        return text
    lowered = text.casefold()
    by_id = [i for i in ids if i.casefold() == lowered]
    if len(by_id) == 1:
        return by_id[0]
    by_name = [i for i, name in zip(ids, names, strict=True) if name.casefold() == lowered]
    if len(by_name) == 1:
        return by_name[0]
    if by_name:
        raise InvalidValue(
            f"{len(by_name)} companies are named {text!r}: {', '.join(by_name[:10])}. "
            "Name one by its id.", field="company", value=text)
    close = difflib.get_close_matches(text, list(ids), n=3, cutoff=0.6)
    close += [ids[names.index(n)] for n in
              difflib.get_close_matches(text, list(names), n=3, cutoff=0.6)]
    raise NodeNotFound(NodeKind.COMPANY.value, text, list(dict.fromkeys(close))[:5])
