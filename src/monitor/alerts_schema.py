"""The tables of limits and alerts. Part of every book from schema version 4, as below from version 5
(monitor.migrations).

- limits: one row per limit, its current version. A limit watches one metric of monitor.alerts.catalog on the whole
  book (segment NULL) or one segment value; it is breached when the value is above (direction 'above') or below
  ('below') its amber or red level; it fires after `pending` consecutive evaluations at that level. A starter
  limit's name is shown in the reader's language (name_key, monitor.alerts.names) until someone renames it.
- limit_versions: every change of a limit (who, when, the row before and after as JSON), version 1 its creation.
- alert_state: where each limit stands now (ok, amber, red), the level its value was last seen at (candidate) and
  for how many consecutive evaluations (streak), since when, the value last read (or why there was none), and the
  evaluation it was last judged in.
- alert_evaluations: each evaluation run once (its key: the day and the data it read), so evaluating twice changes
  nothing.
- alert_events: one row per change of state (to amber, to red, back to ok: 'resolved'), with the value and level;
  `silenced` when the limit was silenced at the time (recorded all the same, but notifications skip it).
- alert_acks and alert_silences: who acknowledged an event, with a comment; a limit silenced until a time.
  (Column names avoid DuckDB's reserved words AT and BY: happened_at, acked_at/acked_by, silenced_at/silenced_by.)
- contact_points and alert_deliveries: where notifications go (a webhook in plain JSON, WeCom's or DingTalk's group
  robot format, or e-mail) and since when (created_at: a contact point is sent the events from then on, not the
  book's past), and each message with its attempts until delivered (never lost, never sent twice).
- contact_point_versions: every change of a contact point (who, when, before and after as JSON, the target masked:
  monitor.alerts.contacts), as limit_versions are of limits; `after` NULL when it was removed.
- playbooks and drills: the steps a breach calls for, and each contingency drill run with its findings.
"""

from __future__ import annotations

STATES = ("ok", "amber", "red")
EVENT_STATES = ("amber", "red", "resolved")
DIRECTIONS = ("above", "below")
CONTACT_KINDS = ("webhook_json", "wecom", "dingtalk", "email")


def _in(values: tuple[str, ...]) -> str:
    return ", ".join(f"'{v}'" for v in values)


DDL = f"""
CREATE TABLE IF NOT EXISTS limits (
    limit_id      INTEGER PRIMARY KEY,
    name          VARCHAR NOT NULL UNIQUE,
    metric        VARCHAR NOT NULL,
    segment       VARCHAR,
    segment_value VARCHAR,
    direction     VARCHAR NOT NULL CHECK (direction IN ({_in(DIRECTIONS)})),
    amber         DOUBLE NOT NULL,
    red           DOUBLE NOT NULL,
    pending       INTEGER NOT NULL CHECK (pending >= 1),
    owner         VARCHAR NOT NULL,
    contact       VARCHAR,
    enabled       BOOLEAN NOT NULL,
    version       INTEGER NOT NULL,
    name_key      VARCHAR,  -- a starter limit's name in the catalog (monitor.alerts.names), NULL once renamed
    CHECK ((segment IS NULL) = (segment_value IS NULL))
);
CREATE TABLE IF NOT EXISTS limit_versions (
    limit_id   INTEGER NOT NULL,
    version    INTEGER NOT NULL,
    changed_at TIMESTAMP NOT NULL,
    changed_by VARCHAR NOT NULL,
    before     JSON,
    after      JSON,
    PRIMARY KEY (limit_id, version)
);
CREATE TABLE IF NOT EXISTS alert_state (
    limit_id       INTEGER PRIMARY KEY,
    state          VARCHAR NOT NULL CHECK (state IN ({_in(STATES)})),
    candidate      VARCHAR NOT NULL CHECK (candidate IN ({_in(STATES)})),
    streak         INTEGER NOT NULL,
    since          TIMESTAMP,
    value          DOUBLE,
    why            VARCHAR,  -- the value could not be read (alerts.why.<key>): state and streak were kept
    evaluation_id  VARCHAR NOT NULL
);
CREATE TABLE IF NOT EXISTS alert_evaluations (
    evaluation_id VARCHAR PRIMARY KEY,
    as_of         DATE NOT NULL,
    kind          VARCHAR NOT NULL CHECK (kind IN ('nightly', 'intraday')),
    evaluated_at  TIMESTAMP NOT NULL,
    limits        INTEGER NOT NULL,
    seconds       DOUBLE NOT NULL
);
CREATE TABLE IF NOT EXISTS alert_events (
    event_id      VARCHAR PRIMARY KEY,
    limit_id      INTEGER NOT NULL,
    evaluation_id VARCHAR NOT NULL,
    happened_at   TIMESTAMP NOT NULL,
    as_of         DATE NOT NULL,
    from_state    VARCHAR NOT NULL CHECK (from_state IN ({_in(STATES)})),
    to_state      VARCHAR NOT NULL CHECK (to_state IN ({_in(EVENT_STATES)})),
    value         DOUBLE,
    level         DOUBLE,
    silenced      BOOLEAN NOT NULL DEFAULT false  -- the limit was silenced then: recorded, not notified
);
CREATE TABLE IF NOT EXISTS alert_acks (
    event_id   VARCHAR NOT NULL,
    acked_at   TIMESTAMP NOT NULL,
    acked_by   VARCHAR NOT NULL,
    comment    VARCHAR NOT NULL
);
CREATE TABLE IF NOT EXISTS alert_silences (
    limit_id   INTEGER NOT NULL,
    until       TIMESTAMP NOT NULL,
    silenced_at TIMESTAMP NOT NULL,
    silenced_by VARCHAR NOT NULL,
    comment    VARCHAR NOT NULL
);
CREATE TABLE IF NOT EXISTS contact_points (
    name       VARCHAR PRIMARY KEY,
    kind       VARCHAR NOT NULL CHECK (kind IN ({_in(CONTACT_KINDS)})),
    target     VARCHAR NOT NULL,
    created_at TIMESTAMP NOT NULL  -- the book's clock: it is sent only the events that happened from then on
);
CREATE TABLE IF NOT EXISTS contact_point_versions (
    name       VARCHAR NOT NULL,
    version    INTEGER NOT NULL,
    changed_at TIMESTAMP NOT NULL,
    changed_by VARCHAR NOT NULL,
    before     JSON,
    after      JSON,
    PRIMARY KEY (name, version)
);
CREATE TABLE IF NOT EXISTS alert_deliveries (
    delivery_id     VARCHAR PRIMARY KEY,
    contact         VARCHAR NOT NULL,
    event_ids       VARCHAR[] NOT NULL,
    created_at      TIMESTAMP NOT NULL,
    payload         JSON NOT NULL,
    attempts        INTEGER NOT NULL,
    next_attempt_at TIMESTAMP,
    delivered_at    TIMESTAMP,
    last_error      VARCHAR
);
CREATE TABLE IF NOT EXISTS playbooks (
    limit_id   INTEGER PRIMARY KEY,
    steps      VARCHAR[] NOT NULL,
    owner      VARCHAR NOT NULL,
    decision   VARCHAR NOT NULL
);
CREATE TABLE IF NOT EXISTS drills (
    drill_id   VARCHAR PRIMARY KEY,
    run_at     TIMESTAMP NOT NULL,
    run_by     VARCHAR NOT NULL,
    as_of      DATE NOT NULL,
    scenario   JSON NOT NULL,
    findings   JSON NOT NULL,
    report     VARCHAR NOT NULL
);
"""
