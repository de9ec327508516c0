"""Storage back ends behind one ``Store`` protocol."""

from typing import TYPE_CHECKING

import lazy_loader

if TYPE_CHECKING:
    from ecosystem.stores.base import (
        DEFAULT_STORE,
        STORE_ENV,
        Store,
        WriteSummary,
        open_store,
    )
    from ecosystem.stores.embedded import (
        EmbeddedStore,
    )
    from ecosystem.stores.projection import (
        BipartiteMatrix,
    )
else:  # imported on first use, so that importing the package costs nothing
    __getattr__, __dir__, _ = lazy_loader.attach(__name__, submod_attrs={
        "base": ["DEFAULT_STORE", "STORE_ENV", "Store", "WriteSummary", "open_store"],
        "embedded": ["EmbeddedStore"],
        "projection": ["BipartiteMatrix"],
    })

__all__ = [
    "DEFAULT_STORE",
    "STORE_ENV",
    "BipartiteMatrix",
    "EmbeddedStore",
    "Store",
    "WriteSummary",
    "open_store",
]
