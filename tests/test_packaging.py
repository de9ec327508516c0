"""The wheel ships everything the checkout runs: every module (the HTTP service as
ecosystem.api), the Cypher queries and the demo data."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.conftest import ROOT, copy_checkout


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> set[str]:
    out, checkout = tmp_path_factory.mktemp("wheel"), tmp_path_factory.mktemp("checkout")
    copy_checkout(checkout)  # a clean tree: no build/ folder left by an earlier build
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps",
                    "--quiet", "--wheel-dir", str(out), str(checkout)], check=True,
                   capture_output=True, timeout=600)
    (built,) = out.glob("ecosystem-*.whl")
    with zipfile.ZipFile(built) as archive:
        return set(archive.namelist())


def _shipped_name(path: Path) -> str:
    relative = path.relative_to(ROOT).as_posix()
    for folder, package in (("api/", "ecosystem/api/"), ("cypher/", "ecosystem/cypher/")):
        if relative.startswith(folder):
            return package + relative.removeprefix(folder)
    return relative


@pytest.mark.slow
def test_the_wheel_holds_every_module_and_data_file(wheel: set[str]) -> None:
    sources = [p for p in (*ROOT.joinpath("ecosystem").rglob("*.py"),
                           *ROOT.joinpath("api").rglob("*.py"),
                           *ROOT.joinpath("cypher").glob("*.cypher"),
                           *ROOT.joinpath("ecosystem", "demo_data").rglob("*.*"),
                           *ROOT.joinpath("ecosystem", "views", "assets").glob("*"))
               if "__pycache__" not in p.parts and not p.is_relative_to(ROOT / "ecosystem" / "api")]
    missing = sorted(_shipped_name(p) for p in sources if _shipped_name(p) not in wheel)
    assert not missing, f"not in the wheel: {missing[:10]}"
    assert "ecosystem/api/app.py" in wheel and not any(n.startswith("api/") for n in wheel)
