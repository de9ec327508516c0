"""Progress bars (tqdm) on standard error, without tqdm's monitor thread: a process that
keeps to one thread may fork workers safely (:func:`ecosystem.metrics.influence.betweenness`)."""

from __future__ import annotations

from tqdm import tqdm

tqdm.monitor_interval = 0

__all__ = ["steps", "tqdm"]


def steps(names: list[str], *, enabled: bool, desc: str) -> tqdm:  # type: ignore[type-arg]
    """A bar over named steps of a long computation; ``bar.set_postfix_str(name)`` names
    the step under way. Shown on standard error only when ``enabled``."""
    return tqdm(total=len(names), desc=desc, unit="step", disable=not enabled, leave=False)
