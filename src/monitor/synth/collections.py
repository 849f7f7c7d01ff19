"""Collection actions that follow each delinquency, derived in SQL from when installments were settled.

Installment k is the oldest unpaid one from the day after its due date (or the day the one before it
was settled, if later) until the day it is settled. On that stretch the DPD is day - due_date, and the
collection strategy acts at fixed DPDs: reminders first, calls, letters, field visits from M3, legal
steps from M4. A call answered shortly before a payment becomes a promise to pay that was kept; other
promises are broken. Randomness comes from hash(seed, ...), so the same seed gives the same actions.

Conduct (issue 17): calls and visits from DPD 61 go to one of three outside agencies (AGENCIES) for a share of
loans. A call nobody answers is tried again the same day, up to 4 attempts in all, 30 minutes apart, within
09:00-20:30. Most collectors keep the 2026 collection guideline; three in-house collectors (PUSHING_AGENTS) and one
agency (PUSHING_AGENCY) push it: calls after 22:00 or before 08:00, up to 9 attempts a day, unrelated third
parties called while the debtor answers, and again after they asked not to be. Some debtors cannot be reached
(LOST_SHARE of loans): only then do the others call an unrelated third party. The others' dialer blocks what the
rules forbid (BLOCKED_SQL), but for a few slips. A debtor sometimes asks to be called
back after 22:00 (debtor_consent). A spouse is a related third party where the loan served the family.
Complaints follow violations (a share of each rule's), and a few follow answered calls and visits whatever the rules
say (abuse, privacy, impersonation: ten times as often where collectors push the rules).
"""

from monitor.compliance import contacts

# (DPD, action type, share of delinquent loans that receive it)
STRATEGY = (
    (1, "sms", 100), (3, "ivr", 90), (5, "call", 85), (8, "sms", 60), (10, "call", 80), (15, "call", 75),
    (20, "sms", 60), (25, "call", 70), (31, "letter", 90), (35, "call", 80), (45, "call", 75),
    (55, "call", 70), (62, "field_visit", 35), (70, "call", 70), (85, "call", 60), (91, "legal_notice", 85),
    (100, "call", 55), (115, "call", 50), (121, "lawsuit", 25), (135, "call", 45), (150, "field_visit", 20),
    (165, "call", 40),
)

_STRATEGY_VALUES = ", ".join(f"({dpd}, '{kind}', {share})" for dpd, kind, share in STRATEGY)
_FIRST_DPD = min(dpd for dpd, _, _ in STRATEGY)  # an installment settled by then gets no action (most of them)

# (id, name, contract start, fee rate on cash recovered, monthly fee): the outside agencies of the demo lender.
AGENCIES = (
    ("AG01", "华信资产管理有限公司", "2024-07-01", 0.18, 2000),
    ("AG02", "诚达信息服务有限公司", "2024-07-01", 0.20, 1500),
    ("AG03", "恒远商务咨询有限公司", "2024-07-01", 0.14, 800),
)
PUSHING_AGENCY = "AG03"
PUSHING_AGENTS = (17, 88, 203)  # in-house collectors A0017, A0088, A0203
OUTSOURCED_SHARE = 60  # % of loans whose calls and visits from DPD 61 an agency makes
LOST_SHARE = 10        # % of loans whose debtor answers no call

_PARTY = "hash($seed, loan_id, installment_no, dpd, 'party') % 100"
_TIMING = "hash($seed, loan_id, installment_no, dpd, 'time')"

COLLECTION_ACTIONS_SQL = f"""
INSERT INTO collection_actions BY NAME
WITH strategy(dpd, action_type, share) AS (VALUES {_STRATEGY_VALUES}),
spells AS (  -- the installments still unsettled on the strategy's first day after their due date
    SELECT * FROM (
        SELECT s.loan_id, l.customer_id, s.installment_no, s.due_date, s.amount_due, s.settled_on,
               coalesce(lag(s.settled_on, 1, DATE '1900-01-01') OVER w, DATE '9999-12-31') AS previous_settled_on,
               l.closed_date
        FROM installment_settlement s JOIN loans l USING (loan_id)
        WINDOW w AS (PARTITION BY s.loan_id ORDER BY s.installment_no)
    )
    WHERE (settled_on IS NULL OR settled_on > due_date + {_FIRST_DPD})
      AND (closed_date IS NULL OR closed_date > due_date + {_FIRST_DPD}) AND due_date + {_FIRST_DPD} <= $as_of
),
stretches AS (  -- the DPDs of the stretch: from the day the installment before was settled, until this one is
    SELECT *, previous_settled_on - due_date AS first_dpd,
           least(coalesce(settled_on, DATE '9999-12-31'), coalesce(closed_date, DATE '9999-12-31'),
                 CAST($as_of AS DATE) + 1) - due_date AS end_dpd
    FROM spells
),
acts AS (  -- two inequalities between columns: DuckDB's range join, not a nested loop over every pair
    SELECT sp.loan_id, sp.customer_id, sp.installment_no, st.dpd, st.action_type,
           sp.due_date + st.dpd AS day, sp.settled_on, sp.amount_due,
           hash($seed, sp.loan_id, sp.installment_no, st.dpd) AS h
    FROM stretches sp JOIN strategy st ON st.dpd >= sp.first_dpd AND st.dpd < sp.end_dpd
    WHERE hash($seed, sp.loan_id, sp.installment_no, st.dpd, 'share') % 100 < st.share
),
staffed AS (
    SELECT *,
           settled_on IS NOT NULL AND settled_on <= day + 7 AS pays_soon,
           h % 100 AS roll,
           action_type IN ('call', 'field_visit') AS human,
           hash($seed, loan_id, 'lost') % 100 < {LOST_SHARE} AS debtor_lost,
           CASE WHEN action_type IN ('call', 'field_visit') AND dpd >= 61
                 AND hash($seed, loan_id, 'outsourced') % 100 < {OUTSOURCED_SHARE}
                THEN 'AG0' || CAST(1 + hash($seed, loan_id, 'agency') % 3 AS VARCHAR) END AS agency_id
    FROM acts
),
conduct AS (
    SELECT *,
           CASE WHEN agency_id IS NOT NULL THEN agency_id || '-' || lpad(CAST(h % 25 AS VARCHAR), 3, '0')
                WHEN human OR action_type IN ('legal_notice', 'lawsuit')
                THEN 'A' || lpad(CAST(h % 240 AS VARCHAR), 4, '0') ELSE 'system' END AS agent_id,
           human AND (agency_id = '{PUSHING_AGENCY}'
                      OR (agency_id IS NULL AND h % 240 IN {tuple(PUSHING_AGENTS)})) AS pushes,
           {_PARTY} AS party_roll
    FROM staffed
),
parties AS (
    SELECT *,
           CASE WHEN NOT human OR dpd <= 40 THEN 'debtor'
                WHEN party_roll < 8 AND hash($seed, loan_id, 'family') % 100 < 40 THEN 'related_third_party'
                WHEN party_roll >= 80 AND (debtor_lost OR (pushes AND party_roll >= 88)) THEN 'unrelated_third_party'
                ELSE 'debtor' END AS contact_party
    FROM conduct
),
outcomes AS (
    SELECT *,
           CASE WHEN NOT human THEN CASE WHEN action_type = 'ivr' AND roll < 45 THEN 'no_answer' ELSE 'contacted' END
                WHEN pays_soon AND settled_on = day THEN 'paid'
                WHEN contact_party = 'unrelated_third_party'
                THEN CASE WHEN roll < 25 THEN 'do_not_contact' WHEN roll < 70 THEN 'contacted' ELSE 'no_answer' END
                WHEN contact_party = 'debtor' AND debtor_lost THEN 'no_answer'
                WHEN pays_soon AND roll < 75 THEN 'promise_to_pay'
                WHEN roll < 40 THEN 'no_answer'
                WHEN roll < 58 THEN 'contacted'
                WHEN roll < 74 THEN 'promise_to_pay'
                WHEN roll < 88 THEN 'refused'
                ELSE 'wrong_number' END AS step_outcome,
           ({_TIMING} >> 16) % 100 AS time_roll
    FROM parties
),
tries AS (  -- a call nobody answers is tried again the same day; an answered one was sometimes missed first
    SELECT *,
           CASE WHEN action_type <> 'call' THEN 1
                WHEN step_outcome = 'no_answer' AND pushes AND time_roll % 2 = 0 THEN 4 + (h >> 8) % 6
                WHEN step_outcome = 'no_answer' THEN 1 + (h >> 8) % 4
                ELSE 1 + (h >> 8) % 2 END AS attempts,
           CASE WHEN pushes AND time_roll < 8 THEN 'night'
                WHEN pushes AND time_roll < 12 THEN 'early'
                WHEN human AND NOT pushes AND contact_party = 'debtor' AND step_outcome NOT IN ('no_answer', 'paid')
                     AND time_roll < 2 THEN 'asked_late'
                ELSE 'day' END AS timing
    FROM outcomes
),
attempts AS (
    SELECT *, unnest(range(CAST(attempts AS BIGINT))) AS attempt FROM tries
),
timed AS (
    SELECT *,
           attempt = attempts - 1 AS last_try,
           CAST(day AS TIMESTAMP) + to_seconds(CASE timing
               WHEN 'night' THEN 22 * 3600 + {_TIMING} % 2400 + attempt * 300
               WHEN 'early' THEN 7 * 3600 + {_TIMING} % 1800 + attempt * 300
               WHEN 'asked_late' THEN 22 * 3600 + {_TIMING} % 1800
               ELSE 9 * 3600 + {_TIMING} % (11 * 3600 - (attempts - 1) * 1800) + attempt * 1800 END) AS action_at
    FROM attempts
)
SELECT row_number() OVER (ORDER BY action_at, loan_id, dpd, attempt) AS action_id,
       loan_id, action_at, action_type, agent_id, contact_party,
       CASE WHEN last_try THEN step_outcome ELSE 'no_answer' END AS outcome,
       CASE WHEN last_try AND step_outcome = 'promise_to_pay' THEN amount_due * least(6, 1 + dpd // 30) END
           AS ptp_amount,
       CASE WHEN last_try AND step_outcome = 'promise_to_pay'
            THEN CASE WHEN pays_soon THEN settled_on ELSE day + CAST(2 + roll % 6 AS INTEGER) END END AS ptp_date,
       {contacts.action_contact('contact_party', 'action_type', 'loan_id', 'customer_id', 'c.phone',
                                'party_roll % 2')} AS contact_id,
       timing = 'asked_late' AS debtor_consent,
       CASE WHEN action_type IN ('ivr', 'call', 'field_visit') THEN last_try AND step_outcome <> 'no_answer' END
           AS answered,
       CASE WHEN action_type = 'call' THEN CASE WHEN last_try AND step_outcome <> 'no_answer'
                                                THEN 40 + (h >> 12) % 560 ELSE 0 END
            WHEN action_type = 'field_visit' AND step_outcome <> 'no_answer' THEN 600 + (h >> 12) % 3000 END
           AS duration_seconds,
       agency_id,
       CASE WHEN human AND last_try AND step_outcome <> 'no_answer'
            THEN 'R' || substr(md5(CAST(h AS VARCHAR) || ':' || CAST(attempt AS VARCHAR)), 1, 12) END AS recording_id
FROM timed JOIN customers c USING (customer_id)
"""

AGENCIES_SQL = "INSERT INTO agencies VALUES " + ", ".join(
    f"('{agency}', '{name}', DATE '{start}', NULL, {fee}, {monthly})" for agency, name, start, fee, monthly in AGENCIES)

# Complaints: per 1,000 violations of each rule, the complaints they raise; per 10,000 answered calls and visits, the
# complaints about conduct the actions do not show.
_RAISED = ("CASE rule WHEN 'quiet_hours' THEN 60 WHEN 'attempts' THEN 40 WHEN 'third_party_reachable' THEN 80 "
           "ELSE 150 END")
_PUSHING = f"(agency_id = '{PUSHING_AGENCY}' OR agent_id IN {tuple(f'A{n:04d}' for n in PUSHING_AGENTS)})"

# A collector who keeps the rules asks the dialer first (monitor.compliance.contact_check): the contacts it would have
# blocked are not made, but for a few slips (SLIP_SHARE %). Run after the violations are judged; judge them again.
SLIP_SHARE = 10
BLOCKED_SQL = f"""
DELETE FROM collection_actions WHERE action_id IN (
    SELECT action_id FROM violations
    WHERE rule <> 'quiet_hours' AND NOT {_PUSHING} AND hash($seed, action_id, 'slip') % 100 >= {SLIP_SHARE})
"""

COMPLAINTS_SQL = f"""
INSERT INTO complaints
WITH raised AS (
    SELECT loan_id, action_at + to_seconds(3600 + h % (10 * 86400)) AS received_at,
           CASE rule WHEN 'quiet_hours' THEN 'time' WHEN 'attempts' THEN 'frequency' ELSE 'third_party' END
               AS category,
           agency_id, agent_id, h, TRUE AS from_violation
    FROM (SELECT *, hash($seed, action_id, rule, 'complaint') AS h FROM violations)
    WHERE h % 1000 < {_RAISED}
),
background AS (
    SELECT loan_id, action_at + to_seconds(3600 + h % (5 * 86400)) AS received_at,
           CASE h % 3 WHEN 0 THEN 'abuse' WHEN 1 THEN 'privacy' ELSE 'impersonation' END AS category,
           coalesce(agency_id, 'in_house') AS agency_id, agent_id, h, FALSE AS from_violation
    FROM (SELECT *, hash($seed, action_id, 'background') AS h FROM collection_actions
          WHERE action_type IN ('call', 'field_visit') AND answered)
    WHERE h % 10000 < CASE WHEN {_PUSHING} THEN 80 ELSE 10 END
),
complaints AS (
    SELECT *, received_at + to_seconds(86400 * (2 + (h >> 20) % 18)) AS resolving_at,
           (h >> 12) % 100 AS verdict
    FROM (SELECT * FROM raised UNION ALL SELECT * FROM background)
    WHERE received_at < CAST($as_of AS TIMESTAMP) + INTERVAL 1 DAY
)
SELECT row_number() OVER (ORDER BY received_at, loan_id, category) AS complaint_id, received_at, loan_id,
       CASE WHEN (h >> 8) % 20 < 3 THEN 'regulator_transfer' WHEN (h >> 8) % 20 < 14 THEN 'hotline'
            ELSE 'social_media' END AS channel,
       category, nullif(agency_id, 'in_house') AS agency_id, agent_id,
       CASE WHEN resolving_at >= CAST($as_of AS TIMESTAMP) + INTERVAL 1 DAY THEN NULL
            WHEN verdict < CASE WHEN from_violation THEN 70 ELSE 30 END THEN 'upheld'
            WHEN verdict < CASE WHEN from_violation THEN 90 ELSE 50 END THEN 'partly_upheld'
            ELSE 'not_upheld' END AS resolution,
       CASE WHEN resolving_at < CAST($as_of AS TIMESTAMP) + INTERVAL 1 DAY THEN resolving_at END AS resolved_at
FROM complaints
"""

# The live feed's complaints (monitor.live.command): each violation of the last COMPLAINT_DAYS days, at least an hour
# old, raises a complaint now with the chance its rule's share (_RAISED, per 1,000) spread over those days gives to
# the seconds since the feed's previous batch: complaints arrive at the generator's rate, a few a day.
COMPLAINT_DAYS = 10
FEED_COMPLAINTS_SQL = f"""
INSERT INTO complaints
SELECT (SELECT coalesce(max(complaint_id), 0) FROM complaints) + row_number() OVER (ORDER BY action_id),
       $now, loan_id,
       CASE WHEN r < 0.15 THEN 'regulator_transfer' WHEN r < 0.7 THEN 'hotline' ELSE 'social_media' END,
       CASE rule WHEN 'quiet_hours' THEN 'time' WHEN 'attempts' THEN 'frequency' ELSE 'third_party' END,
       nullif(agency_id, 'in_house'), agent_id, NULL, NULL
FROM (SELECT *, random() AS r FROM violations
      WHERE action_at >= $now - INTERVAL {COMPLAINT_DAYS} DAY AND action_at < $now - INTERVAL 1 HOUR)
WHERE random() < {_RAISED} / 1000.0 * $seconds / ({COMPLAINT_DAYS} * 86400)
"""
