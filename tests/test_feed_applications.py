"""The live feed's front door (issue 18): every loan it opens comes with the application it was approved from, and
declined applications arrive beside them at the book's recent decline rate of each channel, in the same batches."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import polars as pl
import pytest

from monitor import db
from monitor.live.feed import DECLINE_WINDOW_DAYS, Buffer, Feed, LiveBook
from monitor.origination import cutoffs, front_door

from .conftest import DEMO_AS_OF
from .test_feed import _counts, _feed, _totals, copy  # noqa: F401 - copy: the fixture, shared

APPLICATION_COLUMNS = ("application_id, applied_at, customer_id, channel, product, amount, term_months, "
                       "monthly_income, employment_type, city_tier, age, bureau_score, application_score, cutoff, "
                       "decision, decline_reason, override, loan_id")


def _max_application(path) -> int:
    con = db.connect(path, read_only=True)
    try:
        return con.execute("SELECT max(application_id) FROM applications").fetchall()[0][0]
    finally:
        con.close()


def test_the_feed_opens_each_loan_with_its_application_and_declines_some(copy):  # noqa: F811 - the fixture
    before, first_new = _counts(copy), _max_application(copy) + 1
    totals = _totals(_feed(copy, "--rate", "200", "--seconds", "5", "--seed", "8"))
    assert totals["loans"] > 0 and totals["applications_approved"] == totals["loans"]
    assert totals["applications_declined"] > 0
    con = db.connect(copy, read_only=True)
    try:
        new = con.sql(f"SELECT {APPLICATION_COLUMNS} FROM applications WHERE application_id >= $first",
                      params={"first": first_new}).pl()
        loans = con.sql("""SELECT l.loan_id, l.customer_id, l.channel, l.product, l.principal, l.term_months,
                                  l.application_score, l.origination_date, c.monthly_income, c.birth_year
                           FROM loans l JOIN customers c USING (customer_id) WHERE l.loan_id > $max_loan""",
                        params={"max_loan": before["max_loan"]}).pl()
        day = loans["origination_date"][0]
        policy = cutoffs.in_force(con, day)
        door = front_door.front_door(con, day)
        ids = con.sql("SELECT count(*) - count(DISTINCT application_id), count(*) - count(DISTINCT loan_id) "
                      "FROM applications WHERE loan_id IS NOT NULL").fetchall()[0]
    finally:
        con.close()
    assert ids == (0, 0)
    assert new["application_id"].to_list() == list(range(first_new, first_new + new.height))
    approved, declined = new.filter(pl.col("decision") == "approved"), new.filter(pl.col("decision") == "declined")
    assert (approved.height, declined.height) == (totals["loans"], totals["applications_declined"])
    # each new loan: one application, made by its customer a few minutes before, for what the loan is
    paired = loans.join(approved, on="loan_id", how="left", suffix="_app")
    assert paired["application_id"].null_count() == 0 and paired.height == approved.height
    for loan_column, app_column in (("customer_id", "customer_id_app"), ("channel", "channel_app"),
                                    ("product", "product_app"), ("principal", "amount"),
                                    ("term_months", "term_months_app"), ("application_score", "application_score_app"),
                                    ("monthly_income", "monthly_income_app")):
        assert (paired[loan_column] == paired[app_column]).all(), loan_column
    assert (paired["applied_at"].dt.date() <= paired["origination_date"]).all()
    assert (paired["applied_at"] >= dt.datetime.combine(day, dt.time()) - dt.timedelta(minutes=30)).all()
    assert (paired["age"] == paired["applied_at"].dt.year() - paired["birth_year"]).all()
    # the cut-off of the policy in force that day; an override exactly when the score is below it
    wanted = [policy.cutoff(c, p) for c, p in new.select("channel", "product").iter_rows()]
    assert new["cutoff"].to_list() == wanted
    assert (approved["override"] == (approved["application_score"] < approved["cutoff"])).all()
    assert declined["customer_id"].null_count() == declined.height and declined["loan_id"].null_count() == \
        declined.height
    assert (declined["application_score"] < declined["cutoff"]).all()
    assert set(declined["decline_reason"]) == {"score_below_cutoff"} and not declined["override"].any()
    # the front door moves: the feed's day counts them (the demo book ends on an earlier day)
    assert door.this_month["applications"] == new.filter(pl.col("applied_at").dt.month() == day.month).height
    # every CHECK of the schema holds: the rows load into a fresh database
    fresh = db.connect(copy.with_name("check.duckdb"), create=True)
    try:
        db.create_schema(fresh)
        fresh.execute(f"ATTACH '{copy}' AS fed (READ_ONLY)")
        db.run(fresh, "INSERT INTO applications SELECT * FROM fed.applications")
    finally:
        fresh.close()


def test_declines_follow_the_books_recent_rate_per_channel(demo_con):
    """Many new loans at once: each channel's declined applications are the book's recent declines per approval
    times its new loans, within 4 standard deviations of the Poisson draw; each scores below its cut-off."""
    book = LiveBook.load(demo_con, DEMO_AS_OF)
    recent = demo_con.sql(
        "SELECT channel, decision FROM applications WHERE applied_at >= $first AND applied_at < $day",
        params={"first": DEMO_AS_OF - dt.timedelta(days=DECLINE_WINDOW_DAYS), "day": DEMO_AS_OF}).pl()
    counts = recent.group_by("channel").agg((pl.col("decision") == "declined").sum().alias("declined"),
                                            (pl.col("decision") == "approved").sum().alias("approved"))
    assert book.decline_odds == pytest.approx({c: d / a for c, d, a in counts.iter_rows()}, rel=1e-12)
    buffer = Buffer()
    start = dt.datetime.combine(DEMO_AS_OF, dt.time(10))
    Feed(book, seed=1, charge_off_dpd=181)._new_loans(buffer, 6000, start, start + dt.timedelta(minutes=5))
    made = buffer.table("applications")
    assert buffer.counts["applications_approved"] == 6000
    per_channel = made.group_by("channel").agg((pl.col("decision") == "approved").sum().alias("approved"),
                                               (pl.col("decision") == "declined").sum().alias("declined"))
    for channel, approved, declined in per_channel.iter_rows():
        expected = approved * book.decline_odds[channel]
        assert abs(declined - expected) <= 4 * math.sqrt(expected) + 1, (channel, approved, declined, expected)
    rejected = made.filter(pl.col("decision") == "declined")
    assert (rejected["application_score"] < rejected["cutoff"]).all()
    assert rejected["cutoff"].to_list() == [book.policy.cutoff(c, p)
                                            for c, p in rejected.select("channel", "product").iter_rows()]
    assert rejected["applied_at"].is_between(start, start + dt.timedelta(minutes=5), closed="left").all()


def test_without_a_policy_nobody_is_declined_and_no_loan_is_an_override(demo_con):
    book = LiveBook.load(demo_con, DEMO_AS_OF)
    book.policy, book.decline_odds = None, {}
    buffer = Buffer()
    start = dt.datetime.combine(DEMO_AS_OF, dt.time(10))
    Feed(book, seed=2, charge_off_dpd=181)._new_loans(buffer, 50, start, start + dt.timedelta(seconds=5))
    made = buffer.table("applications")
    assert made.height == 50 and set(made["decision"]) == {"approved"}
    assert set(made["cutoff"]) == {300} and not made["override"].any()
    assert np.isin(made["loan_ref"].to_numpy(), np.arange(1, 51)).all()

