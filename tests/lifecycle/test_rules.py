"""The alert rules on hand-built histories, and by Hypothesis against brute-force oracles
that check the condition day by day."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ecosystem.errors import InvalidValue
from ecosystem.lifecycle import HealthWeights, RuleConfig, diagnose, evaluate
from ecosystem.lifecycle.health import period_start
from ecosystem.lifecycle.records import (
    Incident,
    Kpi,
    KpiActual,
    Meeting,
    Milestone,
    Partnership,
    StageChange,
)

D = dt.date
START = D(2024, 1, 1)


def partnership(**records: object) -> Partnership:
    stages = records.pop("stages", (StageChange("s1", START, "active"),))
    return Partnership("p", "a", "b", stages=stages, **records)  # type: ignore[arg-type]


def rules(p: Partnership, as_of: D, **config: object) -> list[tuple[str, D]]:
    return [(a.rule, a.date) for a in evaluate(p, as_of=as_of, config=RuleConfig(**config))]


def milestone(id: str, due: D, delivered: D | None = None) -> Milestone:
    return Milestone(id, due, delivered=delivered)


# -- hand-built histories ---------------------------------------------------------------


def test_delivery_delay_fires_the_day_the_rate_passes_the_threshold() -> None:
    p = partnership(milestones=(
        milestone("m1", D(2024, 1, 10), D(2024, 1, 9)),     # on time
        milestone("m2", D(2024, 1, 20), D(2024, 1, 20)),    # on time (due day counts)
        milestone("m3", D(2024, 2, 1), D(2024, 2, 5)),      # late from 2 Feb
        milestone("m4", D(2024, 2, 10), D(2024, 2, 10)),
    ))
    # On 2 Feb: 1 late of 3 due (33% > 20%).
    assert rules(p, D(2024, 6, 1), disabled=("missed_milestones",)) == [
        ("delivery_delay", D(2024, 2, 2))]
    assert rules(p, D(2024, 2, 1)) == []  # not known yet on 1 Feb
    # At 40% the same history stays quiet: 33% is not above 40%.
    assert rules(p, D(2024, 6, 1), delay_threshold=0.4, disabled=("missed_milestones",)) == []
    alert = evaluate(p, as_of=D(2024, 6, 1))[0]
    assert alert.level == "executive" and alert.evidence["late"] == ["m3"]
    assert "executive" in alert.recommendation and alert.is_open


def test_delivery_delay_alert_is_resolved_by_an_executive_meeting() -> None:
    p = partnership(milestones=(milestone("m1", D(2024, 1, 10)),),
                    meetings=(Meeting("t", "team", D(2024, 1, 12)),
                              Meeting("e", "executive", D(2024, 1, 15))))
    (alert,) = [a for a in evaluate(p, as_of=D(2024, 1, 14)) if a.rule == "delivery_delay"]
    assert alert.resolved is None  # the team meeting does not resolve it
    (alert,) = [a for a in evaluate(p, as_of=D(2024, 1, 20)) if a.rule == "delivery_delay"]
    assert alert.resolved == D(2024, 1, 15)


def test_missed_milestones_in_two_consecutive_quarters_is_a_hard_trigger() -> None:
    q1_miss = milestone("q1", D(2024, 3, 1))                  # never delivered
    q2_late = milestone("q2", D(2024, 5, 1), D(2024, 5, 3))   # late from 2 May
    q4_miss = milestone("q4", D(2024, 11, 1))                 # Q3 is clean in between
    p = partnership(milestones=(q1_miss, q2_late, q4_miss))
    fired = [a for a in evaluate(p, as_of=D(2025, 1, 1)) if a.rule == "missed_milestones"]
    assert [(a.date, a.level) for a in fired] == [(D(2024, 5, 2), "hard_trigger")]
    assert fired[0].evidence["periods"] == ["2024-01-01", "2024-04-01"]
    stages = (StageChange("s1", START, "active"), StageChange("s2", D(2024, 6, 1), "exiting"))
    resolved = evaluate(partnership(milestones=(q1_miss, q2_late), stages=stages),
                        as_of=D(2025, 1, 1))
    assert [a.resolved for a in resolved if a.rule == "missed_milestones"] == [D(2024, 6, 1)]


def test_compliance_incident_trigger_depends_on_severity() -> None:
    p = partnership(incidents=(
        Incident("i1", D(2024, 3, 1), "compliance", "minor", "late filing"),
        Incident("i2", D(2024, 4, 1), "compliance", "major", "customer data leak"),
        Incident("i3", D(2024, 5, 1), "operational", "critical", "plant fire"),
    ))
    assert rules(p, D(2024, 12, 1)) == [("compliance_incident", D(2024, 4, 1))]
    assert rules(p, D(2024, 12, 1), compliance_severities=("minor", "major")) == [
        ("compliance_incident", D(2024, 3, 1)), ("compliance_incident", D(2024, 4, 1))]


def satisfaction(*scores: float) -> dict[str, object]:
    kpi = Kpi("sat", "satisfaction", scale_max=5)
    actuals = tuple(KpiActual(f"a{i}", "sat", D(2024 + i // 2, 1 + 6 * (i % 2), 1), s)
                    for i, s in enumerate(scores))
    return {"kpis": (kpi,), "actuals": actuals}


def test_satisfaction_falling_twice_opens_a_buffer_period() -> None:
    p = partnership(**satisfaction(4.5, 4.0, 3.5, 3.0, 3.5, 3.0, 2.5))
    fired = [a for a in evaluate(p, as_of=D(2030, 1, 1)) if a.rule == "satisfaction_decline"]
    # Falls at 4.0 and 3.5 (2nd fall: 2025-01), and again at 3.0, 2.5 after the rise.
    assert [a.date for a in fired] == [D(2025, 1, 1), D(2027, 1, 1)]
    assert fired[0].buffer_until == D(2025, 7, 1) and fired[0].level == "warning"
    assert rules(partnership(**satisfaction(4.5, 4.0, 4.0, 3.5)), D(2030, 1, 1)) == []
    assert [r for r, _ in rules(partnership(**satisfaction(4.5, 4.0, 4.0, 3.5)),
                                D(2030, 1, 1), satisfaction_falls=1)] == [
        "satisfaction_decline", "satisfaction_decline"]


def test_overdue_cadence_meeting_is_a_reminder_until_it_is_held() -> None:
    p = Partnership("p", "a", "b", properties={"management_days": 30},
                    stages=(StageChange("s1", START, "active"),),
                    meetings=(Meeting("m1", "management", D(2024, 1, 20)),
                              Meeting("m2", "management", D(2024, 3, 1))))
    fired = [a for a in evaluate(p, as_of=D(2024, 3, 10)) if a.rule == "cadence"]
    # Due 30 days after 20 Jan (19 Feb), overdue from 20 Feb, held on 1 Mar.
    assert [(a.date, a.resolved) for a in fired] == [(D(2024, 2, 20), D(2024, 3, 1))]
    assert fired[0].level == "reminder" and fired[0].evidence["level"] == "management"


def test_buffer_period_without_decision_expires() -> None:
    stages = (StageChange("s1", START, "active"),
              StageChange("s2", D(2024, 3, 1), "buffer_period"))
    assert rules(partnership(stages=stages), D(2024, 9, 1)) == [
        ("buffer_expired", D(2024, 9, 1))]
    decided = (*stages, StageChange("s3", D(2024, 8, 1), "transformed"))
    assert rules(partnership(stages=decided), D(2024, 12, 1)) == []


def test_no_alerts_after_the_partnership_ended() -> None:
    stages = (StageChange("s1", START, "active"), StageChange("s2", D(2024, 2, 1), "ended"))
    p = partnership(stages=stages, milestones=(milestone("m", D(2024, 3, 1)),))
    assert rules(p, D(2025, 1, 1)) == []


def test_rule_settings_are_checked() -> None:
    with pytest.raises(InvalidValue, match="delay_threshold"):
        RuleConfig(delay_threshold=1.5)
    with pytest.raises(InvalidValue, match="unknown rule"):
        RuleConfig(disabled=("cadense",))
    with pytest.raises(InvalidValue, match="weight"):
        HealthWeights(kpis=-1)


def test_health_by_hand() -> None:
    p = Partnership(
        "p", "a", "b", properties={"executive_days": 30},
        stages=(StageChange("s1", START, "active"),),
        milestones=(milestone("m1", D(2024, 2, 1), D(2024, 2, 1)),
                    milestone("m2", D(2024, 3, 1), D(2024, 3, 20)),
                    milestone("m3", D(2024, 8, 1), D(2024, 7, 1))),
        kpis=(Kpi("rev", "joint_revenue_share", target=0.4),
              Kpi("ttm", "time_to_market", target=6),
              Kpi("sat", "satisfaction", scale_max=5)),
        actuals=(KpiActual("r1", "rev", D(2024, 1, 1), 0.2),    # attainment 0.5
                 KpiActual("t1", "ttm", D(2024, 1, 1), 4.0),    # lower is better: 1.5 -> 1
                 KpiActual("s1", "sat", D(2024, 1, 1), 4.0)),   # 0.8
        meetings=tuple(Meeting(f"e{i}", "executive", D(2024, 1 + i, 5)) for i in range(3)),
    )
    h1, h2 = diagnose(p, as_of=D(2024, 12, 31))
    assert (h1.start, h1.end) == (D(2024, 1, 1), D(2024, 7, 1))
    assert h1.milestones_due == 2 and h1.hit_rate == 0.5 and h1.delay_rate == 0.5
    assert h1.mean_delay_days == 19
    gaps = {g.kpi: g for g in h1.kpis}
    assert gaps["rev"].attainment == pytest.approx(0.5)
    assert gaps["rev"].gap == pytest.approx(-0.2)
    assert gaps["ttm"].attainment == pytest.approx(1.5)
    held, expected = h1.communication["executive"]
    assert held == 3 and expected == pytest.approx(182 / 30)
    kpis = (0.5 + 1.0) / 2  # satisfaction has no target: it counts as satisfaction only
    communication = 3 / (182 / 30)
    expected_index = 100 * (0.4 * kpis + 0.3 * 0.5 + 0.2 * 0.8 + 0.1 * communication)
    assert h1.index == pytest.approx(round(expected_index, 1))
    assert h1.band == "watch"
    # The second half: m3 on time, nothing else but the satisfaction carried over.
    assert h2.hit_rate == 1.0 and h2.satisfaction == pytest.approx(0.8)
    only_milestones = diagnose(p, as_of=D(2024, 12, 31),
                               weights=HealthWeights(0, 1, 0, 0))[0]
    assert only_milestones.index == 50.0


# -- Hypothesis: each trigger fires exactly when its condition holds ------------------------

days = st.integers(min_value=0, max_value=400).map(lambda n: START + dt.timedelta(days=n))


@st.composite
def milestone_sets(draw: st.DrawFn) -> tuple[Milestone, ...]:
    out = []
    for i in range(draw(st.integers(0, 8))):
        due = draw(days)
        delivered = draw(st.one_of(st.none(), st.integers(-20, 40).map(
            lambda n, due=due: due + dt.timedelta(days=n))))
        out.append(milestone(f"m{i}", due, delivered))
    return tuple(out)


def late_on(m: Milestone, day: D) -> bool:
    """Brute force: due before ``day`` and not delivered by its due day."""
    return m.due < day and (m.delivered is None or m.delivered > m.due)


@settings(max_examples=60, deadline=None)
@given(milestone_sets(), st.sampled_from([0.0, 0.2, 0.5]))
def test_delivery_delay_matches_a_day_by_day_oracle(ms: tuple[Milestone, ...],
                                                     threshold: float) -> None:
    end = START + dt.timedelta(days=460)
    got = {(a.evidence["period"], a.date) for a in evaluate(
        partnership(milestones=ms), as_of=end,
        config=RuleConfig(delay_threshold=threshold)) if a.rule == "delivery_delay"}
    expected = set()
    for period in {period_start(m.due, 3) for m in ms}:
        in_period = [m for m in ms if period_start(m.due, 3) == period]
        day = period
        while day <= end:
            due = [m for m in in_period if m.due < day]
            if due and sum(late_on(m, day) for m in due) / len(due) > threshold:
                expected.add((period.isoformat(), day))
                break
            day += dt.timedelta(days=1)
    assert got == expected


@settings(max_examples=60, deadline=None)
@given(milestone_sets(), st.integers(1, 3))
def test_missed_milestones_matches_a_day_by_day_oracle(ms: tuple[Milestone, ...],
                                                       n: int) -> None:
    p = partnership(milestones=ms)
    config = RuleConfig(missed_periods=n)
    end = START + dt.timedelta(days=460)
    fired = [a.date for a in evaluate(p, as_of=end, config=config)
             if a.rule == "missed_milestones"]
    quarters = sorted({period_start(m.due, 3) for m in ms})

    def holds(day: D, last: D) -> bool:
        """n consecutive quarters ending with ``last`` each had a late milestone on day."""
        run = [last]
        while len(run) < n:
            prev = run[-1] - dt.timedelta(days=1)
            run.append(period_start(prev, 3))
        return all(any(late_on(m, day) for m in ms if period_start(m.due, 3) == q)
                   for q in run)

    expected = []
    for q in quarters:
        day = START
        while day <= end:
            if holds(day, q):
                expected.append(day)
                break
            day += dt.timedelta(days=1)
    assert sorted(fired) == sorted(expected)
    # ... and, as of any day, the trigger has fired iff the condition holds for some quarter.
    for probe in (START + dt.timedelta(days=k) for k in range(0, 460, 37)):
        assert any(d <= probe for d in fired) == any(holds(probe, q) for q in quarters)


@settings(max_examples=80, deadline=None)
@given(st.lists(st.sampled_from([1.0, 2.0, 3.0, 4.0, 5.0]), max_size=10), st.integers(1, 3))
def test_satisfaction_decline_fires_when_n_falls_in_a_row_begin(scores: list[float],
                                                                n: int) -> None:
    p = partnership(**satisfaction(*scores))
    fired = [a.evidence["scores"][-1] for a in evaluate(
        p, as_of=D(2040, 1, 1), config=RuleConfig(satisfaction_falls=n))
        if a.rule == "satisfaction_decline"]
    expected = []
    for i in range(n, len(scores)):
        now = all(scores[j] < scores[j - 1] for j in range(i - n + 1, i + 1))
        before = i - 1 >= n and all(scores[j] < scores[j - 1] for j in range(i - n, i))
        if now and not before:
            expected.append(scores[i] / 5)
    assert fired == pytest.approx(expected)


@settings(max_examples=40, deadline=None)
@given(st.lists(days, max_size=6, unique=True), st.integers(5, 60))
def test_cadence_reminder_fires_exactly_when_a_meeting_is_overdue(held: list[D],
                                                                  every: int) -> None:
    p = Partnership("p", "a", "b", properties={"team_days": every},
                    stages=(StageChange("s1", START, "active"),),
                    meetings=tuple(Meeting(f"m{i}", "team", d) for i, d in enumerate(held)))
    end = START + dt.timedelta(days=420)
    fired = {a.date for a in evaluate(p, as_of=end) if a.rule == "cadence"}
    expected = set()
    overdue_before = False
    day = START
    while day <= end:
        last = max([d for d in held if d < day], default=START)
        overdue = (day - last).days > every
        if overdue and not overdue_before:
            expected.add(day)
        overdue_before = overdue
        day += dt.timedelta(days=1)
    assert fired == expected
