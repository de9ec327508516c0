"""Benchmark: link prediction on the LF memberships over rolling cut-offs, judged three ways.

Target (issue 20): over cut-offs every 6 months from 2021-01 to 2025-01 with horizons of 1
and 2 years, in each view (per source: MAP over companies; per target: MAP over
programmes; pooled: average precision over all candidate pairs) the model's median relative
gain over the baseline chosen on the training period is at least +10%, and the model is
below that baseline in at most a quarter of the windows.

Every window is printed: for each view the model's score, the chosen baseline and its
score, the gain with its 95% bootstrap interval; the calibration (Brier score, expected
calibration error against the base rate); and the cold-start group (new companies: MAP of
the cold-start score against popularity). The settings (C, training windows, calibration,
cold-start weights) are constants of the code, fixed before any of these windows was run;
nothing is tuned on them. A 2-year window that runs past the data's last date is scored on
what is known so far.

Run: ``.venv/bin/python bench/bench_backtest_rolling.py [--store PATH]`` (default: a fresh
demo). Prints figures; asserts nothing. About 4 minutes on 2 cores.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ecosystem import EmbeddedStore
from ecosystem.errors import InvalidValue
from ecosystem.prediction import backtest
from ecosystem.prediction.backtest import VIEWS
from tests.demo_files import demo_database

CUTOFFS = [dt.date(2021 + m // 12, m % 12 + 1, 1) for m in range(0, 49, 6)]
HORIZONS = ("1y", "2y")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path, default=None, help="a demo store to use")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = args.store or demo_database(Path(tmp))
        rows = []
        with EmbeddedStore(db) as store:
            for horizon in HORIZONS:
                for cutoff in CUTOFFS:
                    start = time.perf_counter()
                    try:
                        b = backtest(store, "member_of", cutoff=cutoff, horizon=horizon)
                    except InvalidValue as error:
                        print(f"{cutoff} {horizon}: skipped ({error})")
                        continue
                    rows.append((cutoff, horizon, b, time.perf_counter() - start))
    print("window             view     model  baseline (chosen on training)      gain"
          "   95% interval")
    for cutoff, horizon, b, _ in rows:
        data = b.as_dict()
        for view in VIEWS:
            v = data["views"][view]
            low, high = v["gain_95"]
            print(f"{cutoff} {horizon:<3}  {view:<7} {v['model']:>6.3f}  "
                  f"{v['baseline']:<24}{v['baseline_score']:>6.3f}  {v['gain']:>+7.1%}   "
                  f"[{low:+.0%}, {high:+.0%}]")
        c, cold = data["calibration"], data["cold_start"]
        cold_text = (f"cold start {cold['companies']} companies: MAP {cold['model_map']:.3f} vs "
                     f"popularity {cold['popularity_map']:.3f}" if cold else "no cold start")
        blend = (f"blended with {b.blend[0]} at {b.blend[1]:.2f}" if b.blend[1]
                 else "model alone")
        print(f"{'':<18} {blend}; Brier {c['brier']:.5f}, ECE {c['ece']:.5f} (base rate "
              f"{c['base_rate']:.5f}); top {c['top']['pairs']}: {c['top']['expected']:.1f} "
              f"expected, {c['top']['formed']} formed; {cold_text}")
    print()
    print(f"{'view':<10}{'median gain':>12}{'below baseline':>16}{'windows':>9}")
    for view in VIEWS:
        gains = [b.gains[view][0] for _, _, b, _ in rows]
        below = sum(g < 0 for g in gains)
        print(f"{view:<10}{statistics.median(gains):>+12.1%}{below:>10} of {len(gains):<4}"
              f"{len(gains):>5}")
    colds = [b.cold_start["gain"] for _, _, b, _ in rows if b.cold_start.get("gain")
             is not None]
    if colds:
        print(f"{'cold start':<10}{statistics.median(colds):>+12.1%}"
              f"{sum(g < 0 for g in colds):>10} of {len(colds):<4}{len(colds):>5}")
    eces = [b.calibration["ece"] / b.calibration["base_rate"] for _, _, b, _ in rows]
    print(f"calibration error / base rate: median {statistics.median(eces):.0%}, worst "
          f"{max(eces):.0%}, at most half in {sum(e <= 0.5 for e in eces)} of {len(eces)}")
    tops = [b.calibration["top"] for _, _, b, _ in rows]
    print(f"the {tops[0]['pairs']} most probable pairs of each window: "
          f"{sum(t['expected'] for t in tops):.1f} ties expected in all, "
          f"{sum(t['formed'] for t in tops)} formed")
    print(f"time: {sum(t for *_, t in rows):.0f} s for {len(rows)} windows")
    print("target: median gain >= +10% in each view, below the baseline in <= 25% of windows")


if __name__ == "__main__":
    main()
