"""Rules and alerts over a partnership's history (docs/method.md, stages 4 and 5).

Each rule looks at the records known on a day and fires an :class:`Alert` on the first day
its condition holds. :func:`evaluate` replays the history up to ``as_of`` and returns every
alert that fired by then, each with the rule, the data it fired on and what the method
recommends next, and the day the recommended action was recorded (``resolved``), if it was.

=====================  ====================================================  =============
rule                   fires when (defaults in :class:`RuleConfig`)          level
=====================  ====================================================  =============
delivery_delay         in a quarter, more than 20% of the milestones due so  executive
                       far are late (the day the rate first passes 20%)
missed_milestones      milestones are missed in 2 consecutive quarters (the  hard_trigger
                       day the second quarter's first miss becomes known)
compliance_incident    a major or critical compliance incident is recorded   hard_trigger
satisfaction_decline   partner satisfaction falls 2 periods in a row         warning
strategy_change        a major change of direction on either side            warning
cadence                a tracked meeting level is past its cadence           reminder
buffer_expired         a buffer period has lasted 6 months undecided         warning
non_compete_lapse      a rotated person's non-compete term ends within 60    reminder
                       days
rotation_at_competitor a rotated person works at a competitor of their home  executive
                       side while the non-compete term runs
=====================  ====================================================  =============

A milestone is *late* on a day when it was due before that day and not delivered on or
before its due day. Warnings open a buffer period of ``buffer_months`` (``buffer_until``).
What resolves an alert: an executive meeting on or after it (delivery_delay); a stage
change to exiting, ended or transformed (hard triggers); a change to buffer_period,
transformed, exiting or ended (warnings); the overdue meeting (cadence); any stage change
(buffer_expired); the term's last day (non_compete_lapse); an executive meeting on or
after it (rotation_at_competitor). Alerts are not raised after a partnership has ended.
Competitors are the companies joined to the home side by ``competes_with`` on the graph.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from ecosystem.dates import add_months, checked_day
from ecosystem.errors import InvalidValue
from ecosystem.lifecycle.health import period_start, satisfaction_series
from ecosystem.lifecycle.records import Partnership
from ecosystem.model import Stage

__all__ = ["LEVEL_ORDER", "RULES", "Alert", "RuleConfig", "evaluate", "evaluate_all",
           "load_rule_config"]

ONE_DAY = dt.timedelta(days=1)
#: Alert levels, most severe first.
LEVEL_ORDER = ("hard_trigger", "executive", "warning", "reminder")

RECOMMENDATIONS: Mapping[str, str] = {
    "delivery_delay": "Call an executive-level meeting: re-align goals and reallocate "
    "resources to the late deliveries (docs/method.md, stage 4: smart alerts).",
    "missed_milestones": "Hard termination trigger: start the stepwise exit plan, or "
    "transform the relationship (docs/method.md, stage 5).",
    "compliance_incident": "Hard termination trigger: contain the incident, then start the "
    "stepwise exit plan or transform the relationship (docs/method.md, stage 5).",
    "satisfaction_decline": "Open a 6-month buffer period and assess whether the "
    "relationship can be transformed (docs/method.md, stage 5).",
    "strategy_change": "Soft trigger: open a 6-month buffer period and assess a "
    "transformation of the relationship (docs/method.md, stage 5).",
    "cadence": "Hold the overdue meeting (docs/method.md, stage 3: three-level communication).",
    "buffer_expired": "The buffer period is over: decide to transform the relationship or "
    "to exit stepwise (docs/method.md, stage 5).",
    "non_compete_lapse": "Review what the person knows and whether to extend the term or "
    "protect the items concerned (docs/method.md, stage 3.2: talent rotation).",
    "rotation_at_competitor": "Raise it at the executive meeting: check the non-compete "
    "clause and what core technology may be exposed (docs/method.md, stage 3.2).",
}
_RESOLVING_STAGES: Mapping[str, frozenset[str]] = {
    "missed_milestones": frozenset({Stage.EXITING, Stage.ENDED, Stage.TRANSFORMED}),
    "compliance_incident": frozenset({Stage.EXITING, Stage.ENDED, Stage.TRANSFORMED}),
    "satisfaction_decline": frozenset({Stage.BUFFER_PERIOD, Stage.TRANSFORMED, Stage.EXITING,
                                       Stage.ENDED}),
    "strategy_change": frozenset({Stage.BUFFER_PERIOD, Stage.TRANSFORMED, Stage.EXITING,
                                  Stage.ENDED}),
}
RULES = tuple(RECOMMENDATIONS)


@dataclass(frozen=True)
class RuleConfig:
    """Thresholds of the rules; every rule is on unless listed in ``disabled``.

    Load one from YAML or JSON with :func:`load_rule_config`.
    """

    delay_threshold: float = 0.2
    delay_period_months: int = 3
    missed_periods: int = 2
    missed_period_months: int = 3
    satisfaction_falls: int = 2
    buffer_months: int = 6
    cadence_grace_days: int = 0
    non_compete_notice_days: int = 60
    compliance_severities: tuple[str, ...] = ("major", "critical")
    strategy_severities: tuple[str, ...] = ("major", "critical")
    disabled: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        def need(ok: bool, name: str, words: str) -> None:
            if not ok:
                raise InvalidValue(f"rule setting {name} is {getattr(self, name)!r}; "
                                   f"give {words}.", field=name, value=getattr(self, name))

        need(0 <= self.delay_threshold < 1, "delay_threshold", "a share from 0 to 1, "
             "such as 0.2")
        for name in ("delay_period_months", "missed_period_months", "buffer_months"):
            need(getattr(self, name) in (1, 2, 3, 4, 6, 12), name,
                 "1, 2, 3, 4, 6 or 12 (months that divide a year)")
        need(self.missed_periods >= 1, "missed_periods", "a whole number of 1 or more")
        need(self.satisfaction_falls >= 1, "satisfaction_falls", "a whole number of 1 or more")
        need(self.cadence_grace_days >= 0, "cadence_grace_days", "0 or more days")
        need(self.non_compete_notice_days >= 0, "non_compete_notice_days", "0 or more days")
        unknown = [r for r in self.disabled if r not in RULES]
        if unknown:
            raise InvalidValue(f"unknown rule {unknown[0]!r} in disabled; rules: "
                               f"{', '.join(RULES)}.", field="disabled", value=unknown[0])


def load_rule_config(path: str | Path) -> RuleConfig:
    """Read a :class:`RuleConfig` from a YAML or JSON file of ``setting: value`` pairs."""
    import yaml

    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise InvalidValue(f"{path}: cannot read the rule settings ({exc}); give a YAML or "
                           "JSON file of setting: value pairs.", field="rules",
                           value=str(path)) from exc
    names = {f.name for f in fields(RuleConfig)}
    if not isinstance(data, dict):
        raise InvalidValue(f"{path}: expected setting: value pairs, got {type(data).__name__}",
                           field="rules", value=str(path))
    for key in data:
        if key not in names:
            raise InvalidValue(f"{path}: unknown rule setting {key!r}; settings: "
                               f"{', '.join(sorted(names))}.", field=str(key), value=key)
    for key in ("compliance_severities", "strategy_severities", "disabled"):
        if key in data:
            data[key] = tuple(data[key] if isinstance(data[key], list) else [data[key]])
    try:
        return RuleConfig(**data)
    except TypeError as exc:
        raise InvalidValue(f"{path}: {exc}", field="rules", value=str(path)) from exc


@dataclass(frozen=True)
class Alert:
    """One alert: which rule fired on which data, and what to do next."""

    rule: str
    level: str
    partnership: str
    company: str
    partner: str
    date: dt.date
    message: str
    recommendation: str
    evidence: Mapping[str, Any] = field(default_factory=dict)
    resolved: dt.date | None = None
    buffer_until: dt.date | None = None

    @property
    def is_open(self) -> bool:
        return self.resolved is None

    def as_dict(self) -> dict[str, Any]:
        out = asdict(self)
        for key in ("date", "resolved", "buffer_until"):
            out[key] = out[key].isoformat() if out[key] else None
        out["open"] = self.is_open
        clean: dict[str, Any] = json.loads(json.dumps(out, default=str))
        return clean


def evaluate(partnership: Partnership, *, as_of: dt.date,
             config: RuleConfig | None = None) -> list[Alert]:
    """Every alert ``partnership`` raised up to ``as_of`` (default today), oldest first.

    Only records known on or before ``as_of`` are used, so evaluating on past days replays
    what the alerts were then.
    """
    day = checked_day(as_of)
    config = config or RuleConfig()
    found: list[Alert] = []
    for rule, check in _CHECKS.items():
        if rule not in config.disabled:
            found += check(partnership, day, config)
    ended = partnership.stages[-1].date if partnership.stages and \
        partnership.stages[-1].stage == Stage.ENDED else None
    alerts = [_resolve(partnership, a, day) for a in found
              if a.date <= day and (ended is None or a.date < ended)]
    return sorted(alerts, key=lambda a: (a.date, LEVEL_ORDER.index(a.level), a.rule,
                                         json.dumps(a.evidence, default=str)))


def evaluate_all(partnerships: Iterable[Partnership], *, as_of: dt.date,
                 config: RuleConfig | None = None, open_only: bool = False) -> list[Alert]:
    """Alerts of several partnerships, most severe first, then newest first."""
    out = [a for p in partnerships for a in evaluate(p, as_of=as_of, config=config)
           if a.is_open or not open_only]
    return sorted(out, key=lambda a: (LEVEL_ORDER.index(a.level), -a.date.toordinal(),
                                      a.partnership, a.rule))


def _alert(p: Partnership, rule: str, level: str, date: dt.date, message: str,
           evidence: Mapping[str, Any], config: RuleConfig) -> Alert:
    buffer_until = (add_months(date, config.buffer_months)
                    if rule in ("satisfaction_decline", "strategy_change") else None)
    recommendation = RECOMMENDATIONS[rule].replace(
        "6-month", f"{config.buffer_months}-month")
    return Alert(rule, level, p.id, p.company, p.partner, date, message, recommendation,
                 dict(evidence), buffer_until=buffer_until)


def _resolve(p: Partnership, alert: Alert, as_of: dt.date) -> Alert:
    resolved: dt.date | None = None
    if alert.rule == "delivery_delay":
        resolved = next((m.date for m in p.meetings if m.level == "executive"
                         and alert.date <= m.date <= as_of), None)
    elif alert.rule == "non_compete_lapse":
        last = dt.date.fromisoformat(alert.evidence["non_compete_until"])
        resolved = last if last <= as_of else None
    elif alert.rule == "rotation_at_competitor":
        resolved = next((m.date for m in p.meetings if m.level == "executive"
                         and alert.date <= m.date <= as_of), None)
    elif alert.rule == "cadence":
        level = alert.evidence["level"]
        resolved = next((m.date for m in p.meetings if m.level == level
                         and alert.date <= m.date <= as_of), None)
    else:
        stages = _RESOLVING_STAGES.get(alert.rule)
        resolved = next((s.date for s in p.stages if alert.date <= s.date <= as_of
                         and (stages is None or s.stage in stages)
                         and (stages is not None or s.date > alert.date)), None)
    return replace(alert, resolved=resolved)


# -- the rules -------------------------------------------------------------------------------


def _delivery_delay(p: Partnership, as_of: dt.date, config: RuleConfig) -> list[Alert]:
    by_period: dict[dt.date, list[Any]] = {}
    for m in p.milestones:
        by_period.setdefault(period_start(m.due, config.delay_period_months), []).append(m)
    alerts = []
    for start, due in sorted(by_period.items()):
        # The rate changes only on the day after a due day; check those days in order.
        for day in sorted({m.due + ONE_DAY for m in due}):
            if day > as_of:
                break
            counted = [m for m in due if m.due < day]
            late = [m for m in counted if m.is_late(day)]
            rate = len(late) / len(counted)
            if rate > config.delay_threshold:
                alerts.append(_alert(
                    p, "delivery_delay", "executive", day,
                    f"{len(late)} of {len(counted)} milestones due since {start} are late "
                    f"({rate:.0%} > {config.delay_threshold:.0%})",
                    {"period": start.isoformat(), "rate": round(rate, 4),
                     "late": [m.id for m in late], "due": [m.id for m in counted]}, config))
                break
    return alerts


def _missed_milestones(p: Partnership, as_of: dt.date, config: RuleConfig) -> list[Alert]:
    first_miss: dict[dt.date, tuple[dt.date, str]] = {}
    for m in p.milestones:
        late_from = m.late_from()
        if late_from is None:
            continue
        period = period_start(m.due, config.missed_period_months)
        if period not in first_miss or late_from < first_miss[period][0]:
            first_miss[period] = (late_from, m.id)
    n = config.missed_periods
    alerts = []
    for period in sorted(first_miss):
        run = [add_months(period, -config.missed_period_months * k) for k in range(n)]
        if not all(q in first_miss for q in run):
            continue
        day = max(first_miss[q][0] for q in run)
        if day <= as_of:
            alerts.append(_alert(
                p, "missed_milestones", "hard_trigger", day,
                f"milestones missed in {n} consecutive periods of "
                f"{config.missed_period_months} months (the last beginning {period})",
                {"periods": [q.isoformat() for q in reversed(run)],
                 "milestones": [first_miss[q][1] for q in reversed(run)]}, config))
    return alerts


def _incidents(rule: str, category: str, severities: str, level: str, what: str) -> Any:
    def check(p: Partnership, as_of: dt.date, config: RuleConfig) -> list[Alert]:
        wanted: Sequence[str] = getattr(config, severities)
        return [_alert(p, rule, level, i.date,
                       f"{i.severity} {what} recorded: {i.name or i.id}",
                       {"incident": i.id, "severity": i.severity}, config)
                for i in p.incidents
                if i.category == category and i.severity in wanted and i.date <= as_of]
    return check


def _satisfaction_decline(p: Partnership, as_of: dt.date, config: RuleConfig
                          ) -> list[Alert]:
    series = satisfaction_series(p, as_of)
    n = config.satisfaction_falls
    alerts = []
    falls = 0
    for i in range(1, len(series)):
        before = falls
        falls = falls + 1 if series[i][1] < series[i - 1][1] else 0
        if falls >= n > before:
            window = series[i - n:i + 1]
            day = max(a.known_from for a in p.actuals if a.id in series[i][2])
            alerts.append(_alert(
                p, "satisfaction_decline", "warning", day,
                f"partner satisfaction fell {n} periods in a row (to "
                f"{series[i][1]:.0%} of the scale)",
                {"periods": [w[0].isoformat() for w in window],
                 "scores": [round(w[1], 4) for w in window]}, config))
    return alerts


def _cadence(p: Partnership, as_of: dt.date, config: RuleConfig) -> list[Alert]:
    operating = p.operating_spans(as_of + ONE_DAY)
    alerts = []
    for level, every in p.cadence().items():
        held = sorted(m.date for m in p.meetings if m.level == level)
        for begin, end in operating:
            last = max([d for d in held if d <= begin], default=begin)
            while True:
                overdue = last + dt.timedelta(days=every + config.cadence_grace_days) + ONE_DAY
                if overdue >= end or overdue > as_of:
                    break
                following = [d for d in held if last < d < overdue]
                if following:
                    last = following[-1]
                    continue
                alerts.append(_alert(
                    p, "cadence", "reminder", overdue,
                    f"no {level} meeting since {last} (cadence: every {every} days)",
                    {"level": level, "last": last.isoformat(), "every_days": every}, config))
                later = [d for d in held if d >= overdue]
                if not later:
                    break
                last = later[0]
    return alerts


def _buffer_expired(p: Partnership, as_of: dt.date, config: RuleConfig) -> list[Alert]:
    alerts = []
    for change, following in zip(p.stages, [*p.stages[1:], None], strict=True):
        if change.stage != Stage.BUFFER_PERIOD:
            continue
        expiry = add_months(change.date, config.buffer_months)
        if expiry <= as_of and (following is None or following.date > expiry):
            alerts.append(_alert(
                p, "buffer_expired", "warning", expiry,
                f"the buffer period that began on {change.date} has lasted "
                f"{config.buffer_months} months without a decision",
                {"began": change.date.isoformat()}, config))
    return alerts


def _non_compete_lapse(p: Partnership, as_of: dt.date, config: RuleConfig) -> list[Alert]:
    notice = dt.timedelta(days=config.non_compete_notice_days)
    return [_alert(p, "non_compete_lapse", "reminder",
                   max(r.non_compete_until - notice, r.start),
                   f"the non-compete term of {r.person} (rotated from the "
                   f"{r.home_side} side) ends on {r.non_compete_until}",
                   {"rotation": r.id, "non_compete_until": r.non_compete_until.isoformat()},
                   config)
            for r in p.rotations if r.non_compete_until is not None
            and max(r.non_compete_until - notice, r.start) <= as_of]


def _rotation_at_competitor(p: Partnership, as_of: dt.date, config: RuleConfig
                            ) -> list[Alert]:
    alerts = []
    for r in p.rotations:
        home = p.company_of(r.home_side)
        if not r.now_at or r.now_at not in p.competitors.get(home, frozenset()):
            continue
        day = max(r.now_at_since or r.start, r.start)
        if day <= as_of and (r.non_compete_until is None or day <= r.non_compete_until):
            alerts.append(_alert(
                p, "rotation_at_competitor", "executive", day,
                f"{r.person} (rotated from {home}) works at {r.now_at}, a competitor of "
                f"{home}" + (f", before the non-compete term ends ({r.non_compete_until})"
                             if r.non_compete_until else ", with no non-compete term"),
                {"rotation": r.id, "now_at": r.now_at}, config))
    return alerts


_CHECKS = {
    "delivery_delay": _delivery_delay,
    "missed_milestones": _missed_milestones,
    "compliance_incident": _incidents("compliance_incident", "compliance",
                                      "compliance_severities", "hard_trigger",
                                      "compliance incident"),
    "satisfaction_decline": _satisfaction_decline,
    "strategy_change": _incidents("strategy_change", "strategy_change",
                                  "strategy_severities", "warning",
                                  "change of strategic direction"),
    "cadence": _cadence,
    "buffer_expired": _buffer_expired,
    "non_compete_lapse": _non_compete_lapse,
    "rotation_at_competitor": _rotation_at_competitor,
}
