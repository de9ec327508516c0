"""Storage back ends behind one ``Store`` protocol."""

from ecosystem.stores.base import DEFAULT_STORE, STORE_ENV, Store, WriteSummary, open_store
from ecosystem.stores.embedded import EmbeddedStore
from ecosystem.stores.projection import BipartiteMatrix

__all__ = [
    "DEFAULT_STORE",
    "STORE_ENV",
    "BipartiteMatrix",
    "EmbeddedStore",
    "Store",
    "WriteSummary",
    "open_store",
]
