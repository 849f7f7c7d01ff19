"""monitor.early_warning on the scored demo book: the scored day, the ranked and filtered list, its counts,
masking and the CSV export, each checked against a direct query of the scores table."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

import duckdb
import polars as pl
import pytest

from monitor import db, early_warning, status
from monitor.db import RISK_TIERS, TREATMENTS
from monitor.i18n import LANGUAGES, label, t
from monitor.scoring.treatment import treatment_expr

from .conftest import DEMO_AS_OF

PHONE = re.compile(r"^\d{3}\*{4}\d{4}$")
ID_NUMBER = re.compile(r"^\d{6}\*{8}[\dX]{4}$")
NAME = re.compile(r"^[^*]\*+$")
JOINED = "FROM scores s JOIN loans l USING (loan_id) JOIN customers c ON c.customer_id = l.customer_id"


def count(scored_con, where: str = "TRUE", **params) -> int:
    """Loans scored on DEMO_AS_OF matching `where`, counted directly on the tables."""
    return scored_con.sql(f"SELECT count(*) AS n {JOINED} WHERE s.as_of = $day AND {where}",
                   params={"day": DEMO_AS_OF, **params}).pl()["n"][0]


def test_scored_days_are_those_of_the_scores_table(scored_con):
    expected = scored_con.sql("SELECT DISTINCT as_of FROM scores ORDER BY 1").pl()["as_of"].to_list()
    assert early_warning.scored_days(scored_con) == expected
    assert len(expected) == 4 and expected[-1] == DEMO_AS_OF  # the fixture: the day and 3 month-ends before


@pytest.mark.parametrize(("as_of", "expected"), [
    (DEMO_AS_OF, DEMO_AS_OF),
    (dt.date(2026, 12, 15), DEMO_AS_OF),           # after the last scored day: the last
    (dt.date(2026, 11, 28), dt.date(2026, 10, 31)),  # between two: the earlier
    (dt.date(2026, 9, 30), dt.date(2026, 9, 30)),   # a scored month-end itself
    (dt.date(2026, 8, 31), dt.date(2026, 8, 31)),   # the first scored day
    (dt.date(2026, 8, 30), None),                   # before the first
])
def test_scored_day_for_is_the_latest_on_or_before(scored_con, as_of, expected):
    assert early_warning.scored_day_for(scored_con, as_of) == expected


def test_a_database_without_scores_has_no_scored_day(demo_con):
    """The demo book has an empty scores table; a database from before scoring has none at all."""
    assert early_warning.scored_day_for(demo_con, DEMO_AS_OF) is None
    assert early_warning.scored_days(demo_con) == []
    bare = duckdb.connect()
    db.run(bare, "CREATE TABLE loans (loan_id BIGINT)")
    assert not db.table_exists(bare, "scores")
    assert early_warning.scored_day_for(bare, DEMO_AS_OF) is None
    assert early_warning.scored_days(bare) == []


def test_the_list_is_ranked_by_pd_and_counts_every_match(scored_con):
    rows = early_warning.action_list(scored_con, DEMO_AS_OF, {}, limit=50)
    assert early_warning.matches(rows) == count(scored_con) > 50 and rows.height == 50
    assert rows["matches"].n_unique() == 1
    assert rows.equals(rows.sort(["pd", "loan_id"], descending=[True, False]))
    top = scored_con.sql("SELECT loan_id FROM scores WHERE as_of = $day ORDER BY pd DESC, loan_id LIMIT 50",
                  params={"day": DEMO_AS_OF}).pl()["loan_id"].to_list()
    assert rows["loan_id"].to_list() == top
    assert rows.columns == ["loan_id", "customer", "phone", "id_number", "product", "channel", "province", "dpd",
                            "bucket", "principal_balance", "pd", "points", "tier", "reason_1", "reason_2", "reason_3",
                            "treatment", "matches"]


def test_the_list_carries_the_scores_row(scored_con):
    rows = early_warning.action_list(scored_con, DEMO_AS_OF, {}, limit=20)
    scores = scored_con.sql("""SELECT loan_id, pd, points, tier, treatment, reason_1, dpd,
                               CAST(principal_balance AS DOUBLE) AS principal_balance
                        FROM scores WHERE as_of = $day""", params={"day": DEMO_AS_OF}).pl()
    joined = rows.join(scores, on="loan_id", suffix="_scores")
    assert joined.height == rows.height
    for column in ("pd", "points", "tier", "treatment", "reason_1", "dpd", "principal_balance"):
        assert joined[column].equals(joined[f"{column}_scores"], null_equal=True), column
    assert rows["bucket"].to_list() == [status.bucket_of(dpd) for dpd in rows["dpd"]]


@pytest.mark.parametrize(("name", "values", "where"), [
    ("tier", ["D", "E"], "s.tier IN ('D', 'E')"),
    ("bucket", ["M1"], "s.dpd BETWEEN 1 AND 30"),
    ("product", ["installment"], "l.product = 'installment'"),
    ("province", ["广东", "四川"], "c.province IN ('广东', '四川')"),
    ("treatment", ["call", "plan_offer"], "s.treatment IN ('call', 'plan_offer')"),
])
def test_each_filter_narrows_to_its_values(scored_con, name, values, where):
    rows = early_warning.action_list(scored_con, DEMO_AS_OF, {name: values}, limit=10_000)
    assert 0 < early_warning.matches(rows) == count(scored_con, where) < count(scored_con)
    assert rows.height == early_warning.matches(rows)
    assert set(rows[name]) <= set(values)


def test_filters_combine_and_an_empty_choice_keeps_all(scored_con):
    filters = {"tier": ["C", "D", "E"], "product": ["cash_loan"], "bucket": [], "province": []}
    rows = early_warning.action_list(scored_con, DEMO_AS_OF, filters)
    assert early_warning.matches(rows) == count(scored_con, "s.tier IN ('C', 'D', 'E') AND l.product = 'cash_loan'") > 0
    assert early_warning.matches(early_warning.action_list(scored_con, DEMO_AS_OF, {"tier": []})) == count(scored_con)


def test_only_known_filters_reach_the_query(scored_con):
    with pytest.raises(ValueError, match="unknown filter"):
        early_warning.action_list(scored_con, DEMO_AS_OF, {"tier = tier OR 1=1; --": ["A"]})
    nothing = early_warning.action_list(scored_con, DEMO_AS_OF, {"tier": ["A') OR ('1'='1"]})
    assert nothing.height == early_warning.matches(nothing) == 0


def test_personal_data_is_masked(scored_con):
    rows = early_warning.action_list(scored_con, DEMO_AS_OF, {}, limit=10_000)
    assert all(PHONE.match(phone) for phone in rows["phone"])
    assert all(ID_NUMBER.match(number) for number in rows["id_number"])
    assert all(NAME.match(name) for name in rows["customer"])
    clear = scored_con.sql("""SELECT l.loan_id, c.name, c.phone, c.id_number
                              FROM loans l JOIN customers c USING (customer_id)""").pl()
    joined = rows.join(clear, on="loan_id")
    assert joined.height == rows.height
    assert (joined["customer"].str.len_chars() == joined["name"].str.len_chars()).all()
    assert (joined["customer"].str.slice(0, 1) == joined["name"].str.slice(0, 1)).all()
    assert (joined["phone"].str.slice(7) == joined["phone_right"].str.slice(7)).all()
    shown = set(rows["customer"]) | set(rows["phone"]) | set(rows["id_number"])
    assert not shown & (set(clear["name"]) | set(clear["phone"]) | set(clear["id_number"]))


def test_summary_counts_by_tier_and_treatment(scored_con):
    filters = {"product": ["cash_loan"]}
    summary = early_warning.summary(scored_con, DEMO_AS_OF, filters)
    assert summary["loans"] == early_warning.matches(early_warning.action_list(scored_con, DEMO_AS_OF, filters))
    balance = scored_con.sql(f"SELECT sum(s.principal_balance) AS b {JOINED} "
                             "WHERE s.as_of = $day AND l.product = 'cash_loan'",
                             params={"day": DEMO_AS_OF}).pl()["b"][0]
    assert summary["balance"] == pytest.approx(float(balance), abs=0.005)
    assert summary["by_tier"]["tier"].to_list() == list(RISK_TIERS)
    assert summary["by_treatment"]["treatment"].to_list() == list(TREATMENTS)
    for tier in RISK_TIERS:
        loans = summary["by_tier"].filter(pl.col("tier") == tier)["loans"][0]
        assert loans == count(scored_con, "l.product = 'cash_loan' AND s.tier = $tier", tier=tier)
    for frame in (summary["by_tier"], summary["by_treatment"], summary["cells"]):
        assert frame["loans"].sum() == summary["loans"]
        assert frame["balance"].sum() == pytest.approx(summary["balance"], abs=0.01)


def test_filter_options_are_the_values_present(scored_con):
    options = early_warning.filter_options(scored_con, DEMO_AS_OF)
    assert list(options) == list(early_warning.FILTERS)
    for name, column in (("tier", "s.tier"), ("product", "l.product"), ("province", "c.province"),
                         ("treatment", "s.treatment")):
        present = scored_con.sql(f"SELECT DISTINCT {column} AS v {JOINED} WHERE s.as_of = $day",
                          params={"day": DEMO_AS_OF}).pl()["v"]
        assert set(options[name]) == set(present), name
    assert options["tier"] == [tier for tier in RISK_TIERS if tier in options["tier"]]
    assert options["treatment"] == [name for name in TREATMENTS if name in options["treatment"]]
    assert options["bucket"] == ["M0", "M1"]  # the early-warning population is DPD < 30


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_export_has_every_match_masked_and_in_words(scored_con, lang):
    filters = {"tier": ["C", "D", "E"]}
    raw = early_warning.export_csv(scored_con, DEMO_AS_OF, filters, lang)
    assert raw.startswith(b"\xef\xbb\xbf")  # Excel reads UTF-8 with its byte-order mark
    text = raw.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    # more than the page shows
    assert len(rows) == early_warning.summary(scored_con, DEMO_AS_OF, filters)["loans"] > 500
    assert list(rows[0]) == [t(key, lang) for key in early_warning.EXPORT_HEADINGS.values()]
    tier, treatment = t("early_warning.col_tier", lang), t("early_warning.col_treatment", lang)
    assert {row[tier] for row in rows} <= {label("tier", name, lang) for name in ("C", "D", "E")}
    assert {row[treatment] for row in rows} <= {label("treatment", name, lang) for name in TREATMENTS}
    reasons = {row[t(f"early_warning.col_reason_{k}", lang)] for row in rows for k in (1, 2, 3)} - {""}
    assert reasons and not any("_" in reason for reason in reasons)  # words, not codes like max_dpd_6m
    assert all(PHONE.match(row[t("early_warning.col_phone", lang)]) for row in rows)
    assert all(ID_NUMBER.match(row[t("early_warning.col_id_number", lang)]) for row in rows)
    clear = scored_con.sql("SELECT phone, id_number FROM customers").pl()
    assert not any(value in text for value in (*clear["phone"], *clear["id_number"]))
    balance = t("early_warning.col_balance_yuan", lang)
    assert all(re.fullmatch(r"\d+\.\d{2}", row[balance]) for row in rows)  # yuan with 2 decimals


def test_localize_writes_every_code_in_words(scored_con):
    rows = early_warning.localize(early_warning.action_list(scored_con, DEMO_AS_OF, {}), "zh")
    assert set(rows["product"]) <= {"现金贷", "消费分期"}
    assert not any(re.search(r"[a-z_]{3,}", value) for column in ("channel", "province", "tier", "treatment",
                                                                  *early_warning.REASON_COLUMNS)
                   for value in rows[column].drop_nulls())


def test_the_rule_order_is_the_one_treatment_expr_applies():
    """Each row meets the rule of its expected treatment and every weaker one; the stronger rule must win."""
    rows = pl.DataFrame({
        "tier": ["E", "E", "E", "E", "A"],
        "dpd": [25, 25, 10, 0, 0],
        "balance": [30_000.0, 10_000.0, 10_000.0, 1_000.0, 1_000.0],
        "installment_to_income": [0.5, 0.5, 0.1, 0.1, 0.1],
    })
    chosen = rows.select(treatment_expr(pl.col("tier"), pl.col("dpd"), pl.col("balance"),
                                        pl.col("installment_to_income")).alias("treatment"))["treatment"]
    assert chosen.to_list() == list(early_warning.TREATMENT_RULE_ORDER)
    assert sorted(early_warning.TREATMENT_RULE_ORDER) == sorted(TREATMENTS)
