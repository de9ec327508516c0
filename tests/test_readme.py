"""The README stays true: its commands run as written, and CI runs its test command."""

from __future__ import annotations

import os
import re
import subprocess
import sys
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


def _quickstart(checkout: Path) -> str:
    """Run the README's first command in a fresh copy of the checkout; its output."""
    copy_checkout(checkout)
    env = {k: v for k, v in os.environ.items() if k not in {"VIRTUAL_ENV", "ECOSYSTEM_STORE"}}
    python_dir = str(Path(sys.executable).resolve().parent)
    env["PATH"] = os.pathsep.join(p for p in env.get("PATH", "").split(os.pathsep)
                                  if not p.startswith(str(ROOT)))
    env["PATH"] = env["PATH"] or python_dir
    done = subprocess.run(commands(SH[0])[0], shell=True, cwd=checkout, env=env,
                          capture_output=True, text=True, timeout=900, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


# One test, not three sharing a fixture: the fresh environment and demo take minutes, and
# pytest-xdist's loadgroup no longer keeps a group on one worker with pytest 9.2
# (pytest-dev/pytest-xdist#1386), so each worker built its own.
@pytest.mark.slow
@pytest.mark.first(minutes=6)
def test_quickstart_then_the_usage_commands_and_the_python_example(tmp_path: Path) -> None:
    checkout = tmp_path / "checkout"
    checkout.mkdir()
    output = _quickstart(checkout)
    assert "Demo ecosystem built in ecosystem.db" in output
    assert "Cloud Native Computing Foundation" in output
    assert (checkout / "ecosystem.db").stat().st_size > 1_000_000

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

    done = subprocess.run([str(checkout / ".venv" / "bin" / "python"), "-c", PYTHON[0]],
                          cwd=checkout, capture_output=True, text=True, timeout=300,
                          check=False)
    assert done.returncode == 0, done.stderr
    assert "'member_of'" in done.stdout


def test_documented_commands_exist() -> None:
    from ecosystem.cli import cli

    for name in re.findall(r"`ecosystem (\w+)", README):
        assert name in cli.commands, name  # type: ignore[attr-defined]
