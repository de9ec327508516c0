"""The axes of a partner scan and its evidence floor (light: the command line's choices)."""

from __future__ import annotations

from enum import StrEnum

__all__ = ["MIN_CONFIDENCE", "SCAN_AXES", "Axis"]


class Axis(StrEnum):
    """Where a candidate was found (``both``: the scan asks for either)."""

    IN_INDUSTRY = "in-industry"
    CROSS_INDUSTRY = "cross-industry"
    BOTH = "both"
    SECTOR_UNKNOWN = "sector-unknown"


#: The axes a scan can be asked for.
SCAN_AXES = (Axis.IN_INDUSTRY, Axis.CROSS_INDUSTRY, Axis.BOTH)
#: A candidate's score must rest on at least this share of the weighted fit (confidence).
MIN_CONFIDENCE = 0.3
