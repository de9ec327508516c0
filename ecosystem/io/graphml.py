"""GraphML export and import.

Nodes carry ``kind``, ``id`` and their properties; edges carry ``kind``, ``since``,
``until``, ``key`` and their properties. List properties are written as JSON arrays in a
string attribute, since GraphML has no list type. Reading a file written here gives back
the same nodes and relationships. Gephi, Cytoscape and yEd open the file.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pandas as pd

from ecosystem.errors import ImportRefused, InvalidValue, Problem
from ecosystem.io.batch import ROW, RawTable
from ecosystem.io.export import replacing
from ecosystem.model import (
    NODE_SCHEMAS,
    RELATIONSHIP_SCHEMAS,
    FieldType,
    Node,
    NodeKind,
    Relationship,
    RelKind,
    node_key,
)

__all__ = ["read_graphml", "write_graphml"]

_LIST_FIELDS = {
    f.name
    for fields in (*(s.fields for s in NODE_SCHEMAS.values()),
                   *(s.all_fields for s in RELATIONSHIP_SCHEMAS.values()))
    for f in fields
    if f.type is FieldType.LIST
}


# XML 1.0 cannot hold most control characters, and its parsers turn "\r" into "\n".
_NOT_XML = re.compile("[\x00-\x08\x0b-\x1f\ufffe\uffff]")


def _attributes(values: dict[str, Any], where: str) -> dict[str, Any]:
    out = {}
    for name, value in values.items():
        if value is None:
            continue
        value = json.dumps(value) if isinstance(value, list) else value
        if isinstance(value, str) and (bad := _NOT_XML.search(value)):
            raise InvalidValue(
                f"{where}: '{name}' holds the control character U+{ord(bad.group()):04X}, "
                "which GraphML (XML 1.0) cannot carry. Export as csv or parquet instead, "
                "or remove the character from the data.",
                field=name, value=value,
            )
        out[name] = value
    return out


def write_graphml(nodes: Iterable[Node], relationships: Iterable[Relationship],
                  path: Path) -> None:
    """Write the nodes and relationships to a GraphML file (replacing it once written)."""
    import networkx as nx  # here: every import of data loads this module

    G = nx.MultiDiGraph()
    for node in nodes:
        G.add_node(node.key, **_attributes({**node.properties, "kind": node.kind.value,
                                            "id": node.id}, f"{node.kind.value} {node.id!r}"))
    for rel in relationships:
        schema = RELATIONSHIP_SCHEMAS[rel.kind]
        attributes = _attributes({**rel.properties, "kind": rel.kind.value,
                                  "since": rel.since, "until": rel.until,
                                  "key": rel.key or None},
                                 f"{rel.kind.value} {rel.source!r} -> {rel.target!r}")
        # add_edges_from, because add_edge would take the 'key' attribute as the edge key
        G.add_edges_from([(node_key(schema.source, rel.source),
                           node_key(schema.target, rel.target),
                           f"{rel.kind.value}|{rel.since or ''}|{rel.key}", attributes)])
    path.parent.mkdir(parents=True, exist_ok=True)
    with replacing(path) as partial:
        nx.write_graphml(G, partial)


def _from_attributes(values: dict[str, Any]) -> dict[str, Any]:
    out = dict(values)
    for name in _LIST_FIELDS & out.keys():
        try:
            out[name] = json.loads(out[name])
        except (TypeError, ValueError):
            out[name] = str(out[name])  # a plain ';'-joined string is read as usual
    return out


def read_graphml(path: Path) -> Iterator[RawTable]:
    """Read a GraphML file written by :func:`write_graphml` into raw tables."""
    import networkx as nx

    try:
        G = nx.read_graphml(path, force_multigraph=True)
    except Exception as exc:  # networkx raises ElementTree, KeyError and its own errors
        raise ImportRefused([Problem(
            file=str(path), message=f"not a readable GraphML file ({exc})",
            fix="Export it again as GraphML, e.g. with `ecosystem export --format graphml`.")]
        ) from exc
    nodes: dict[str, list[dict[str, Any]]] = {}
    problems = []
    for index, (_, data) in enumerate(G.nodes(data=True)):
        attrs = _from_attributes(data)
        kind = str(attrs.pop("kind", ""))
        if kind not in {k.value for k in NodeKind}:
            problems.append(Problem(file=str(path), row=index + 1, column="kind", value=kind,
                                    message="node has no known 'kind' attribute",
                                    fix="Give every node a 'kind' such as 'company'."))
            continue
        nodes.setdefault(kind, []).append({**attrs, ROW: index + 1})
    edges: dict[str, list[dict[str, Any]]] = {}
    for index, (source, target, data) in enumerate(G.edges(data=True)):
        attrs = _from_attributes(data)
        kind = str(attrs.pop("kind", ""))
        if kind not in {k.value for k in RelKind}:
            problems.append(Problem(file=str(path), row=index + 1, column="kind", value=kind,
                                    message="edge has no known 'kind' attribute",
                                    fix="Give every edge a 'kind' such as 'member_of'."))
            continue
        attrs["source"] = G.nodes[source].get("id", source)
        attrs["target"] = G.nodes[target].get("id", target)
        edges.setdefault(kind, []).append({**attrs, ROW: index + 1})
    if problems:
        raise ImportRefused(problems)
    for kind, rows in nodes.items():
        yield RawTable(NODE_SCHEMAS[NodeKind(kind)].table, f"{path} (nodes)",
                       pd.DataFrame(rows, dtype=object))
    for kind, rows in edges.items():
        yield RawTable(kind, f"{path} (edges)", pd.DataFrame(rows, dtype=object))
