"""Progress bars (tqdm) on standard error, without tqdm's monitor thread: a process that
keeps to one thread may fork workers safely (:func:`ecosystem.metrics.influence.betweenness`)."""

from __future__ import annotations

from tqdm import tqdm

tqdm.monitor_interval = 0

__all__ = ["tqdm"]
