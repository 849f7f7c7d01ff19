"""The report command: its JSON keys, its figures against an independent computation, a self-contained HTML."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import polars as pl
import pytest

from monitor import metrics, report, status

from .conftest import DEMO_AS_OF

KEYS = {"as_of", "active_loans", "principal_balance", "dpd_rates", "buckets", "roll_rates", "vintages", "fpd30",
        "collection_entry_rate", "net_charge_off_rate", "ecl"}


@pytest.fixture
def con(demo_con):
    return demo_con


@pytest.fixture(scope="module")
def figures(demo_con):
    return report.build_report(demo_con, DEMO_AS_OF)


def test_the_json_has_exactly_the_agreed_keys(figures):
    assert set(figures) == KEYS
    assert figures["as_of"] == "2026-11-29"
    assert set(figures["dpd_rates"]) == {"1+", "30+", "60+", "90+"}
    assert all(set(v) == {"count", "balance"} for v in figures["dpd_rates"].values())
    assert [b["bucket"] for b in figures["buckets"]] == ["M0", "M1", "M2", "M3", "M4", "M5", "M6"]
    assert set(figures["ecl"]) == {"stage1", "stage2", "stage3"}
    assert set(figures["roll_rates"]) == {"from", "to", "count", "balance"}
    assert set(figures["vintages"][0]) == {"cohort", "mob", "ever_30_count", "ever_30_balance", "ever_90_count",
                                           "ever_90_balance"}
    json.loads(report.to_json(figures))


def test_headline_figures_match_an_independent_computation(con, figures):
    """Totals and DPD rates recomputed in polars from the per-loan status rows, not from the metric SQL."""
    loans = status.status_as_of(con, DEMO_AS_OF).with_columns(pl.col("principal_balance").cast(pl.Float64))
    assert figures["active_loans"] == loans.height
    assert figures["principal_balance"] == pytest.approx(loans["principal_balance"].sum(), abs=0.005)
    for x in (1, 30, 60, 90):
        bad = loans.filter(pl.col("dpd") >= x)
        assert figures["dpd_rates"][f"{x}+"]["count"] == bad.height / loans.height
        assert figures["dpd_rates"][f"{x}+"]["balance"] == pytest.approx(
            bad["principal_balance"].sum() / loans["principal_balance"].sum(), rel=1e-12)
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


def test_html_is_self_contained(con, figures):
    page = report.to_html(con, figures, "zh")
    assert "<svg" in page and "资产质量报告" in page
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page)
    assert "<script" not in page
    assert "Portfolio health report" in report.to_html(con, figures, "en")


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


def test_ecl_by_stage_recomputed_loan_by_loan(con):
    """ECL = PD x LGD x EAD per loan (DESIGN.md §4), staged by DPD and restructuring, recomputed in polars."""
    result = metrics.expected_credit_loss(con, DEMO_AS_OF)
    pd_by_bucket = dict(zip(result["pd_by_bucket"]["bucket"], result["pd_by_bucket"]["pd"], strict=True))
    lgd = result["lgd"]["lgd"]
    restructured = {r[0] for r in con.execute("SELECT loan_id FROM loans WHERE parent_loan_id IS NOT NULL").fetchall()}
    expected = {1: 0.0, 2: 0.0, 3: 0.0}
    for row in status.status_as_of(con, DEMO_AS_OF).iter_rows(named=True):
        ead = float(row["principal_balance"])
        is_restructured = row["loan_id"] in restructured
        if row["dpd"] > 90:
            expected[3] += ead * lgd
        elif row["dpd"] > 30 or is_restructured:
            expected[2] += ead * lgd * pd_by_bucket["M2" if row["dpd"] <= 30 else row["bucket"]]
        else:
            expected[1] += ead * lgd * pd_by_bucket[row["bucket"]]
    assert result["ecl"] == pytest.approx({f"stage{k}": v for k, v in expected.items()}, rel=1e-9)
    assert result["stages"]["ead"].sum() == pytest.approx(float(metrics.day_totals(con, DEMO_AS_OF)["balance"]))
    assert 0 < lgd <= 1 and list(result["pd_by_bucket"]["pd"]) == sorted(result["pd_by_bucket"]["pd"])


def test_ecl_of_the_segments_adds_up_to_the_book(con):
    whole = metrics.expected_credit_loss(con, DEMO_AS_OF)["ecl"]
    parts = [metrics.expected_credit_loss(con, DEMO_AS_OF, "product", product)["ecl"]
             for product in ("cash_loan", "installment")]
    for stage in whole:
        assert sum(part[stage] for part in parts) == pytest.approx(whole[stage], rel=1e-9)
