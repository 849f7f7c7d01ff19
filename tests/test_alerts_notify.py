"""Notifications reach people (issue 16 item 3), with real receivers on 127.0.0.1: an HTTP server recording the bodies
it takes, and an SMTP server (aiosmtpd). A breach reaches the webhook and the mail server once; a receiver down, then
up, gets it once after the backoff; enqueueing twice queues nothing new; the robots' bodies have their documented
shape; a silenced limit's event is not sent; the book is not held while a receiver is called."""

from __future__ import annotations

import concurrent.futures
import datetime as dt
import email
import email.policy
import json
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from aiosmtpd.controller import Controller

from monitor import alerts_schema as schema
from monitor import db
from monitor.alerts import contacts, notify
from monitor.cli import main

NOW = dt.datetime(2026, 11, 30, 2, 0)
AT = dt.datetime(2026, 11, 30, 1, 30)
CREATED = dt.datetime(2026, 11, 29, 9, 0)  # the contact points of these tests: before the events
EVALUATION = "nightly-2026-11-29"
ZH_LINE = "30+ by balance：正常 → 红色预警，当前值 5.20%，阈值 5.00%，数据截至 2026-11-29"
EN_LINE = "30+ by balance: ok → red, value 5.20% against level 5.00%, as of 2026-11-29"


class Receiver:
    """An HTTP server on 127.0.0.1 answering each POST with the next of `answers` (status, JSON body; the last one
    repeats; a 3xx redirects to the same URL), recording every body it was sent and those it took (a 2xx answer).
    A GET is answered 200 and takes nothing."""

    def __init__(self, answers=((200, {"ok": True}),), port: int = 0, during=None):
        self.answers, self.sent, self.taken, self.headers = list(answers), [], [], []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                receiver.sent.append(body)
                receiver.headers.append(dict(self.headers))
                if during:
                    during()
                status, answer = receiver.answers.pop(0) if len(receiver.answers) > 1 else receiver.answers[0]
                if 200 <= status < 300:
                    receiver.taken.append(body)
                data = json.dumps(answer).encode()
                self.send_response(status)
                if 300 <= status < 400:
                    self.send_header("Location", receiver.url)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self):  # what a redirected POST would become: a 200 with no message taken
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


class Mailbox:
    """aiosmtpd's handler: keeps every message the SMTP server took."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.messages.append((envelope.rcpt_tos, message))
        return "250 OK"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp(monkeypatch):
    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    monkeypatch.setenv("MONITOR_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("MONITOR_SMTP_PORT", str(controller.port))
    monkeypatch.setenv("MONITOR_SMTP_SENDER", "monitor@lender.example")
    yield mailbox
    controller.stop()


@pytest.fixture
def receivers():
    started = []

    def start(*args, **kwargs):
        started.append(Receiver(*args, **kwargs))
        return started[-1]
    yield start
    for receiver in started:
        receiver.close()


@pytest.fixture
def book(tmp_path):
    """A book with the alert tables and three limits: two with their own contact 'risk-hook', one owned by
    'risk-team' without one."""
    path = tmp_path / "book.duckdb"
    con = db.connect(path, create=True)
    db.create_schema(con)
    db.run(con, schema.DDL)  # (once schema version 4 is in every book: there already, with its starter limits)
    db.run(con, "DELETE FROM limits")
    db.run(con, """INSERT INTO limits VALUES
        (1, '30+ by balance', 'dpd30_balance', NULL, NULL, 'above', 0.04, 0.05, 1, 'risk-team', 'risk-hook', true, 1,
         NULL),
        (2, 'PSI', 'model_psi', NULL, NULL, 'above', 0.1, 0.25, 1, 'model-team', 'risk-hook', true, 1, NULL),
        (3, 'Hours since batch', 'hours_since_batch', NULL, NULL, 'above', 26, 48, 2, 'risk-team', NULL, true, 1,
         NULL)""")
    con.close()
    return path


def write(path, sql: str, params=None):
    con = db.connect(path)
    try:
        db.run(con, sql, params)
    finally:
        con.close()


def read(path, sql: str, params=None) -> list[tuple]:
    con = db.connect(path, read_only=True)
    try:
        return con.execute(sql, params).fetchall()
    finally:
        con.close()


def event(path, event_id, limit_id, to_state, value, level, *, evaluation=EVALUATION, at=AT, from_state="ok",
          silenced=False):
    """An alert event as the evaluation writes it (monitor.alerts_schema.alert_events)."""
    write(path, "INSERT INTO alert_events VALUES (?, ?, ?, ?, DATE '2026-11-29', ?, ?, ?, ?, ?)",
          [event_id, limit_id, evaluation, at, from_state, to_state, value, level, silenced])


def contact(path, name, kind, target, now=CREATED):
    con = db.connect(path)
    try:
        contacts.add(con, name, kind, target, who="tester", now=now)
    finally:
        con.close()


def enqueue(path, now=NOW) -> int:
    con = db.connect(path)
    try:
        with db.transaction(con):
            return notify.enqueue(con, now)
    finally:
        con.close()


def undelivered(path):
    con = db.connect(path, read_only=True)
    try:
        return notify.undelivered(con)
    finally:
        con.close()


def test_a_breach_reaches_the_webhook_and_the_mail_server_once(book, receivers, smtp):
    hook = receivers()
    contact(book, "risk-hook", "webhook_json", hook.url)
    contact(book, "risk-team", "email", "risk@lender.example; cro@lender.example")
    event(book, "e1", 1, "red", 0.052, 0.05)
    event(book, "e2", 2, "amber", 0.12, 0.1)
    event(book, "e3", 3, "amber", 30.25, 26)
    assert enqueue(book) == 2  # risk-hook gets limits 1 and 2 in one message; risk-team (limit 3's owner) one
    assert notify.deliver_due(book, NOW) == {"due": 2, "delivered": 2, "failed": 0}

    assert len(hook.taken) == 1
    body = hook.taken[0]
    [(key,)] = read(book, "SELECT delivery_id FROM alert_deliveries WHERE contact = 'risk-hook'")
    assert body["delivery_id"] == key == hook.headers[0]["X-Delivery-Id"]
    assert [(e["event_id"], e["limit"], e["from_state"], e["to_state"], e["value"], e["level"], e["as_of"])
            for e in body["events"]] == [("e1", "30+ by balance", "ok", "red", 0.052, 0.05, "2026-11-29"),
                                         ("e2", "PSI", "ok", "amber", 0.12, 0.1, "2026-11-29")]
    assert body["title"] == "【风险限额】2 个限额状态变化 / [Risk limits] 2 limits changed state"
    assert ZH_LINE in body["text"] and EN_LINE in body["text"]
    assert "PSI: ok → amber, value 0.1200 against level 0.1000, as of 2026-11-29" in body["text"]

    [(to, message)] = smtp.messages
    assert to == ["risk@lender.example", "cro@lender.example"]
    [(key,)] = read(book, "SELECT delivery_id FROM alert_deliveries WHERE contact = 'risk-team'")
    assert message["Message-ID"] == f"<{key}@monitor.alerts>"
    assert message["From"] == "monitor@lender.example"
    assert message["Subject"] == "【风险限额】1 个限额状态变化 / [Risk limits] 1 limit changed state"
    text = message.get_content()
    assert "Hours since batch：正常 → 黄色预警，当前值 30.2 小时，阈值 26.0 小时，数据截至 2026-11-29" in text
    assert "Hours since batch: ok → amber, value 30.2 h against level 26.0 h, as of 2026-11-29" in text
    assert text.index("正常 → 黄色预警") < text.index("ok → amber")  # Chinese first, English below
    assert f"Delivery {key}" in text

    # delivered: neither a later run nor a later enqueue sends it again
    assert enqueue(book, NOW + dt.timedelta(hours=2)) == 0
    assert notify.deliver_due(book, NOW + dt.timedelta(hours=2)) == {"due": 0, "delivered": 0, "failed": 0}
    assert len(hook.sent) == 1 and len(smtp.messages) == 1
    assert undelivered(book).is_empty()
    assert read(book, "SELECT attempts, delivered_at, next_attempt_at, last_error FROM alert_deliveries") == \
        [(1, NOW, None, None)] * 2


def test_enqueue_twice_queues_one_message_per_event_and_contact(book, receivers):
    contact(book, "risk-hook", "webhook_json", receivers().url)
    event(book, "e1", 1, "red", 0.052, 0.05)
    assert enqueue(book) == 1
    assert enqueue(book) == 0
    event(book, "e4", 1, "resolved", 0.03, 0.04, evaluation="nightly-2026-11-30", from_state="red",
          at=AT + dt.timedelta(days=1))
    assert enqueue(book, NOW + dt.timedelta(days=1)) == 1  # the next evaluation's change: a message of its own
    assert enqueue(book, NOW + dt.timedelta(days=1)) == 0
    assert read(book, "SELECT contact, event_ids, attempts, next_attempt_at FROM alert_deliveries "
                      "ORDER BY created_at") == [("risk-hook", ["e1"], 0, NOW),
                                                 ("risk-hook", ["e4"], 0, NOW + dt.timedelta(days=1))]


def test_a_receiver_failing_then_up_gets_it_once_after_the_backoff(book, receivers):
    hook = receivers([(500, {"error": "down"}), (200, {"ok": True})])
    contact(book, "risk-hook", "webhook_json", hook.url)
    event(book, "e1", 1, "red", 0.052, 0.05)
    enqueue(book)
    assert notify.deliver_due(book, NOW) == {"due": 1, "delivered": 0, "failed": 1}
    waiting = undelivered(book)
    assert waiting.select("contact", "events", "limits", "attempts", "next_attempt_at", "last_error").rows() == \
        [("risk-hook", 1, [{"name": "30+ by balance", "name_key": None}], 1, NOW + dt.timedelta(seconds=30),
          "HTTP 500 Internal Server Error")]
    # not before its next attempt
    assert notify.deliver_due(book, NOW + dt.timedelta(seconds=29))["due"] == 0
    assert notify.deliver_due(book, NOW + dt.timedelta(seconds=30)) == {"due": 1, "delivered": 1, "failed": 0}
    assert len(hook.sent) == 2 and len(hook.taken) == 1
    assert hook.sent[0] == hook.taken[0]  # the same message, with the same delivery_id
    assert undelivered(book).is_empty()
    assert notify.deliver_due(book, NOW + dt.timedelta(hours=5))["due"] == 0
    assert len(hook.sent) == 2


def test_a_receiver_down_keeps_the_message_with_a_doubling_backoff(book):
    contact(book, "risk-hook", "webhook_json", f"http://127.0.0.1:{free_port()}/hook")  # nothing listens there
    event(book, "e1", 1, "red", 0.052, 0.05)
    enqueue(book)
    now, seen = NOW, []
    for _ in range(9):
        assert notify.deliver_due(book, now) == {"due": 1, "delivered": 0, "failed": 1}
        [(attempts, following, error)] = read(book, "SELECT attempts, next_attempt_at, last_error "
                                                    "FROM alert_deliveries")
        seen.append((following - now).total_seconds())
        now = following
    assert seen == [30, 60, 120, 240, 480, 960, 1920, 3600, 3600]
    assert attempts == 9 and json.loads(error)["code"] == "unreachable"
    said = {lang: notify.failure_text(error, lang) for lang in ("en", "zh")}
    assert said["en"].startswith("cannot reach http://127.0.0.1:") and "Connection refused" in said["en"]
    assert said["zh"].startswith("无法连接 http://127.0.0.1:") and "Connection refused" in said["zh"]
    assert undelivered(book)["attempts"].to_list() == [9]


def test_the_mail_server_down_then_up_gets_it_once(book, monkeypatch):
    port = free_port()
    monkeypatch.setenv("MONITOR_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("MONITOR_SMTP_PORT", str(port))
    contact(book, "risk-team", "email", "risk@lender.example")
    event(book, "e3", 3, "red", 50.0, 48)
    enqueue(book)
    assert notify.deliver_due(book, NOW)["failed"] == 1
    assert undelivered(book)["last_error"][0].startswith(f"SMTP 127.0.0.1:{port}: ")
    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        assert notify.deliver_due(book, NOW + dt.timedelta(seconds=30))["delivered"] == 1
        assert notify.deliver_due(book, NOW + dt.timedelta(hours=3))["due"] == 0
    finally:
        controller.stop()
    assert len(mailbox.messages) == 1


def test_the_robots_bodies_have_their_documented_shape(book, receivers):
    hook = receivers([(200, {"errcode": 0, "errmsg": "ok"})])
    write(book, "UPDATE limits SET contact = NULL")  # limits 1 and 3 go to risk-team, 2 to model-team
    contact(book, "risk-team", "wecom", hook.url + "?key=abc")
    contact(book, "model-team", "dingtalk", hook.url + "?access_token=xyz")
    event(book, "e1", 1, "red", 0.052, 0.05)
    event(book, "e2", 2, "amber", 0.12, 0.1)
    event(book, "e3", 3, "amber", 30.25, 26)
    assert enqueue(book) == 2
    assert notify.deliver_due(book, NOW)["delivered"] == 2
    keys = dict(read(book, "SELECT contact, delivery_id FROM alert_deliveries"))
    dingtalk, wecom = sorted(hook.taken, key=lambda body: "title" in body["markdown"], reverse=True)
    assert set(wecom) == {"msgtype", "markdown"} and wecom["msgtype"] == "markdown"
    assert set(wecom["markdown"]) == {"content"}
    content = wecom["markdown"]["content"]
    assert content.startswith("### 【风险限额】2 个限额状态变化\n> " + ZH_LINE + "\n> Hours since batch")
    assert "### [Risk limits] 2 limits changed state\n> " + EN_LINE in content
    assert content.endswith(f"投递编号 {keys['risk-team']}（重复收到同一编号时请忽略）\n"
                            f"Delivery {keys['risk-team']} (ignore a repeat of the same id)")
    assert set(dingtalk) == {"msgtype", "markdown"} and dingtalk["msgtype"] == "markdown"
    assert set(dingtalk["markdown"]) == {"title", "text"}
    assert dingtalk["markdown"]["title"] == "【风险限额】1 个限额状态变化 / [Risk limits] 1 limit changed state"
    assert "- PSI：正常 → 黄色预警，当前值 0.1200，阈值 0.1000，数据截至 2026-11-29" in dingtalk["markdown"]["text"]
    assert keys["model-team"] in dingtalk["markdown"]["text"]


def test_a_redirect_is_not_followed(book, receivers):
    """urllib would follow a 302 with a GET and no body: the message must stay undelivered instead."""
    hook = receivers([(302, {})])
    contact(book, "risk-hook", "webhook_json", hook.url)
    event(book, "e1", 1, "red", 0.052, 0.05)
    enqueue(book)
    assert notify.deliver_due(book, NOW) == {"due": 1, "delivered": 0, "failed": 1}
    assert undelivered(book)["last_error"].to_list() == ["HTTP 302 Found"]


def test_a_robot_refusing_the_message_keeps_it_undelivered(book, receivers):
    hook = receivers([(200, {"errcode": 310000, "errmsg": "keywords not in content"})])
    contact(book, "risk-hook", "dingtalk", hook.url)
    event(book, "e1", 1, "red", 0.052, 0.05)
    enqueue(book)
    assert notify.deliver_due(book, NOW) == {"due": 1, "delivered": 0, "failed": 1}
    assert undelivered(book)["last_error"].to_list() == [
        "refused by the robot: errcode 310000: keywords not in content"]


def test_a_long_group_is_cut_to_what_wecom_takes(book):
    contact(book, "risk-hook", "wecom", "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abc")
    values = ", ".join(f"({n}, 'limit {n:03d} ' || repeat('x', 40), 'dpd30_balance', NULL, NULL, 'above', 0.04, "
                       f"0.05, 1, 'o', 'risk-hook', true, 1, NULL)" for n in range(10, 60))
    write(book, f"INSERT INTO limits VALUES {values}")
    for n in range(10, 60):
        event(book, f"e{n}", n, "red", 0.06, 0.05)
    enqueue(book)
    [(payload,)] = read(book, "SELECT payload FROM alert_deliveries")
    content = json.loads(payload)["body"]["markdown"]["content"]
    assert len(content.encode()) <= 4096
    shown = content.count("> limit ") // 2  # each change in Chinese and English
    assert 0 < shown < 50
    assert f"……另有 {50 - shown} 项" in content and f"… and {50 - shown} more" in content


def test_a_silenced_limit_is_not_sent(book, receivers):
    hook = receivers()
    contact(book, "risk-hook", "webhook_json", hook.url)
    event(book, "e1", 1, "red", 0.052, 0.05, silenced=True)  # the evaluation marks it: the limit was silenced
    event(book, "e2", 2, "amber", 0.12, 0.1)
    assert enqueue(book) == 1
    notify.deliver_due(book, NOW)
    assert [[e["event_id"] for e in body["events"]] for body in hook.taken] == [["e2"]]
    assert enqueue(book, NOW + dt.timedelta(days=1)) == 0  # never sent, not later either
    assert read(book, "SELECT event_ids FROM alert_deliveries") == [(["e2"],)]


def test_a_new_contact_point_is_sent_the_events_after_it_not_the_past(book, receivers):
    """Events before the contact point was created are history (the Limits page), not news: only the later ones
    are sent, in the book's language."""
    write(book, "INSERT INTO settings VALUES ('language', 'en', 'Notifications in this language.')")
    event(book, "e1", 1, "red", 0.052, 0.05, evaluation="nightly-2026-11-28", at=AT - dt.timedelta(days=1))
    event(book, "e2", 2, "amber", 0.12, 0.1, evaluation="nightly-2026-11-28", at=AT - dt.timedelta(days=1))
    assert enqueue(book) == 0  # no contact point named risk-hook yet
    hook = receivers()
    contact(book, "risk-hook", "webhook_json", hook.url, now=AT - dt.timedelta(hours=1))
    assert enqueue(book) == 0  # e1 and e2 happened before it: not sent, now or later
    event(book, "e3", 1, "red", 0.052, 0.05, from_state="amber")
    assert enqueue(book) == 1
    assert notify.deliver_due(book, NOW)["delivered"] == 1
    [body] = hook.taken
    assert [e["event_id"] for e in body["events"]] == ["e3"]
    assert body["title"] == "[Risk limits] 1 limit changed state"
    assert body["text"] == (f"[Risk limits] 1 limit changed state\n- {EN_LINE.replace('ok →', 'amber →')}\n\n"
                            f"Delivery {body['delivery_id']} (ignore a repeat of the same id)")
    assert enqueue(book, NOW + dt.timedelta(days=1)) == 0
    assert read(book, "SELECT event_ids FROM alert_deliveries") == [(["e3"],)]


def test_a_contact_point_created_between_two_events_of_one_evaluation_gets_the_later(book, receivers):
    hook = receivers()
    event(book, "e1", 1, "red", 0.052, 0.05, at=AT - dt.timedelta(seconds=1))
    contact(book, "risk-hook", "webhook_json", hook.url, now=AT)
    event(book, "e2", 2, "amber", 0.12, 0.1, at=AT)  # at its creation: sent
    assert enqueue(book) == 1
    assert read(book, "SELECT event_ids FROM alert_deliveries") == [(["e2"],)]


def test_a_removed_contact_point_keeps_its_message_undelivered(book, receivers):
    hook = receivers()
    contact(book, "risk-hook", "webhook_json", hook.url)
    event(book, "e1", 1, "red", 0.052, 0.05)
    enqueue(book)
    con = db.connect(book)
    contacts.remove(con, "risk-hook", who="tester")
    con.close()
    assert notify.deliver_due(book, NOW)["failed"] == 1
    assert undelivered(book)["last_error"].to_list() == ["no contact point named risk-hook"]
    contact(book, "risk-hook", "webhook_json", hook.url)
    assert notify.deliver_due(book, NOW + dt.timedelta(seconds=30))["delivered"] == 1
    assert len(hook.taken) == 1


def test_a_contact_point_of_another_kind_now_or_a_bad_smtp_port_is_an_error_kept(book, receivers, monkeypatch):
    monkeypatch.setenv("MONITOR_SMTP_PORT", "twenty-five")
    contact(book, "risk-hook", "wecom", receivers().url)
    contact(book, "risk-team", "email", "risk@lender.example")
    event(book, "e1", 1, "red", 0.052, 0.05)
    event(book, "e3", 3, "amber", 30.25, 26)
    enqueue(book)
    con = db.connect(book)
    contacts.change(con, "risk-hook", "dingtalk", "https://oapi.dingtalk.com/robot/send?access_token=t",
                    who="tester")
    con.close()
    assert notify.deliver_due(book, NOW)["failed"] == 2
    assert sorted(undelivered(book)["last_error"].to_list()) == [
        "MONITOR_SMTP_PORT must be a port number, not 'twenty-five'",
        "contact point risk-hook is dingtalk now; this message was made for wecom"]


def test_the_book_is_not_held_while_a_receiver_is_called(book, receivers):
    """Another process opens the book read-write while the webhook is being called: the deliverer holds no lock."""
    opened = []

    def another_writer():
        code = f"import duckdb; duckdb.connect({str(book)!r}).close()"
        opened.append(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                                     timeout=60).returncode)
    hook = receivers(during=another_writer)
    contact(book, "risk-hook", "webhook_json", hook.url)
    event(book, "e1", 1, "red", 0.052, 0.05)
    enqueue(book)
    assert notify.deliver_due(book, NOW)["delivered"] == 1
    assert opened == [0]


@pytest.mark.parametrize(("kind", "target", "field", "message"), [
    ("webhook_json", "ftp://example.com/hook", "target",
     "contact point x: the target of a webhook is an http(s) URL (https://example.com/hook), not "
     "'ftp://example.com/hook'"),
    ("wecom", "https:///nohost", "target", None),
    ("dingtalk", "https://example.com/a b", "target", None),
    ("email", "risk@lender.example, not-an-address", "target",
     "contact point x: the target of an e-mail contact is one or more addresses separated by commas; "
     "'not-an-address' is not an address"),
    ("email", " , ", "target", None),
    ("sms", "13800000000", "kind", "contact point kind: 'sms' is not one of webhook_json, wecom, dingtalk, email"),
])
def test_a_bad_contact_point_is_refused_naming_the_field(book, kind, target, field, message):
    con = db.connect(book)
    try:
        with pytest.raises(contacts.ContactError) as refused:
            contacts.add(con, "x", kind, target, who="tester")
        assert contacts.listing(con).is_empty()
    finally:
        con.close()
    assert refused.value.field == field
    if message:
        assert str(refused.value) == message


def test_contact_points_are_added_changed_and_removed(book):
    con = db.connect(book)
    try:
        contacts.add(con, " risk-team ", "email", "risk@lender.example;cro@lender.example", who="anna")
        with pytest.raises(contacts.ContactError, match="contact point risk-team exists already"):
            contacts.add(con, "risk-team", "wecom", "https://example.com/hook", who="anna")
        assert contacts.listing(con).rows() == [("risk-team", "email", "risk@lender.example, cro@lender.example")]
        contacts.change(con, "risk-team", "wecom", "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k",
                        who="bo")
        assert contacts.listing(con).rows() == [
            ("risk-team", "wecom", "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k")]
        contacts.remove(con, "risk-team", who="cy")
        with pytest.raises(contacts.ContactError, match="there is no contact point named risk-team"):
            contacts.remove(con, "risk-team", who="cy")
        assert contacts.listing(con).is_empty()
    finally:
        con.close()


def test_every_contact_point_change_is_kept_with_who_when_before_and_after_its_token_masked(book):
    """As limits' versions are: who, when (the book's clock), the row before and after; a robot's key never kept."""
    con = db.connect(book)
    day = dt.datetime(2026, 12, 1, 9, 0)
    try:
        contacts.add(con, "risk-team", "wecom", "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=SECRET1",
                     who="anna", now=day)
        contacts.change(con, "risk-team", "wecom", "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=SECRET1",
                        who="bo", now=day)  # the same: nothing recorded
        contacts.change(con, "risk-team", "dingtalk", "http://u:pw@10.0.0.5:8080/robot/send?access_token=SECRET2",
                        who="bo", now=day + dt.timedelta(hours=1))
        contacts.change(con, "risk-team", "email", "risk@lender.example", who="cy", now=day + dt.timedelta(hours=2))
        contacts.remove(con, "risk-team", who="dee", now=day + dt.timedelta(hours=3))
        contacts.add(con, "risk-team", "webhook_json", "https://hooks.example.com/", who="ed",
                     now=day + dt.timedelta(hours=4))
        with pytest.raises(contacts.ContactError) as refused:
            contacts.remove(con, "risk-team", who=" ")
        history = contacts.versions(con, "risk-team")
        stored = con.execute("SELECT string_agg(CAST(before AS VARCHAR) || CAST(after AS VARCHAR), ' ') "
                             "FROM contact_point_versions").fetchall()[0][0]
    finally:
        con.close()
    assert refused.value.field == "who"
    wecom = {"name": "risk-team", "kind": "wecom", "target": "https://qyapi.weixin.qq.com/***"}
    ding = {"name": "risk-team", "kind": "dingtalk", "target": "http://10.0.0.5:8080/***"}
    mail = {"name": "risk-team", "kind": "email", "target": "risk@lender.example"}
    assert [(v["version"], v["changed_at"], v["changed_by"], v["before"], v["after"]) for v in history] == [
        (1, day, "anna", None, wecom),
        (2, day + dt.timedelta(hours=1), "bo", wecom, ding),
        (3, day + dt.timedelta(hours=2), "cy", ding, mail),
        (4, day + dt.timedelta(hours=3), "dee", mail, None),
        (5, day + dt.timedelta(hours=4), "ed", None,
         {"name": "risk-team", "kind": "webhook_json", "target": "https://hooks.example.com/"})]
    assert "SECRET" not in stored and "pw" not in stored


def test_the_command_line_manages_contacts_and_delivers(book, receivers, capsys):
    hook = receivers()
    assert main(["contacts", "add", "--db", str(book), "--name", "risk-hook", "--kind", "webhook_json",
                 "--target", hook.url, "--by", "ops@lender.example"]) == 0
    assert main(["contacts", "change", "--db", str(book), "--name", "risk-hook", "--kind", "webhook_json",
                 "--target", hook.url + "?token=t"]) == 0  # by default: command-line
    con = db.connect(book, read_only=True)
    try:
        assert [(v["changed_by"], v["after"]["target"]) for v in contacts.versions(con, "risk-hook")] == [
            ("ops@lender.example", hook.url.replace("/hook", "/***")),
            ("command-line", hook.url.replace("/hook", "/***"))]
    finally:
        con.close()
    assert main(["contacts", "change", "--db", str(book), "--name", "risk-hook", "--kind", "webhook_json",
                 "--target", hook.url]) == 0
    assert main(["contacts", "list", "--db", str(book)]) == 0
    assert capsys.readouterr().out == f"risk-hook\twebhook_json\t{hook.url}\n"
    assert main(["contacts", "add", "--db", str(book), "--name", "bad", "--kind", "webhook_json",
                 "--target", "example.com"]) == 2
    assert capsys.readouterr().err == ("monitor contacts: contact point bad: the target of a webhook is an http(s) "
                                       "URL (https://example.com/hook), not 'example.com'\n")
    assert main(["contacts", "remove", "--db", str(book)]) == 2
    assert capsys.readouterr().err == "monitor contacts: contacts remove needs --name\n"
    assert main(["contacts", "list", "--db", str(book), "--kind", "email"]) == 2
    assert capsys.readouterr().err == "monitor contacts: contacts list takes no --kind\n"
    [(created,)] = read(book, "SELECT created_at FROM contact_points")  # the book's clock when added
    event(book, "e0", 1, "amber", 0.045, 0.04, at=created - dt.timedelta(seconds=1))  # before it: not sent
    event(book, "e1", 1, "red", 0.052, 0.05, at=created + dt.timedelta(seconds=1))
    assert main(["alerts-deliver", "--db", str(book)]) == 0
    assert "queued 1, due 1, delivered 1, failed 0" in capsys.readouterr().err
    assert main(["alerts-deliver", "--db", str(book)]) == 0
    assert "queued 0, due 0, delivered 0, failed 0" in capsys.readouterr().err
    assert [body["events"][0]["event_id"] for body in hook.taken] == ["e1"]


def test_two_deliverers_at_once_send_a_message_once(book, receivers):
    """Each claims what is due in its own short write: the second finds the message's next attempt moved on."""
    hook = receivers(during=lambda: time.sleep(0.5))
    contact(book, "risk-hook", "webhook_json", hook.url)
    event(book, "e1", 1, "red", 0.052, 0.05)
    enqueue(book)
    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        summaries = list(pool.map(lambda _: notify.deliver_due(book, NOW), range(2)))
    assert sorted(summary["delivered"] for summary in summaries) == [0, 1]
    assert len(hook.sent) == 1


def test_the_delivery_loop_sends_each_new_event_within_seconds(book, receivers):
    """`alerts-deliver --loop`: an event written while it runs reaches the webhook at its next round, once."""
    hook = receivers()
    contact(book, "risk-hook", "webhook_json", hook.url)
    event(book, "e1", 1, "red", 0.052, 0.05, at=AT)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    deliverer = subprocess.Popen([sys.executable, "-m", "monitor", "alerts-deliver", "--db", str(book), "--loop",
                                  "0.2"], env=env, stderr=subprocess.PIPE, text=True)
    try:
        wait_for(lambda: len(hook.taken) == 1)
        event(book, "e2", 2, "amber", 0.12, 0.1, evaluation="intraday-1", at=AT)
        wait_for(lambda: len(hook.taken) == 2)
        time.sleep(1)  # a few more rounds: nothing is sent again
    finally:
        deliverer.terminate()
        deliverer.wait(timeout=30)
    assert [[e["event_id"] for e in body["events"]] for body in hook.sent] == [["e1"], ["e2"]]


def test_a_batch_crossing_a_level_reaches_the_webhook_from_the_intraday_loop(demo_db, tmp_path, receivers):
    """`alerts-deliver --loop --intraday` beside the live feed: a batch that takes a limit over its level is
    evaluated, queued and sent within seconds, once (the demo book's 30+ rate by balance is about 4.9 %)."""
    book = tmp_path / "demo.duckdb"
    shutil.copyfile(demo_db, book)
    hook = receivers()
    contact(book, "risk_manager", "webhook_json", hook.url)  # the starter limits' owner
    write(book, "UPDATE limits SET enabled = false")  # the starter limits: this test watches its own
    write(book, "INSERT INTO limits SELECT 100, 'Live 30+', 'dpd30_balance', NULL, NULL, 'above', 0.5, 0.9, 1, "
                "'risk_manager', NULL, true, 1, NULL")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    feed = subprocess.Popen([sys.executable, "-m", "monitor", "feed", "--db", str(book), "--rate", "50",
                             "--seed", "5"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deliverer = subprocess.Popen([sys.executable, "-m", "monitor", "alerts-deliver", "--db", str(book), "--loop",
                                  "0.5", "--intraday"], env=env, stderr=subprocess.PIPE, text=True)
    try:
        time.sleep(3)
        assert hook.sent == []  # evaluated, nothing crossed
        write(book, "UPDATE limits SET amber = 0.01, red = 0.02, version = 2 WHERE limit_id = 100")
        wait_for(lambda: len(hook.sent) == 1)
        time.sleep(2)  # more batches and rounds: the limit stays red, nothing is sent again
    finally:
        feed.terminate()
        deliverer.terminate()
        feed.wait(timeout=60)
        deliverer.wait(timeout=30)
    [body] = hook.sent
    assert [(e["limit"], e["to_state"]) for e in body["events"]] == [("Live 30+", "red")]


def wait_for(condition, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def test_a_starter_limit_is_named_in_each_language_of_the_message(book, receivers):
    """A starter limit (its name_key kept) reads in Chinese in the Chinese part and in English in the English one."""
    write(book, "UPDATE limits SET name = 'Score PSI', name_key = 'model_psi' WHERE limit_id = 2")
    hook = receivers()
    contact(book, "risk-hook", "dingtalk", hook.url)
    event(book, "e2", 2, "amber", 0.12, 0.1)
    enqueue(book)
    hook.answers = [(200, {"errcode": 0, "errmsg": "ok"})]
    assert notify.deliver_due(book, NOW)["delivered"] == 1
    text = hook.taken[0]["markdown"]["text"]
    assert "- 评分 PSI：正常 → 黄色预警，当前值 0.1200，阈值 0.1000，数据截至 2026-11-29" in text
    assert "- Score PSI: ok → amber, value 0.1200 against level 0.1000, as of 2026-11-29" in text
