"""The notebooks: plain sources (jupytext percent-format .py, linted and type-checked with
the code) paired with executed .ipynb files that show their pictures; every pair is in sync
and every notebook runs top to bottom on the demo."""

from __future__ import annotations

from pathlib import Path

import jupytext
import nbformat
import pytest
from nbclient import NotebookClient

from tests.conftest import ROOT

SOURCES = sorted((ROOT / "notebooks").glob("*.py"))
#: Notebooks that show an interactive view inline.
SHOW_VIEWS = {"01_ecosystem_tour", "02_partner_scan", "04_partnership_lifecycle"}

pytestmark = pytest.mark.slow


def _cells(notebook: nbformat.NotebookNode) -> list[tuple[str, str]]:
    return [(c.cell_type, c.source.strip()) for c in notebook.cells]


def test_there_are_notebooks_and_each_source_has_its_run() -> None:
    assert [p.stem for p in SOURCES][:1] == ["01_ecosystem_tour"]
    assert sorted(p.stem for p in (ROOT / "notebooks").glob("*.ipynb")) == \
        [p.stem for p in SOURCES]


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.stem)
def test_the_stored_run_matches_its_source_and_shows_pictures(source: Path) -> None:
    stored = nbformat.read(source.with_suffix(".ipynb"), as_version=4)
    assert _cells(stored) == _cells(jupytext.read(source)), (
        f"{source.name} and its .ipynb differ: run `python scripts/run_notebooks.py "
        f"{source.stem}` after editing the notebook")
    code = [c for c in stored.cells if c.cell_type == "code"]
    assert all(c.execution_count is not None for c in code), "stored without running"
    pictures = [o for c in code for o in c.outputs if "image/png" in o.get("data", {})]
    assert pictures, "the stored notebook should show at least one picture"
    assert not [o for c in code for o in c.outputs
                if str(o.get("data", {}).get("text/html", "")).startswith("<iframe")]


#: Minutes a notebook takes to run, roughly (tests/conftest.py starts the longest first).
MINUTES = {"05_backtest": 2.5}


@pytest.mark.parametrize("source", [pytest.param(s, marks=pytest.mark.first(
    minutes=MINUTES.get(s.stem, 0.3))) for s in SOURCES], ids=lambda p: p.stem)
def test_notebook_runs(source: Path, tmp_path: Path) -> None:
    notebook = jupytext.read(source)
    client = NotebookClient(notebook, timeout=300, kernel_name="python3",
                            resources={"metadata": {"path": str(tmp_path)}})
    client.execute()  # raises CellExecutionError, with the cell and traceback, on failure
    images = [o for c in notebook.cells if c.cell_type == "code" for o in c.outputs
              if "image/png" in o.get("data", {})]
    assert images, "the notebook should draw at least one picture"
    if source.stem in SHOW_VIEWS:
        frames = [o["data"]["text/html"] for c in notebook.cells if c.cell_type == "code"
                  for o in c.outputs if o.get("data", {}).get("text/html", "")
                  .startswith("<iframe srcdoc=")]
        assert frames, "a view should display inline, as an iframe holding its whole page"
        assert all("vis.Network" in html for html in frames)  # the page itself, no link
