"""Loading the Cypher query files, and checking the parameters passed to them.

Queries live one per file in ``cypher/`` (installed as the ``ecosystem.cypher`` package)
and are read with :mod:`importlib.resources`, never from the working directory. A query is
only ever run with named ``$parameters``; :meth:`Query.check` refuses a call whose
parameters differ from the ``$names`` in the file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

from ecosystem.errors import InvalidInput
from ecosystem.model import NodeKind, RelKind

__all__ = [
    "Query",
    "constraint_file",
    "create_node_file",
    "load_query",
    "node_label",
    "query_names",
    "relationship_type",
    "upsert_relationship_file",
]

_COMMENT = re.compile(r"//[^\n]*")
_STRING = re.compile(r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"")
_PARAMETER = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")


def node_label(kind: NodeKind) -> str:
    """The Neo4j label of a node kind: ``technology_class`` -> ``TechnologyClass``."""
    return "".join(part.capitalize() for part in NodeKind(kind).value.split("_"))


def relationship_type(kind: RelKind) -> str:
    """The Neo4j relationship type of a kind: ``member_of`` -> ``MEMBER_OF``."""
    return RelKind(kind).value.upper()


def create_node_file(kind: NodeKind) -> str:
    return f"create_{NodeKind(kind).value}.cypher"


def constraint_file(kind: NodeKind) -> str:
    return f"setup_{NodeKind(kind).value}_uid_constraint.cypher"


def upsert_relationship_file(kind: RelKind) -> str:
    return f"upsert_{RelKind(kind).value}.cypher"


@dataclass(frozen=True)
class Query:
    """One query file: its name, text and the parameters it uses."""

    name: str
    text: str
    parameters: frozenset[str]

    def check(self, parameters: dict[str, object]) -> None:
        """Refuse a call whose parameters are not exactly those of the query."""
        given = set(parameters)
        if given != self.parameters:
            missing = sorted(self.parameters - given)
            extra = sorted(given - self.parameters)
            raise InvalidInput(
                f"Cypher query {self.name} takes ${', $'.join(sorted(self.parameters))}; "
                f"missing: {missing or 'none'}, unexpected: {extra or 'none'}."
            )


def parameters_of(text: str) -> frozenset[str]:
    """The ``$names`` a query uses, ignoring comments and string literals."""
    code = _STRING.sub("''", _COMMENT.sub("", text))
    return frozenset(_PARAMETER.findall(code))


@cache
def load_query(name: str) -> Query:
    """Load ``cypher/<name>`` from the installed package."""
    text = (resources.files("ecosystem.cypher") / name).read_text(encoding="utf-8")
    return Query(name, text, parameters_of(text))


def query_names() -> list[str]:
    """Every query file shipped."""
    return sorted(p.name for p in resources.files("ecosystem.cypher").iterdir()
                  if p.name.endswith(".cypher"))
