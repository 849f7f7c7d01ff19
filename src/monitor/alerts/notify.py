"""Notifications that reach people: the outbox of alert events (enqueue) and its delivery (deliver_due).

enqueue(con, now) turns the alert_events no delivery holds yet for their contact point (monitor.alerts.contacts
ROUTE) into alert_deliveries: one message per contact point and evaluation, listing each change (grouped: fifty
limits changing in one evaluation make one message), its payload made once in the contact point's format
(monitor.alerts.messages). An event of a limit silenced at the time (alert_events.silenced, marked by the
evaluation) is not sent. A contact point is sent only the events that happened from its creation on
(contact_points.created_at, monitor.alerts.contacts says why): one added today does not receive the book's past, and
an event whose contact point does not exist yet is not sent to one added later. Enqueueing twice adds nothing: an
event is in at most one delivery per contact point. enqueue opens no transaction of its own: the evaluation may call
it in the transaction that writes the events, so that they and their messages land together.

deliver_due(path, now) sends every undelivered message whose next attempt is due, holding the book only while it
reads and writes (DESIGN.md §7), never during a network call:
1. claim (one short write): each due delivery's attempt is counted and its next attempt set after the backoff
   (BACKOFF_FIRST seconds doubling to BACKOFF_MAX), so another deliverer running at the same time leaves it alone;
2. send, the book closed: a webhook by HTTP POST (urllib, TIMEOUT seconds; a 2xx answer is delivered, but a WeCom or
   DingTalk answer with errcode != 0 is a refusal), e-mail by SMTP (smtplib, SMTP_SETTINGS);
3. record (one short write): delivered_at for each success; the error (last_error) for each failure, which stays
   undelivered, is tried again at its next attempt and listed by undelivered(), never dropped.
So a message is sent at most once per attempt and retried only when its attempt failed or was not recorded. The one
window that repeats a message: a process that ends (kill -9, power) after the receiver accepted it and before step 3
commits leaves it undelivered, and the next attempt (after the backoff) sends it again. Every payload carries its
delivery_id (a JSON field, the robots' markdown footer, the e-mail's Message-ID and X-Delivery-Id) for the receiver
to drop such a repeat.

SMTP settings, from the environment of the process that delivers (SMTP_SETTINGS):
    MONITOR_SMTP_HOST      the mail server (default localhost)
    MONITOR_SMTP_PORT      its port (default 25)
    MONITOR_SMTP_SENDER    the From address (default risk-monitor@localhost)
    MONITOR_SMTP_STARTTLS  1 to upgrade the connection with STARTTLS before sending (default 0)
    MONITOR_SMTP_USER, MONITOR_SMTP_PASSWORD  log in with these when both are set
"""

from __future__ import annotations

import datetime as dt
import email.message
import email.utils
import hashlib
import http.client
import json
import os
import smtplib
import urllib.error
import urllib.request
from pathlib import Path

import duckdb
import polars as pl

from monitor import db
from monitor.alerts import contacts, messages
from monitor.i18n import t

TIMEOUT = 10.0  # seconds: an HTTP POST's or an SMTP session's longest wait for the receiver
BACKOFF_FIRST = 30  # seconds after the first attempt, doubling after each next one ...
BACKOFF_MAX = 3600  # ... up to an hour; no limit on the attempts: a message is never given up
ROBOTS = ("wecom", "dingtalk")  # webhooks whose answer says in its errcode whether the message was taken
SMTP_SETTINGS = {"host": ("MONITOR_SMTP_HOST", "localhost"), "port": ("MONITOR_SMTP_PORT", "25"),
                 "sender": ("MONITOR_SMTP_SENDER", "risk-monitor@localhost"),
                 "starttls": ("MONITOR_SMTP_STARTTLS", "0"), "user": ("MONITOR_SMTP_USER", ""),
                 "password": ("MONITOR_SMTP_PASSWORD", "")}


def _pending(con: duckdb.DuckDBPyConnection) -> list[dict]:
    """The events no delivery holds yet for the contact point they go to, not silenced, that happened since the
    contact point was created, with the limit's name and metric and the contact point's name and kind; by contact
    point, evaluation and time."""
    cursor = con.execute(f"""
        WITH held AS (SELECT DISTINCT contact, unnest(event_ids) AS event_id FROM alert_deliveries)
        SELECT e.event_id, e.limit_id, l.name AS "limit", l.name_key, l.metric, l.segment, l.segment_value,
               e.from_state, e.to_state, e.value, e.level, e.as_of, e.happened_at, e.evaluation_id, c.name AS contact,
               c.kind
        FROM alert_events e
        JOIN limits l USING (limit_id)
        JOIN contact_points c ON c.name = {contacts.ROUTE}
        LEFT JOIN held h ON h.contact = c.name AND h.event_id = e.event_id
        WHERE h.event_id IS NULL AND NOT e.silenced AND e.happened_at >= c.created_at
        ORDER BY c.name, e.evaluation_id, e.happened_at, l.name, e.event_id""")
    names = [column[0] for column in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _units(metrics: set[str]) -> dict[str, str]:
    """Each metric's unit (monitor.alerts.catalog), for showing its value and level."""
    from monitor.alerts import catalog  # the metric layer and the model's monitoring: only once there is a message

    return {name: catalog.METRICS[name].unit for name in metrics if name in catalog.METRICS}


def _language(con: duckdb.DuckDBPyConnection) -> str | None:
    found = con.execute("SELECT value FROM settings WHERE key = 'language'").fetchall()
    return found[0][0] if found else None


def delivery_id(contact: str, event_ids: list[str]) -> str:
    """The delivery's id: the same contact point and events always make the same id."""
    return hashlib.sha256("\n".join([contact, *sorted(event_ids)]).encode()).hexdigest()[:24]


def enqueue(con: duckdb.DuckDBPyConnection, now: dt.datetime) -> int:
    """Queue the pending events as messages (one per contact point and evaluation) due at `now`; returns how many
    messages were queued. One INSERT: it lands whole or not at all."""
    events = _pending(con)
    if not events:
        return 0
    units = _units({event["metric"] for event in events})
    langs = messages.languages(_language(con))
    groups: dict[tuple[str, str, str], list[dict]] = {}
    for event in events:
        groups.setdefault((event["contact"], event["kind"], event["evaluation_id"]), []).append(
            {**event, "unit": units.get(event["metric"])})
    rows = []
    for (contact, kind, _), group in groups.items():
        ids = [event["event_id"] for event in group]
        key = delivery_id(contact, ids)
        rows.append({"delivery_id": key, "contact": contact, "event_ids": ids,
                     "payload": messages.dumps(messages.payload(kind, key, group, langs))})
    queued = pl.DataFrame(rows, schema={"delivery_id": pl.String, "contact": pl.String,
                                        "event_ids": pl.List(pl.String), "payload": pl.String})
    con.register("queued_deliveries", queued)
    try:
        db.run(con, """INSERT INTO alert_deliveries
                       SELECT delivery_id, contact, event_ids, $now, CAST(payload AS JSON), 0, $now, NULL, NULL
                       FROM queued_deliveries""", {"now": now})
    finally:
        con.unregister("queued_deliveries")
    return len(rows)


def undelivered(con: duckdb.DuckDBPyConnection, lang: str = "en") -> pl.DataFrame:
    """Every message not delivered yet, oldest first: delivery_id, contact, events (how many), limits (the limits it
    tells of: name and name_key each, for monitor.alerts.names), created_at, attempts, next_attempt_at, last_error
    (the last attempt's in `lang`, None before the first)."""
    waiting = con.sql("""
        WITH told AS (
            SELECT d.delivery_id, list_sort(list_distinct(list({'name': l.name, 'name_key': l.name_key}))) AS limits
            FROM (SELECT delivery_id, unnest(event_ids) AS event_id FROM alert_deliveries
                  WHERE delivered_at IS NULL) d
            JOIN alert_events e USING (event_id) JOIN limits l USING (limit_id)
            GROUP BY d.delivery_id)
        SELECT d.delivery_id, d.contact, len(d.event_ids) AS events, coalesce(t.limits, []) AS limits, d.created_at,
               d.attempts, d.next_attempt_at, d.last_error
        FROM alert_deliveries d LEFT JOIN told t USING (delivery_id)
        WHERE d.delivered_at IS NULL
        ORDER BY d.created_at, d.delivery_id""").pl()
    said = [failure_text(stored, lang) for stored in waiting["last_error"]]
    return waiting.with_columns(pl.Series("last_error", said, dtype=pl.String))


def claim(con: duckdb.DuckDBPyConnection, now: dt.datetime) -> list[tuple]:
    """Count an attempt of every due delivery and move its next attempt past the backoff (one transaction on `con`,
    read-write); returns (delivery_id, contact, payload, the contact point's kind and target, None when it no longer
    exists)."""
    try:
        with db.transaction(con):
            claimed = con.execute("""
                UPDATE alert_deliveries
                SET attempts = attempts + 1,
                    next_attempt_at = $now + to_seconds(CAST(least($first * pow(2, attempts), $most) AS BIGINT))
                WHERE delivered_at IS NULL AND next_attempt_at <= $now
                RETURNING delivery_id, contact, payload""",
                                  {"now": now, "first": BACKOFF_FIRST, "most": BACKOFF_MAX}).fetchall()
            points = {name: (kind, target) for name, kind, target in
                      con.execute("SELECT name, kind, target FROM contact_points").fetchall()}
    except duckdb.TransactionException:
        # Another deliverer of this process claimed some of them at the same moment ("Conflict on update"): the
        # rest stay due, for the next run; nothing is sent twice or lost.
        return []
    return [(key, contact, json.loads(payload), *points.get(contact, (None, None)))
            for key, contact, payload in sorted(claimed)]


def record(con: duckdb.DuckDBPyConnection, now: dt.datetime, outcomes: dict[str, str | None]) -> None:
    """Write each attempt's outcome (one transaction on `con`, read-write): None delivered at `now`, else the
    error."""
    with db.transaction(con):
        for key, error in outcomes.items():
            if error is None:
                db.run(con, "UPDATE alert_deliveries SET delivered_at = ?, next_attempt_at = NULL, "
                            "last_error = NULL WHERE delivery_id = ?", [now, key])
            else:
                db.run(con, "UPDATE alert_deliveries SET last_error = ? WHERE delivery_id = ?", [error, key])


def _on_book(path: str | Path, work, *args):
    con = db.connect(path)
    try:
        return work(con, *args)
    finally:
        con.close()


def send_all(claimed: list[tuple]) -> dict[str, str | None]:
    """Send what claim() returned, one after the other; each delivery's outcome (None: taken, else why not)."""
    return {key: send(contact, payload, kind, target) for key, contact, payload, kind, target in claimed}


def deliver_due(path: str | Path, now: dt.datetime) -> dict[str, int]:
    """Send every undelivered message due at `now`; returns {"due", "delivered", "failed"}."""
    outcomes = send_all(_on_book(path, claim, now))
    if outcomes:
        _on_book(path, record, now, outcomes)
    failed = sum(error is not None for error in outcomes.values())
    return {"due": len(outcomes), "delivered": len(outcomes) - failed, "failed": failed}


def _failure(code: str, **facts) -> str:
    """A failed attempt as alert_deliveries.last_error keeps it: its code and its facts as JSON, which
    failure_text says in the reader's language (a reason the network or the receiver gave stays as they gave it)."""
    return json.dumps({"code": code, **{name: str(value) for name, value in facts.items()}}, ensure_ascii=False)


def failure_text(stored: str | None, lang: str) -> str | None:
    """A failed attempt in `lang` (None: none yet); a text kept before failures had codes is shown as it is."""
    if stored is None:
        return None
    try:
        facts = json.loads(stored)
        code = facts.pop("code")
    except (ValueError, AttributeError, KeyError, TypeError):
        return stored
    return t(f"notify.failure.{code}", lang, **facts)


def send(contact: str, payload: dict, kind: str | None, target: str | None) -> str | None:
    """Send one message to the contact point (kind, target) as it is now; None when it was taken, else why not
    (_failure)."""
    if kind is None:
        return _failure("no_contact", contact=contact)
    if kind != payload["kind"]:
        return _failure("kind_changed", contact=contact, kind=kind, made_for=payload["kind"])
    if kind == "email":
        return send_email(target, payload)
    return post(target, payload["body"], payload["delivery_id"], robot=kind in ROBOTS)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A redirect is an error: urllib would follow a 302 with a GET without the body, and its 2xx would count the
    message delivered though nobody received it."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


_OPENER = urllib.request.build_opener(_NoRedirect)


def post(url: str, body: dict, key: str, *, robot: bool) -> str | None:
    """POST `body` as JSON; None on a 2xx answer (and, from a robot, errcode 0), else the error."""
    request = urllib.request.Request(url, data=json.dumps(body, ensure_ascii=False).encode(), method="POST",
                                     headers={"Content-Type": "application/json; charset=utf-8",
                                              "X-Delivery-Id": key})
    try:
        with _OPENER.open(request, timeout=TIMEOUT) as response:
            status, answer = response.status, response.read(65536)
    except urllib.error.HTTPError as exc:
        return _failure("http_error", status=exc.code, reason=exc.reason)
    except urllib.error.URLError as exc:  # the URL masked: the error is shown on the page (its token is not)
        return _failure("unreachable", url=contacts.masked(url), reason=exc.reason)
    except (OSError, http.client.HTTPException) as exc:
        return _failure("unreachable", url=contacts.masked(url), reason=exc)
    if not 200 <= status < 300:
        return _failure("http_status", status=status)
    if robot:
        try:
            found = json.loads(answer)
            code, why = found.get("errcode"), found.get("errmsg")
        except (ValueError, AttributeError):
            return _failure("robot_answer", answer=repr(answer[:200]))
        if code != 0:
            return _failure("robot_refused", errcode=code, errmsg=why)
    return None


def smtp_settings() -> dict[str, str]:
    return {name: os.environ.get(variable) or default for name, (variable, default) in SMTP_SETTINGS.items()}


def send_email(target: str, payload: dict) -> str | None:
    """Send the message by SMTP to every address of `target`; None when the server took it, else the error."""
    settings = smtp_settings()
    if not settings["port"].isdigit():
        return _failure("smtp_port", port=repr(settings["port"]))
    message = email.message.EmailMessage()
    message["Subject"] = payload["subject"]
    message["From"] = settings["sender"]
    message["To"] = ", ".join(contacts.addresses(target))
    message["Date"] = email.utils.formatdate(localtime=True)
    message["Message-ID"] = f"<{payload['delivery_id']}@monitor.alerts>"
    message["X-Delivery-Id"] = payload["delivery_id"]
    message.set_content(payload["text"])
    try:
        with smtplib.SMTP(settings["host"], int(settings["port"]), timeout=TIMEOUT) as server:
            if settings["starttls"] == "1":
                server.starttls()
            if settings["user"] and settings["password"]:
                server.login(settings["user"], settings["password"])
            server.send_message(message)
    except (smtplib.SMTPException, OSError) as exc:
        return _failure("smtp", server=f"{settings['host']}:{settings['port']}", reason=exc)
    return None
