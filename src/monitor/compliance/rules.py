"""The collection rules of the China Banking Association's 《金融机构个人消费类贷款催收工作指引（试行）》
(2026-01-30), each a set-oriented SQL check over collection actions.

Each rule names its provision (PROVISION: the guideline's section and topic as published; the article numbers are
the lender's compliance team's to add in the rule's label) and reads its figures from the book's settings
(compliance_*: the quiet hours, the attempt limit, the days a debtor counts as reachable), so that a new reading of
the rule is a setting, not code. A check is a query over two relations of FACTS columns:

- `scope`: the actions to judge;
- `history`: every action a judgement may look back on (the same contact's attempts that day, the debtor's answered
  contacts of the last days, a contact's request not to be contacted again).

Every judgement looks only at the action itself and at actions before it, of the same contact or the same loan;
monitor.compliance.violations relies on that to keep the violations current as actions arrive.

What an action is, for the rules:
- a contact: an SMS, an automated (IVR) or human call, or a field visit (letters and legal papers are not contacts
  at an hour);
- a phone attempt: an IVR or human call; it is unanswered when nobody picked up (answered false; NULL in older
  data: the outcome no_answer);
- the debtor was reached: a call or a visit of the debtor, answered, by the debtor (not a wrong number; an SMS
  sent is not an answer);
- the contact: contact_id, the hashed number or address (older data without one: the loan and the party).
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from monitor import book_schema as db  # not monitor.db: a migration judges the actions (no import circle)

CONTACT_TYPES = ("sms", "ivr", "call", "field_visit")
PHONE_TYPES = ("ivr", "call")
ANSWERABLE_TYPES = ("ivr", "call", "field_visit")  # a person answers (or not): the debtor can be reached by these

# What an action is for the rules, over collection_actions a (older rows' NULLs read as the schema says); the check
# before a call (monitor.compliance.contact_check) reads the same expressions.
PARTY = "coalesce(a.contact_party, 'debtor')"
CONTACT_KEY = f"coalesce(a.contact_id, CAST(a.loan_id AS VARCHAR) || ':' || {PARTY})"
ANSWERED = "coalesce(a.answered, a.outcome <> 'no_answer')"
REACHED = (f"({PARTY} = 'debtor' AND a.action_type IN {ANSWERABLE_TYPES} AND {ANSWERED} "
           "AND a.outcome NOT IN ('no_answer', 'wrong_number'))")
QUIET = "(hour({at}) >= $quiet_start OR hour({at}) < $quiet_end)"  # {at}: a timestamp in local time

# The columns every check reads.
FACTS = f"""a.action_id, a.loan_id, a.action_at, CAST(a.action_at AS DATE) AS day, a.action_type, a.agent_id,
    coalesce(a.agency_id, 'in_house') AS agency_id, {PARTY} AS contact_party, a.outcome,
    {CONTACT_KEY} AS contact_key, {ANSWERED} AS answered, {REACHED} AS reached,
    coalesce(a.debtor_consent, FALSE) AS consent,
    a.action_type IN {CONTACT_TYPES} AS is_contact,
    a.action_type IN {PHONE_TYPES} AS is_phone"""


@dataclass(frozen=True)
class Setting:
    key: str     # in the settings table
    name: str    # the SQL parameter the checks bind
    low: int     # the bounds an admin may set it within
    high: int


SETTINGS = (
    Setting("compliance_quiet_start_hour", "quiet_start", 18, 24),
    Setting("compliance_quiet_end_hour", "quiet_end", 0, 10),
    Setting("compliance_max_unanswered_attempts", "max_unanswered", 1, 20),
    Setting("compliance_debtor_reachable_days", "reachable_days", 1, 60),
)


@dataclass(frozen=True)
class Rule:
    code: str        # violations.rule; labels compliance.rule.<code>
    provision: str   # where the guideline says it (labels compliance.provision.<code>)
    parameters: tuple[str, ...]
    check: str       # SELECT s.action_id FROM scope s ... (FACTS columns; $parameters bound)


RULES = (
    Rule("quiet_hours", "催收行为规范 · 催收时间", ("quiet_start", "quiet_end"), f"""
        SELECT s.action_id FROM scope s
        WHERE s.is_contact AND NOT (s.consent AND s.contact_party = 'debtor')
          AND {QUIET.format(at='s.action_at')}"""),
    Rule("attempts", "催收行为规范 · 催收频次", ("max_unanswered",), """
        SELECT c.action_id FROM (
            SELECT h.action_id,
                   count(*) FILTER (WHERE NOT h.answered) OVER (
                       PARTITION BY h.contact_key, h.day ORDER BY h.action_at, h.action_id
                       ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS unanswered_before
            FROM history h
            WHERE h.is_phone AND EXISTS (SELECT 1 FROM scope s WHERE s.is_phone AND s.contact_key = h.contact_key
                                                                 AND s.day = h.day)) c
        WHERE c.unanswered_before >= $max_unanswered AND c.action_id IN (SELECT action_id FROM scope)"""),
    Rule("third_party_reachable", "催收行为规范 · 第三人", ("reachable_days",), """
        SELECT s.action_id FROM scope s
        WHERE s.is_contact AND s.contact_party = 'unrelated_third_party'
          AND EXISTS (SELECT 1 FROM history d
                      WHERE d.loan_id = s.loan_id AND d.reached
                        AND d.action_at < s.action_at
                        AND d.action_at >= s.action_at - to_days(CAST($reachable_days AS INTEGER)))"""),
    Rule("do_not_contact", "催收行为规范 · 第三人", (), """
        SELECT s.action_id FROM scope s
        JOIN (SELECT d.contact_key, min(d.action_at) AS asked FROM requests d GROUP BY d.contact_key) r
          ON r.contact_key = s.contact_key AND s.action_at > r.asked
        WHERE s.is_contact"""),
)
CODES = tuple(rule.code for rule in RULES)


def parameters(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """The rules' figures as the book's settings hold them: {quiet_start: 22, quiet_end: 8, ...}."""
    stored = db.setting_values(con, [s.key for s in SETTINGS])
    return {s.name: int(stored[s.key]) for s in SETTINGS}


def facts(where: str = "TRUE") -> str:
    """SQL: the FACTS of the actions passing `where` (over the FACTS columns)."""
    return f"SELECT * FROM (SELECT {FACTS} FROM collection_actions a) WHERE {where}"


# The requests not to be contacted again that bind: a third party's (a debtor's does not end collection).
REQUESTS = "outcome = 'do_not_contact' AND contact_party <> 'debtor'"


def violations_sql(scope: str, history: str) -> str:
    """(rule, action_id) of every action of the relation `scope` that breaks a rule, `history` the relation the
    checks look back on: both SQL relations of FACTS columns (facts())."""
    checks = " UNION ALL ".join(f"SELECT '{rule.code}' AS rule, action_id FROM ({rule.check})" for rule in RULES)
    return f"""WITH scope AS ({scope}), history AS ({history}),
                    requests AS ({facts(REQUESTS)})
               {checks}"""
