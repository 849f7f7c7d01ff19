"""Collection actions that follow each delinquency, derived in SQL from when installments were settled.

Installment k is the oldest unpaid one from the day after its due date (or the day the one before it
was settled, if later) until the day it is settled. On that stretch the DPD is day - due_date, and the
collection strategy acts at fixed DPDs: reminders first, calls, letters, field visits from M3, legal
steps from M4. A call answered shortly before a payment becomes a promise to pay that was kept; other
promises are broken. Randomness comes from hash(seed, ...), so the same seed gives the same actions.
"""

# (DPD, action type, share of delinquent loans that receive it)
STRATEGY = (
    (1, "sms", 100), (3, "ivr", 90), (5, "call", 85), (8, "sms", 60), (10, "call", 80), (15, "call", 75),
    (20, "sms", 60), (25, "call", 70), (31, "letter", 90), (35, "call", 80), (45, "call", 75),
    (55, "call", 70), (62, "field_visit", 35), (70, "call", 70), (85, "call", 60), (91, "legal_notice", 85),
    (100, "call", 55), (115, "call", 50), (121, "lawsuit", 25), (135, "call", 45), (150, "field_visit", 20),
    (165, "call", 40),
)

_STRATEGY_VALUES = ", ".join(f"({dpd}, '{kind}', {share})" for dpd, kind, share in STRATEGY)

COLLECTION_ACTIONS_SQL = f"""
INSERT INTO collection_actions
WITH strategy(dpd, action_type, share) AS (VALUES {_STRATEGY_VALUES}),
spells AS (
    SELECT s.loan_id, s.installment_no, s.due_date, s.amount_due, s.settled_on,
           coalesce(lag(s.settled_on, 1, DATE '1900-01-01') OVER w, DATE '9999-12-31') AS previous_settled_on,
           l.closed_date
    FROM installment_settlement s JOIN loans l USING (loan_id)
    WINDOW w AS (PARTITION BY s.loan_id ORDER BY s.installment_no)
),
acts AS (
    SELECT sp.loan_id, sp.installment_no, st.dpd, st.action_type,
           sp.due_date + st.dpd AS day, sp.settled_on, sp.amount_due,
           hash($seed, sp.loan_id, sp.installment_no, st.dpd) AS h
    FROM spells sp JOIN strategy st
      ON sp.due_date + st.dpd >= sp.previous_settled_on
     AND (sp.settled_on IS NULL OR sp.settled_on > sp.due_date + st.dpd)
     AND (sp.closed_date IS NULL OR sp.closed_date > sp.due_date + st.dpd)
     AND sp.due_date + st.dpd <= $as_of
    WHERE hash($seed, sp.loan_id, sp.installment_no, st.dpd, 'share') % 100 < st.share
),
outcomes AS (
    SELECT *,
           settled_on IS NOT NULL AND settled_on <= day + 7 AS pays_soon,
           h % 100 AS roll,
           action_type IN ('call', 'field_visit') AS human
    FROM acts
)
SELECT row_number() OVER (ORDER BY day, loan_id, dpd) AS action_id,
       loan_id,
       CAST(day AS TIMESTAMP) + to_seconds(9 * 3600 + h % (11 * 3600)) AS action_at,
       action_type,
       CASE WHEN human OR action_type IN ('legal_notice', 'lawsuit')
            THEN 'A' || lpad(CAST(h % 240 AS VARCHAR), 4, '0') ELSE 'system' END AS agent_id,
       CASE WHEN human AND dpd > 40 AND roll % 10 < 3 THEN 'third_party' ELSE 'debtor' END AS contact_party,
       CASE WHEN NOT human THEN CASE WHEN action_type = 'ivr' AND roll < 45 THEN 'no_answer' ELSE 'contacted' END
            WHEN pays_soon AND settled_on = day THEN 'paid'
            WHEN pays_soon AND roll < 75 THEN 'promise_to_pay'
            WHEN roll < 40 THEN 'no_answer'
            WHEN roll < 58 THEN 'contacted'
            WHEN roll < 74 THEN 'promise_to_pay'
            WHEN roll < 88 THEN 'refused'
            ELSE 'wrong_number' END AS outcome,
       CASE WHEN outcome = 'promise_to_pay' THEN amount_due * least(6, 1 + dpd // 30) END AS ptp_amount,
       CASE WHEN outcome = 'promise_to_pay'
            THEN CASE WHEN pays_soon THEN settled_on ELSE day + CAST(2 + roll % 6 AS INTEGER) END END AS ptp_date
FROM outcomes
ORDER BY action_id
"""
