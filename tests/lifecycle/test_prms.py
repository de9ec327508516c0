"""The PRMS (docs/method.md 4.3): the portfolio's data and dashboard, alerts delivered once
to a real webhook receiver and a real SMTP server (STARTTLS, AUTH) on loopback, and the
digest per owner."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import threading
from collections.abc import Iterator
from email import message_from_bytes
from email.policy import default as default_policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from ecosystem import EmbeddedStore, Store
from ecosystem import lifecycle as lc
from ecosystem.cli import cli
from ecosystem.editing import upsert_node
from ecosystem.errors import InvalidValue
from ecosystem.lifecycle.delivery import (
    Channels,
    Smtp,
    Webhook,
    alert_email,
    alert_key,
    notify,
    signature,
)
from ecosystem.lifecycle.digest import digest, digest_text
from ecosystem.lifecycle.portfolio import portfolio
from ecosystem.model import NodeKind
from tests.lifecycle.worked_case import PID, replay
from tests.servers import free_port

SECRET = "hook-secret-0123456789"


@pytest.fixture(scope="module")
def case(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The worked case, recorded once; tests copy the file before they write."""
    path = tmp_path_factory.mktemp("case") / "case.db"
    with EmbeddedStore(path) as store:
        replay(store)
        upsert_node(store, NodeKind.PARTNERSHIP, {
            "id": PID, "lead": "Ana Lead", "lead_email": "ana@voltra.example",
            "sponsor": "Sam Sponsor", "sponsor_email": "sam@voltra.example",
            "partner_lead": "Pia Partner"})
    return path


@pytest.fixture
def store(case: Path, tmp_path: Path) -> Iterator[Store]:
    copy = tmp_path / "case.db"
    copy.write_bytes(case.read_bytes())
    with EmbeddedStore(copy) as opened:
        yield opened


# -- the portfolio ------------------------------------------------------------------------


def test_portfolio_of_the_worked_case_by_hand(store: Store) -> None:
    data = portfolio(lc.load_partnerships(store), as_of=dt.date(2025, 10, 10))
    (row,) = data["rows"]
    assert row["id"] == PID and row["stage"] == "active"
    # two open warnings (the strategy change, the satisfaction decline) make a healthy
    # index of 80 a partnership to watch
    assert row["health"] == 80.0 and row["band"] == "healthy" and row["drawn_band"] == "watch"
    assert row["alerts"] == {"hard_trigger": 0, "executive": 0, "warning": 2, "reminder": 0}
    # due within 90 days of 2025-10-10: version 6, due 2025-12-31; nothing late
    assert [m["due"] for m in row["due_soon"]] == ["2025-12-31"] and row["late"] == []
    # the five risks by severity x likelihood; the top one scores 5 x 2
    assert row["risks"] == 5 and row["risk_max"] == 10
    cells = {(s + 1, k + 1): n for s, r in enumerate(data["heat"]) for k, n in enumerate(r) if n}
    assert sum(cells.values()) == 5 and cells[(5, 2)] == 1
    # quarterly trend: one point per quarter from the first record's quarter
    quarters = [q["quarter"] for q in row["trend"]]
    assert quarters[0] == "2024-01-01" and quarters[-1] == "2025-10-01"
    assert len(quarters) == 8
    assert {k["name"] for k in row["kpis"]} >= {"R&D cycle time", "User-experience score"}
    ux = next(k for k in row["kpis"] if k["name"] == "User-experience score")
    assert ux["actual"] == 133.0 and ux["target"] == 130.0
    assert ux["attainment"] == pytest.approx(133 / 130)
    assert data["totals"]["bands"]["watch"] == 1 and data["totals"]["due_soon"] == 1


def test_a_late_milestone_on_the_day(store: Store) -> None:
    # version 2 was due on 2024-12-31 and delivered on 2025-01-20: on 2025-01-15 it is late
    data = portfolio(lc.load_partnerships(store), as_of=dt.date(2025, 1, 15))
    (row,) = data["rows"]
    assert [(m["name"], m["days_late"]) for m in row["late"]] == [
        ("Fusion algorithm version 2", 15)]
    later = portfolio(lc.load_partnerships(store), as_of=dt.date(2025, 1, 21))["rows"][0]
    assert later["late"] == []  # delivered by then


# -- webhook ------------------------------------------------------------------------------


class Receiver:
    """A webhook receiver on loopback that records each POST and answers with the next
    status in ``statuses`` (then 200), ``delay`` seconds after it came."""

    def __init__(self, statuses: list[int] | None = None, delay: float = 0.0) -> None:
        self.received: list[dict[str, Any]] = []
        self.statuses = list(statuses or [])
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                outer.received.append({"headers": dict(self.headers), "body": body})
                threading.Event().wait(delay)
                status = outer.statuses.pop(0) if outer.statuses else 200
                self.send_response(status)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    r = Receiver()
    yield r
    r.close()


def test_each_alert_reaches_the_webhook_once(store: Store, receiver: Receiver) -> None:
    channels = Channels(webhook=Webhook(receiver.url, SECRET))
    day = dt.date(2025, 10, 10)
    first = notify(store, as_of=day, channels=channels, sleep=lambda s: None)
    assert first.open_alerts == 2 and len(first.sent) == 2 and first.failed == []
    assert len(receiver.received) == 2
    for request in receiver.received:
        headers, body = request["headers"], request["body"]
        # signed: HMAC-SHA256 of "timestamp.body" under the shared secret
        expected = "sha256=" + hmac.new(SECRET.encode(), headers["X-Ecosystem-Timestamp"]
                                        .encode() + b"." + body, hashlib.sha256).hexdigest()
        assert headers["X-Ecosystem-Signature"] == expected
        payload = json.loads(body)
        assert payload["type"] == "ecosystem.alert" and payload["partnership"] == PID
        assert payload["level"] == "warning" and payload["open"] is True
    # a re-run sends nothing twice
    again = notify(store, as_of=day, channels=channels, sleep=lambda s: None)
    assert again.sent == [] and again.already == 2 and len(receiver.received) == 2
    # the deliveries are records in the store, one per alert and channel
    records = store.nodes(NodeKind.DELIVERY)
    assert sorted(r.properties["alert"] for r in records) == sorted(
        item["alert"] for item in first.sent)
    assert {r.properties["channel"] for r in records} == {"webhook"}


def test_a_stopped_run_records_what_it_sent_and_leaves_the_rest(store: Store,
                                                                 receiver: Receiver) -> None:
    """A server shutting down stops a run between deliveries: each alert sent is recorded,
    the rest go out on the next run, none twice."""
    channels = Channels(webhook=Webhook(receiver.url, SECRET))
    day = dt.date(2025, 10, 10)
    first = notify(store, as_of=day, channels=channels, sleep=lambda s: None,
                   stop=lambda: len(receiver.received) >= 1)
    assert len(first.sent) == 1 and first.failed == [] and len(receiver.received) == 1
    assert [r.properties["alert"] for r in store.nodes(NodeKind.DELIVERY)] == [
        first.sent[0]["alert"]]
    second = notify(store, as_of=day, channels=channels, sleep=lambda s: None)
    assert len(second.sent) == 1 and second.already == 1 and len(receiver.received) == 2
    assert len({json.loads(r["body"])["id"] for r in receiver.received}) == 2


def test_a_failed_delivery_is_retried_and_only_then_remembered(store: Store) -> None:
    # the receiver fails every attempt of the first run (3 x 503), then accepts
    receiver = Receiver([503] * 3 + [503] * 3)
    try:
        channels = Channels(webhook=Webhook(receiver.url, SECRET))
        day = dt.date(2025, 10, 10)
        waits: list[float] = []
        first = notify(store, as_of=day, channels=channels, sleep=waits.append)
        assert first.sent == [] and len(first.failed) == 2
        assert "answered 503" in first.failed[0]["error"]
        assert waits == [0.5, 1.0, 0.5, 1.0]  # backoff between the three attempts
        assert store.nodes(NodeKind.DELIVERY) == []  # nothing marked sent
        second = notify(store, as_of=day, channels=channels, sleep=lambda s: None)
        assert len(second.sent) == 2 and second.failed == []
        assert len(store.nodes(NodeKind.DELIVERY)) == 2
    finally:
        receiver.close()


def test_a_refused_delivery_is_not_retried_in_the_run(store: Store) -> None:
    receiver = Receiver([400, 400])
    try:
        report = notify(store, as_of=dt.date(2025, 10, 10),
                        channels=Channels(webhook=Webhook(receiver.url)),
                        sleep=lambda s: None)
        assert len(report.failed) == 2 and len(receiver.received) == 2
    finally:
        receiver.close()


def test_an_alert_that_returns_is_new_again(store: Store, receiver: Receiver) -> None:
    """A meeting cadence alert resolved by a meeting and raised again later is sent again."""
    channels = Channels(webhook=Webhook(receiver.url, SECRET))
    lc.create_partnership(store, "acme-beta", "voltra", "cortex", stage="active",
                          date=dt.date(2026, 1, 5), executive_days=30)
    lc.add_records(store, NodeKind.MEETING, [
        {"partnership": "acme-beta", "level": "executive", "date": "2026-01-06"}])
    only = [lc.load_partnership(store, "acme-beta")]
    first = notify(store, as_of=dt.date(2026, 3, 1), channels=channels, partnerships=only)
    assert [i["alert"].split("|")[1] for i in first.sent] == ["cadence"]
    lc.add_records(store, NodeKind.MEETING, [
        {"partnership": "acme-beta", "level": "executive", "date": "2026-03-02"}])
    only = [lc.load_partnership(store, "acme-beta")]
    quiet = notify(store, as_of=dt.date(2026, 3, 3), channels=channels, partnerships=only)
    assert quiet.sent == [] and quiet.open_alerts == 0
    again = notify(store, as_of=dt.date(2026, 5, 1), channels=channels, partnerships=only)
    assert len(again.sent) == 1 and again.sent[0]["alert"] != first.sent[0]["alert"]
    assert len(receiver.received) == 2


def test_alert_keys_and_signatures_by_hand() -> None:
    alert = lc.Alert("cadence", "warning", "p", "a", "b", dt.date(2026, 3, 1), "m", "r",
                     {"level": "executive", "last": "2026-01-06"})
    assert alert_key(alert) == "p|cadence|2026-03-01|executive"
    assert signature("k", "1", b"{}") == "sha256=" + hmac.new(
        b"k", b"1.{}", hashlib.sha256).hexdigest()


def test_bad_channel_settings_are_named() -> None:
    with pytest.raises(InvalidValue, match="ECOSYSTEM_WEBHOOK_URL"):
        Channels.from_environment({"ECOSYSTEM_WEBHOOK_URL": "ftp://x"})
    with pytest.raises(InvalidValue, match="ECOSYSTEM_SMTP_FROM"):
        Channels.from_environment({"ECOSYSTEM_SMTP_HOST": "mail.example"})
    with pytest.raises(InvalidValue, match="ECOSYSTEM_SMTP_PORT"):
        Channels.from_environment({"ECOSYSTEM_SMTP_HOST": "m", "ECOSYSTEM_SMTP_FROM":
                                   "a@b.example", "ECOSYSTEM_SMTP_PORT": "x"})
    with pytest.raises(InvalidValue, match="ECOSYSTEM_ALERT_EMAILS"):
        Channels.from_environment({"ECOSYSTEM_SMTP_HOST": "m", "ECOSYSTEM_SMTP_FROM":
                                   "a@b.example",
                                   "ECOSYSTEM_ALERT_EMAILS": "x@y.example\r\nBcc: z@w.example"})
    with pytest.raises(InvalidValue, match="no alert channel"):
        notify(None, as_of=dt.date(2026, 1, 1), channels=Channels())  # type: ignore[arg-type]


# -- e-mail over a real SMTP server with STARTTLS and AUTH --------------------------------


class Mailbox:
    def __init__(self) -> None:
        self.messages: list[tuple[str, list[str], bytes]] = []
        self.logins: list[tuple[bytes, bytes]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.content))
        return "250 OK"


@pytest.fixture
def smtp_server(tmp_path: Path) -> Iterator[tuple[Smtp, Mailbox]]:
    """aiosmtpd on loopback: STARTTLS with a throwaway CA, AUTH required after TLS."""
    import ssl

    import trustme
    from aiosmtpd.controller import Controller
    from aiosmtpd.smtp import AuthResult, LoginPassword

    ca = trustme.CA()
    cert = ca.issue_cert("127.0.0.1", "localhost")
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    cert.configure_cert(context)
    ca_file = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(ca_file))
    box = Mailbox()

    def authenticator(server: Any, session: Any, envelope: Any, mechanism: str,
                      data: Any) -> AuthResult:
        ok = isinstance(data, LoginPassword) and (data.login, data.password) == (
            b"alerts", b"smtp-password-123")
        if isinstance(data, LoginPassword):
            box.logins.append((data.login, data.password))
        return AuthResult(success=ok, handled=False)  # a failure answers 535

    controller = Controller(box, hostname="127.0.0.1", port=free_port(), tls_context=context,
                            require_starttls=True, authenticator=authenticator,
                            auth_require_tls=True)
    controller.start()
    smtp = Smtp("127.0.0.1", "alerts@voltra.example", ("pmo@voltra.example",),
                port=controller.port, username="alerts",
                password="smtp-password-123", ca_file=str(ca_file))
    yield smtp, box
    controller.stop()


def test_alerts_are_mailed_once_over_starttls(store: Store,
                                              smtp_server: tuple[Smtp, Mailbox]) -> None:
    smtp, box = smtp_server
    day = dt.date(2025, 10, 10)
    report = notify(store, as_of=day, channels=Channels(email=smtp))
    assert len(report.sent) == 2 and report.failed == []
    assert len(box.messages) == 2 and box.logins == [(b"alerts", b"smtp-password-123")] * 2
    sender, to, content = box.messages[0]
    assert sender == "alerts@voltra.example"
    # warnings go to the PMO and the lead; the sponsor gets executive alerts only
    assert sorted(to) == ["ana@voltra.example", "pmo@voltra.example"]
    mail = message_from_bytes(content, policy=default_policy)
    assert mail["Subject"].startswith(f"[ecosystem] warning: {PID}: ")
    assert "What to do:" in mail.get_content()
    assert notify(store, as_of=day, channels=Channels(email=smtp)).sent == []
    assert len(box.messages) == 2


def test_a_wrong_password_is_reported_without_it(store: Store,
                                                 smtp_server: tuple[Smtp, Mailbox]) -> None:
    smtp, box = smtp_server
    wrong = Smtp(smtp.host, smtp.sender, smtp.to, smtp.port, smtp.username,
                 "not-the-password-42", ca_file=smtp.ca_file, timeout=5)
    report = notify(store, as_of=dt.date(2025, 10, 10), channels=Channels(email=wrong))
    assert len(report.failed) == 2 and box.messages == []
    # refused credentials are tried once a run, not once per alert
    assert "Authentication" in report.failed[0]["error"]
    assert report.failed[1]["error"].startswith("not tried: ")
    assert all("not-the-password-42" not in f["error"] for f in report.failed)
    assert "not-the-password-42" not in repr(wrong)
    assert store.nodes(NodeKind.DELIVERY) == []


def test_a_hostile_name_cannot_add_a_header() -> None:
    alert = lc.Alert("strategy_change", "executive", "p\r\nBcc: evil@x.example", "a", "b",
                     dt.date(2026, 1, 1), "Pivot\r\nBcc: evil@x.example\nX-Evil: 1", "r")
    message = alert_email(alert, "alerts@voltra.example", ["ana@voltra.example"])
    raw = message.as_bytes()
    headers = raw.split(b"\n\n", 1)[0]
    assert b"\nBcc:" not in headers and b"\nX-Evil" not in headers
    assert "evil@x.example" in message["Subject"]  # kept as text, on one line
    assert message["To"] == "ana@voltra.example"


def test_the_command_line_delivers_and_reports(case: Path, tmp_path: Path,
                                               receiver: Receiver) -> None:
    db = tmp_path / "cli.db"
    db.write_bytes(case.read_bytes())
    env = {"ECOSYSTEM_WEBHOOK_URL": receiver.url, "ECOSYSTEM_WEBHOOK_SECRET": SECRET}
    runner = CliRunner()
    args = ["--store", str(db), "alerts", "--as-of", "2025-10-10", "--notify"]
    first = runner.invoke(cli, args, env=env)
    assert first.exit_code == 0, first.output
    assert "sent 2, already sent 0, failed 0" in first.output
    second = runner.invoke(cli, args, env=env)
    assert "sent 0, already sent 2, failed 0" in second.output
    assert len(receiver.received) == 2
    assert SECRET not in first.output + second.output
    # an unreachable receiver: reported, exit code 1, nothing remembered as sent
    fresh = tmp_path / "fresh.db"
    fresh.write_bytes(case.read_bytes())
    broken = runner.invoke(cli, ["--store", str(fresh), *args[2:]],
                           env={"ECOSYSTEM_WEBHOOK_URL": f"http://127.0.0.1:{free_port()}/x"})
    assert broken.exit_code == 1 and "failed 2" in broken.output and "FAILED" in broken.output
    with EmbeddedStore(fresh) as opened:
        assert opened.nodes(NodeKind.DELIVERY) == []
    none = runner.invoke(cli, ["--store", str(db), "alerts", "--notify"], env={
        "ECOSYSTEM_WEBHOOK_URL": "", "ECOSYSTEM_SMTP_HOST": ""})
    assert none.exit_code != 0 and "no alert channel" in none.output


# -- digest -------------------------------------------------------------------------------


def test_digest_per_owner_by_hand(store: Store) -> None:
    data = digest(lc.load_partnerships(store), as_of=dt.date(2025, 1, 15), days=7)
    owners = {o["owner"]: o for o in data["owners"]}
    assert set(owners) == {"Ana Lead", "Pia Partner", "Sam Sponsor"}
    assert owners["Ana Lead"]["roles"] == ["lead"]
    assert owners["Sam Sponsor"]["email"] == "sam@voltra.example"
    (p,) = owners["Ana Lead"]["partnerships"]
    assert p["late"] == ["milestone Fusion algorithm version 2 due 2024-12-31 (15 days late)"]
    text = digest_text(owners["Ana Lead"], data["as_of"], data["since"])
    assert "Late:" in text and "Fusion algorithm version 2" in text
    # on 2025-10-10 the week saw the strategy change: a new warning, nothing to decide
    week = digest(lc.load_partnerships(store), as_of=dt.date(2025, 10, 10), days=30)
    (q,) = {o["owner"]: o for o in week["owners"]}["Ana Lead"]["partnerships"]
    assert any(c.startswith("new warning:") for c in q["changed"])
    # the strategy change opens a decision window (the buffer period) with its deadline
    assert [d for d in q["decide"] if "strategic direction" in d and "decide by" in d]


def test_digest_is_mailed_to_owners_with_an_address(store: Store,
                                                    smtp_server: tuple[Smtp, Mailbox]) -> None:
    from ecosystem.lifecycle.digest import send_digest

    smtp, box = smtp_server
    data = digest(lc.load_partnerships(store), as_of=dt.date(2025, 1, 15))
    result = send_digest(data, smtp)
    assert sorted(s["to"] for s in result["sent"]) == ["ana@voltra.example",
                                                       "sam@voltra.example"]
    assert [f["owner"] for f in result["failed"]] == ["Pia Partner"]  # no address recorded
    assert len(box.messages) == 2


@pytest.mark.slow
def test_serve_delivers_on_a_schedule(tmp_path: Path, receiver: Receiver) -> None:
    """`ecosystem serve --notify-every 1` delivers at start (and every minute after):
    a partnership with a late milestone today reaches the webhook once."""
    from tests.servers import serving

    db = tmp_path / "served.db"
    today = dt.date.today()
    with EmbeddedStore(db) as opened:
        replay(opened)
        lc.create_partnership(opened, "late-one", "voltra", "cortex", stage="active",
                              date=today - dt.timedelta(days=200), executive_days=366)
        lc.add_records(opened, NodeKind.MILESTONE, [
            {"partnership": "late-one", "name": "Overdue", "due":
             (today - dt.timedelta(days=40)).isoformat()}])
        expected = [a for a in lc.evaluate(lc.load_partnership(opened, "late-one"),
                                           as_of=today) if a.is_open]
    assert expected
    env = {"ECOSYSTEM_WEBHOOK_URL": receiver.url, "ECOSYSTEM_WEBHOOK_SECRET": SECRET}
    with serving(db, "--notify-every", "1", env=env):
        deadline = dt.datetime.now() + dt.timedelta(seconds=30)
        while len(receiver.received) < len(expected) and dt.datetime.now() < deadline:
            threading.Event().wait(0.2)
    sent = sorted(json.loads(r["body"])["id"] for r in receiver.received)
    assert [k for k in sent if k.startswith("late-one|")] == sorted(
        alert_key(a) for a in expected)
    with EmbeddedStore(db) as opened:
        assert {n.properties["alert"] for n in opened.nodes(NodeKind.DELIVERY)} >= set(
            sent)


@pytest.mark.slow
def test_a_server_stopped_mid_delivery_records_it(tmp_path: Path) -> None:
    """Stopping `ecosystem serve` while a webhook is being answered finishes that delivery
    and records it before the store closes (before: sent, not recorded, so sent again
    after the restart)."""
    from tests.servers import serving

    db = tmp_path / "served.db"
    with EmbeddedStore(db) as opened:
        replay(opened)
    slow = Receiver(delay=2.0)
    try:
        env = {"ECOSYSTEM_WEBHOOK_URL": slow.url, "ECOSYSTEM_WEBHOOK_SECRET": SECRET}
        with serving(db, "--notify-every", "1", env=env):
            deadline = dt.datetime.now() + dt.timedelta(seconds=30)
            while not slow.received and dt.datetime.now() < deadline:
                threading.Event().wait(0.1)
            threading.Event().wait(0.5)  # the answer is still 1.5 s away: stop now
        sent = {json.loads(r["body"])["id"] for r in slow.received}
        assert sent
        with EmbeddedStore(db) as opened:
            assert {n.properties["alert"] for n in opened.nodes(NodeKind.DELIVERY)} == sent
    finally:
        slow.close()


def test_scheduled_delivery_needs_one_process(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["--store", str(tmp_path / "x.db"), "serve",
                                      "--development", "--notify-every", "5",
                                      "--workers", "2"])
    assert result.exit_code != 0 and "one process" in result.output
    alone = CliRunner().invoke(cli, ["--store", str(tmp_path / "x.db"), "serve",
                                     "--development", "--notify-every", "5"],
                               env={"ECOSYSTEM_WEBHOOK_URL": "", "ECOSYSTEM_SMTP_HOST": ""})
    assert alone.exit_code != 0 and "needs an alert channel" in alone.output
