"""The Compliance page's figures worked by hand (monitor.conduct.rates and scorecard) on a two-loan book, and on
the demo book: the agency that pushes the rules comes out on top and is not allocated accounts.

June 2026: loan 1 is worked by the lender's own collector A01, loan 2 by agency AG01's collector AG01-001.
- loan 1: calls on 1 June at 10:00, 11:00 and 22:30 (the last in the quiet hours);
- loan 2: a call on 2 June at 10:00 with a promise to pay 315.00 by 4 June, kept by a payment on 3 June; a call
  at 23:00 (quiet hours); a letter (no contact); one complaint about the time of the calls, received 5 June.
Contacts 5, violations 2 (400 per 1,000), accounts 2, complaints 1 (5,000 per 10,000). AG01: 2 contacts, 1 violation
(500 per 1,000), 1 account, 1 complaint (10,000 per 10,000); in-house: 3 contacts, 1 violation (333.3 per 1,000),
2 accounts (the letter is its action on loan 2).
"""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from monitor import account, db
from monitor.alerts import catalog
from monitor.compliance import violations
from monitor.compliance.rules import CODES
from monitor.conduct import rates, scorecard, view
from monitor.status import latest_data_date
from monitor.synth.collections import FEED_COMPLAINTS_SQL, PUSHING_AGENCY

from .test_compliance_rules import two_loans

JUNE = (dt.date(2026, 6, 1), dt.date(2026, 6, 30))
MAY = (dt.date(2026, 5, 1), dt.date(2026, 5, 31))


@pytest.fixture
def book(tmp_path):
    book = two_loans(tmp_path / "rates.duckdb")
    db.run(book.con, "INSERT INTO agencies VALUES ('AG01', '华信', DATE '2025-01-01', NULL, 0.2000, 300.00)")
    for action_id, at in ((1, "2026-06-01 10:00:00"), (2, "2026-06-01 11:00:00"), (3, "2026-06-01 22:30:00")):
        book.action(action_id, 1, at, outcome="no_answer", contact_id="p1")
    book.action(4, 2, "2026-06-02 10:00:00", ptp_amount="315.00", ptp_date="2026-06-04", agent_id="AG01-001",
                contact_id="p2", agency_id="AG01")
    book.action(5, 2, "2026-06-02 23:00:00", outcome="no_answer", agent_id="AG01-001", contact_id="p2",
                agency_id="AG01")
    book.action(6, 2, "2026-06-02 12:00:00", outcome="contacted", action_type="letter", agent_id="system")
    book.payment(2, "2026-06-03 09:00:00", "315.00")
    db.run(book.con, """INSERT INTO complaints VALUES (1, TIMESTAMP '2026-06-05 09:00:00', 2, 'hotline', 'time',
                                                        'AG01', 'AG01-001', NULL, NULL)""")
    violations.rebuild(book.con)
    yield book
    book.close()


def test_the_months_figures(book):
    assert rates.summary(book.con, *JUNE) == {"contacts": 5, "violations": 2, "violations_per_1000": 400.0,
                                              "accounts": 2, "complaints": 1, "complaints_per_10000": 5000.0}


def test_a_month_without_contacts_has_no_rate_not_zero(book):
    assert rates.summary(book.con, *MAY) == {"contacts": 0, "violations": 0, "violations_per_1000": None,
                                             "accounts": 0, "complaints": 0, "complaints_per_10000": None}
    assert rates.by_rule(book.con, *MAY)["violations_per_1000"].to_list() == [None] * len(CODES)


def test_by_rule_agency_and_agent(book):
    assert rates.by_rule(book.con, *JUNE).rows() == [("quiet_hours", 2, 400.0)] + [(c, 0, 0.0) for c in CODES[1:]]
    agencies = rates.by_agency(book.con, *JUNE)
    assert agencies.select("agency_id", "name", "contacts", "violations", "accounts", "complaints").rows() == [
        ("AG01", "华信", 2, 1, 1, 1), ("in_house", None, 3, 1, 2, 0)]  # in-house: loan 2's letter too
    assert agencies["violations_per_1000"].to_list() == pytest.approx([500.0, 1000 / 3])
    assert agencies["complaints_per_10000"].to_list() == [10000.0, 0.0]
    assert rates.by_agent(book.con, *JUNE).select("agent_id", "agency_id", "violations").rows() == [
        ("AG01-001", "AG01", 1), ("A01", "in_house", 1)]


def test_complaints_by_category_and_month(book):
    assert rates.complaints_by_category(book.con, *JUNE).filter(complaints=1).rows() == [("time", 1, 5000.0)]
    monthly = rates.monthly_complaints(book.con, dt.date(2026, 6, 30), 2)
    assert monthly.rows() == [(dt.date(2026, 6, 1), 1, 2, 5000.0)]  # May had no account in collection: no row


def test_the_complaints_behind_a_figure_are_masked_and_filtered(book):
    rows = rates.complaints_behind(book.con, *JUNE)
    assert rows.select("category", "channel", "loan_id", "agency_id", "agency", "agent_id", "resolution").rows() == [
        ("time", "hotline", 2, "AG01", "华信", "AG01-001", None)]
    assert rows["customer"][0].endswith("*")
    assert rates.complaints_behind(book.con, *JUNE, category="abuse").height == 0
    assert rates.complaints_behind(book.con, *MAY).height == 0


def test_the_actions_behind_a_figure_are_masked_and_filtered(book):
    rows = rates.violating_actions(book.con, *JUNE, agency="AG01")
    assert rows.select("rule", "loan_id", "agent_id", "agency").rows() == [("quiet_hours", 2, "AG01-001", "华信")]
    assert rows["customer"][0].endswith("*") and "Test" not in rows["customer"][0]
    assert rates.violating_actions(book.con, *JUNE, rule="attempts").height == 0
    with pytest.raises(ValueError, match="no filter"):
        rates.violating_actions(book.con, *JUNE, phone="1")


def test_the_agency_scorecard(book):
    card = scorecard.scorecard(book.con, *JUNE)
    ag01, in_house = card.row(0, named=True), card.row(1, named=True)
    assert (ag01["agency_id"], ag01["accounts"], ag01["balance_assigned"], ag01["cash_recovered"]) == (
        "AG01", 1, 600.0, 315.0)
    assert ag01["recovery_rate"] == pytest.approx(315 / 600)
    assert (ag01["cure_rate"], ag01["promises_due"], ag01["promises_kept_rate"]) == (0.0, 1, 1.0)  # DPD 20 on 30 June
    assert ag01["cost"] == pytest.approx(0.2 * 315 + 300)  # the whole month's fee
    assert ag01["cost_per_yuan"] == pytest.approx(363 / 315)
    assert ag01["net_recovery_rate"] == pytest.approx((315 - 363) / 600)
    # 500 violations per 1,000 contacts: over the limit, ranked for review and given no accounts
    assert (ag01["within_limits"], ag01["rank"], ag01["allocation_share"]) == (False, 1, 0.0)
    assert (in_house["agency_id"], in_house["cash_recovered"], in_house["cost"], in_house["rank"]) == (
        "in_house", 0.0, None, None)


def test_the_monthly_fee_is_prorated_to_a_month_to_date(book):
    card = scorecard.scorecard(book.con, dt.date(2026, 6, 1), dt.date(2026, 6, 10))
    assert card.filter(agency_id="AG01")["cost"][0] == pytest.approx(0.2 * 315 + 300 * 10 / 30)


def test_within_the_limits_an_agency_shares_the_allocation(book):
    db.run(book.con, "UPDATE settings SET value = '1000' WHERE key = 'compliance_agency_max_violations_per_1000'")
    db.run(book.con, "UPDATE settings SET value = '100000' WHERE key = 'compliance_agency_max_complaints_per_10000'")
    db.run(book.con, "UPDATE agencies SET monthly_fee = 0")
    ag01 = scorecard.scorecard(book.con, *JUNE).row(0, named=True)
    assert (ag01["within_limits"], ag01["rank"], ag01["allocation_share"]) == (True, 1, 1.0)


def test_the_view_offers_twelve_months_and_serves_each_section(book):
    assert view.months(dt.date(2026, 6, 30))[:2] == ["2026-06", "2026-05"] and len(view.months(JUNE[1])) == 12
    for section in view.SECTIONS:
        shown = view.section_view(book.con, section, dt.date(2026, 6, 30), "2026-06")
        assert shown["summary"]["violations"] == 2 and shown["previous"]["violations_per_1000"] is None
        assert shown["names"] == {"AG01": "华信"} and shown["parameters"]["quiet_start"] == 22


def test_on_the_demo_book_the_pushing_agency_is_on_top_and_under_review(demo_con):
    last_month = rates.period(latest_data_date(demo_con), 1)
    agencies = rates.by_agency(demo_con, *last_month)
    assert agencies["agency_id"][0] == PUSHING_AGENCY
    card = scorecard.scorecard(demo_con, *last_month)
    pushing = card.filter(agency_id=PUSHING_AGENCY).row(0, named=True)
    assert not pushing["within_limits"] and pushing["allocation_share"] == 0.0
    assert card.filter(pl.col("within_limits"))["allocation_share"].sum() == pytest.approx(1.0)


def test_the_conduct_rates_are_metrics_a_limit_watches(book):
    assert catalog.read(book.con, "violations_per_1000", dt.date(2026, 6, 30)).value == 400.0
    assert catalog.read(book.con, "complaints_per_10000", dt.date(2026, 6, 30)).value == 5000.0
    assert catalog.read(book.con, "violations_per_1000", dt.date(2026, 5, 31)) == catalog.Reading(None, "no_contacts")
    assert {"violations_per_1000", "complaints_per_10000"} <= set(catalog.INTRADAY)


def test_the_live_feed_files_complaints_about_recent_violations(book):
    """The feed's complaints (synth.collections.FEED_COMPLAINTS_SQL): none in no time; given the whole window at
    once, far beyond the rule's share (chance 1), one complaint per violation of the last ten days, an hour old."""
    now = dt.datetime(2026, 6, 2, 23, 30)  # the 23:00 call of 2 June is not an hour old yet
    db.run(book.con, FEED_COMPLAINTS_SQL, {"now": now, "seconds": 0.0})
    assert book.con.execute("SELECT count(*) FROM complaints").fetchall() == [(1,)]
    db.run(book.con, FEED_COMPLAINTS_SQL, {"now": now, "seconds": 1e9})
    assert book.con.execute("""SELECT loan_id, received_at, category, agency_id, agent_id, resolution FROM complaints
                               WHERE complaint_id > 1""").fetchall() == [(1, now, "time", None, "A01", None)]


def test_the_account_view_shows_the_agency_and_the_rules_an_action_broke(book):
    actions = account.collection_actions(book.con, 2, dt.date(2026, 6, 30))
    assert actions.select("action_id", "agency", "rules").rows() == [
        (5, "华信", ["quiet_hours"]), (6, None, []), (4, "华信", [])]
