"""Documentation that must match the code, and the public API that must not drift."""

from __future__ import annotations

import ecosystem
from ecosystem import views
from ecosystem.io.formatdoc import tabular_format_markdown
from tests.conftest import ROOT


def test_format_reference_is_current() -> None:
    committed = (ROOT / "docs" / "tabular-format.md").read_text(encoding="utf-8")
    assert committed == tabular_format_markdown(), (
        "docs/tabular-format.md is out of date: regenerate it with "
        "python -c 'from ecosystem.io.formatdoc import tabular_format_markdown as t; "
        "open(\"docs/tabular-format.md\", \"w\").write(t())'"
    )


def test_every_table_is_documented() -> None:
    text = (ROOT / "docs" / "tabular-format.md").read_text(encoding="utf-8")
    for schema in ecosystem.NODE_SCHEMAS.values():
        assert f"`{schema.table}`" in text
    for rel in ecosystem.RELATIONSHIP_SCHEMAS.values():
        assert f"`{rel.table}`" in text


def test_public_api_is_pinned() -> None:
    assert sorted(ecosystem.__all__) == sorted([
        "NODE_SCHEMAS", "RELATIONSHIP_SCHEMAS", "BipartiteMatrix", "Conflict",
        "EcosystemError", "EmbeddedStore", "ExportFormat", "ImportFormat", "ImportRefused",
        "InvalidInput", "InvalidValue", "Node", "NodeKind", "NodeNotFound", "NotFound",
        "Problem", "RelKind", "Relationship", "RelationshipNotFound", "Store", "StoreBusy",
        "StoreUnavailable", "UnknownKind", "WriteSummary", "__version__", "export_store",
        "import_paths", "node_key", "open_store", "read_paths", "split_node_key",
        "store_tables",
    ])
    for name in ecosystem.__all__:
        assert hasattr(ecosystem, name), name
    assert sorted(views.__all__) == sorted([
        "MAP_KINDS", "LegendEntry", "View", "ViewEdge", "ViewNode", "ecosystem_map",
        "focus_view", "force_layout", "opportunities_view", "partner_radar", "programme_view",
    ])
    from ecosystem import lifecycle

    assert sorted(lifecycle.__all__) == sorted([
        "RECORD_TABLES", "TRANSITIONS", "Alert", "HealthWeights", "Partnership",
        "PartnershipStatus", "PeriodHealth", "RuleConfig", "add_records", "band",
        "change_stage", "create_partnership", "delete_partnership", "diagnose", "evaluate",
        "evaluate_all", "exit_plan", "import_records", "load_partnership",
        "load_partnerships", "load_rule_config", "partnership_report", "save_exit_plan",
        "status", "statuses", "transform",
    ])
    for name in lifecycle.__all__:
        assert hasattr(lifecycle, name), name


def test_every_error_derives_from_the_root() -> None:
    import inspect

    from ecosystem import errors

    classes = [c for _, c in inspect.getmembers(errors, inspect.isclass)
               if issubclass(c, Exception)]
    assert len(classes) >= 10
    for cls in classes:
        assert issubclass(cls, ecosystem.EcosystemError), cls
        assert cls.__name__ in (errors.__doc__ or ""), f"{cls.__name__} not in the tree drawing"


def test_library_does_not_import_the_web_stack() -> None:
    import subprocess
    import sys

    code = ("import sys, ecosystem, ecosystem.cli, ecosystem.demo;"
            "print(any(m.split('.')[0] in {'fastapi', 'uvicorn', 'starlette'} "
            "for m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.strip()
    assert out == "False"
