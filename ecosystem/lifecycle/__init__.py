"""The partnership lifecycle on the graph (docs/method.md, stages 2-5).

A partnership joins a company and a partner; its stage history, due-diligence risks,
agreement annex milestones, KPIs and their actuals, meetings, incidents and exit steps are
records that point at it (:data:`~ecosystem.model.LIFECYCLE_KINDS`), stored like every
other node and checked by :mod:`ecosystem.io.lifecycle_checks` on every write.

- :mod:`~ecosystem.lifecycle.records`: the typed :class:`Partnership` and its loaders;
- :mod:`~ecosystem.lifecycle.health`: the half-yearly health diagnosis and index;
- :mod:`~ecosystem.lifecycle.rules`: configurable rules and the alerts they raise;
- :mod:`~ecosystem.lifecycle.editing`: recording stages, records, transformations, exits.
"""

from typing import TYPE_CHECKING

import lazy_loader

if TYPE_CHECKING:
    from ecosystem.lifecycle.editing import (
        RECORD_TABLES,
        add_records,
        change_stage,
        create_partnership,
        delete_partnership,
        exit_plan,
        import_records,
        save_exit_plan,
        transform,
    )
    from ecosystem.lifecycle.health import (
        HealthWeights,
        PeriodHealth,
        band,
        diagnose,
    )
    from ecosystem.lifecycle.records import (
        TRANSITIONS,
        Partnership,
        load_partnership,
        load_partnerships,
    )
    from ecosystem.lifecycle.rules import (
        Alert,
        RuleConfig,
        evaluate,
        evaluate_all,
        load_rule_config,
    )
    from ecosystem.lifecycle.status import (
        PartnershipStatus,
        partnership_report,
        status,
        statuses,
    )
else:  # imported on first use, so that importing the package costs nothing
    __getattr__, __dir__, _ = lazy_loader.attach(__name__, submod_attrs={
        "editing": ["RECORD_TABLES", "add_records", "change_stage", "create_partnership",
            "delete_partnership", "exit_plan", "import_records", "save_exit_plan", "transform"],
        "health": ["HealthWeights", "PeriodHealth", "band", "diagnose"],
        "records": ["TRANSITIONS", "Partnership", "load_partnership", "load_partnerships"],
        "rules": ["Alert", "RuleConfig", "evaluate", "evaluate_all", "load_rule_config"],
        "status": ["PartnershipStatus", "partnership_report", "status", "statuses"],
    })

__all__ = [
    "RECORD_TABLES",
    "TRANSITIONS",
    "Alert",
    "HealthWeights",
    "Partnership",
    "PartnershipStatus",
    "PeriodHealth",
    "RuleConfig",
    "add_records",
    "band",
    "change_stage",
    "create_partnership",
    "delete_partnership",
    "diagnose",
    "evaluate",
    "evaluate_all",
    "exit_plan",
    "import_records",
    "load_partnership",
    "load_partnerships",
    "load_rule_config",
    "partnership_report",
    "save_exit_plan",
    "status",
    "statuses",
    "transform",
]
