"""The weekly digest per owner (docs/method.md 4.3): for each person named on a partnership
(our lead, the partner's lead, the executive sponsor), what is late, what changed in the
last week and what is theirs to decide, as JSON and as the text of an e-mail.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from email.message import EmailMessage
from typing import Any

from ecosystem.dates import checked_day
from ecosystem.lifecycle.delivery import (
    EXECUTIVE_LEVELS,
    Smtp,
    checked_address,
    one_line,
    send_mail,
)
from ecosystem.lifecycle.health import diagnose
from ecosystem.lifecycle.records import Partnership
from ecosystem.lifecycle.rules import RuleConfig, evaluate
from ecosystem.lifecycle.status import drawn_band, status_from

__all__ = ["ROLES", "digest", "digest_text", "send_digest"]

#: The owners of a partnership: role -> (name field, e-mail field).
ROLES = {"lead": ("lead", "lead_email"), "partner lead": ("partner_lead", "partner_lead_email"),
         "executive sponsor": ("sponsor", "sponsor_email")}


def digest(partnerships: Iterable[Partnership], *, as_of: dt.date, days: int = 7,
           config: RuleConfig | None = None) -> dict[str, Any]:
    """One entry per owner, with their partnerships' late milestones and meetings, what
    changed since ``as_of - days`` (stages, new alerts, health band) and the decisions
    waiting (executive alerts, hard triggers, alerts that open a decision window such as a
    strategy change, reviews and buffer periods)."""
    day = checked_day(as_of)
    since = day - dt.timedelta(days=days)
    owners: dict[str, dict[str, Any]] = {}
    for p in sorted(partnerships, key=lambda p: p.id):
        report = _partnership(p, day, since, config)
        for role, (name_field, email_field) in ROLES.items():
            name = p.properties.get(name_field)
            email = p.properties.get(email_field)
            if not name and not email:
                continue
            who = str(email or name)
            entry = owners.setdefault(who, {"owner": str(name or email), "email": email,
                                            "roles": [], "partnerships": []})
            if role not in entry["roles"]:
                entry["roles"].append(role)
            entry["partnerships"].append({**report, "role": role})
    return {"as_of": day.isoformat(), "since": since.isoformat(),
            "owners": [owners[k] for k in sorted(owners)]}


def _partnership(p: Partnership, day: dt.date, since: dt.date,
                 config: RuleConfig | None) -> dict[str, Any]:
    alerts = evaluate(p, as_of=day, config=config)
    now = status_from(p, day, diagnose(p, as_of=day), alerts)
    before_alerts = evaluate(p, as_of=since, config=config)
    before = status_from(p, since, diagnose(p, as_of=since), before_alerts)
    late = [f"milestone {m.name or m.id} due {m.due.isoformat()} "
            f"({(day - m.due).days} days late)"
            for m in p.milestones if m.due < day and (m.delivered is None or m.delivered > day)]
    late += [a.message for a in now.open_alerts if a.rule == "cadence"]
    changed = [f"stage {s.stage} since {s.date.isoformat()}" + (f": {s.reason}" if s.reason
                                                                   else "")
               for s in p.stages if since < s.date <= day]
    changed += [f"new {a.level}: {a.message}" for a in now.open_alerts if a.date > since]
    if drawn_band(before) != drawn_band(now):
        changed.append(f"health {drawn_band(before)} -> {drawn_band(now)}")
    decide = [f"{a.level}: {a.message} -- {a.recommendation}"
              + (f" (decide by {a.buffer_until.isoformat()})" if a.buffer_until else "")
              for a in now.open_alerts
              if a.level in EXECUTIVE_LEVELS or a.buffer_until is not None]
    if now.stage in ("under_review", "buffer_period"):
        decide.append(f"stage {now.stage} since "
                      f"{now.stage_since.isoformat() if now.stage_since else '?'}: "
                      "continue, transform or exit")
    return {"id": p.id, "name": p.name or p.id, "stage": now.stage, "health": now.health,
            "band": drawn_band(now), "late": late, "changed": changed, "decide": decide}


def digest_text(entry: dict[str, Any], as_of: str, since: str) -> str:
    """One owner's digest as the plain text of an e-mail."""
    lines = [f"Partnership digest for {one_line(entry['owner'])} ({', '.join(entry['roles'])}),"
             f" {since} to {as_of}", ""]
    for p in entry["partnerships"]:
        health = f"{p['health']:.0f}" if p["health"] is not None else "no index yet"
        lines.append(f"{one_line(p['name'])} [{p['id']}] -- {p['stage']}, {p['band']} "
                     f"(health {health}); you are its {p['role']}")
        for heading, key in (("Late", "late"), ("Changed", "changed"),
                             ("To decide", "decide")):
            items = p[key]
            lines.append(f"  {heading}: " + ("none" if not items else ""))
            lines += [f"    - {one_line(item, 400)}" for item in items]
        lines.append("")
    return "\n".join(lines)


def send_digest(data: dict[str, Any], smtp: Smtp) -> dict[str, list[dict[str, str]]]:
    """E-mail each owner with an address their digest; returns who got one and who not."""
    sent, failed = [], []
    for entry in data["owners"]:
        if not entry["email"]:
            failed.append({"owner": entry["owner"], "error": "no e-mail address recorded"})
            continue
        try:
            to = checked_address(str(entry["email"]), f"owner {entry['owner']}")
            message = EmailMessage()
            message["From"] = smtp.sender
            message["To"] = to
            message["Subject"] = one_line(f"[ecosystem] partnership digest {data['as_of']}")
            message.set_content(digest_text(entry, data["as_of"], data["since"]))
            send_mail(smtp, [to], message)
        except Exception as error:
            failed.append({"owner": entry["owner"], "error": f"{type(error).__name__}: "
                           f"{str(error).replace(smtp.password or chr(0), '***')}"})
            continue
        sent.append({"owner": entry["owner"], "to": to})
    return {"sent": sent, "failed": failed}
