"""Moving data in and out of a store: import files (every format of
:mod:`ecosystem.io`, matched to what is stored) and export the whole store."""

from ecosystem.exchange.exporting import export_store, store_tables
from ecosystem.exchange.importing import import_paths

__all__ = ["export_store", "import_paths", "store_tables"]
