"""May we contact now? The collection rules (monitor.compliance.rules) asked of one contact at one moment, before a
call, a message or a visit: what a dialer calls, and `python -m monitor contact-check`.

The answer reads the same facts and settings as the violations: the hour (and the debtor's consent to a later
contact), the unanswered phone attempts to the contact today, whether an unrelated third party may be contacted (the
debtor reached in the last days), and a request not to be contacted again. One query over the actions of the day
and of the lookback window (the actions are stored in time order, so DuckDB reads only those days' row groups), and
the contact's request not to be contacted again from contact_requests (one key; only a third party's request binds).
The requests and the actions are read as their writers keep them (monitor.compliance.violations).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import duckdb

from monitor import book_schema as db  # the schema alone: monitor.db migrates books through this package
from monitor.compliance import rules
from monitor.i18n import t


@dataclass(frozen=True)
class Decision:
    """allowed, or blocked with every reason (rule codes of monitor.compliance.rules) and what it found."""

    allowed: bool
    reasons: tuple[str, ...]
    found: dict = field(default_factory=dict)  # unanswered_today, last_reached, asked_at, hour, and the limits

    def text(self, lang: str) -> str:
        if self.allowed:
            return t("compliance.check.allowed", lang, **self.found)
        return "; ".join(t(f"compliance.check.blocked.{code}", lang, **self.found) for code in self.reasons)

    def as_dict(self) -> dict:
        return {"allowed": self.allowed, "reasons": list(self.reasons),
                **{k: (v.isoformat(sep=" ") if isinstance(v, dt.datetime) else v) for k, v in self.found.items()}}


_CHECK_SQL = f"""
SELECT
    {rules.QUIET.format(at='CAST($at AS TIMESTAMP)')} AS quiet,
    (SELECT count(*) FROM collection_actions a
     WHERE a.action_at >= CAST(CAST($at AS DATE) AS TIMESTAMP) AND a.action_at < $at
       AND a.action_type IN {rules.PHONE_TYPES} AND {rules.CONTACT_KEY} = $contact AND NOT {rules.ANSWERED})
        AS unanswered_today,
    (SELECT max(a.action_at) FROM collection_actions a
     WHERE a.action_at >= $at - to_days(CAST($reachable_days AS INTEGER)) AND a.action_at < $at
       AND a.loan_id = $loan_id AND {rules.REACHED}) AS last_reached,
    (SELECT r.asked_at FROM contact_requests r
     WHERE $party <> 'debtor' AND r.contact_key = $contact AND r.asked_at < $at) AS asked_at
"""


def may_contact(con: duckdb.DuckDBPyConnection, loan_id: int, contact_id: str | None, party: str,
                at: dt.datetime, *, consent: bool = False, channel: str = "call") -> Decision:
    """Whether the lender may contact `contact_id` (a hashed number or address; None: the loan's `party` as older
    data knows it) as `party` (db.CONTACT_PARTIES) about `loan_id` at `at` (local time), `consent` the debtor's
    agreement to a contact at this hour, by `channel` (sms, ivr, call or field_visit; the attempt limit counts
    phone calls). The rules are those the violations judge afterwards."""
    if party not in db.CONTACT_PARTIES:
        raise ValueError(f"party must be one of {', '.join(db.CONTACT_PARTIES)}, not {party!r}")
    settings = rules.parameters(con)
    contact = contact_id if contact_id is not None else f"{loan_id}:{party}"
    quiet, unanswered, last_reached, asked_at = con.execute(
        _CHECK_SQL, {"at": at, "contact": contact, "loan_id": loan_id, "party": party,
                     **{k: settings[k] for k in ("quiet_start", "quiet_end", "reachable_days")}}).fetchall()[0]
    reasons = []
    if quiet and not (consent and party == "debtor"):
        reasons.append("quiet_hours")
    if channel in rules.PHONE_TYPES and unanswered >= settings["max_unanswered"]:
        reasons.append("attempts")
    if party == "unrelated_third_party" and last_reached is not None:
        reasons.append("third_party_reachable")
    if party != "debtor" and asked_at is not None:
        reasons.append("do_not_contact")
    found = {"hour": f"{at:%H:%M}", "unanswered_today": unanswered, "last_reached": last_reached,
             "asked_at": asked_at, **settings}
    return Decision(not reasons, tuple(reasons), found)
