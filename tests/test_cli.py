"""The command line: help everywhere, JSON where results are printed, clear errors."""

from __future__ import annotations

import json
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from ecosystem.cli import cli
from tests.conftest import SMALL

COMMANDS = sorted(cli.commands)  # type: ignore[attr-defined]


def run(*args: str, store: Path | None = None) -> click.testing.Result:
    prefix = ["--store", str(store)] if store else []
    return CliRunner().invoke(cli, [*prefix, *args], catch_exceptions=False)


def test_top_level_help_lists_commands() -> None:
    result = run("--help")
    assert result.exit_code == 0
    for name in ("demo", "import", "export", "info"):
        assert name in result.output


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help(command: str) -> None:
    result = run(command, "--help")
    assert result.exit_code == 0
    assert "Usage: ecosystem" in result.output or "Usage:" in result.output
    doc = cli.commands[command].help  # type: ignore[attr-defined]
    assert doc and len(doc) > 20


def test_info_json_shape(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    assert run("import", str(SMALL), store=db).exit_code == 0
    result = run("info", "--json", store=db)
    data = json.loads(result.output)
    assert set(data) == {"nodes", "relationships"}
    assert data["nodes"]["company"] == 5 and data["relationships"]["member_of"] == 5
    as_of = json.loads(run("info", "--json", "--as-of", "2018-06", store=db).output)
    assert as_of["relationships"]["member_of"] == 1


def test_import_json_and_reimport(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    first = json.loads(run("import", str(SMALL), "--json", store=db).output)
    assert first["nodes_created"]["company"] == 5
    second = json.loads(run("import", str(SMALL), "--json", store=db).output)
    assert second["nodes_created"]["company"] == 0
    assert second["store"] == first["store"]


def test_store_from_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "env.db"
    monkeypatch.setenv("ECOSYSTEM_STORE", str(db))
    assert run("import", str(SMALL)).exit_code == 0
    assert db.exists()


def test_refused_import_exit_code_and_message(tmp_path: Path) -> None:
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "companies.csv").write_text("id,name,founded\nacme,Acme,nineteen-ninety\n")
    result = CliRunner().invoke(cli, ["--store", str(tmp_path / "s.db"), "import", str(bad)])
    assert result.exit_code == 1
    assert "companies.csv row 2, column 'founded'" in result.output
    assert "'nineteen-ninety'" in result.output
    assert "Traceback" not in result.output


def test_show_nodes_relationships(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    run("import", str(SMALL), store=db)
    shown = json.loads(run("show", "company", "voltra", "--json", store=db).output)
    assert shown["name"] == "Voltra Motors"
    assert [len(shown[k]) for k in ("memberships", "ties", "capabilities")] == [2, 5, 1]
    assert shown["patents"]["total"] == 150
    assert {(t["kind"], t["other"], t["direction"]) for t in shown["ties"]} >= {
        ("owns", "shiplane", "out"), ("supplies", "siliq", "in"),
        ("partners_with", "cortex", "both")}
    text = run("show", "company", "shiplane", store=db).output
    assert "<- owns             voltra" in text and "-> supplies         voltra" in text
    listed = json.loads(run("nodes", "company", "--search", "ai", "--json", store=db).output)
    assert [n["id"] for n in listed] == ["cortex"]
    rels = json.loads(run("relationships", "member_of", "--as-of", "2023-06", "--json",
                          store=db).output)
    assert len(rels) == 4


def test_unknown_kind_and_id_are_explained(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    run("import", str(SMALL), store=db)
    result = CliRunner().invoke(cli, ["--store", str(db), "show", "compnay", "voltra"])
    assert result.exit_code == 1 and "Did you mean 'company'?" in result.output
    result = CliRunner().invoke(cli, ["--store", str(db), "show", "company", "voltr"])
    assert result.exit_code == 1 and "Did you mean 'voltra'?" in result.output


def test_delete_needs_cascade(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    run("import", str(SMALL), store=db)
    result = CliRunner().invoke(cli, ["--store", str(db), "delete", "company", "shiplane"])
    assert result.exit_code == 1 and "--cascade" in result.output
    result = run("delete", "company", "shiplane", "--cascade", store=db)
    assert "2 relationship(s)" in result.output


def test_not_a_store_is_exit_3(tmp_path: Path) -> None:
    junk = tmp_path / "junk.db"
    junk.write_text("this is not a database, just text " * 100)
    result = CliRunner().invoke(cli, ["--store", str(junk), "info"])
    assert result.exit_code == 3 and "not an ecosystem store" in result.output


def test_neo4j_uri_is_not_yet_available(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["--store", "bolt://neo4j:secret@localhost:7687", "info"])
    assert result.exit_code == 3
    assert "secret" not in result.output  # never echo a password


def test_export_formats(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    run("import", str(SMALL), store=db)
    out = run("export", str(tmp_path / "csv"), store=db).output.split()
    assert len(out) == 11 and all(Path(p).exists() for p in out)
    (path,) = run("export", str(tmp_path / "e.xlsx"), "--format", "xlsx", store=db).output.split()
    assert Path(path).stat().st_size > 0


def test_demo_summary(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # the demo writes its views into ./views
    db = tmp_path / "demo.db"
    data = json.loads(run("demo", "--json", "--as-of", "2024-06-30", store=db).output)
    assert data["counts"]["nodes"]["programme"] == 27
    top = data["largest_programmes"][0]
    assert top["id"] == "lf"
    assert any(c["id"] == "ibm" for c in data["companies_in_most_programmes"])
    assert sorted(Path(p).name for p in data["views"]) == [
        "focus.html", "map.html", "opportunities.html", "programme.html", "radar.html"]
    assert all((tmp_path / p).stat().st_size > 10_000 for p in data["views"])
    before = json.loads(run("info", "--json", store=db).output)
    # again into the same store: the merged duplicates stay merged, nothing doubles
    text = run("demo", "--no-views", store=db).output
    assert "Largest programmes" in text and "Cloud Native Computing Foundation" in text
    assert "Views" not in text
    assert json.loads(run("info", "--json", store=db).output) == before


def test_global_options_may_follow_the_command(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    run("import", str(SMALL), store=db)
    before = json.loads(run("info", "--json", store=db).output)
    after = CliRunner().invoke(cli, ["info", "--json", "--store", str(db), "--no-progress"])
    assert after.exit_code == 0, after.output
    assert json.loads(after.output) == before
    shown = CliRunner().invoke(cli, ["show", "company", f"--store={db}", "voltra", "--json"])
    assert json.loads(shown.output)["id"] == "voltra"


def test_a_date_is_parsed_once_on_its_way_to_the_store(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """The CLI parses --as-of into a day; nothing below parses it again, and the store
    receives a day."""
    import datetime as dt
    import sys

    import ecosystem.dates
    from ecosystem.stores.embedded import EmbeddedStore

    db = tmp_path / "s.db"
    run("import", str(SMALL), store=db)
    calls: list[object] = []
    real = ecosystem.dates.parse_day

    def counting(value: object, **kwargs: object) -> object:
        calls.append(value)
        return real(value, **kwargs)  # type: ignore[arg-type]

    for module in list(sys.modules.values()):  # every module that imported it by name
        if (module.__name__.startswith("ecosystem")
                and getattr(module, "parse_day", None) is real):
            monkeypatch.setattr(module, "parse_day", counting)
    seen: list[object] = []
    for method in ("relationships", "counts", "matrix", "graph"):
        original = getattr(EmbeddedStore, method)

        def recording(self: object, *args: object, _original: object = original,
                      **kwargs: object) -> object:
            if kwargs.get("as_of") is not None:
                seen.append(kwargs["as_of"])
            return _original(self, *args, **kwargs)  # type: ignore[operator]

        monkeypatch.setattr(EmbeddedStore, method, recording)
    for command in (["info"], ["scan", "voltra"], ["influence"], ["show", "company", "voltra"]):
        calls.clear()
        seen.clear()
        result = run(*command, "--as-of", "2023-06", "--json", store=db)
        assert result.exit_code == 0, result.output
        assert calls == ["2023-06"], command
        assert seen and set(seen) == {dt.date(2023, 6, 1)}, command


def test_the_command_line_imports_no_heavy_library() -> None:
    """Commands import what they use when they run: starting the CLI (and --help) loads
    none of the numerical, plotting, web or learning libraries."""
    import subprocess
    import sys

    heavy = ["sklearn", "matplotlib", "pyvis", "fastapi", "pandas", "numpy", "scipy",
             "networkx", "pyarrow"]
    code = ("import sys, ecosystem.cli\n"
            "from click.testing import CliRunner\n"
            "assert CliRunner().invoke(ecosystem.cli.cli, ['--help']).exit_code == 0\n"
            "assert CliRunner().invoke(ecosystem.cli.cli, ['scan', '--help']).exit_code == 0\n"
            f"print(sorted(m for m in {heavy!r} if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True)
    assert done.stdout.strip() == "[]", done.stdout


@pytest.mark.parametrize("command", [
    ["influence"],
    ["export", "{tmp}/out.xlsx", "--format", "xlsx"],
    ["import", str(SMALL)],
])
def test_long_commands_show_progress_on_request_and_never_with_json(
        tmp_path: Path, command: list[str]) -> None:
    db = tmp_path / "s.db"
    run("import", str(SMALL), store=db)
    args = [part.replace("{tmp}", str(tmp_path)) for part in command]
    shown = CliRunner().invoke(cli, ["--store", str(db), "--progress", *args])
    assert shown.exit_code == 0, shown.output
    assert "it/s" in shown.stderr or "row/s" in shown.stderr or "step" in shown.stderr, \
        shown.stderr
    quiet = CliRunner().invoke(cli, ["--store", str(db), *args])  # not a terminal
    assert quiet.exit_code == 0 and quiet.stderr == ""
    if command[0] in ("influence", "import"):
        as_json = CliRunner().invoke(cli, ["--store", str(db), "--progress", *args, "--json"])
        assert as_json.exit_code == 0 and as_json.stderr == ""
        json.loads(as_json.stdout)
