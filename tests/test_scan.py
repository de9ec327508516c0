"""Partner scanning on the small named ecosystem (values readable off the page), on the real
demo, and its refusals of bad input."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from ecosystem import ImportRefused, InvalidInput, InvalidValue, NodeKind, NodeNotFound, Store
from ecosystem.cli import cli
from ecosystem.editing import upsert_node
from ecosystem.io.batch import ROW, RawTable
from ecosystem.scanning.axes import Axis
from ecosystem.scanning.needs import (
    coverage,
    load_needs,
    parse_needs,
    read_needs_file,
    save_needs,
)
from ecosystem.scanning.pair import pair_metrics
from ecosystem.scanning.scan import FitWeights, parse_weights, scan_partners
from tests.conftest import DATA

NEEDS = DATA / "small_needs.yaml"


def table(name: str, rows: list[dict[str, object]]) -> RawTable:
    frame = pd.DataFrame(rows, dtype=object)
    frame[ROW] = range(2, len(frame) + 2)
    return RawTable(name, "test", frame)


@pytest.fixture
def scanned(small_store: Store) -> Store:
    """The small ecosystem with Voltra's needs, plus Lumen: an AI firm outside Voltra's
    industries and programmes that has the fusion capability Voltra lacks."""
    small_store.write([
        table("industries", [{"id": "sic-8731", "name": "Commercial research"}]),
        table("companies", [{"id": "lumen", "name": "Lumen Robotics", "industries": "sic-8731",
                             "strategy_horizon_years": "5", "decision_style": "centralised",
                             "risk_appetite": "prudent", "tags": "ev"}]),
        table("has_capability", [{"source": "lumen", "target": "autonomy/fusion",
                                  "level": "5"}]),
        table("holds_patents_in", [{"source": "lumen", "target": "G06N", "count": "25",
                                    "year": "2021"}]),
    ])
    save_needs(small_store, read_needs_file(NEEDS))
    return small_store


def test_needs_round_trip_through_the_store(scanned: Store) -> None:
    stored = load_needs(scanned, "voltra")
    from_file = read_needs_file(NEEDS)
    assert {n.id: n for n in stored.needs} == {n.id: n for n in from_file.needs}


def test_coverage_by_hand(scanned: Store) -> None:
    cov = coverage(scanned, read_needs_file(NEEDS))  # needs: cockpit-fusion, cells
    met = dict(zip(cov.companies, cov.met.tolist(), strict=True))
    assert met["voltra"] == [0.0, 0.0]        # has neither
    assert met["cortex"] == [1.0, 0.0]        # fusion level 4 >= 3 and 80 G06N patents >= 10
    assert met["lumen"] == [1.0, 0.0]         # fusion level 5, 25 G06N patents
    assert met["cellix"] == [0.0, 1.0]        # battery cells
    assert met["siliq"] == [0.0, 0.0]


def test_coverage_uses_standards(scanned: Store) -> None:
    strict = parse_needs({"company": "voltra", "needs": [
        {"id": "fusion", "capabilities": ["autonomy/fusion"], "min_level": 4.5},
        {"id": "ai-patents", "classes": ["G06N"], "min_patents": 50},
        {"id": "autonomy", "capabilities": ["autonomy"]},  # a parent: any child counts
    ]})
    met = dict(zip(*(lambda c: (c.companies, c.met.tolist()))(coverage(scanned, strict)),
                   strict=True))
    assert met["cortex"] == [0.0, 1.0, 1.0]
    assert met["lumen"] == [1.0, 0.0, 1.0]
    assert met["voltra"] == [0.0, 0.0, 1.0]  # perception sits under autonomy


def test_scan_ranks_and_explains(scanned: Store) -> None:
    result = scan_partners(scanned, "Voltra Motors", top=10)
    assert result.focal == "voltra"
    assert result.gaps == {"cockpit-fusion": 1.0, "cells": 1.0}
    by_id = {c.company: c for c in result.candidates}
    # with a needs map every candidate meets some unmet need: Siliq meets none
    assert set(by_id) == {"cellix", "cortex", "lumen"}
    # Lumen: no ties, another industry (research, 87), meets the heavier need in depth
    lumen = by_id["lumen"]
    assert lumen.axis is Axis.CROSS_INDUSTRY
    # graded: fusion level 5 and 25 G06N patents against the 90th percentiles of holders
    assert lumen.capability.components[0].value == pytest.approx(
        2 / 3 * (1 + np.log1p(25) / np.log1p(74.5)) / 2, rel=1e-3)
    assert lumen.strategy.components[0].value == pytest.approx(1.0)  # 5 vs 5 years
    assert lumen.culture.components[0].value == pytest.approx(1.0)   # both centralised
    assert any("another industry (sic-87" in r for r in lumen.reasons)
    assert "cockpit-fusion: autonomy/fusion (5 products), G06N (25 patents)" in "\n".join(
        lumen.explanation)
    assert lumen.decided_by[0].startswith("culture")  # what put it first, said first
    # Cellix makes batteries (36), Voltra cars (37): SIC major groups differ
    assert by_id["cellix"].axis is Axis.CROSS_INDUSTRY
    assert any("battery-alliance" in r for r in by_id["cellix"].reasons)
    scores = [c.score for c in result.candidates]
    assert scores == sorted(scores, reverse=True)
    assert result.candidates[0].company == "lumen"
    for candidate in result.candidates:
        assert 0 <= candidate.score <= 1 and 0 <= candidate.confidence <= 1


def test_axis_filter(scanned: Store) -> None:
    cross = scan_partners(scanned, "voltra", axis="cross-industry")
    assert {c.company for c in cross.candidates} == {"lumen", "cellix", "cortex"}
    upsert_node(scanned, NodeKind.COMPANY, {"id": "cellix", "industries": ["sic-3711"]})
    inside = scan_partners(scanned, "voltra", axis=Axis.IN_INDUSTRY)
    assert [c.company for c in inside.candidates] == ["cellix"]  # now a carmaker too
    assert "lumen" not in {c.company for c in inside.candidates}
    with pytest.raises(InvalidValue, match="axis"):
        scan_partners(scanned, "voltra", axis=Axis.SECTOR_UNKNOWN)


def test_missing_dimensions_leave_the_score(scanned: Store) -> None:
    result = scan_partners(scanned, "cortex", top=10)
    by_id = {c.company: c for c in result.candidates}
    # Shiplane has no capabilities and no patents: not a candidate at all
    assert "shiplane" not in by_id
    for candidate in result.candidates:
        known = [(d, w) for d, w in ((candidate.strategy, 0.25),
                                     (candidate.capability, 0.5),
                                     (candidate.culture, 0.25)) if d.known]
        expected = sum(d.score * w for d, w in known) / sum(w for _, w in known)
        assert candidate.score == pytest.approx(expected)  # no neutral 0.5 stands in
    upsert_node(scanned, NodeKind.COMPANY, {"id": "lumen", "strategy_horizon_years": None,
                                            "decision_style": None, "risk_appetite": None,
                                            "tags": None})
    lumen = next(c for c in scan_partners(scanned, "voltra").candidates
                 if c.company == "lumen")
    assert not lumen.strategy.known and not lumen.culture.known
    assert lumen.score == pytest.approx(lumen.capability.score)
    assert lumen.confidence <= 0.5  # half the weight (capability's) had data
    assert "left out of the score" in "\n".join(lumen.explanation)


def test_weights_change_the_order(scanned: Store) -> None:
    culture_only = scan_partners(scanned, "voltra", weights=FitWeights(
        strategy=0, capability=0, culture=1))
    capability_only = scan_partners(scanned, "voltra", weights=FitWeights(
        strategy=0, capability=1, culture=0))
    assert [c.company for c in culture_only.candidates] != [
        c.company for c in capability_only.candidates]


def test_candidates_carry_their_what_if(scanned: Store) -> None:
    result = scan_partners(scanned, "voltra", what_if=True)
    lumen = next(c for c in result.candidates if c.company == "lumen")
    assert lumen.what_if["reach"] == 1  # Lumen has no ties: only itself is new
    assert lumen.what_if["pagerank"] > 0
    assert lumen.what_if["communities_reached"] == 1
    assert any(line.startswith("if partnered:") for line in lumen.explanation)
    assert scan_partners(scanned, "voltra").candidates[0].what_if == {}


def test_window_restricts_the_data(scanned: Store) -> None:
    before = scan_partners(scanned, "voltra", window=(None, dt.date(2015, 1, 1)))
    # before 2015 Lumen's patents (2021) and Cortex's capabilities (2019-) did not exist
    assert "lumen" not in {c.company for c in before.candidates
                           if c.capability.components[1].value}


def test_pair_metrics(scanned: Store) -> None:
    metrics = pair_metrics(scanned, "voltra", "Cellix Batteries")
    assert metrics["b"] == "cellix"
    assert metrics["overlap_rate"] == pytest.approx(0.5)      # B60L of {B60L, B60L53}
    assert metrics["jaccard"] == pytest.approx(1 / 3)
    assert metrics["complementarity"] == pytest.approx(1 / 3)  # B60L53 under shared B60L
    assert metrics["capability_overlap"] == 0
    for key in ("jaffe", "mahalanobis"):
        assert 0 < metrics[key] < 1
    empty = pair_metrics(scanned, "voltra", "shiplane")
    assert empty["jaffe"] is None and any("no patents" in f for f in empty["flags"])


# -- bad input ----------------------------------------------------------------------------


def test_unknown_company_suggests(scanned: Store) -> None:
    with pytest.raises(NodeNotFound) as info:
        scan_partners(scanned, "Voltra Motor")
    assert "voltra" in info.value.suggestions


def test_company_with_nothing_to_scan(scanned: Store) -> None:
    with pytest.raises(InvalidInput, match="nothing to scan with"):
        scan_partners(scanned, "shiplane")


def test_needs_naming_unknown_capability(scanned: Store, tmp_path: Path) -> None:
    path = tmp_path / "needs.yaml"
    path.write_text("company: voltra\nneeds:\n  - id: x\n    capabilities: [autonomy/fuson]\n")
    with pytest.raises(ImportRefused) as info:
        save_needs(scanned, read_needs_file(path))
    problem = info.value.problems[0]
    assert (problem.column, problem.value) == ("needs[0].capabilities", "autonomy/fuson")
    assert "autonomy/fusion" in problem.fix


@pytest.mark.parametrize(("text", "where"), [
    ("needs: []\n", "company"),
    ("company: voltra\nneeds: []\n", "needs"),
    ("company: voltra\nneeds:\n  - name: no id\n    capabilities: [a]\n", "needs[0].id"),
    ("company: voltra\nneeds:\n  - id: a\n    weigth: 2\n    capabilities: [a]\n",
     "needs[0].weigth"),
    ("company: voltra\nneeds:\n  - id: a\n    weight: heavy\n    capabilities: [a]\n",
     "needs[0].weight"),
    ("company: voltra\nneeds:\n  - id: a\n", "needs[0]"),
    ("company: [unclosed\n", ""),
])
def test_bad_needs_files(tmp_path: Path, text: str, where: str) -> None:
    path = tmp_path / "needs.yaml"
    path.write_text(text)
    with pytest.raises(ImportRefused) as info:
        read_needs_file(path)
    assert info.value.problems[0].column == where
    assert str(path) in str(info.value)


@pytest.mark.parametrize("text", ["strategy", "strategy=x", "cost=1", "culture=-1",
                                  "strategy=0,capability=0,culture=0"])
def test_bad_weights(text: str) -> None:
    with pytest.raises(InvalidValue):
        parse_weights(text)


def test_scan_cli_json_and_explain(scanned: Store) -> None:
    args = ["--store", scanned.location]
    result = CliRunner().invoke(cli, [*args, "scan", "voltra", "--json", "--top", "3"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert len(rows) == 3
    for row in rows:
        assert {"company", "score", "axis", "strategy", "capability", "culture",
                "explanation"} <= set(row)
    text = CliRunner().invoke(cli, [*args, "scan", "Voltra Motors", "--explain"]).output
    assert "capability" in text and "complementarity" in text
    pair = json.loads(CliRunner().invoke(cli, [*args, "overlap", "voltra", "cellix",
                                               "--json"]).output)
    assert {"overlap_rate", "jaccard", "jaffe", "mahalanobis", "complementarity"} <= set(pair)
    bad = CliRunner().invoke(cli, [*args, "scan", "voltra", "--weights", "culture=lots"])
    assert bad.exit_code == 1 and "culture" in bad.output


def test_scan_on_the_real_demo(demo_store: Store) -> None:
    result = scan_partners(demo_store, "ibm", top=10)
    assert len(result.candidates) == 10
    assert result.considered > 100
    for candidate in result.candidates:
        assert candidate.company != "ibm"
        assert candidate.reasons and len(candidate.explanation) >= 5
    cross = scan_partners(demo_store, "ibm", axis="cross-industry", top=5)
    assert all(c.axis is Axis.CROSS_INDUSTRY for c in cross.candidates)
    assert cross.candidates
    assert all(any(r.startswith("another industry") for r in c.reasons)
               for c in cross.candidates)
