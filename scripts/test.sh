#!/usr/bin/env bash
# Set up everything the test suite needs on a machine with only Python and git, then run
# it all: lint (ruff), types (mypy --strict), layers (import-linter), tests (pytest,
# notebooks and README included).
# Extra arguments go to pytest, e.g. `bash scripts/test.sh -k contract`.
set -euo pipefail
cd "$(dirname "$0")/.."

python=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$python" -m venv .venv
.venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip
.venv/bin/python -m pip install --quiet --disable-pip-version-check -e ".[dev]"

# The view tests open pages in a real headless Chromium: Debian's package (Playwright drives
# it; no browser download).
if ! command -v chromium >/dev/null 2>&1; then
    echo "== installing Debian's chromium for the view tests"
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends \
        chromium fonts-dejavu-core >/dev/null
fi

echo "== ruff"
.venv/bin/ruff check ecosystem tests bench scripts notebooks
echo "== mypy --strict"
.venv/bin/mypy
echo "== import-linter (one-way layers, declared in pyproject.toml)"
.venv/bin/lint-imports --no-cache
echo "== pytest"
# Two workers (pytest-xdist): the five-minute soak test runs beside the rest of the suite.
# --dist loadgroup hands out one test at a time (no test is in a group, so each is its own
# unit), in collection order, where the tests of minutes come first (tests/conftest.py):
# plain --dist load would give the first worker a block of consecutive tests, all of them.
.venv/bin/python -m pytest -n "${ECOSYSTEM_TEST_WORKERS:-2}" --dist loadgroup "$@"
