"""The README stays true: its commands run as written, and CI runs its test command."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import ROOT, copy_checkout

README = (ROOT / "README.md").read_text(encoding="utf-8")
BLOCKS = re.findall(r"```(\w+)\n(.*?)```", README, flags=re.S)
SH = [body for lang, body in BLOCKS if lang == "sh"]
PYTHON = [body for lang, body in BLOCKS if lang == "python"]


def commands(block: str) -> list[str]:
    lines = [line.split("  #")[0].strip() for line in block.splitlines()]
    return [line for line in lines if line and not line.startswith("#")]


def test_first_two_commands_are_setup_and_tests() -> None:
    assert commands(SH[0]) == [
        "python3 -m venv .venv && .venv/bin/pip install -q -e . && .venv/bin/ecosystem demo"]
    assert commands(SH[1]) == ["bash scripts/test.sh"]


def test_ci_runs_the_readme_test_command_exactly() -> None:
    ci = (ROOT / ".ci" / "run").read_text()
    assert commands(SH[1])[0] in [line.strip() for line in ci.splitlines()]


@pytest.fixture(scope="session")
def quickstart(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str]]:
    """A fresh copy of the checkout in which the README's first command has run (built once:
    the tests that use it are one xdist group, run by one worker under --dist loadgroup,
    and the fixture lives for the session, since a module's fixtures are torn down
    whenever the worker runs a test of another module in between)."""
    checkout = tmp_path_factory.mktemp("checkout")
    copy_checkout(checkout)
    env = {k: v for k, v in os.environ.items() if k not in {"VIRTUAL_ENV", "ECOSYSTEM_STORE"}}
    python_dir = str(Path(sys.executable).resolve().parent)
    env["PATH"] = os.pathsep.join(p for p in env.get("PATH", "").split(os.pathsep)
                                  if not p.startswith(str(ROOT)))
    env["PATH"] = env["PATH"] or python_dir
    done = subprocess.run(commands(SH[0])[0], shell=True, cwd=checkout, env=env,
                          capture_output=True, text=True, timeout=900, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    yield checkout, done.stdout


@pytest.mark.slow
@pytest.mark.first
@pytest.mark.xdist_group("quickstart")
def test_quickstart_builds_the_demo(quickstart: tuple[Path, str]) -> None:
    checkout, output = quickstart
    assert "Demo ecosystem built in ecosystem.db" in output
    assert "Cloud Native Computing Foundation" in output
    assert (checkout / "ecosystem.db").stat().st_size > 1_000_000


@pytest.mark.slow
@pytest.mark.first
@pytest.mark.xdist_group("quickstart")
def test_usage_commands_run_as_written(quickstart: tuple[Path, str]) -> None:
    checkout, _ = quickstart
    env = {**os.environ, "PATH": f"{checkout / '.venv' / 'bin'}{os.pathsep}"
           f"{os.environ.get('PATH', '')}"}
    env.pop("ECOSYSTEM_STORE", None)
    # the usage block, then the walk of the credible-candidates section (not the server)
    walk = [block for block in SH[3:] if "ecosystem serve" not in block]
    for command in [c for block in [SH[2], *walk] for c in commands(block)]:
        done = subprocess.run(command, shell=True, cwd=checkout, env=env,
                              capture_output=True, text=True, timeout=300, check=False)
        assert done.returncode == 0, f"{command}\n{done.stdout}\n{done.stderr}"
        assert done.stdout.strip(), command


@pytest.mark.slow
@pytest.mark.first
@pytest.mark.xdist_group("quickstart")
def test_python_example_runs(quickstart: tuple[Path, str]) -> None:
    checkout, _ = quickstart
    done = subprocess.run([str(checkout / ".venv" / "bin" / "python"), "-c", PYTHON[0]],
                          cwd=checkout, capture_output=True, text=True, timeout=300,
                          check=False)
    assert done.returncode == 0, done.stderr
    assert "'member_of'" in done.stdout


def test_documented_commands_exist() -> None:
    from ecosystem.cli import cli

    for name in re.findall(r"`ecosystem (\w+)", README):
        assert name in cli.commands, name  # type: ignore[attr-defined]
