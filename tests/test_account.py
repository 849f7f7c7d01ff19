"""The Account view's package functions (monitor.account) on a hand-built book whose figures were worked out by
hand, their agreement with loan_month on the demo book, and the Account view's chart specs through to_dict().

The book: one customer (张三丰, 13812345678, 110101199001011234) and three loans.

  L1  2026-01-10, 300 yuan; 3 installments of 100 principal + 10 interest (110) due 02-10, 03-10, 04-10
      payments  02-10 09:00 110 (installment 1 on time), 03-25 14:00 50, 04-05 10:00 60 (installment 2 settled,
                26 days late), 05-03 09:00 110 (after the as-of date 04-30)
      DPD       0 up to 03-10; 1 on 03-11 ... 21 on 03-31, 25 on 04-04; 0 from 04-05 to 04-10; 1 on 04-11,
                20 on 04-30
      04-30     DPD 20 (M1); paid 220 = cum_due(2), so principal balance 300 - 200 = 100; overdue 330 - 220 = 110
      03-31     DPD 21; paid 160: principal repaid 100 + min(100, 160 - 110 - 10) = 140, balance 160;
                overdue 220 - 160 = 60
      promises  03-12 10:00: 50 by 03-25 -> 50 paid 03-25 14:00: kept
                03-26 11:00: 200 by 04-02 -> nothing paid in the window: broken
                04-20 15:00: 110 by 05-05 -> nothing paid by 04-30: pending (kept once 05-03 is known)
                04-12 an SMS (no answer); 05-02 a call, after the as-of date
      scores    03-31 (PD 0.08), 04-30 (PD 0.21), 05-31 (after the as-of date)
  L2  2026-01-05, 200 yuan; 100 due 02-05 and 03-05; never pays; restructured into L3 on 04-15
      04-10     DPD 64 (M3), active, no link yet;  04-30: closed (restructured), DPD history ends 04-14 at 68
  L3  2026-04-15, 200 yuan, parent L2; 100 due 05-15 and 06-15
"""

from __future__ import annotations

import datetime as dt
import shutil

import polars as pl
import pytest

from monitor import account, day_status, db, derive, metrics, status
from monitor.i18n import CATALOG, LANGUAGES, t
from ui import account_charts

from .builders import ACTION_COLUMNS, Book
from .conftest import DEMO_AS_OF
from .specs import chart_titles

D = dt.date
AS_OF = D(2026, 4, 30)
NAME, PHONE, ID_NUMBER = "张三丰", "13812345678", "110101199001011234"


def _build(path) -> Book:
    book = Book(path)
    db.run(book.con, "INSERT INTO customers VALUES (1, ?, ?, ?, 1990, 8000, 'salaried', '北京', 1, 650, ?)",
           [NAME, PHONE, ID_NUMBER, dt.datetime(2025, 12, 1)])
    book._customers.add(1)
    book.loan(1, "2026-01-10", "300.00", [("2026-02-10", "100", "10", "0"), ("2026-03-10", "100", "10", "0"),
                                          ("2026-04-10", "100", "10", "0")])
    book.payment(1, "2026-02-10 09:00:00", "110.00", channel="auto_debit")
    book.payment(1, "2026-03-25 14:00:00", "50.00", channel="collections")
    book.payment(1, "2026-04-05 10:00:00", "60.00")
    book.payment(1, "2026-05-03 09:00:00", "110.00")
    actions = [
        (1, "2026-03-12 10:00:00", "call", "promise_to_pay", "50.00", "2026-03-25"),
        (2, "2026-03-26 11:00:00", "call", "promise_to_pay", "200.00", "2026-04-02"),
        (3, "2026-04-12 08:00:00", "sms", "no_answer", None, None),
        (4, "2026-04-20 15:00:00", "call", "promise_to_pay", "110.00", "2026-05-05"),
        (5, "2026-05-02 16:00:00", "call", "contacted", None, None),
    ]
    for action_id, at, kind, outcome, amount, date in actions:
        db.run(book.con, f"INSERT INTO collection_actions {ACTION_COLUMNS} "
                     "VALUES (?, 1, ?, ?, 'A001', 'debtor', ?, ?, ?)",
               [action_id, dt.datetime.fromisoformat(at), kind, outcome, amount, date])
    for day, pd, tier, reasons in (("2026-03-31", 0.08, "B", ("dpd", "max_dpd_3m", None)),
                                   ("2026-04-30", 0.21, "D", ("late_installments", "dpd", "paid_to_due")),
                                   ("2026-05-31", 0.05, "A", (None, None, None))):
        db.run(book.con, "INSERT INTO scores VALUES (1, ?, ?, 600, ?, ?, ?, ?, 'call', 'sc-1', 0, 100)",
               [day, pd, tier, *reasons])
    book.loan(2, "2026-01-05", "200.00", [("2026-02-05", "100", "0", "0"), ("2026-03-05", "100", "0", "0")],
              status="restructured", closed_date="2026-04-15")
    book.loan(3, "2026-04-15", "200.00", [("2026-05-15", "100", "0", "0"), ("2026-06-15", "100", "0", "0")],
              parent_loan_id=2)
    book.restructuring(2, 3, "2026-04-15", "reinstallment", "0.00")
    return book


@pytest.fixture(scope="module")
def con(tmp_path_factory):
    """The hand-built book with its derived tables (built through 2026-05-31, past the as-of date)."""
    book = _build(tmp_path_factory.mktemp("account") / "hand.duckdb")
    derive.derive(book.con)
    yield book.con
    book.close()


@pytest.fixture(scope="module")
def view(con) -> dict:
    return account.account_view(con, 1, AS_OF)


def _day(history: pl.DataFrame, day: str) -> dict:
    return history.filter(pl.col("day") == D.fromisoformat(day)).row(0, named=True)


# ------------------------------------------------------------------------------------------- status, DPD

def test_status_at_the_as_of_date(view):
    assert view["presence"] == "on_book"
    assert view["status"] == {"dpd": 20, "bucket": "M1", "mob": 3, "principal_balance": 100.0,
                              "overdue_amount": 110.0}


@pytest.mark.parametrize(("day", "dpd", "balance", "overdue"), [
    ("2026-01-10", 0, 300.0, 0.0), ("2026-02-10", 0, 200.0, 0.0), ("2026-03-10", 0, 200.0, 0.0),
    ("2026-03-11", 1, 200.0, 110.0), ("2026-03-25", 15, 160.0, 60.0), ("2026-03-31", 21, 160.0, 60.0),
    ("2026-04-04", 25, 160.0, 60.0), ("2026-04-05", 0, 100.0, 0.0), ("2026-04-10", 0, 100.0, 0.0),
    ("2026-04-11", 1, 100.0, 110.0), ("2026-04-30", 20, 100.0, 110.0),
])
def test_dpd_history_on_given_days(view, day, dpd, balance, overdue):
    row = _day(view["dpd_history"], day)
    assert (row["dpd"], row["principal_balance"], row["overdue_amount"]) == (dpd, balance, overdue)
    assert row["bucket"] == status.bucket_of(dpd)


def test_dpd_history_runs_from_origination_to_the_as_of_date(view):
    days = view["dpd_history"]["day"]
    assert days.to_list() == pl.date_range(D(2026, 1, 10), AS_OF, eager=True).to_list()


def test_dpd_history_agrees_with_loan_month(con, view):
    month_ends = con.sql("SELECT month_end AS day, dpd, bucket, CAST(principal_balance AS DOUBLE) AS principal_balance,"
                         " CAST(overdue_amount AS DOUBLE) AS overdue_amount FROM loan_month"
                         " WHERE loan_id = 1 AND month_end <= $as_of ORDER BY 1", params={"as_of": AS_OF}).pl()
    assert month_ends["day"].to_list() == [D(2026, 1, 31), D(2026, 2, 28), D(2026, 3, 31), D(2026, 4, 30)]
    assert view["dpd_history"].join(month_ends, on="day", how="semi").equals(month_ends)


def test_a_long_history_keeps_month_ends_and_the_last_day(con, view):
    """111 days at most 10 points: every 12th day from origination, every month-end and the last day."""
    sampled = account.dpd_history(con, 1, AS_OF, max_points=10)
    every_12th = [D(2026, 1, 10) + dt.timedelta(days=12 * k) for k in range(10)]
    month_ends = [D(2026, 1, 31), D(2026, 2, 28), D(2026, 3, 31), AS_OF]
    assert sampled["day"].to_list() == sorted(set(every_12th + month_ends))
    assert sampled.join(view["dpd_history"], on="day", how="anti").height == 0
    assert sampled.equals(view["dpd_history"].join(sampled.select("day"), on="day", how="semi"))


def test_a_closed_loan_has_no_status_and_its_history_ends_the_day_before(con):
    closed = account.account_view(con, 2, AS_OF)
    assert closed["status"] is None
    assert (closed["loan"]["status"], closed["loan"]["closed_date"]) == ("restructured", D(2026, 4, 15))
    last = closed["dpd_history"].row(-1, named=True)
    assert (last["day"], last["dpd"], last["bucket"]) == (D(2026, 4, 14), 68, "M3")
    assert closed["schedule"]["state"].to_list() == ["closed", "closed"]
    assert closed["schedule"]["days_late"].to_list() == [None, None]


# ------------------------------------------------------------------------------- schedule and payments

def test_schedule_against_payments(view):
    schedule = view["schedule"]
    assert schedule.select("installment_no", "due_date", "principal_due", "interest_due", "fee_due", "amount_due",
                           "settled_on", "state", "days_late").rows() == [
        (1, D(2026, 2, 10), 100.0, 10.0, 0.0, 110.0, D(2026, 2, 10), "settled", 0),
        (2, D(2026, 3, 10), 100.0, 10.0, 0.0, 110.0, D(2026, 4, 5), "settled", 26),
        (3, D(2026, 4, 10), 100.0, 10.0, 0.0, 110.0, None, "overdue", 20),
    ]
    assert view["payments"].select("paid_on", "amount", "channel").rows() == [
        (D(2026, 2, 10), 110.0, "auto_debit"), (D(2026, 3, 25), 50.0, "collections"), (D(2026, 4, 5), 60.0, "app")]


def test_settlement_after_the_as_of_date_is_not_shown(con):
    """installment_settlement knows installment 2 was settled on 04-05; at 03-31 it was not."""
    early = account.schedule(con, 1, D(2026, 3, 31))
    assert early["settled_on"].to_list() == [D(2026, 2, 10), None, None]
    assert early["state"].to_list() == ["settled", "overdue", "upcoming"]
    assert early["days_late"].to_list() == [0, 21, None]


def test_the_schedule_is_the_same_without_derived_tables(tmp_path, con):
    """Without (fresh) derived tables the settlement is computed from the payments up to the as-of date."""
    book = _build(tmp_path / "raw.duckdb")
    try:
        for day in (D(2026, 3, 31), AS_OF, D(2026, 6, 30)):
            assert account.schedule(book.con, 1, day).equals(account.schedule(con, 1, day)), day
    finally:
        book.close()


def test_installments_after_a_later_closure_are_left_out(con):
    """At 02-20 loan 2 is active; it was restructured later, so only what fell due by 02-20 is shown."""
    assert account.schedule(con, 2, D(2026, 2, 20))["due_date"].to_list() == [D(2026, 2, 5)]
    assert account.schedule(con, 3, AS_OF)["state"].to_list() == ["upcoming", "upcoming"]  # active: all of it


# ------------------------------------------------------------------------------------ promises to pay

def test_promises_kept_broken_and_pending(view):
    actions = view["actions"]
    assert actions["action_id"].to_list() == [4, 3, 2, 1]  # newest first; the one of 05-02 is not known yet
    promises = {row["action_id"]: (row["promise"], row["ptp_paid"]) for row in actions.iter_rows(named=True)}
    assert promises == {4: ("pending", 0.0), 3: (None, None), 2: ("broken", 0.0), 1: ("kept", 50.0)}
    assert view["promises"] == {"kept": 1, "broken": 1, "pending": 1}


def test_a_pending_promise_is_judged_once_its_payment_is_known(con):
    later = account.collection_actions(con, 1, D(2026, 5, 5))
    assert later.filter(pl.col("action_id") == 4)[["promise", "ptp_paid"]].row(0) == ("kept", 110.0)
    assert later["action_id"].to_list() == [5, 4, 3, 2, 1]


# ------------------------------------------------------------------------------- customer, masking, links

def test_name_phone_and_id_number_are_masked(view):
    loan = view["loan"]
    assert (loan["name"], loan["phone"], loan["id_number"]) == ("张**", "138****5678", "110101********1234")
    shown = repr({k: v for k, v in view.items() if not isinstance(v, pl.DataFrame)})
    shown += "".join(repr(v.rows()) for v in view.values() if isinstance(v, pl.DataFrame))
    for clear in (NAME, PHONE, ID_NUMBER, "三丰", "1234567"):
        assert clear not in shown


def test_loan_and_customer_facts(view):
    loan = view["loan"]
    assert {k: loan[k] for k in ("loan_id", "customer_id", "product", "origination_date", "principal", "term_months",
                                 "status", "closed_date", "monthly_income", "income_band", "province")} == {
        "loan_id": 1, "customer_id": 1, "product": "cash_loan", "origination_date": D(2026, 1, 10),
        "principal": 300.0, "term_months": 3, "status": "active", "closed_date": None, "monthly_income": None,
        "income_band": "8k_12k", "province": "北京"}
    assert "birth_year" not in loan  # beside the masked ID number it would give the birth date away


def test_the_income_figure_only_for_a_role_that_needs_it(con):
    assert account.account_view(con, 1, AS_OF, see_income=True)["loan"]["monthly_income"] == 8000.0
    assert account.loan_facts(con, 1, AS_OF)["monthly_income"] == 8000.0  # the loan what-if's affordability


def test_restructuring_links_both_ways(con):
    assert account.restructuring_links(con, 2, AS_OF).rows() == [(
        "child", 3, D(2026, 4, 15), "reinstallment", 0.0)]
    assert account.restructuring_links(con, 3, AS_OF).rows() == [(
        "parent", 2, D(2026, 4, 15), "reinstallment", 0.0)]
    assert account.restructuring_links(con, 1, AS_OF).height == 0


def test_nothing_after_the_as_of_date_is_shown(con):
    """At 04-10 loan 2 is still active and not restructured, and loan 3 does not exist yet."""
    before = account.account_view(con, 2, D(2026, 4, 10))
    assert before["loan"]["status"] == "active" and before["loan"]["closed_date"] is None
    assert before["status"]["dpd"] == 64 and before["status"]["bucket"] == "M3"
    assert before["links"].height == 0
    assert account.account_view(con, 3, D(2026, 4, 10)) == {"loan_id": 3, "as_of": D(2026, 4, 10),
                                                            "presence": "not_yet"}
    view = account.account_view(con, 1, AS_OF)
    assert view["payments"]["paid_at"].max() < dt.datetime(2026, 5, 1)
    assert view["actions"]["action_at"].max() < dt.datetime(2026, 5, 1)
    assert view["scores"]["as_of"].max() == AS_OF
    assert view["dpd_history"]["day"].max() == AS_OF


def test_an_unknown_loan(con):
    assert account.account_view(con, 999, AS_OF) == {"loan_id": 999, "as_of": AS_OF, "presence": "unknown"}


# ------------------------------------------------------------------------------------------------- scores

def test_score_history_up_to_the_as_of_date(view):
    scores = view["scores"]
    assert scores.select("as_of", "pd", "tier", "reason_1", "reason_2", "reason_3").rows() == [
        (D(2026, 3, 31), 0.08, "B", "dpd", "max_dpd_3m", None),
        (D(2026, 4, 30), 0.21, "D", "late_installments", "dpd", "paid_to_due")]


def test_a_database_without_scores_gives_an_empty_frame(tmp_path):
    book = _build(tmp_path / "old.duckdb")
    try:
        db.run(book.con, "DROP TABLE scores")
        scores = account.score_history(book.con, 1, AS_OF)
        assert scores.height == 0 and scores.schema == pl.Schema(account.SCORE_SCHEMA)
        assert account.account_view(book.con, 1, AS_OF)["scores"].height == 0
    finally:
        book.close()


# ------------------------------------------------------------------------------------------- demo book

@pytest.fixture(scope="module")
def demo_loans(demo_con) -> list[int]:
    """Loans with a varied story: the most delinquent at month-ends, restructured, charged off and cured ones."""
    found = demo_con.sql("""
        (SELECT loan_id FROM loan_month GROUP BY loan_id ORDER BY max(dpd) DESC, loan_id LIMIT 6)
        UNION (SELECT loan_id FROM loans WHERE status IN ('restructured', 'charged_off', 'settled')
               ORDER BY loan_id LIMIT 6)
        UNION (SELECT loan_id FROM loans WHERE parent_loan_id IS NOT NULL ORDER BY loan_id LIMIT 3)
        UNION (SELECT loan_id FROM loan_month WHERE dpd BETWEEN 1 AND 30 GROUP BY loan_id ORDER BY loan_id LIMIT 5)
    """).pl()
    return sorted(found["loan_id"].to_list())


def test_dpd_history_agrees_with_loan_month_on_the_demo_book(demo_con, demo_loans):
    columns = ["dpd", "bucket", "principal_balance", "overdue_amount"]
    for loan_id in demo_loans:
        history = account.dpd_history(demo_con, loan_id, DEMO_AS_OF)
        month_ends = demo_con.sql(
            "SELECT month_end AS day, dpd, bucket, CAST(principal_balance AS DOUBLE) AS principal_balance, "
            "CAST(overdue_amount AS DOUBLE) AS overdue_amount FROM loan_month WHERE loan_id = $loan_id ORDER BY 1",
            params={"loan_id": loan_id}).pl()
        assert month_ends.height, loan_id
        joined = month_ends.join(history, on="day", how="left", suffix="_history")
        for column in columns:
            assert joined[column].to_list() == joined[f"{column}_history"].to_list(), (loan_id, column)
        assert history.height <= account.MAX_HISTORY_POINTS + 40


def test_the_status_agrees_with_the_status_command_on_the_demo_book(demo_con, demo_loans):
    day = day_status.status_as_of(demo_con, DEMO_AS_OF).filter(pl.col("loan_id").is_in(demo_loans))
    assert day.height
    for row in day.iter_rows(named=True):
        found = account.loan_status(demo_con, row["loan_id"], DEMO_AS_OF)
        assert (found["dpd"], found["bucket"]) == (row["dpd"], row["bucket"])
        assert found["principal_balance"] == float(row["principal_balance"])
        assert found["overdue_amount"] == float(row["overdue_amount"])


def test_the_default_loan_is_the_most_delinquent(demo_con, closed_db):
    worst = account.default_loan(demo_con, DEMO_AS_OF)
    day = day_status.status_as_of(demo_con, DEMO_AS_OF)
    assert account.loan_status(demo_con, worst, DEMO_AS_OF)["dpd"] == day["dpd"].max()
    assert worst == metrics.delinquent_loans(demo_con, DEMO_AS_OF, limit=1)["loan_id"][0]
    for day in (DEMO_AS_OF - dt.timedelta(days=20), D(2025, 2, 3)):  # a day computed; a young book, few in arrears
        assert account.default_loan(demo_con, day) == metrics.delinquent_loans(demo_con, day, min_dpd=0,
                                                                               limit=1)["loan_id"][0]
    closed = db.connect(closed_db, read_only=True)
    try:
        assert account.default_loan(closed, D(2026, 5, 1)) is None
    finally:
        closed.close()


def test_a_demo_view_in_full(demo_con, demo_db, tmp_path):
    """Every part of the view of a restructured demo loan, and of a copy of the book with stale derived tables."""
    loan_id = demo_con.sql("SELECT min(old_loan_id) AS id FROM restructurings").pl()["id"][0]
    view = account.account_view(demo_con, loan_id, DEMO_AS_OF)
    assert view["links"]["link"].to_list() == ["child"]
    assert view["status"] is None and view["loan"]["status"] in ("restructured", "settled")
    copy = tmp_path / "stale.duckdb"
    shutil.copy(demo_db, copy)
    stale = db.connect(copy)
    try:
        db.run(stale, "UPDATE settings SET value = 'stale' WHERE key = 'derived_from'")
        again = account.account_view(stale, loan_id, DEMO_AS_OF)
    finally:
        stale.close()
    for part in ("schedule", "payments", "dpd_history", "actions", "links", "scores"):
        assert again[part].equals(view[part]), part


# -------------------------------------------------------------------------------------------- charts

def _data(spec: dict, layer: dict) -> list[dict]:
    """The rows a layer draws: its own data, else the chart's (altair hoists data that layers share)."""
    return spec["datasets"][layer.get("data", spec.get("data"))["name"]]


def _assert_titles_from_catalog(spec: dict, lang: str) -> None:
    texts = {entry[lang] for entry in CATALOG.values()}
    titles = chart_titles({k: v for k, v in spec.items() if k != "datasets"})
    assert titles and set(titles) <= texts, set(titles) - texts


@pytest.mark.parametrize("lang", LANGUAGES)
def test_timeline_chart_spec(view, lang):
    spec = account_charts.timeline_chart(view["schedule"], view["payments"], AS_OF, lang).to_dict()
    _assert_titles_from_catalog(spec, lang)
    bars, dashes, rule = spec["layer"]
    assert (bars["mark"]["type"], dashes["mark"]["type"], rule["mark"]["type"]) == ("bar", "tick", "rule")
    legend = bars["encoding"]["color"]["scale"]["domain"]
    assert legend == [t("account.due_series", lang), t("account.paid_series", lang)]
    assert dashes["encoding"]["color"]["scale"]["domain"] == legend
    assert bars["encoding"]["x"]["scale"]["type"] == "utc" and bars["encoding"]["x"]["type"] == "temporal"
    assert [(row["day"], row["amount"]) for row in _data(spec, bars)] == [
        ("2026-02-10", 110.0), ("2026-03-25", 50.0), ("2026-04-05", 60.0)]
    assert [(row["day"], row["amount"], row["state_label"]) for row in _data(spec, dashes)] == [
        ("2026-02-10", 110.0, t("account.installment_settled", lang)),
        ("2026-03-10", 110.0, t("account.installment_settled", lang)),
        ("2026-04-10", 110.0, t("account.installment_overdue", lang))]
    assert _data(spec, rule) == [{"day": "2026-04-30"}]
    assert "¥" in bars["encoding"]["y"]["axis"]["labelExpr"]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_dpd_history_chart_spec(view, con, lang):
    spec = account_charts.dpd_history_chart(view["dpd_history"], lang).to_dict()
    _assert_titles_from_catalog(spec, lang)
    bands, names, line = spec["layer"]
    assert [row["bucket"] for row in _data(spec, bands)] == ["M1"]  # DPD 26 at most
    assert line["encoding"]["y"]["scale"]["domain"] == [0, 30]
    assert line["encoding"]["y"]["title"] == t("col.dpd", lang)
    rows = _data(spec, line)
    assert len(rows) == view["dpd_history"].height
    assert {row["day_label"]: row["dpd"] for row in rows}["2026-03-31"] == 21
    deep = account.dpd_history(con, 2, AS_OF)  # 68 days at most: M1 to M3
    deep_spec = account_charts.dpd_history_chart(deep, lang).to_dict()
    assert [row["bucket"] for row in _data(deep_spec, deep_spec["layer"][0])] == ["M1", "M2", "M3"]
    assert deep_spec["layer"][2]["encoding"]["y"]["axis"]["values"] == [0, 30, 60, 90]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_score_chart_spec(view, lang):
    spec = account_charts.score_chart(view["scores"], lang).to_dict()
    _assert_titles_from_catalog(spec, lang)
    line, points = spec["layer"]
    assert points["encoding"]["y"]["axis"]["format"] == ".0%"
    rows = _data(spec, spec)
    assert [(row["day"], row["pd"]) for row in rows] == [("2026-03-31", 0.08), ("2026-04-30", 0.21)]
    assert [row["tier_label"] for row in rows] == [account_charts.value_label("tier", x, lang) for x in "BD"]


def test_every_state_the_page_shows_has_a_label():
    """The page labels states and presence by building keys (account.installment_<state>, ...)."""
    keys = [f"account.installment_{s}" for s in account.INSTALLMENT_STATES]
    keys += [f"account.promise_{s}" for s in account.PROMISE_STATES]
    keys += [f"account.promises_{s}" for s in account.PROMISE_STATES]
    keys += [f"account.{p}" for p in ("unknown", "not_yet")]
    keys += [f"account.link_{link}{plain}" for link in ("parent", "child") for plain in ("", "_plain")]
    assert [key for key in keys if key not in CATALOG] == []


def test_value_labels_fall_back_to_the_value():
    assert account_charts.value_label("outcome", "promise_to_pay", "zh") == "承诺还款"
    assert account_charts.value_label("reason", "no_such_feature", "zh") == "no_such_feature"
    assert account_charts.value_label("tier", None, "en") == "–"
