"""The synthetic lender: deterministic, internally consistent, and shaped like a real consumer-finance book."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import numpy as np
import polars as pl
import pytest

from monitor import db, metrics, status
from monitor.synth import population
from monitor.synth.book import generate

from .conftest import DEMO_AS_OF

TABLES = ("customers", "loans", "installments", "payments", "collection_actions", "restructurings",
          "synthetic_truth", "loan_month")


@pytest.fixture
def con(demo_con):
    return demo_con


@pytest.fixture(scope="module")
def book_20k(tmp_path_factory):
    """A larger book for portfolio-level figures, where 4,000 loans would be too noisy."""
    path = tmp_path_factory.mktemp("book20k") / "book.duckdb"
    generate(path, 20_000, 11, DEMO_AS_OF)
    con = db.connect(path, read_only=True)
    yield con
    con.close()


def q(con, sql: str, **params):
    return con.sql(sql, params=params or None).fetchall()


def _table(path, table):
    con = db.connect(path, read_only=True)
    try:
        return con.sql(f"SELECT * FROM {table} ORDER BY ALL").pl()
    finally:
        con.close()


def test_same_seed_same_book_and_another_seed_another(tmp_path):
    paths = [tmp_path / f"{name}.duckdb" for name in ("a", "b", "c")]
    for path, seed in zip(paths, (5, 5, 6), strict=True):
        generate(path, 400, seed, DEMO_AS_OF)
    for table in TABLES:
        assert _table(paths[0], table).equals(_table(paths[1], table)), table
    assert not _table(paths[0], "payments").equals(_table(paths[2], "payments"))


def test_originations_span_24_months_up_to_as_of_and_nothing_happens_later(con):
    first, last = q(con, """SELECT min(origination_date), max(origination_date) FROM loans
                            WHERE parent_loan_id IS NULL""")[0]
    assert first == dt.date(2024, 11, 1)  # first day of the month 24 months before 2026-11
    assert last == DEMO_AS_OF
    months = q(con, "SELECT count(DISTINCT date_trunc('month', origination_date)) FROM loans")[0][0]
    assert months == 25
    assert q(con, "SELECT max(CAST(paid_at AS DATE)) FROM payments")[0][0] <= DEMO_AS_OF
    assert q(con, "SELECT max(CAST(action_at AS DATE)) FROM collection_actions")[0][0] <= DEMO_AS_OF
    assert q(con, "SELECT max(closed_date) FROM loans")[0][0] <= DEMO_AS_OF


def test_product_catalogue(con):
    rows = dict(q(con, "SELECT product, count(*) FROM loans GROUP BY 1"))
    assert set(rows) == {"cash_loan", "installment"}
    terms = {r[0] for r in q(con, "SELECT DISTINCT term_months FROM loans WHERE parent_loan_id IS NULL")}
    assert terms == {3, 6, 9, 12, 24}
    low, high, apr = q(con, """SELECT min(principal), max(principal), max(annual_rate)
                               FROM loans WHERE parent_loan_id IS NULL""")[0]
    assert 500 <= low and high <= 50_000 and apr <= Decimal("0.24")
    methods = {r[0] for r in q(con, "SELECT DISTINCT repayment_method FROM loans")}
    assert methods == {"equal_installment", "equal_principal"}
    # Every schedule repays exactly the principal.
    assert q(con, """SELECT count(*) FROM loans l JOIN (SELECT loan_id, sum(principal_due) p FROM installments
                     GROUP BY 1) i USING (loan_id) WHERE i.p <> l.principal""")[0][0] == 0


def test_equal_installment_schedules_have_a_level_payment(con):
    # 等额本息 without fees: every installment but the last (which absorbs rounding) is the same amount.
    spread = q(con, """
        SELECT max(hi - lo) FROM (
            SELECT i.loan_id, max(amount_due) hi, min(amount_due) lo
            FROM installments i JOIN loans l USING (loan_id)
            WHERE l.repayment_method = 'equal_installment' AND l.status IN ('active', 'charged_off')
              AND i.installment_no < l.term_months
            GROUP BY 1)""")[0][0]
    assert spread == 0


def test_charge_off_happens_exactly_on_the_policy_day(con):
    """The day before charge-off the loan is at DPD 180 (M6); from that day it is gone from the book."""
    grid = "SELECT loan_id, charge_off_date - 1 AS as_of FROM loans WHERE status = 'charged_off'"
    rows = con.sql(f"SELECT dpd, bucket, count(*) FROM ({status.grid_status_sql(grid)}) GROUP BY ALL",
                   params={"charge_off_dpd": 181}).fetchall()
    assert rows and all(dpd == 180 and bucket == "M6" for dpd, bucket, _ in rows)
    assert q(con, "SELECT count(*) FROM loans WHERE status = 'charged_off'")[0][0] == sum(r[2] for r in rows)


def test_paid_off_loans_close_the_day_their_last_installment_is_settled(con):
    mismatched = q(con, """
        SELECT count(*) FROM loans l
        JOIN (SELECT loan_id, max(settled_on) last_settled, bool_and(settled_on IS NOT NULL) all_settled
              FROM installment_settlement GROUP BY 1) s USING (loan_id)
        WHERE l.status = 'paid_off' AND NOT (s.all_settled AND s.last_settled = l.closed_date)""")[0][0]
    assert mismatched == 0
    assert q(con, "SELECT count(*) FROM loans WHERE status = 'paid_off'")[0][0] > 1000


def test_restructurings_close_the_old_loan_and_open_a_linked_one(con):
    kinds = {r[0] for r in q(con, "SELECT DISTINCT kind FROM restructurings")}
    assert kinds == {"extension", "reinstallment", "settlement"}
    broken = q(con, """
        SELECT count(*) FROM restructurings r
        JOIN loans o ON o.loan_id = r.old_loan_id JOIN loans n ON n.loan_id = r.new_loan_id
        WHERE o.closed_date <> r.restructured_on OR n.origination_date <> r.restructured_on
           OR n.parent_loan_id <> o.loan_id
           OR o.status <> CASE WHEN r.kind = 'settlement' THEN 'settled' ELSE 'restructured' END""")[0][0]
    assert broken == 0
    # Extensions and re-installments carry the whole balance plus the capitalized arrears; settlements less.
    grid = "SELECT old_loan_id AS loan_id, restructured_on - 1 AS as_of FROM restructurings"
    rows = con.sql(f"""
        SELECT r.kind, count(*) FILTER (WHERE n.principal = s.principal_balance + r.arrears_capitalized) exact,
               count(*) FILTER (WHERE n.principal < s.principal_balance + r.arrears_capitalized) less, count(*) n
        FROM restructurings r JOIN loans n ON n.loan_id = r.new_loan_id
        JOIN ({status.grid_status_sql(grid)}) s ON s.loan_id = r.old_loan_id GROUP BY 1""",
                   params={"charge_off_dpd": 181}).fetchall()
    by_kind = {kind: (exact, less, n) for kind, exact, less, n in rows}
    assert by_kind["extension"][0] == by_kind["extension"][2]
    assert by_kind["settlement"][1] == by_kind["settlement"][2]


def test_collection_actions_only_while_delinquent(con):
    grid = "SELECT DISTINCT loan_id, CAST(action_at AS DATE) AS as_of FROM collection_actions"
    rows = con.sql(f"SELECT min(dpd), count(*) FROM ({status.grid_status_sql(grid)})",
                   params={"charge_off_dpd": 181}).fetchall()[0]
    assert rows[0] >= 1
    types = {r[0] for r in q(con, "SELECT DISTINCT action_type FROM collection_actions")}
    assert {"sms", "call", "letter", "field_visit", "legal_notice"} <= types


def test_promises_to_pay_are_kept_and_broken(con):
    kept, broken = q(con, """
        SELECT count(*) FILTER (WHERE paid), count(*) FILTER (WHERE NOT paid) FROM (
            SELECT a.action_id, EXISTS (SELECT 1 FROM payments p WHERE p.loan_id = a.loan_id
                     AND p.paid_at >= a.action_at AND CAST(p.paid_at AS DATE) <= a.ptp_date) AS paid
            FROM collection_actions a WHERE a.outcome = 'promise_to_pay')""")[0]
    assert kept > 100 and broken > 100


def test_recoveries_only_after_charge_off(con):
    wrong = q(con, """SELECT count(*) FROM payments p JOIN loans l USING (loan_id)
                      WHERE p.channel = 'recovery' AND NOT (CAST(p.paid_at AS DATE) > l.charge_off_date)""")[0][0]
    assert wrong == 0
    assert q(con, "SELECT count(*) FROM payments WHERE channel = 'recovery'")[0][0] > 10
    after = q(con, """SELECT count(*) FROM payments p JOIN loans l USING (loan_id)
                      WHERE p.channel <> 'recovery' AND (CAST(p.paid_at AS DATE) > l.closed_date
                            OR CAST(p.paid_at AS DATE) >= l.charge_off_date)""")[0][0]
    assert after == 0


def test_every_loan_has_its_hidden_truth(con):
    assert q(con, """SELECT count(*) FROM loans l ANTI JOIN synthetic_truth t USING (loan_id)""")[0][0] == 0
    assert q(con, "SELECT count(*) FROM synthetic_truth")[0][0] == q(con, "SELECT count(*) FROM loans")[0][0]


def test_hidden_risk_drives_behaviour(book_20k):
    """Loans whose hidden miss probability is in the top quintile charge off far more often."""
    top, bottom = q(book_20k, """
        WITH ranked AS (SELECT l.status, ntile(5) OVER (ORDER BY t.monthly_miss_prob) AS quintile
                        FROM loans l JOIN synthetic_truth t USING (loan_id)
                        WHERE l.parent_loan_id IS NULL AND l.origination_date < DATE '2026-03-01')
        SELECT avg(CAST(status = 'charged_off' AS INTEGER)) FILTER (WHERE quintile = 5),
               avg(CAST(status = 'charged_off' AS INTEGER)) FILTER (WHERE quintile = 1) FROM ranked""")[0]
    assert top > 8 * bottom


def test_broker_channel_is_visibly_worse(book_20k):
    rates = dict(q(book_20k, """SELECT channel, avg(CAST(status = 'charged_off' AS INTEGER)) FROM loans
                                WHERE parent_loan_id IS NULL GROUP BY 1"""))
    assert rates["broker"] > 2 * max(rate for channel, rate in rates.items() if channel != "broker")


def test_double_11_lifts_originations(book_20k):
    promo, october = q(book_20k, """
        SELECT count(*) FILTER (WHERE origination_date BETWEEN DATE '2025-11-01' AND DATE '2025-11-11') / 11.0,
               count(*) FILTER (WHERE origination_date BETWEEN DATE '2025-10-01' AND DATE '2025-10-31') / 31.0
        FROM loans WHERE parent_loan_id IS NULL""")[0]
    assert promo > 1.8 * october


def test_payments_slip_around_the_spring_festival(book_20k):
    """Installments due in the Spring Festival fortnight are paid late more often than those due a month later."""
    festival, after = q(book_20k, """
        SELECT avg(CAST(settled_on IS NULL OR settled_on > due_date AS INTEGER))
                   FILTER (WHERE due_date BETWEEN DATE '2025-01-24' AND DATE '2025-02-07'),
               avg(CAST(settled_on IS NULL OR settled_on > due_date AS INTEGER))
                   FILTER (WHERE due_date BETWEEN DATE '2025-03-24' AND DATE '2025-04-07')
        FROM installment_settlement""")[0]
    assert festival > 1.4 * after


def test_the_macro_shock_lifts_delinquency_for_a_few_months(book_20k):
    peak = metrics.dpd_rates(book_20k, dt.date(2026, 3, 31))["30+"]["balance"]
    now = metrics.dpd_rates(book_20k, DEMO_AS_OF)["30+"]["balance"]
    before = metrics.dpd_rates(book_20k, dt.date(2025, 10, 31))["30+"]["balance"]
    assert peak > 1.5 * now and peak > 1.5 * before


def test_portfolio_figures_in_a_real_lenders_range(book_20k):
    rate_30 = metrics.dpd_rates(book_20k, DEMO_AS_OF)["30+"]["balance"]
    assert 0.02 <= rate_30 <= 0.08
    rolls = metrics.roll_rates(book_20k, dt.date(2026, 9, 30), dt.date(2026, 10, 31))
    m1_m2 = rolls.filter((pl.col("from_bucket") == "M1") & (pl.col("to_state") == "M2"))["count_rate"][0]
    assert 0.15 <= m1_m2 <= 0.5
    nco = metrics.net_charge_off_rate(book_20k, dt.date(2026, 10, 1))["rate"]
    assert 0.03 <= nco <= 0.10


def test_only_loans_that_paid_off_early_have_a_rewritten_schedule(con):
    """An early payoff rewrites the rest of the schedule into one installment due on the payoff day; a loan
    still active has its contractual schedule, every installment on its due day of the month."""
    off_cadence = q(con, """
        SELECT l.status, count(*) FROM installments i JOIN loans l USING (loan_id)
        WHERE day(i.due_date) <> least(day(l.origination_date), 28) GROUP BY 1""")
    assert {status for status, _ in off_cadence} == {"paid_off"}


@pytest.mark.parametrize("seed", range(20))
def test_a_handful_of_loans_each_gets_a_customer(seed):
    """The live feed draws a few loans at a time: the customers' loan counts must cover them all."""
    book = population.draw_book(np.random.default_rng(seed), 7, dt.date(2026, 11, 30))
    assert book.loans.height == 7
    assert set(book.loans["customer_id"]) <= set(book.customers["customer_id"])
