"""ecosystem: graph-based ecosystem mapping for strategy and partnership teams.

Companies, industries, capabilities, technology classes, patents and ecosystem programmes
live in one graph, with typed, dated relationships. Open a store, import data, and take
networkx graphs and sparse matrices of it as of any date.

Examples
--------
>>> import tempfile, pathlib, ecosystem
>>> store = ecosystem.open_store(pathlib.Path(tempfile.mkdtemp()) / "eco.db")
>>> store.counts()
{'nodes': {}, 'relationships': {}}
>>> store.close()
"""

from typing import TYPE_CHECKING

import lazy_loader

from ecosystem.errors import (
    Conflict,
    EcosystemError,
    ImportRefused,
    InvalidInput,
    InvalidValue,
    NodeNotFound,
    NotFound,
    Problem,
    RelationshipNotFound,
    StoreBusy,
    StoreUnavailable,
    UnknownKind,
)
from ecosystem.model import (
    NODE_SCHEMAS,
    RELATIONSHIP_SCHEMAS,
    Node,
    NodeKind,
    Relationship,
    RelKind,
    node_key,
    split_node_key,
)

# The stores, readers and exports pull in pandas, numpy and networkx: they are imported on
# first use (lazy_loader), so that `import ecosystem` and the command line start at once.
if TYPE_CHECKING:
    from ecosystem.exchange import export_store, import_paths, store_tables
    from ecosystem.io.formats import ExportFormat, ImportFormat
    from ecosystem.io.importer import read_paths
    from ecosystem.stores import BipartiteMatrix, EmbeddedStore, Store, WriteSummary, open_store
else:
    __getattr__, __dir__, _ = lazy_loader.attach(__name__, submod_attrs={
        "exchange": ["export_store", "import_paths", "store_tables"],
        "io.formats": ["ExportFormat", "ImportFormat"],
        "io.importer": ["read_paths"],
        "stores": ["BipartiteMatrix", "EmbeddedStore", "Store", "WriteSummary", "open_store"],
    })

__version__ = "0.1.0"

__all__ = [
    "NODE_SCHEMAS",
    "RELATIONSHIP_SCHEMAS",
    "BipartiteMatrix",
    "Conflict",
    "EcosystemError",
    "EmbeddedStore",
    "ExportFormat",
    "ImportFormat",
    "ImportRefused",
    "InvalidInput",
    "InvalidValue",
    "Node",
    "NodeKind",
    "NodeNotFound",
    "NotFound",
    "Problem",
    "RelKind",
    "Relationship",
    "RelationshipNotFound",
    "Store",
    "StoreBusy",
    "StoreUnavailable",
    "UnknownKind",
    "WriteSummary",
    "__version__",
    "export_store",
    "import_paths",
    "node_key",
    "open_store",
    "read_paths",
    "split_node_key",
    "store_tables",
]
