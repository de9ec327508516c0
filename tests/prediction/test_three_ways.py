"""Link prediction judged three ways (per source, per target, pooled), calibrated, and for
new companies: hand-computed values on small graphs, no information from after the
cut-off, and the interfaces (predict --target, --out)."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import numpy as np
import pytest
import scipy.sparse as sp
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.isotonic import IsotonicRegression
from sklearn.metrics import average_precision_score

from ecosystem import EmbeddedStore, Store, import_paths
from ecosystem.cli import cli
from ecosystem.errors import InvalidValue
from ecosystem.prediction import FEATURES, History
from ecosystem.prediction.backtest import (
    _gain_interval,
    _score,
    _with_intervals,
    reliability,
)
from ecosystem.prediction.coldstart import cold_start, cold_start_scores
from ecosystem.prediction.features import PairFeatures
from ecosystem.prediction.history import Snapshot
from ecosystem.prediction.metrics import group_average_precision, weighted_average_precision
from ecosystem.prediction.model import Trained, _shifted, _target, isotonic, predict_links

DAY = dt.date(2020, 1, 1)


def _features() -> tuple[PairFeatures, np.ndarray, np.ndarray]:
    """Three companies a, b, c and two programmes p, q: every pair a candidate."""
    A = sp.csr_array((3, 2))
    snap = Snapshot(DAY, ("a", "b", "c"), ("p", "q"), A, A, False)
    rows = np.array([0, 1, 2, 0, 1, 2])
    cols = np.array([0, 0, 0, 1, 1, 1])
    f = PairFeatures(snap, rows, cols, np.zeros((6, len(FEATURES))), True)
    #                a,p  b,p  c,p  a,q  b,q  c,q
    score = np.array([0.9, 0.8, 0.1, 0.2, 0.7, 0.6])
    y = np.array([0, 1, 0, 1, 0, 1])
    return f, score, y


def test_three_views_by_hand() -> None:
    f, score, y = _features()
    r = _score("m", f, score, y, 1, np.arange(6))
    # per source: a ranks p (no) then q (yes): 1/2; b and c rank their tie first: 1
    assert r.per_company_ap == {"a": 0.5, "b": 1.0, "c": 1.0}
    assert r.map == pytest.approx(2.5 / 3)
    # per target: p ranks a (no), b (yes): 1/2; q ranks b (no), c (yes), a (yes): (1/2+2/3)/2
    assert r.per_target_ap == pytest.approx({"p": 0.5, "q": (1 / 2 + 2 / 3) / 2})
    assert r.target_map == pytest.approx((0.5 + 7 / 12) / 2)
    # pooled: a-p no, b-p yes (1/2), b-q no, c-q yes (2/4), a-q yes (3/5), c-p no
    assert r.average_precision == pytest.approx((1 / 2 + 2 / 4 + 3 / 5) / 3)
    assert (r.view("source"), r.view("target"), r.view("pooled")) == (
        r.map, r.target_map, r.average_precision)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 4), st.integers(0, 3), st.booleans()),
                min_size=1, max_size=40))
def test_group_average_precision_is_scikit_learns(pairs: list[tuple[int, int, bool]]
                                                  ) -> None:
    # groups, scores with many ties, labels: each group's figure is scikit-learn's
    groups, score, label = (np.array(c) for c in zip(*pairs, strict=True))
    ids, ap = group_average_precision(groups, score.astype(float), label.astype(int))
    expected = {g: average_precision_score(label[groups == g], score[groups == g])
                for g in sorted(set(groups[label].tolist()))}
    assert ids.tolist() == list(expected)
    assert ap == pytest.approx(list(expected.values()))


def test_weighted_average_precision() -> None:
    _, score, y = _features()
    order = np.argsort(-score)
    assert weighted_average_precision(y[order], np.ones(6)) == pytest.approx(
        average_precision_score(y, score))
    # a source weighted 0 is left out, one weighted 2 counts twice
    w = np.array([0.0, 1, 1, 0, 1, 1])
    keep = w > 0
    assert weighted_average_precision(y[order], w[order]) == pytest.approx(
        average_precision_score(y[keep], score[keep]))
    assert np.isnan(weighted_average_precision(np.zeros(3), np.ones(3)))
    # tied scores share the precision at the end of their block, as scikit-learn counts
    tied = np.array([0.5, 0.5, 0.5, 0.1])
    labels = np.array([0, 1, 0, 1])
    assert weighted_average_precision(labels, np.ones(4), -tied) == pytest.approx(
        average_precision_score(labels, tied))


def test_gain_interval_holds_a_steady_gain() -> None:
    base = {f"t{i}": 0.1 + i / 100 for i in range(30)}
    low, high = _gain_interval({k: 1.2 * v for k, v in base.items()}, base)
    assert low == pytest.approx(0.2) and high == pytest.approx(0.2)


def test_every_method_gets_an_interval_in_every_view() -> None:
    f, score, y = _features()
    perfect = y + 0.1 * np.arange(6) / 6  # every positive above every unlabelled pair
    results = _with_intervals([_score("m", f, score, y, 1, np.arange(6)),
                               _score("perfect", f, perfect, y, 1, np.arange(6))], f,
                              {"m": score, "perfect": perfect}, y, np.arange(6))
    m, best = results
    assert set(m.intervals) == set(best.intervals) == {"source", "target", "pooled"}
    # a perfect ranking is perfect in every resample
    assert best.intervals == {"source": (1.0, 1.0), "target": (1.0, 1.0),
                              "pooled": (1.0, 1.0)}
    # per source the three companies' APs are 1/2, 1, 1: resampled means lie between
    low, high = m.intervals["source"]
    assert 0.5 <= low <= m.map <= high <= 1.0 and low < high
    low, high = m.intervals["pooled"]
    assert low <= m.average_precision <= high


def test_shifted_probabilities_keep_their_order_and_meet_the_expected_rate() -> None:
    p = np.array([0.001, 0.01, 0.02, 0.2, 0.5, 0.9])
    moved = _shifted(p, expected_ties=0.06)  # 6 pairs: a rate of 0.01
    assert float(moved.mean()) == pytest.approx(0.01, rel=1e-6)
    assert (np.diff(moved) > 0).all() and (moved < p).all()
    # odds scaled by one factor: the odds ratio of any two pairs is kept
    odds = lambda q: q / (1 - q)  # noqa: E731
    assert odds(moved[4]) / odds(moved[1]) == pytest.approx(odds(p[4]) / odds(p[1]))
    assert _shifted(p, expected_ties=0.0) is p  # nothing known: unchanged
    up = _shifted(p, expected_ties=4.0)
    assert float(up.mean()) == pytest.approx(4 / 6, rel=1e-6) and (up > p).all()


def test_calibration_steps_rest_on_enough_pairs() -> None:
    raw = np.arange(100) / 100
    y = np.zeros(100)
    y[[10, 50, 97, 98, 99]] = 1  # a base rate of 1 in 20
    # plain isotonic regression: 0 for the first 10 pairs, 2/87 for the next 87, and 1
    # for the top 3, a step of 3 pairs
    plain = IsotonicRegression().fit(raw, y).predict(raw)
    assert plain[-3:].tolist() == [1.0, 1.0, 1.0]
    # the top 3 merged into the step below: 90 pairs holding 5 ties (scores 0.10 to 0.99,
    # centred at 0.545); the lowest step (no tie among 10 pairs, centred at 0.045) stays;
    # in between, a straight line
    m = isotonic(raw, y)
    assert m.predict([0.0, 0.045]).tolist() == [0.0, 0.0]
    assert m.predict([0.295])[0] == pytest.approx(2.5 / 90)
    assert m.predict([0.545, 0.99])[0] == pytest.approx(5 / 90)
    fitted = m.predict(raw)
    assert (np.diff(fitted) >= 0).all() and fitted.max() == pytest.approx(5 / 90)


def test_reliability_by_hand() -> None:
    p = np.array([0.0, 0.0, 0.2, 0.2, 0.5, 0.5])
    y = np.array([0, 0, 0, 1, 1, 1])
    r = reliability(p, y, bins=3)
    assert r["brier"] == pytest.approx((0 + 0 + 0.04 + 0.64 + 0.25 + 0.25) / 6, abs=1e-6)
    assert [b["observed"] for b in r["curve"]] == [0.0, 0.5, 1.0]
    assert r["ece"] == pytest.approx(2 / 6 * 0.3 + 2 / 6 * 0.5, abs=1e-6)
    assert r["base_rate"] == 0.5
    # the two most probable pairs: 1.0 tie expected, 2 formed
    assert reliability(p, y, bins=3, top=2)["top"] == {"pairs": 2, "expected": 1.0,
                                                      "formed": 2}


def test_probabilities_only_when_the_check_holds() -> None:
    good = Trained(None, (), 0, 0, None, {"ece": 0.001, "base_rate": 0.004})  # type: ignore
    bad = Trained(None, (), 0, 0, None, {"ece": 0.003, "base_rate": 0.004})  # type: ignore
    unknown = Trained(None, (), 0, 0)  # type: ignore[arg-type]
    assert good.calibrated and not bad.calibrated and not unknown.calibrated


COLD = {
    "companies": [["id", "name"], *[[c, c.upper()] for c in ("x1", "x2", "x3", "x5", "n")]],
    "programmes": [["id", "name"], ["p", "P"], ["q", "Q"]],
    # in the 12 months before 2020: p gains two members, q one; x5 joined q long before
    "member_of": [["source", "target", "since"], ["x1", "p", "2019-03"], ["x2", "p", "2019-05"],
                  ["x3", "q", "2019-07"], ["x5", "q", "2016-01"], ["n", "q", "2020-04"]],
    # n, new to programmes, partners with two members of q
    "partners_with": [["source", "target", "since"], ["n", "x3", "2018"], ["n", "x5", "2018"]],
}


def _cold_store(tmp_path: Path, extra: list[list[str]] | None = None) -> Store:
    tables = {k: [list(r) for r in v] for k, v in COLD.items()}
    tables["member_of"] += extra or []
    folder = tmp_path / "tables"
    folder.mkdir(parents=True, exist_ok=True)
    for name, rows in tables.items():
        with open(folder / f"{name}.csv", "w", newline="", encoding="utf-8") as f:
            csv.writer(f).writerows(rows)
    store = EmbeddedStore(tmp_path / "cold.db")
    import_paths(store, [folder])
    return store


def test_cold_start_by_hand(tmp_path: Path) -> None:
    store = _cold_store(tmp_path)
    history = History(store, "member_of")
    names, cold, pop = cold_start_scores(store, history, DAY, ["n"])
    assert names == ("p", "q")
    # popularity: p 2 of 3 recent joins, q 1 of 3; n has no sector, so the cold score is
    # popularity times one plus its partners already in each: q has x3 and x5
    assert pop[0] == pytest.approx([2 / 3, 1 / 3])
    assert cold[0] == pytest.approx([2 / 3, 1 / 3 * 3])
    report = cold_start(store, history, DAY, dt.date(2021, 1, 1))
    assert report == {"companies": 1, "ties": 1, "model_map": 1.0, "popularity_map": 0.5,
                      "gain": 1.0}
    store.close()


def test_cold_start_uses_nothing_from_after_the_day(tmp_path: Path) -> None:
    alone = _cold_store(tmp_path / "a")
    later = _cold_store(tmp_path / "b", [["x1", "q", "2020-02"], ["x2", "q", "2021-01"],
                                         ["n", "p", "2020-06"]])
    try:
        first = cold_start_scores(alone, History(alone, "member_of"), DAY, ["n"])
        second = cold_start_scores(later, History(later, "member_of"), DAY, ["n"])
        assert first[0] == second[0]
        assert np.array_equal(first[1], second[1]) and np.array_equal(first[2], second[2])
    finally:
        alone.close()
        later.close()


# -- interfaces on the demo -------------------------------------------------------------


def test_who_joins_a_programme_next(demo_store: Store) -> None:
    found = predict_links(demo_store, "member_of", as_of=dt.date(2025, 1, 1),
                          target="programme:cncf", top=10)
    assert len(found) == 10 and {p.target for p in found} == {"cncf"}
    assert [p.score for p in found] == sorted((p.score for p in found), reverse=True)
    # the same as the full ranking's CNCF pairs
    everything = predict_links(demo_store, "member_of", as_of=dt.date(2025, 1, 1), top=None)
    assert [(p.source, p.score) for p in everything if p.target == "cncf"][:10] == [
        (p.source, p.score) for p in found]
    # a bare id names a node of the relation's target kind
    assert _target(demo_store, History(demo_store, "member_of"), "cncf") == "cncf"
    with pytest.raises(InvalidValue, match="member_of ties go to programme nodes"):
        predict_links(demo_store, "member_of", as_of=dt.date(2025, 1, 1), target="company:ibm")


def test_predict_writes_the_full_ranking(demo_store: Store, tmp_path: Path) -> None:
    runner = CliRunner()
    base = ["--store", demo_store.location, "predict", "--relation", "member_of", "--as-of",
            "2025-01-01"]
    out = tmp_path / "ranking.csv"
    result = runner.invoke(cli, [*base, "--out", str(out)])
    assert result.exit_code == 0, result.output
    with open(out, encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) > 10_000  # no cap on the file
    assert int(rows[0]["rank"]) == 1 and int(rows[-1]["rank"]) == len(rows)
    column = "probability" if "probability" in rows[0] else "score"
    assert f"column '{column}'" in result.output
    values = [float(r[column]) for r in rows[:1000]]
    assert values == sorted(values, reverse=True)
    parquet = tmp_path / "ranking.parquet"
    assert runner.invoke(cli, [*base, "--target", "programme:cncf", "--out",
                               str(parquet)]).exit_code == 0
    import pandas as pd

    frame = pd.read_parquet(parquet)
    assert set(frame["target"]) == {"cncf"}
    # bad output paths: refused before any work, nothing written
    for bad, message in ((tmp_path / "missing" / "r.csv", "does not exist"),
                         (tmp_path / "r.xlsx", ".csv or .parquet")):
        refused = runner.invoke(cli, [*base, "--out", str(bad)])
        assert refused.exit_code != 0 and message in refused.output
        assert not bad.exists()
    assert not list(tmp_path.glob("*.partial"))
    wrong = runner.invoke(cli, [*base, "--target", "programme:no-such"])
    assert wrong.exit_code != 0 and "no-such" in wrong.output
