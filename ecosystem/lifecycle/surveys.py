"""Two-sided satisfaction surveys (docs/method.md, stage 4.1).

Each side of a partnership answers the same questions (decision speed, resource support,
communication, value delivered, trust) on a 1-to-``scale_max`` scale. A *round* is one
side's answers in one calendar quarter. To keep answers anonymous a round is shown only when
at least ``min_group`` people answered (default 3); a smaller round is counted but its
averages are withheld. Averages are shares of the scale (answer / scale_max), so that forms
on different scales compare. The health index uses the shown rounds
(:func:`survey_series`); :func:`dimension_moves` names the dimension that moved most since
the side's previous round.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from ecosystem.lifecycle.records import Partnership, SurveyResponse
from ecosystem.model import SURVEY_DIMENSIONS

__all__ = ["MIN_GROUP", "SurveyRound", "dimension_moves", "survey_rounds", "survey_series"]

#: The fewest answers a round needs to be shown.
MIN_GROUP = 3


@dataclass(frozen=True)
class SurveyRound:
    """One side's answers in one quarter: how many, and (if shown) the mean share of the
    scale per dimension and over all dimensions."""

    side: str
    quarter: dt.date
    answers: int
    shown: bool
    means: dict[str, float]
    overall: float | None

    def as_dict(self) -> dict[str, Any]:
        return {"side": self.side, "quarter": self.quarter.isoformat(),
                "answers": self.answers, "shown": self.shown,
                "means": {d: round(v, 4) for d, v in self.means.items()},
                "overall": None if self.overall is None else round(self.overall, 4)}


def _quarter(day: dt.date) -> dt.date:
    return dt.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def survey_rounds(p: Partnership, *, as_of: dt.date, min_group: int = MIN_GROUP
                  ) -> list[SurveyRound]:
    """The rounds of answers given before ``as_of``, by quarter then side."""
    groups: dict[tuple[dt.date, str], list[SurveyResponse]] = {}
    for r in p.surveys:
        if r.date < as_of:
            groups.setdefault((_quarter(r.date), r.side), []).append(r)
    rounds = []
    for (quarter, side), answers in sorted(groups.items()):
        shown = len(answers) >= max(min_group, 1)
        means: dict[str, float] = {}
        if shown:
            for d in SURVEY_DIMENSIONS:
                values = [v / float(r.scale_max or 5) for r in answers
                          if (v := r.answers().get(d)) is not None]
                if values:
                    means[d] = sum(values) / len(values)
        overall = sum(means.values()) / len(means) if means else None
        rounds.append(SurveyRound(side, quarter, len(answers), shown, means, overall))
    return rounds


def survey_series(p: Partnership, *, as_of: dt.date, min_group: int = MIN_GROUP
                  ) -> list[tuple[dt.date, float, list[str]]]:
    """``(quarter, mean share over both sides, [])`` of every quarter with a shown round:
    the satisfaction the health index reads besides satisfaction KPIs."""
    by_quarter: dict[dt.date, list[float]] = {}
    for r in survey_rounds(p, as_of=as_of, min_group=min_group):
        if r.overall is not None:
            by_quarter.setdefault(r.quarter, []).append(r.overall)
    return [(q, sum(v) / len(v), []) for q, v in sorted(by_quarter.items())]


def dimension_moves(p: Partnership, *, as_of: dt.date, min_group: int = MIN_GROUP
                    ) -> dict[str, dict[str, Any]]:
    """Per side, its latest shown round against the one before: the change of every
    dimension (in shares of the scale) and the one that moved most."""
    out: dict[str, dict[str, Any]] = {}
    for side in ("company", "partner"):
        shown = [r for r in survey_rounds(p, as_of=as_of, min_group=min_group)
                 if r.side == side and r.shown]
        if len(shown) < 2:
            continue
        before, latest = shown[-2], shown[-1]
        changes = {d: round(latest.means[d] - before.means[d], 4)
                   for d in SURVEY_DIMENSIONS if d in latest.means and d in before.means}
        if not changes:
            continue
        most = max(changes, key=lambda d: (abs(changes[d]), d))
        out[side] = {"from": before.quarter.isoformat(), "to": latest.quarter.isoformat(),
                     "changes": changes, "most": most, "by": changes[most]}
    return out
