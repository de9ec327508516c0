"""Moving data in and out of a store: import files (every format of
:mod:`ecosystem.io`, matched to what is stored) and export the whole store."""

from typing import TYPE_CHECKING

import lazy_loader

if TYPE_CHECKING:
    from ecosystem.exchange.exporting import (
        export_store,
        store_tables,
    )
    from ecosystem.exchange.importing import (
        import_paths,
    )
else:  # imported on first use, so that importing the package costs nothing
    __getattr__, __dir__, _ = lazy_loader.attach(__name__, submod_attrs={
        "exporting": ["export_store", "store_tables"],
        "importing": ["import_paths"],
    })

__all__ = ["export_store", "import_paths", "store_tables"]
