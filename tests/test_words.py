"""Words and figures as a reader expects them (issue 15 item 5): one file is "1 file", a negative amount "-¥424.16"."""

from __future__ import annotations

import pytest

from monitor.i18n import plural, t
from ui import format as fmt


@pytest.mark.parametrize(("count", "en", "zh"), [
    (1, "Load 1 file", "导入 1 个文件"), (2, "Load 2 files", "导入 2 个文件"), (0, "Load 0 files", "导入 0 个文件")])
def test_a_count_takes_the_right_form(count, en, zh):
    assert plural("ingest.land", "en", count, files=count) == en
    assert plural("ingest.land", "zh", count, files=count) == zh


@pytest.mark.parametrize(("value", "text"), [
    (-424.16, "-¥424.16"), (424.16, "¥424.16"), (-1234567.5, "-¥1,234,567.50"), (0.0, "¥0.00"), (-0.001, "¥0.00"),
    (None, fmt.NONE)])
def test_an_exact_amount_puts_its_sign_before_the_currency(value, text):
    assert fmt.exact_money(value) == text


def test_the_time_zone_note_counts_too():
    assert plural("ingest.zone_note", "en", 1, file="f.csv", values="1", zone="Asia/Shanghai") == (
        "f.csv: 1 time written with a time zone was converted to local time (Asia/Shanghai).")
    assert "(s)" not in t("ingest.zone_note.other", "en", file="f", values="2", zone="z")


def test_cure_is_never_called_recovery_in_chinese():
    """治愈率 (back to current) is not 回收率 (money recovered after charge-off): one word for each, everywhere."""
    from monitor.i18n import CATALOG

    cures = {key: text["zh"] for key, text in CATALOG.items() if "cure" in key}  # texts about cures themselves
    assert {"chart.cure_rate", "delinquency.cures", "delinquency.no_cures"} <= set(cures)
    assert all("回收" not in zh for zh in cures.values()), cures
    named = ("chart.cure_rate", "delinquency.cures", "delinquency.no_cures", "simulator_loan.assumption.cure_rate")
    assert all("治愈率" in cures[key] for key in named), cures
    recoveries = {key: text["zh"] for key, text in CATALOG.items() if "recovery_rate" in key}
    assert recoveries and all("治愈" not in zh for zh in recoveries.values()), recoveries


@pytest.mark.parametrize(("value", "text"),
                         [(0.12345, "12.35%"), (0.0004, "0.04%"), (1.0, "100.00%"), (None, fmt.NONE)])
def test_a_pd_reads_with_one_precision(value, text):
    assert fmt.pd(value) == text
    assert fmt.PD_D3 == ".2%" and fmt.PD_COLUMN == "percent"  # Streamlit's "percent" preset shows 2 decimals too


def _tooltip_formats(spec, field: str) -> list[str]:
    """The d3 format of every tooltip on `field` anywhere in a chart's spec."""
    if isinstance(spec, dict):
        found = [spec["format"]] if spec.get("field") == field and "format" in spec and "title" in spec else []
        return found + [f for value in spec.values() for f in _tooltip_formats(value, field)]
    if isinstance(spec, list):
        return [f for value in spec for f in _tooltip_formats(value, field)]
    return []


def test_the_pd_charts_use_the_pd_format():
    """The account's score history and the model's calibration write a PD as the tables beside them do."""
    import datetime as dt

    import polars as pl

    from ui import account_charts, model_charts

    scores = pl.DataFrame({"as_of": [dt.date(2026, 10, 31)], "pd": [0.1234], "points": [580.0], "tier": ["D"],
                           "treatment": ["call"]})
    calibration = pl.DataFrame({"decile": [1], "n": [100], "mean_pd": [0.0123], "observed_rate": [0.02],
                                "gap": [0.0077]})
    assert set(_tooltip_formats(account_charts.score_chart(scores, "en").to_dict(), "pd")) == {fmt.PD_D3}
    assert set(_tooltip_formats(model_charts.calibration_chart(calibration, "en").to_dict(), "mean_pd")) == {
        fmt.PD_D3}
