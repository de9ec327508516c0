"""Alerts that reach people (docs/method.md 4.3, smart alerts): each new open alert is sent
once to each configured channel, a webhook (a signed JSON POST) and e-mail over SMTP
(STARTTLS), and remembered in the store as a ``delivery`` record only once the channel
accepted it. A re-run sends nothing twice; a failed delivery is reported and tried again on
the next run; an alert that was resolved and fires again is a new alert (it has a new day).

Channels come from the environment (:meth:`Channels.from_environment`), so that secrets
never sit in a file of the project or on a command line, and are never logged.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import os
import re
import smtplib
import ssl
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from typing import Any
from urllib.parse import urlsplit

from ecosystem.errors import InvalidValue
from ecosystem.lifecycle.editing import node_table
from ecosystem.lifecycle.records import Partnership, load_partnerships
from ecosystem.lifecycle.rules import Alert, RuleConfig, evaluate_all
from ecosystem.model import NodeKind
from ecosystem.stores.base import Store

__all__ = ["EXECUTIVE_LEVELS", "Channels", "DeliveryReport", "Smtp", "Webhook", "alert_email",
           "alert_key", "checked_address", "notify", "one_line", "send_mail", "signature"]

#: Alert levels that also go to the executive sponsor ("reminds the executives").
EXECUTIVE_LEVELS = frozenset({"executive", "hard_trigger"})
_EMAIL = re.compile(r"[^@\s<>,;\"']+@[^@\s<>,;\"']+\.[^@\s<>,;\"']+\Z")
_ENV = "ECOSYSTEM_"


@dataclass(frozen=True)
class Webhook:
    """A JSON POST per alert, signed with HMAC-SHA256 of ``timestamp.body`` under the
    shared secret (headers ``X-Ecosystem-Timestamp`` and ``X-Ecosystem-Signature``)."""

    url: str
    secret: str | None = field(default=None, repr=False)
    attempts: int = 3
    timeout: float = 10.0

    def __post_init__(self) -> None:
        parts = urlsplit(self.url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise InvalidValue(f"the webhook URL {_safe_url(self.url)!r} is not an http(s) "
                               "URL; set ECOSYSTEM_WEBHOOK_URL to e.g. "
                               "https://hooks.example.com/ecosystem.",
                               field="ECOSYSTEM_WEBHOOK_URL", value=_safe_url(self.url))

    @property
    def host(self) -> str:
        return urlsplit(self.url).hostname or ""


@dataclass(frozen=True)
class Smtp:
    """E-mail over SMTP with STARTTLS (credentials from the environment, never logged)."""

    host: str
    sender: str
    to: tuple[str, ...] = ()
    port: int = 587
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    starttls: bool = True
    ca_file: str | None = None
    timeout: float = 20.0

    def __post_init__(self) -> None:
        for name, address in (("ECOSYSTEM_SMTP_FROM", self.sender),
                              *(("ECOSYSTEM_ALERT_EMAILS", a) for a in self.to)):
            checked_address(address, name)


@dataclass(frozen=True)
class Channels:
    webhook: Webhook | None = None
    email: Smtp | None = None

    @property
    def names(self) -> list[str]:
        return [n for n, c in (("webhook", self.webhook), ("email", self.email)) if c]

    @classmethod
    def from_environment(cls, env: Mapping[str, str] | None = None) -> Channels:
        """Channels from ``ECOSYSTEM_WEBHOOK_URL`` (and ``_SECRET``) and
        ``ECOSYSTEM_SMTP_HOST`` (and ``_PORT``, ``_USER``, ``_PASSWORD``, ``_FROM``,
        ``_STARTTLS``, ``_CA_FILE``, plus ``ECOSYSTEM_ALERT_EMAILS``, who gets every
        alert)."""
        env = os.environ if env is None else env

        def get(name: str) -> str | None:
            value = env.get(_ENV + name, "").strip()
            return value or None

        webhook = None
        if get("WEBHOOK_URL"):
            webhook = Webhook(str(get("WEBHOOK_URL")), get("WEBHOOK_SECRET"))
        email = None
        if get("SMTP_HOST"):
            port = get("SMTP_PORT") or "587"
            if not port.isdigit():
                raise InvalidValue(f"ECOSYSTEM_SMTP_PORT is {port!r}; give a port number such "
                                   "as 587.", field="ECOSYSTEM_SMTP_PORT", value=port)
            sender = get("SMTP_FROM")
            if sender is None:
                raise InvalidValue("ECOSYSTEM_SMTP_HOST is set but not ECOSYSTEM_SMTP_FROM; "
                                   "set it to the address alerts come from.",
                                   field="ECOSYSTEM_SMTP_FROM", value=None)
            email = Smtp(str(get("SMTP_HOST")), sender,
                         tuple(a.strip() for a in (get("ALERT_EMAILS") or "").split(",")
                               if a.strip()),
                         int(port), get("SMTP_USER"), get("SMTP_PASSWORD"),
                         get("SMTP_STARTTLS") != "0", get("SMTP_CA_FILE"))
        return cls(webhook, email)


@dataclass
class DeliveryReport:
    """What a run of :func:`notify` did."""

    sent: list[dict[str, str]] = field(default_factory=list)
    failed: list[dict[str, str]] = field(default_factory=list)
    already: int = 0
    open_alerts: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {"sent": self.sent, "failed": self.failed, "already_sent": self.already,
                "open_alerts": self.open_alerts}


def checked_address(address: str, where: str) -> str:
    """An e-mail address with no room for injected headers, else :class:`InvalidValue`."""
    if not _EMAIL.match(address or ""):
        raise InvalidValue(f"{where} is {address!r}, which is not one e-mail address; write "
                           "it as name@example.com.", field=where, value=address)
    return address


def alert_key(alert: Alert) -> str:
    """An alert's identity: partnership, rule, the day it was raised and what it is about
    (the incident, the meeting level or the period), so that one that was resolved and
    fires again later is a new alert."""
    subject = next((str(alert.evidence[k]) for k in ("incident", "level", "period")
                    if k in alert.evidence), "")
    return f"{alert.partnership}|{alert.rule}|{alert.date.isoformat()}|{subject}"


def signature(secret: str, timestamp: str, body: bytes) -> str:
    """``sha256=<hex>``: HMAC-SHA256 of ``timestamp.body`` under ``secret``."""
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + digest.hexdigest()


def notify(store: Store, *, as_of: dt.date, channels: Channels,
           config: RuleConfig | None = None, partnerships: Sequence[Partnership] | None = None,
           now: Callable[[], dt.datetime] | None = None,
           sleep: Callable[[float], None] = time.sleep,
           stop: Callable[[], bool] | None = None) -> DeliveryReport:
    """Send every open alert on ``as_of`` that a configured channel has not accepted yet.

    Each accepted delivery is recorded in the store at once (so a crash later in the run
    loses none); a failed one is reported in ``failed`` and left for the next run.
    ``stop``: asked before each delivery; once it says True the rest are left for the next
    run (a server shutting down finishes, and records, only the delivery in progress).
    """
    if not channels.names:
        raise InvalidValue("no alert channel is configured: set ECOSYSTEM_WEBHOOK_URL and/or "
                           "ECOSYSTEM_SMTP_HOST (see `ecosystem alerts --help`).",
                           field="channels", value=None)
    clock = now or (lambda: dt.datetime.now(dt.UTC))
    found = list(partnerships) if partnerships is not None else load_partnerships(store)
    by_id = {p.id: p for p in found}
    alerts = evaluate_all(found, as_of=as_of, config=config, open_only=True)
    done = {(str(n.properties.get("alert")), str(n.properties.get("channel")))
            for n in store.nodes(NodeKind.DELIVERY)}
    senders = _senders(channels, by_id, sleep)
    report = DeliveryReport(open_alerts=len(alerts))
    refused: dict[str, str] = {}  # channel -> why it will refuse the rest of this run too
    for alert in alerts:
        key = alert_key(alert)
        for channel, send in senders.items():
            if stop is not None and stop():
                return report
            if (key, channel) in done:
                report.already += 1
                continue
            if channel in refused:
                report.failed.append({"alert": key, "channel": channel,
                                      "error": f"not tried: {refused[channel]}"})
                continue
            try:
                recipients = send(alert, key)
            except (OSError, smtplib.SMTPException, InvalidValue, DeliveryFailed) as error:
                why = _safe_error(error, channels)
                report.failed.append({"alert": key, "channel": channel, "error": why})
                if isinstance(error, smtplib.SMTPAuthenticationError):
                    refused[channel] = why  # the same credentials will fail again
                continue
            sent = clock().strftime("%Y-%m-%dT%H:%M:%SZ")
            _record(store, key, channel, alert, sent, recipients)
            report.sent.append({"alert": key, "channel": channel, "to": recipients})
    return report


def _senders(channels: Channels, partnerships: Mapping[str, Partnership],
             sleep: Callable[[float], None]) -> dict[str, Callable[[Alert, str], str]]:
    """For each configured channel, a function that delivers one alert (with its key) and
    returns who got it, or raises."""
    senders: dict[str, Callable[[Alert, str], str]] = {}
    hook, smtp = channels.webhook, channels.email
    if hook is not None:
        def post(alert: Alert, key: str) -> str:
            _post(hook, alert, key, sleep)
            return hook.host

        senders["webhook"] = post
    if smtp is not None:
        def mail(alert: Alert, key: str) -> str:
            to = _recipients(smtp, partnerships[alert.partnership], alert)
            send_mail(smtp, to, alert_email(alert, smtp.sender, to))
            return ", ".join(to)

        senders["email"] = mail
    return senders


class DeliveryFailed(Exception):
    """A channel refused a delivery (an HTTP status other than 2xx)."""


def alert_payload(alert: Alert, key: str) -> dict[str, Any]:
    return {"type": "ecosystem.alert", "id": key, **alert.as_dict()}


def _post(hook: Webhook, alert: Alert, key: str, sleep: Callable[[float], None]) -> None:
    """POST the alert; retry connection failures and 5xx answers with backoff."""
    import httpx

    body = json.dumps(alert_payload(alert, key), ensure_ascii=False,
                      separators=(",", ":")).encode("utf-8")
    last: Exception | None = None
    for attempt in range(hook.attempts):
        if attempt:
            sleep(0.5 * 2 ** (attempt - 1))
        stamp = str(int(time.time()))
        headers = {"Content-Type": "application/json", "X-Ecosystem-Timestamp": stamp,
                   "X-Ecosystem-Event": "alert", "User-Agent": "ecosystem-alerts"}
        if hook.secret:
            headers["X-Ecosystem-Signature"] = signature(hook.secret, stamp, body)
        try:
            answer = httpx.post(hook.url, content=body, headers=headers, timeout=hook.timeout)
        except httpx.HTTPError as error:
            last = DeliveryFailed(f"webhook {hook.host}: {type(error).__name__}")
            continue
        if 200 <= answer.status_code < 300:
            return
        last = DeliveryFailed(f"webhook {hook.host} answered {answer.status_code}")
        if answer.status_code < 500 and answer.status_code != 429:
            break  # refused: asking again will not help
    raise last or DeliveryFailed(f"webhook {hook.host}: not sent")


def _recipients(smtp: Smtp, p: Partnership, alert: Alert) -> list[str]:
    """Who gets an alert: the always-recipients, our lead, and for executive alerts and
    hard triggers the executive sponsor."""
    wanted = list(smtp.to)
    fields = ["lead_email"] + (["sponsor_email"] if alert.level in EXECUTIVE_LEVELS else [])
    for name in fields:
        value = p.properties.get(name)
        if value:
            wanted.append(checked_address(str(value), f"partnership {p.id} {name}"))
    if not wanted:
        raise InvalidValue(f"no e-mail recipient for partnership {p.id}: set "
                           "ECOSYSTEM_ALERT_EMAILS or its lead_email.", field="lead_email",
                           value=None)
    return list(dict.fromkeys(wanted))


def one_line(text: str, limit: int = 200) -> str:
    """Text for a header: control characters (CR, LF ...) become spaces, so nothing in a
    partnership's name can add a header."""
    flat = "".join(" " if ord(c) < 32 or c in "\u2028\u2029\x7f" else c for c in text)
    return " ".join(flat.split())[:limit]


def alert_email(alert: Alert, sender: str, to: Iterable[str]) -> EmailMessage:
    """The e-mail for one alert: a plain-text body, the subject on one line."""
    message = EmailMessage()
    message["From"] = Address(addr_spec=sender)
    message["To"] = ", ".join(to)
    message["Subject"] = one_line(f"[ecosystem] {alert.level}: {alert.partnership}: "
                                   f"{alert.message}")
    message["Date"] = format_datetime(dt.datetime.now(dt.UTC))
    message["Message-ID"] = make_msgid(domain="ecosystem.local")
    lines = [f"Partnership: {alert.partnership} ({alert.company} + {alert.partner})",
             f"Alert: {alert.level}, rule {alert.rule}, raised {alert.date.isoformat()}",
             "", alert.message, "", f"What to do: {alert.recommendation}"]
    if alert.evidence:
        lines += ["", "Evidence: " + json.dumps(alert.evidence, default=str)]
    message.set_content("\n".join(lines) + "\n")
    return message


def send_mail(smtp: Smtp, to: Sequence[str], message: EmailMessage) -> None:
    context = ssl.create_default_context(cafile=smtp.ca_file)
    with smtplib.SMTP(smtp.host, smtp.port, timeout=smtp.timeout) as client:
        client.ehlo()
        if smtp.starttls:
            client.starttls(context=context)
            client.ehlo()
        if smtp.username:
            _login(client, smtp.username, smtp.password or "")
        refused = client.send_message(message, from_addr=smtp.sender, to_addrs=list(to))
        if refused:
            raise DeliveryFailed(f"the mail server refused {', '.join(sorted(refused))}")


def _login(client: smtplib.SMTP, user: str, password: str) -> None:
    """Log in with one mechanism (PLAIN, else LOGIN): refused credentials fail at once,
    instead of being offered again under every mechanism the server lists."""
    advertised = client.esmtp_features.get("auth", "").upper().split()
    for mechanism in ("PLAIN", "LOGIN"):
        if mechanism in advertised:
            client.user, client.password = user, password
            client.auth(mechanism, getattr(client, f"auth_{mechanism.lower()}"))
            return
    client.login(user, password)


def _safe_error(error: Exception, channels: Channels) -> str:
    """The error's text with every secret taken out."""
    text = f"{type(error).__name__}: {error}"
    secrets = [s for s in (channels.email.password if channels.email else None,
                           channels.webhook.secret if channels.webhook else None) if s]
    for secret in secrets:
        text = text.replace(secret, "***")
    return text


def _safe_url(url: str) -> str:
    parts = urlsplit(url)
    return parts._replace(netloc=parts.hostname or "", query="").geturl() if parts.netloc \
        else url[:40]


def _record(store: Store, key: str, channel: str, alert: Alert, sent: str,
            recipients: str) -> None:
    uid = hashlib.sha256(f"{key}|{channel}".encode()).hexdigest()[:16]
    row = {"id": f"delivery/{uid}", "alert": key, "channel": channel,
           "partnership": alert.partnership, "rule": alert.rule, "level": alert.level,
           "raised": alert.date, "sent": sent, "recipients": recipients}
    store.write([node_table(NodeKind.DELIVERY, [row], "alerts --notify")])
