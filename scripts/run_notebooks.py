"""Run the notebooks and write them, with their outputs, beside their sources.

The notebooks are kept as jupytext percent-format ``notebooks/*.py`` files (linted and
type-checked with the code); each is executed top to bottom on the demo and written to the
paired ``.ipynb``, so the pictures show where the repository is read. A view displays in
Jupyter as its interactive page and as a static picture; the written notebook keeps the
picture only (a code host drops the page's iframe, and the page would add megabytes).
``tests/test_notebooks.py`` checks that each pair is in sync and that the notebooks run.

Run after editing a notebook: ``python scripts/run_notebooks.py [NAME ...]``.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import jupytext
import nbformat
from nbclient import NotebookClient

FOLDER = Path(__file__).resolve().parent.parent / "notebooks"


def _keep_pictures(notebook: nbformat.NotebookNode) -> None:
    """Drop a view's inline page where its picture is there too, and run metadata."""
    for cell in notebook.cells:
        if cell.cell_type != "code":
            continue
        cell.metadata.pop("execution", None)
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if "image/png" in data and str(data.get("text/html", "")).startswith("<iframe"):
                del data["text/html"]


def run(source: Path) -> Path:
    notebook = jupytext.read(source)
    with tempfile.TemporaryDirectory() as work:
        NotebookClient(notebook, timeout=600, kernel_name="python3",
                       resources={"metadata": {"path": work}}).execute()
    _keep_pictures(notebook)
    target = source.with_suffix(".ipynb")
    nbformat.write(notebook, target)
    return target


def main(names: list[str]) -> None:
    sources = sorted(FOLDER.glob("*.py"))
    for source in sources:
        if not names or source.stem in names:
            print(f"{run(source)}")


if __name__ == "__main__":
    main(sys.argv[1:])
