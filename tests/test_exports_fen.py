"""Every export rounds money to the fen (issue 15 item 5): read back, no amount has more than 2 decimals. The exports:
the saved scenarios (CSV and JSON), the early-warning list (CSV), the executive report (JSON and HTML)."""

from __future__ import annotations

import io
import json
import re
import shutil

import polars as pl
import pytest

from monitor import access, db, early_warning, export, report, report_html
from monitor.i18n import LANGUAGES, t
from monitor.simulate import scenarios

from .conftest import DEMO_AS_OF

MORE_THAN_A_FEN = re.compile(r"\.\d{3,}")
SCENARIO_MONEY = ("charge_offs", "baseline_charge_offs", "cash", "delinquent_end", "ecl_end")
# the report's money: JSON keys whose numbers are yuan (monitor.report: _money and _records' money columns)
REPORT_MONEY_KEYS = {"balance", "base", "gross_charge_off", "recoveries", "mean_balance", "amount", "principal",
                     "stage1", "stage2", "stage3", "total"}


def to_the_fen(value: float) -> bool:
    return value is None or round(value, 2) == value


def projection_like(scale: float) -> dict:
    """A saved summary as monitor.simulate.projection.summary writes it: sums and products of floats, not to the fen."""
    figures = {"charge_offs": 12345.678901 * scale, "cash": 98765.4321 * scale, "settled": 1.005 * scale,
               "delinquent_end": 55555.55555, "ecl_start": 3333.33333, "ecl_end": 4444.444449}
    series = {name: [1 / 3 * scale, 2 / 3 * scale] for name in ("delinquent", "charge_offs", "cash", "ecl")}
    return {**figures, "series": {**series, "month_end": ["2026-12-31", "2027-01-31"]}}


@pytest.fixture(scope="module")
def saved(demo_db, tmp_path_factory) -> pl.DataFrame:
    path = tmp_path_factory.mktemp("fen") / "book.duckdb"
    shutil.copyfile(demo_db, path)
    summary = {"scenario": projection_like(1.0), "baseline": projection_like(1.1)}
    scenarios.save(path, "unrounded", DEMO_AS_OF, {"stress": 1.25, "months": 2, "policy": None}, summary,
                   actor=access.COMMAND_USER)
    con = db.connect(path, read_only=True)
    try:
        return scenarios.list_scenarios(con)
    finally:
        con.close()


def test_the_scenarios_csv_has_money_to_the_fen(saved):
    """What the Portfolio scenarios page's CSV button downloads: scenarios.compare's table through export."""
    table = scenarios.compare(saved, ["unrounded"])["table"]
    written = export.csv_bytes(table, bom=False).decode("utf-8")
    read = pl.read_csv(io.StringIO(written), infer_schema=False)
    for column in SCENARIO_MONEY:
        assert not MORE_THAN_A_FEN.search(read[column][0]), (column, read[column][0])
    assert float(read["charge_offs"][0]) == 12345.68 and float(read["ecl_end"][0]) == 4444.44
    assert float(read["stress"][0]) == 1.25  # not money: as chosen


def test_the_scenarios_json_has_money_to_the_fen(saved):
    [row] = json.loads(scenarios.export_json(saved))
    amounts = []

    def walk(value):
        if isinstance(value, dict):
            for inner in value.values():
                walk(inner)
        elif isinstance(value, list):
            for inner in value:
                walk(inner)
        elif isinstance(value, float):
            amounts.append(value)

    walk(row["summary"])
    assert len(amounts) == 2 * (6 + 4 * 2)  # every figure of both summaries was read
    assert all(to_the_fen(value) for value in amounts), amounts
    assert row["summary"]["scenario"]["charge_offs"] == 12345.68
    assert row["summary"]["baseline"]["series"]["cash"] == [0.37, 0.73]
    assert row["parameters"] == {"stress": 1.25, "months": 2, "policy": None}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_early_warning_csv_has_money_to_the_fen(scored_con, lang):
    written = early_warning.export_csv(scored_con, DEMO_AS_OF, {}, lang).decode("utf-8-sig")
    read = pl.read_csv(io.StringIO(written), infer_schema=False)
    balances = read[t("early_warning.col_balance_yuan", lang)]
    assert balances.len() > 100
    assert not [value for value in balances if MORE_THAN_A_FEN.search(value)]


def test_the_report_has_money_to_the_fen(demo_con):
    built = report.build_report(demo_con, DEMO_AS_OF)
    amounts = []

    def walk(value, path=()):
        if isinstance(value, dict):
            money = value.get("kind") == "money"  # a KPI's figures: now, month_ago, year_ago, mom, yoy
            for key, inner in value.items():
                walk(inner, (*path, "amount" if money and key != "kind" else key))
        elif isinstance(value, list):
            for inner in value:
                walk(inner, path)
        elif isinstance(value, float) and path[-1] in REPORT_MONEY_KEYS and path[-3:-2] != ("dpd_rates",):
            amounts.append((path, value))  # dpd_rates: {"30+": {"balance": a rate by balance, ...}}

    walk(json.loads(report.to_json(built)))
    assert len({path[-1] for path, _ in amounts}) >= 6 and len(amounts) > 50
    assert [(key, value) for key, value in amounts if not to_the_fen(value)] == []
    for lang in LANGUAGES:
        html = re.sub(r"<svg.*?</svg>", "", report_html.to_html(built, lang), flags=re.DOTALL)  # charts: drawn
        assert re.findall(r"¥", html)
        assert not re.findall(r"¥-?[\d,]*\.\d{3,}", html)
