"""Knowledge capture: past cases as a searchable library and a decision tree
(docs/method.md, stage 4.3).

Every resolved incident, transformation and exit of every partnership in the store is a
:class:`Case`: its context (category, severity, the stage it happened in, the fishbone
causes of its why-chain, the KPIs below target in the last review period before it) and
what was done (the *action*: the stage the partnership moved to within
:data:`ACTION_DAYS` days, else a clause update caused by it, else a remedial project of
milestones, else "continue"; and the remedy in words).

* :func:`case_library` lists and filters the cases (category, stage, fishbone cause, KPI
  gap, words);
* :func:`similar_cases` ranks past cases by the overlap (Jaccard) of their context with a
  new incident's;
* :func:`decision_tree` learns which action followed which context (scikit-learn's
  ``DecisionTreeClassifier``), prints its rules as text and, for a new incident, recommends
  an action with the past cases of the same leaf behind it;
* :func:`playbook` writes the library and the rules as a Markdown document.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

from ecosystem.errors import InvalidValue
from ecosystem.lifecycle.health import diagnose
from ecosystem.lifecycle.records import Incident, Partnership, load_partnerships
from ecosystem.model import Stage
from ecosystem.stores.base import Store

__all__ = ["ACTION_DAYS", "Case", "TreeAdvice", "advise", "case_library", "cases_of",
           "consult", "decision_tree", "playbook", "similar_cases"]

#: A stage change within this many days of an incident counts as what was done about it.
ACTION_DAYS = 183
_RESPONSE_STAGES = (Stage.BUFFER_PERIOD, Stage.UNDER_REVIEW, Stage.TRANSFORMED,
                    Stage.EXITING, Stage.ENDED)


@dataclass(frozen=True)
class Case:
    """One past incident, transformation or exit, with its context and what was done."""

    id: str
    partnership: str
    kind: str  # incident | transformation | exit
    date: dt.date
    title: str
    category: str
    severity: str | None
    stage: str | None
    causes: tuple[str, ...]
    root_cause: str | None
    kpi_gaps: tuple[str, ...]
    action: str
    done: str
    outcome: str

    def features(self) -> frozenset[str]:
        """The context as ``name:value`` items (what similarity and the tree read)."""
        return frozenset([f"category:{self.category}", f"kind:{self.kind}",
                          *([f"severity:{self.severity}"] if self.severity else []),
                          *([f"stage:{self.stage}"] if self.stage else []),
                          *(f"cause:{c}" for c in self.causes),
                          *(f"gap:{g}" for g in self.kpi_gaps)])

    def as_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["date"] = self.date.isoformat()
        out["causes"], out["kpi_gaps"] = list(self.causes), list(self.kpi_gaps)
        return out


def _gaps(p: Partnership, day: dt.date) -> tuple[str, ...]:
    periods = [h for h in diagnose(p, as_of=day) if h.kpis]
    if not periods:
        return ()
    return tuple(sorted({g.metric for g in periods[-1].kpis
                         if g.attainment is not None and g.attainment < 1}))


def _incident_case(p: Partnership, i: Incident, *, as_of: dt.date | None = None) -> Case:
    chain = [w for w in p.whys if w.incident == i.id]
    after = [s for s in p.stages if i.date <= s.date <= i.date + dt.timedelta(
        days=ACTION_DAYS) and s.stage in _RESPONSE_STAGES and (as_of is None or
                                                               s.date <= as_of)]
    if after:
        action = after[0].stage
    elif any(c.incident == i.id for c in p.clauses):
        action = "clause_update"
    elif any(m.incident == i.id for m in p.milestones):
        action = "remedial_project"
    else:
        action = "continue"
    done = "; ".join(x for x in (
        i.remedy, *(f"{s.stage}: {s.reason}" for s in after if s.reason),
        *(f"clause {c.clause} updated" for c in p.clauses if c.incident == i.id)) if x)
    return Case(
        id=i.id, partnership=p.id, kind="incident", date=i.date, title=i.name or i.id,
        category=i.category, severity=i.severity,
        stage=p.stage_on(i.date), causes=tuple(sorted({w.cause for w in chain if w.cause})),
        root_cause=chain[-1].why if chain else i.root_cause, kpi_gaps=_gaps(p, i.date),
        action=action, done=done or "-",
        outcome=f"resolved {i.resolved}" if i.resolved else "open")


def cases_of(p: Partnership) -> list[Case]:
    """The cases of one partnership: resolved incidents, transformations, exits."""
    out = [_incident_case(p, i) for i in p.incidents if i.resolved is not None]
    for before, change in zip(p.stages, p.stages[1:], strict=False):
        if change.stage in (Stage.TRANSFORMED, Stage.EXITING):
            kind = "transformation" if change.stage == Stage.TRANSFORMED else "exit"
            out.append(Case(
                id=f"{p.id}/{kind}/{change.date}", partnership=p.id, kind=kind,
                date=change.date, title=f"{p.name}: {change.form or change.stage}",
                category=kind, severity=None, stage=before.stage, causes=(),
                root_cause=change.reason, kpi_gaps=_gaps(p, change.date),
                action=change.stage, done=change.reason or "-",
                outcome=f"{change.stage} on {change.date}"
                        + (f" into {change.form}" if change.form else "")))
    return sorted(out, key=lambda c: (c.date, c.id))


def case_library(store: Store, *, category: str | None = None, stage: str | None = None,
                 cause: str | None = None, kpi_gap: str | None = None,
                 words: str | None = None) -> list[Case]:
    """Every case in the store, oldest first, filtered by what is given (words: in the
    title, root cause or what was done, any case)."""
    found = [c for p in load_partnerships(store) for c in cases_of(p)]
    if category:
        found = [c for c in found if c.category == category]
    if stage:
        found = [c for c in found if c.stage == stage]
    if cause:
        found = [c for c in found if cause in c.causes]
    if kpi_gap:
        found = [c for c in found if kpi_gap in c.kpi_gaps]
    if words:
        needle = words.lower()
        found = [c for c in found if needle in " ".join(
            x or "" for x in (c.title, c.root_cause, c.done)).lower()]
    return sorted(found, key=lambda c: (c.date, c.id))


def _query(store: Store, partnership: str, incident: str) -> tuple[Case, list[Case]]:
    """The context of one incident (resolved or not) and the other cases."""
    ps = load_partnerships(store)
    owner = next((p for p in ps if p.id == partnership), None)
    if owner is None:
        raise InvalidValue(f"no partnership {partnership!r}", field="partnership",
                           value=partnership)
    found = next((i for i in owner.incidents if i.id in (incident,
                                                         f"{partnership}/{incident}")), None)
    if found is None:
        raise InvalidValue(f"partnership {partnership!r} has no incident {incident!r}; its "
                           f"incidents: {', '.join(i.id for i in owner.incidents) or 'none'}",
                           field="incident", value=incident)
    query = _incident_case(owner, found, as_of=found.date)
    past = [c for p in ps for c in cases_of(p) if c.id != found.id and c.date <= found.date]
    return query, past


def similar_cases(store: Store, partnership: str, incident: str, *, top: int = 3
                  ) -> list[tuple[Case, float]]:
    """The past cases most like the incident (Jaccard overlap of their context), with the
    overlap; cases sharing nothing are left out."""
    return _similar(*_query(store, partnership, incident), top)


def _similar(query: Case, past: Sequence[Case], top: int) -> list[tuple[Case, float]]:
    want = query.features()
    scored = [(c, len(want & c.features()) / len(want | c.features())) for c in past]
    scored = [(c, round(s, 3)) for c, s in scored if s > 0]
    return sorted(scored, key=lambda cs: (-cs[1], cs[0].date))[:top]


@dataclass(frozen=True)
class TreeAdvice:
    """The rules learned from the cases, and (for an incident asked about) the action
    they recommend with the cases behind it."""

    rules: str
    cases: int
    action: str | None = None
    behind: tuple[Case, ...] = ()


def decision_tree(cases: Sequence[Case], *, query: Case | None = None,
                  max_depth: int = 4) -> TreeAdvice:
    """Learn which action followed which context; recommend one for ``query``."""
    from sklearn.tree import DecisionTreeClassifier, export_text

    if not cases:
        raise InvalidValue("no past case to learn from: resolve an incident, or record a "
                           "transformation or exit first", field="cases", value=0)
    vocabulary = sorted(set().union(*(c.features() for c in cases)))
    rows = [[1 if f in c.features() else 0 for f in vocabulary] for c in cases]
    labels = [c.action for c in cases]
    tree = DecisionTreeClassifier(max_depth=max_depth, random_state=0).fit(rows, labels)
    if len(tree.classes_) == 1:  # export_text would print a number for the one class
        rules = f"|--- class: {tree.classes_[0]} (the action of every case)\n"
    else:
        rules = export_text(tree, feature_names=vocabulary,
                            class_names=[str(c) for c in tree.classes_])
        # the features are 0 or 1: "x <= 0.50" reads "not x", "x >  0.50" reads "x"
        rules = re.sub(r"\|--- (\S+) <= 0\.50", r"|--- not \1", rules)
        rules = re.sub(r"\|--- (\S+) >  0\.50", r"|--- \1", rules)
    if query is None:
        return TreeAdvice(rules, len(cases))
    row = [[1 if f in query.features() else 0 for f in vocabulary]]
    leaf = tree.apply(row)[0]
    behind = tuple(c for c, at in zip(cases, tree.apply(rows), strict=True) if at == leaf)
    return TreeAdvice(rules, len(cases), str(tree.predict(row)[0]), behind)


def advise(store: Store, partnership: str, incident: str) -> TreeAdvice:
    """The tree's recommendation for one incident, learned from the cases before it (no
    action when there is none)."""
    return _advice(*_query(store, partnership, incident))


def _advice(query: Case, past: Sequence[Case]) -> TreeAdvice:
    return decision_tree(past, query=query) if past else TreeAdvice("", 0)


def consult(store: Store, partnership: str, incident: str, *, top: int = 3
            ) -> tuple[list[tuple[Case, float]], TreeAdvice]:
    """:func:`similar_cases` and :func:`advise` at once, reading the cases once."""
    query, past = _query(store, partnership, incident)
    return _similar(query, past, top), _advice(query, past)


def playbook(store: Store) -> str:
    """The case library and the decision rules as a Markdown document."""
    cases = case_library(store)
    lines = ["# Partnership playbook", "",
             f"{len(cases)} case(s) from the partnerships in this store: resolved "
             "incidents, transformations and exits, each with its context and what was "
             "done (docs/method.md, stage 4.3).", ""]
    for kind in ("incident", "transformation", "exit"):
        chosen = [c for c in cases if c.kind == kind]
        if not chosen:
            continue
        lines += [f"## {kind.capitalize()}s", ""]
        for c in chosen:
            lines += [f"### {c.date}: {_md(c.title)}", "",
                      f"- partnership: {_md(c.partnership)}; stage: {c.stage or '-'}; "
                      f"category: {c.category}" + (f"; severity: {c.severity}"
                                                   if c.severity else ""),
                      f"- root cause: {_md(c.root_cause or '-')}",
                      f"- fishbone causes: {', '.join(c.causes) or '-'}",
                      f"- KPIs below target: {', '.join(c.kpi_gaps) or '-'}",
                      f"- action: **{c.action}**; what was done: {_md(c.done)}",
                      f"- outcome: {c.outcome}", ""]
    if cases:
        advice = decision_tree(cases)
        lines += ["## Decision rules", "",
                  f"Learned from {advice.cases} case(s) (scikit-learn decision tree); each "
                  "leaf names the action taken in those cases.", "", "```",
                  advice.rules.rstrip(), "```", ""]
    return "\n".join(lines)


def _md(text: str) -> str:
    """Untrusted text safe in Markdown: no HTML, no link or emphasis syntax at work."""
    escaped = text.replace("\\", "\\\\").replace("<", "&lt;").replace(">", "&gt;")
    for ch in "`*_[]#|":
        escaped = escaped.replace(ch, "\\" + ch)
    return " ".join(escaped.split())
