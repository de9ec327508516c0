"""Print how organisation types, sectors and duplicate merges match the hand-made labels of
the demo (tests/data/labels): the figures of the README's "Credible candidates" section.

Run: ``python scripts/evaluate_entities.py`` (builds the demo into a temporary store).
"""

from __future__ import annotations

import csv
import tempfile
from pathlib import Path

from ecosystem import EmbeddedStore, import_paths
from ecosystem.demo import build_demo, demo_data_folder
from ecosystem.entities.evaluation import merge_scores, sector_scores, type_scores
from ecosystem.entities.organisation_types import organisation_types
from ecosystem.entities.resolution import find_duplicates
from ecosystem.entities.sectors import company_sectors

LABELS = Path(__file__).resolve().parent.parent / "tests" / "data" / "labels"


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{value:.0%}"


def main() -> None:
    organisations = list(csv.DictReader((LABELS / "organisations.csv").open()))
    pairs = list(csv.DictReader((LABELS / "duplicate_pairs.csv").open()))
    with tempfile.TemporaryDirectory() as tmp:
        with EmbeddedStore(Path(tmp) / "lf.db") as raw:
            import_paths(raw, [demo_data_folder()], format="lf-landscape")
            merges = merge_scores(find_duplicates(raw), pairs)
        with EmbeddedStore(Path(tmp) / "demo.db") as store:
            build_demo(store)
            types = type_scores(organisation_types(store), organisations)
            sectors = sector_scores(company_sectors(store), organisations)
    print("| type | precision | recall | given the type | labelled so (random sample) |")
    print("|---|---|---|---|---|")
    for kind, score in types.items():
        print(f"| {kind} | {_pct(score.precision)} | {_pct(score.recall)} | "
              f"{score.predicted} | {score.actual} |")
    print(f"\nSectors: precision {_pct(sectors.precision)} ({sectors.predicted} organisations "
          f"given a sector), recall {_pct(sectors.recall)} of {sectors.actual} labelled")
    for band, score in merges.items():
        if score.precision is not None:
            print(f"Duplicates {band}: {score.predicted} labelled pairs, "
                  f"{_pct(score.precision)} the same organisation")
        else:
            print(f"Labelled same pairs merged at once: {score.predicted} of {score.actual} "
                  f"({_pct(score.recall)})")


if __name__ == "__main__":
    main()
