"""Every notebook runs top to bottom on the demo, and is stored without outputs."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from tests.conftest import ROOT

NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
#: Notebooks that show an interactive view inline.
SHOW_VIEWS = {"01_ecosystem_tour.ipynb", "02_partner_scan.ipynb",
              "04_partnership_lifecycle.ipynb"}

pytestmark = pytest.mark.slow


def test_there_are_notebooks() -> None:
    assert [p.name for p in NOTEBOOKS][:1] == ["01_ecosystem_tour.ipynb"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_stored_without_outputs(path: Path) -> None:
    notebook = nbformat.read(path, as_version=4)
    for cell in notebook.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_runs(path: Path, tmp_path: Path) -> None:
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(notebook, timeout=300, kernel_name="python3",
                            resources={"metadata": {"path": str(tmp_path)}})
    client.execute()  # raises CellExecutionError, with the cell and traceback, on failure
    images = [o for c in notebook.cells if c.cell_type == "code" for o in c.outputs
              if "image/png" in o.get("data", {})]
    assert images, "the notebook should draw at least one picture"
    if path.name in SHOW_VIEWS:
        frames = [o["data"]["text/html"] for c in notebook.cells if c.cell_type == "code"
                  for o in c.outputs if o.get("data", {}).get("text/html", "")
                  .startswith("<iframe srcdoc=")]
        assert frames, "a view should display inline, as an iframe holding its whole page"
        assert all("vis.Network" in html for html in frames)  # the page itself, no link

