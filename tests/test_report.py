"""The report command: its JSON keys; its figures are the Executive summary page's (views.executive_view), worked
out by hand on a two-loan book and checked equal on the demo book; the HTML shows them, draws a month-end at its
month, says what the figures are in words, and is self-contained."""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
import sys
from html import escape

import polars as pl
import pytest

from monitor import day_status, derive, metrics, report, report_charts, report_html, views
from monitor.i18n import t

from .builders import Book
from .conftest import DEMO_AS_OF

KEYS = {"as_of", "derived", "nco_month_to_date", "ecl_basis", "compared_with", "kpis", "trends", "vintage_comparison",
        "movers", "active_loans", "principal_balance", "dpd_rates", "buckets", "roll_rates", "vintages", "fpd30",
        "collection_entry_rate", "collection_entry_rate_mtd", "net_charge_off_rate", "ecl"}
SCHEDULE = [("2026-02-10", "300.00", "15.00", "5.00"), ("2026-03-10", "300.00", "15.00", "5.00"),
            ("2026-04-10", "300.00", "15.00", "5.00")]
TINY_AS_OF = dt.date(2026, 4, 20)


@pytest.fixture
def con(demo_con):
    return demo_con


@pytest.fixture(scope="module")
def figures(demo_con):
    return report.build_report(demo_con, DEMO_AS_OF)


@pytest.fixture(scope="module")
def page_view(demo_con):
    return views.executive_view(demo_con, DEMO_AS_OF)


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    """Two loans of ¥900 made 2026-01-10, three installments of 300 + 15 interest + 5 fee due on the 10th of
    February, March and April. Loan 1 never pays; loan 2 pays 320 on each due day and closes on 2026-04-10.
    The report as of 2026-04-20."""
    book = Book(tmp_path_factory.mktemp("report") / "tiny.duckdb")
    book.loan(1, "2026-01-10", "900.00", SCHEDULE)
    book.loan(2, "2026-01-10", "900.00", SCHEDULE, closed_date="2026-04-10")
    for due, *_ in SCHEDULE:
        book.payment(2, f"{due} 09:00:00", "320.00")
    derive.derive(book.con, TINY_AS_OF)
    figures = report.build_report(book.con, TINY_AS_OF)
    book.close()
    return figures


def svg_positions(svg: str) -> tuple[dict[str, float], list[tuple[float, float, str]]]:
    """The x of each month label (2026-03) of a chart's SVG, and each point's x, y and fill colour."""
    labels = {month: float(x) for x, month in
              re.findall(r'<text[^>]*transform="translate\(([-\d.]+),[-\d.]+\)[^>]*>(\d{4}-\d\d)</text>', svg)}
    points = [(float(x), float(y), fill) for x, y, fill in re.findall(
        r'aria-roledescription="point" transform="translate\(([-\d.]+),([-\d.]+)\)"[^>]*fill="(#\w+)"', svg)]
    return labels, points


def peak_of_30_plus(rates: list[dict]) -> tuple[float, float]:
    """The x of the highest point of the 30+ line of the report's trend chart, and the x of its month's label."""
    highest = max((r for r in rates if r["threshold"] == "30+"), key=lambda r: r["coincident"])
    labels, points = svg_positions(report_charts.svg(report_charts.rate_trend_chart(rates, "en")))
    x, _, _ = min((p for p in points if p[2] == report_charts.THRESHOLD_COLORS["30+"]), key=lambda p: p[1])
    return x, labels[highest["month_end"][:7]]


# --------------------------------------------------------------------------------- worked out by hand

def test_the_cards_of_a_two_loan_book(tiny):
    """At the end of 2026-04-20 only loan 1 is active: ¥900 at DPD 69 (due 2026-02-10). A month earlier, on
    2026-03-20, both were: loan 1 ¥900 at DPD 38, loan 2 ¥300 (two installments paid, ¥300 of principal each), so
    the 30+ rate was 900 / 1200. A year earlier nothing was lent: no rate. Cash this month to the 20th: loan 2's
    ¥320 of 2026-04-10, as in March to the 20th."""
    kpis = tiny["kpis"]
    assert tiny["compared_with"] == {"month_ago": "2026-03-20", "year_ago": "2025-04-20"}
    assert kpis["active_balance"] == {"now": 900.0, "month_ago": 1200.0, "year_ago": 0.0, "mom": -300.0,
                                      "yoy": 900.0}
    assert kpis["active_loans"] == {"now": 1, "month_ago": 2, "year_ago": 0, "mom": -1, "yoy": 1}
    assert kpis["rate_30"] == {"now": 1.0, "month_ago": 0.75, "year_ago": None, "mom": 0.25, "yoy": None}
    assert kpis["rate_90"] == {"now": 0.0, "month_ago": 0.0, "year_ago": None, "mom": 0.0, "yoy": None}
    assert kpis["cash_collected"] == {"now": 320.0, "month_ago": 320.0, "year_ago": 0.0, "mom": 0.0, "yoy": 320.0}
    assert (tiny["active_loans"], tiny["principal_balance"]) == (1, 900.0)


def test_the_trends_of_a_two_loan_book(tiny):
    """Month-ends: 2026-01-31 both current (¥1,800); 2026-02-28 loan 1 at DPD 18, loan 2 ¥600 (¥1,500, 1+ rate
    900 / 1500); 2026-03-31 loan 1 at DPD 49, loan 2 ¥300 (¥1,200, 30+ rate 900 / 1200)."""
    trends = tiny["trends"]
    assert [(r["month_end"], r["loans"], r["balance"]) for r in trends["balance"]] == [
        ("2026-01-31", 2, 1800.0), ("2026-02-28", 2, 1500.0), ("2026-03-31", 2, 1200.0)]
    rates = {(r["month_end"], r["threshold"]): r["coincident"] for r in trends["dpd_rates"]}
    assert rates[("2026-02-28", "1+")] == 0.6 and rates[("2026-02-28", "30+")] == 0.0
    assert rates[("2026-03-31", "30+")] == 0.75 and rates[("2026-03-31", "60+")] == 0.0
    assert [(r["month"], r["channel"], r["amount"]) for r in trends["cash"]] == [
        ("2026-02-01", "app", 320.0), ("2026-03-01", "app", 320.0), ("2026-04-01", "app", 320.0)]


def test_the_month_end_2026_03_31_is_drawn_at_march(tiny):
    """The 30+ point of 2026-03-31 (75%, the highest) sits on the 2026-03 gridline, not on the next month's."""
    x, march = peak_of_30_plus(tiny["trends"]["dpd_rates"])
    assert x == pytest.approx(march, abs=0.5)


def test_the_html_of_a_two_loan_book(tiny):
    page = report_html.to_html(tiny, "en")
    card = dict(re.findall(r'data-kpi="(\w+)">(.*?)</div></div>', page))
    assert all(text in card["rate_30"] for text in ("100.00%", "MoM +25.00 pp", "YoY –"))
    assert all(text in card["active_balance"] for text in ("¥900.00", "MoM -¥300.00", "YoY +¥900.00"))
    assert all(text in card["active_loans"] for text in (">1<", "MoM -1", "YoY +1"))
    assert "MoM ¥0.00" in card["cash_collected"] and 'class="change flat"' in card["cash_collected"]
    assert 'class="change worse">MoM +25.00 pp' in card["rate_30"]  # a rise of a rate is bad
    assert t("executive.no_vintage", "en", mob=3) in page
    assert "the 30+ DPD rate rose 25.00 pp since the last month-end, to 100.00%" in page
    assert t("report.not_computable", "en") in page  # what the "–" of the year-ago rates means


# ------------------------------------------------------------------------------- the page's figures

def assert_rows_equal(rows: list[dict], frame: pl.DataFrame, money: tuple[str, ...] = ()) -> None:
    """Report rows against a view's frame: dates as YYYY-MM-DD, money to the fen, everything else exactly."""
    assert len(rows) == frame.height
    for row, expected in zip(rows, frame.iter_rows(named=True), strict=True):
        assert set(row) == set(expected)
        for column, value in expected.items():
            if isinstance(value, dt.date):
                assert row[column] == value.isoformat()
            elif column in money and value is not None:
                assert row[column] == pytest.approx(value, abs=0.0051)  # rounded to the fen
            else:
                assert row[column] == value, column


def test_the_report_figures_are_the_executive_pages(figures, page_view):
    for row in page_view["kpis"].iter_rows(named=True):
        kind, _ = views.KPIS[row["kpi"]]
        for column in report.COMPARISONS:
            got, expected = figures["kpis"][row["kpi"]][column], row[column]
            if expected is None or kind == "rate":
                assert got == expected, (row["kpi"], column)
            else:
                assert got == pytest.approx(expected, abs=0.0051), (row["kpi"], column)
    trends = figures["trends"]
    assert_rows_equal(trends["balance"], page_view["balance"], money=("balance",))
    assert_rows_equal(trends["dpd_rates"], page_view["rates"].drop("measure"), money=("base",))
    assert_rows_equal(trends["net_charge_off"], page_view["nco"],
                      money=("gross_charge_off", "recoveries", "mean_balance"))
    assert_rows_equal(trends["cash"], page_view["cash"], money=("amount",))
    assert_rows_equal(figures["movers"], page_view["movers"], money=("balance",))
    assert_rows_equal(figures["vintages"], page_view["vintages"], money=("principal",))
    assert figures["vintage_comparison"] == page_view["vintage_comparison"]
    assert len(trends["balance"]) == views.TREND_MONTHS and len(figures["movers"]) == 3


def test_the_html_shows_the_pages_figures(figures):
    for lang in ("zh", "en"):
        page = report_html.to_html(figures, lang)
        cards = dict(re.findall(r'data-kpi="(\w+)">(.*?)</div></div>', page))
        assert list(cards) == ["active_balance", "active_loans", "cash_collected", "rate_30", "rate_90",
                               "net_charge_off", "ecl"]
        for kpi, values in figures["kpis"].items():
            kind, _ = views.KPIS[kpi]
            assert report_html._value(kind, values["now"]) in cards[kpi]
            assert f'{t("executive.mom", lang)} {report_html._change(kind, values["mom"], lang)}' in cards[kpi]
            assert t("executive.yoy", lang, delta=report_html._change(kind, values["yoy"], lang)) in cards[kpi]
        comparison = figures["vintage_comparison"]
        assert f"{comparison['recent']:.2%}" in page and f"{comparison['earlier']:.2%}" in page
        for mover in figures["movers"]:
            assert f"{abs(mover['change']) * 100:.2f}" in page and f"{mover['rate']:.2%}" in page
        assert page.count("<svg") == 5  # balance, rates, net charge-off, cash; buckets


def test_the_demo_books_30_plus_peak_is_drawn_at_its_month(figures):
    x, month = peak_of_30_plus(figures["trends"]["dpd_rates"])
    assert x == pytest.approx(month, abs=0.5)


def test_the_footer_says_what_the_figures_are_without_citing_internal_documents(figures):
    for lang in ("zh", "en"):
        page = report_html.to_html(figures, lang)
        assert "DESIGN" not in page and "§" not in page
        for key in ("report.definitions", "kpi.rate_30_help", "report.definition_dpd", "report.definition_entry"):
            assert escape(t(key, lang)) in page, key


# ------------------------------------------------------------------------------- further figures

def test_the_json_has_exactly_the_agreed_keys(figures):
    assert set(figures) == KEYS
    assert figures["as_of"] == "2026-11-29"
    assert list(figures["kpis"]) == list(views.KPIS)
    assert all(set(v) == set(report.COMPARISONS) for v in figures["kpis"].values())
    assert set(figures["trends"]) == {"balance", "dpd_rates", "net_charge_off", "cash"}
    assert set(figures["dpd_rates"]) == {"1+", "30+", "60+", "90+"}
    assert all(set(v) == {"count", "balance"} for v in figures["dpd_rates"].values())
    assert [b["bucket"] for b in figures["buckets"]] == ["M0", "M1", "M2", "M3", "M4", "M5", "M6"]
    assert set(figures["ecl"]) == {"stage1", "stage2", "stage3"}
    assert set(figures["roll_rates"]) == {"from", "to", "count", "balance"}
    assert set(figures["vintages"][0]) == {"cohort", "mob", "loans", "principal", "ever_30_count", "ever_30_balance",
                                           "ever_90_count", "ever_90_balance"}
    json.loads(report.to_json(figures))


def test_headline_figures_match_an_independent_computation(con, figures):
    """Totals and DPD rates recomputed in polars from the per-loan status rows, not from the metric SQL."""
    loans = day_status.status_as_of(con, DEMO_AS_OF).with_columns(pl.col("principal_balance").cast(pl.Float64))
    assert figures["active_loans"] == loans.height
    assert figures["principal_balance"] == pytest.approx(loans["principal_balance"].sum(), abs=0.005)
    for x in (1, 30, 60, 90):
        bad = loans.filter(pl.col("dpd") >= x)
        assert figures["dpd_rates"][f"{x}+"]["count"] == bad.height / loans.height
        assert figures["dpd_rates"][f"{x}+"]["balance"] == pytest.approx(
            bad["principal_balance"].sum() / loans["principal_balance"].sum(), rel=1e-12)
    assert figures["kpis"]["rate_30"]["now"] == pytest.approx(figures["dpd_rates"]["30+"]["balance"], rel=1e-12)
    by_bucket = loans.group_by("bucket").agg(pl.len(), pl.col("principal_balance").sum())
    for row in figures["buckets"]:
        match = by_bucket.filter(pl.col("bucket") == row["bucket"])
        assert row["loans"] == (match["len"][0] if match.height else 0)


def test_roll_rates_cover_the_latest_month_end_pair(figures):
    rolls = figures["roll_rates"]
    assert (rolls["from"], rolls["to"]) == ("2026-09-30", "2026-10-31")
    for measure in ("count", "balance"):
        for from_bucket, rates in rolls[measure].items():
            assert list(rates) == list(metrics.ROLL_TO_STATES)
            assert sum(rates.values()) == pytest.approx(1.0), (measure, from_bucket)


def test_vintages_cover_every_cohort_and_observed_mob(figures):
    mobs = {}
    for row in figures["vintages"]:
        mobs.setdefault(row["cohort"], []).append(row["mob"])
    assert min(mobs) == "2024-11" and max(mobs) == "2026-10"
    assert mobs["2024-11"] == list(range(24)) and mobs["2026-10"] == [0]
    for row in figures["vintages"]:
        assert 0 <= row["ever_90_count"] <= row["ever_30_count"] <= 1


def test_report_figures_are_the_metric_functions(con, figures):
    assert figures["fpd30"] == metrics.payment_default(con, DEMO_AS_OF, 30, 1)["rate"]
    assert figures["net_charge_off_rate"] == metrics.net_charge_off_rate(con, DEMO_AS_OF, DEMO_AS_OF)["rate"]
    ecl = metrics.expected_credit_loss(con, DEMO_AS_OF)["ecl"]
    assert figures["ecl"] == {k: round(v, 2) for k, v in ecl.items()}
    assert figures["kpis"]["ecl"]["now"] == pytest.approx(sum(ecl.values()), abs=0.005)


def test_html_is_self_contained(figures):
    page = report_html.to_html(figures, "zh")
    assert "<svg" in page and "资产质量报告" in page
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page)
    assert "<script" not in page and "@import" not in page and "url(" not in page
    assert "Portfolio health report" in report_html.to_html(figures, "en")


def run(*args):
    return subprocess.run([sys.executable, "-m", "monitor", *args], capture_output=True, text=True, timeout=300)


def test_report_command(demo_db, tmp_path):
    result = run("report", "--db", str(demo_db), "--as-of", "2026-11-29", "--format", "json")
    assert result.returncode == 0, result.stderr
    assert set(json.loads(result.stdout)) == KEYS
    out = tmp_path / "report.html"
    result = run("report", "--db", str(demo_db), "--as-of", "2026-11-29", "--format", "html", "--out", str(out))
    assert result.returncode == 0 and out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


@pytest.mark.parametrize("args, words", [
    (("--as-of", "2020-01-01"), "before all data"),
    (("--as-of", "2026-11-29", "--out", "/nonexistent/dir/r.html"), "cannot write"),
    (("--as-of", "2026-02-30"), "not a date"),
])
def test_report_command_bad_input(demo_db, args, words):
    result = run("report", "--db", str(demo_db), *args)
    assert result.returncode == 2 and words in result.stderr and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
