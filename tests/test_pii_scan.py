"""Done when (issue 14): no page, export, report or log line shows a full name, phone or ID number.

For the scored demo book, which has also landed a misaligned file (customers' names, phones and ID numbers in its
quarantine): every page's text in both languages through AppTest in local mode (every role), the Account
view for a few loans, the early-warning and delinquent-loans lists, every export (the early-warning CSV, the
executive HTML report, the portfolio simulator's CSV and JSON, whatever else a page hands to the browser to
download), the commands' `report` and `status` output, and every log record written meanwhile, scanned for every
customer's unmasked name (2 characters or more), phone and ID number. And what made the masks reversible: no birth
year beside the masked ID number, and no income figure for a role that may not see it (a risk manager)."""

from __future__ import annotations

import contextlib
import logging
import shutil
from pathlib import Path

import polars as pl
import pyarrow as pa
import pytest
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
from streamlit.testing.v1 import AppTest

from monitor import access, db, early_warning, ingest, metrics, report, report_html
from monitor.i18n import LANGUAGES, t
from ui import format as fmt
from ui import navigation

from .conftest import APPTEST_TIMEOUT, DEMO_AS_OF, ROOT
from .test_cli import monitor
from .test_pages_apptest import every_view, open_page, run
from .test_pages_pii import signed_in

PAGE_STEMS = [stem for stem, _ in navigation.PAGES]
ACCOUNTS = 4  # loans opened on the Account view besides the default one


class _Everything(logging.Handler):
    """Every log record of every logger, formatted as a log file would hold it."""

    def __init__(self):
        super().__init__(logging.DEBUG)
        self.setFormatter(logging.Formatter("%(levelname)s %(name)s %(message)s"))
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


@contextlib.contextmanager
def captured_logs():
    handler = _Everything()
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        yield handler.lines
    finally:
        root.removeHandler(handler)
        root.setLevel(level)


@contextlib.contextmanager
def captured_downloads(monkeypatch):
    """The bytes of every file a page hands to the browser (st.download_button's data)."""
    saved: list[bytes] = []
    original = MemoryMediaFileStorage.load_and_get_id

    def record(self, path_or_data, mimetype, kind, filename=None):
        saved.append(path_or_data if isinstance(path_or_data, bytes) else str(path_or_data).encode())
        return original(self, path_or_data, mimetype, kind, filename)

    monkeypatch.setattr(MemoryMediaFileStorage, "load_and_get_id", record)
    yield saved


def page_text(at: AppTest) -> str:
    """Everything the page sends to the browser: every element's message (its strings as written), and the rows of
    every table and chart (sent apart, as Arrow)."""
    parts: list[str] = []

    def strings(value) -> None:
        if isinstance(value, str):
            parts.append(value)
        elif hasattr(value, "ListFields"):  # a message: its fields that are set
            for _, field in value.ListFields():
                strings(field)
        elif hasattr(value, "items"):  # a map field
            for key, item in value.items():
                strings(key)
                strings(item)
        elif not isinstance(value, (bytes, int, float, bool)):  # a repeated field
            for item in value:
                strings(item)

    def walk(node) -> None:
        proto = getattr(node, "proto", None)
        if proto is not None:
            strings(proto)
        for child in (getattr(node, "children", None) or {}).values():
            walk(child)

    walk(at._tree)
    for table in at.get("dataframe"):
        parts.append(table.value.to_csv())
    for chart in at.get("vega_lite_chart"):
        for dataset in chart.proto.datasets:
            parts.append(pa.ipc.open_stream(dataset.data.data).read_all().to_pandas().to_csv())
    return "\n".join(parts)


@pytest.fixture(scope="module")
def scan_db(scored_db, tmp_path_factory) -> Path:
    """A copy of the scored book (with its models) that has also landed a misaligned file: a customer list saved
    under the payments header, its names, phones and ID numbers in the quarantine."""
    folder = tmp_path_factory.mktemp("scan") / "book"
    shutil.copytree(scored_db.parent, folder)
    path = folder / scored_db.name
    con = db.connect(path, read_only=True)
    try:
        people = con.sql("SELECT name, phone, id_number FROM customers ORDER BY customer_id LIMIT 5").pl()
        loan_id = con.execute("SELECT min(loan_id) FROM loans").fetchone()[0]
    finally:
        con.close()
    rows = [f"{phone},{loan_id},{id_number},{phone},{name}" for name, phone, id_number in people.iter_rows()]
    outcome = ingest.load_bytes(path, "\n".join(["payment_id,loan_id,paid_at,amount,channel", *rows]).encode(),
                                "customers.csv", actor=access.COMMAND_USER)
    assert outcome.rows_rejected == len(rows)
    return path


@pytest.fixture(scope="module")
def customers(scored_db) -> pl.DataFrame:
    """Every customer's clear values, and for each loan its customer's birth year and income."""
    con = db.connect(scored_db, read_only=True)
    try:
        return con.sql("""SELECT l.loan_id, c.name, c.phone, c.id_number, c.birth_year,
                                 CAST(c.monthly_income AS DOUBLE) AS income
                          FROM loans l JOIN customers c USING (customer_id)""").pl()
    finally:
        con.close()


@pytest.fixture(scope="module")
def clear_values(customers) -> list[str]:
    names = customers.filter(pl.col("name").str.len_chars() >= 2)["name"]
    return sorted(set(names) | set(customers["phone"]) | set(customers["id_number"]))


def found(text: str, values: list[str]) -> list[str]:
    """The values that occur in `text` (Aho-Corasick over all of them at once)."""
    return sorted(set(pl.Series([text]).str.extract_many(values, overlapping=True)[0].to_list()))


@pytest.fixture(scope="module")
def accounts(scored_db) -> list[int]:
    """A few loans to open on the Account view: the most delinquent ones after the default, one closed, one
    restructured."""
    con = db.connect(scored_db, read_only=True)
    try:
        worst = metrics.delinquent_loans(con, DEMO_AS_OF, min_dpd=1, limit=ACCOUNTS)["loan_id"].to_list()
        closed = con.execute("""SELECT min(loan_id) FILTER (status = 'paid_off'),
                                       min(loan_id) FILTER (status = 'restructured') FROM loans
                                WHERE closed_date <= ?""", [DEMO_AS_OF]).fetchone()
    finally:
        con.close()
    return [*worst[1:], *(loan for loan in closed if loan is not None)]


@pytest.fixture(scope="module")
def shown(scan_db, accounts, tmp_path_factory) -> dict[str, str]:
    """What every page (and a few Account views) shows in each language in local mode, what its downloads hold,
    and the log records written meanwhile: source -> text."""
    texts: dict[str, str] = {}
    with pytest.MonkeyPatch.context() as patch, captured_logs() as logs, captured_downloads(patch) as downloads:
        patch.setenv("MONITOR_DB", str(scan_db))
        patch.setenv("MONITOR_ACCESS_DB", str(tmp_path_factory.mktemp("scan") / "access.duckdb"))
        for lang in LANGUAGES:
            at = run(AppTest.from_file(str(ROOT / "app.py"), default_timeout=APPTEST_TIMEOUT), lang=lang)
            for stem in PAGE_STEMS:  # every section of a page that shows one at a time
                texts[f"page {stem} ({lang})"] = "\n".join(page_text(view) for view in every_view(at, stem))
            for loan_id in accounts:
                at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=APPTEST_TIMEOUT)
                texts[f"account {loan_id} ({lang})"] = page_text(open_page(run(at, lang=lang, loan=str(loan_id)),
                                                                           "account"))
        texts["downloads"] = "\n".join(data.decode("utf-8", "replace") for data in downloads)
        texts["logs"] = "\n".join(logs)
    return texts


def test_the_scan_sees_every_page_and_the_masked_values(shown, customers):
    assert {f"page {stem} ({lang})" for stem in PAGE_STEMS for lang in LANGUAGES} <= set(shown)
    masked_phone = r"1[3-9][0-9]\*{4}[0-9]{4}"
    assert pl.Series([shown["page early_warning (zh)"]]).str.contains(masked_phone).item()
    assert pl.Series([shown["page delinquency (en)"]]).str.contains(masked_phone).item()
    assert pl.Series([shown["page account (en)"]]).str.contains(r"[0-9]{6}\*{8}[0-9]{3}[0-9X]").item()
    assert shown["downloads"]  # the executive report at least
    assert shown["page data (en)"].count("customers.csv") > 5  # the quarantine, its rows as read (local mode)
    masked = customers.select(pl.col("phone").str.slice(0, 3) + "****" + pl.col("phone").str.slice(7))["phone"]
    assert len(found(shown["page early_warning (en)"], sorted(set(masked)))) >= 10  # the search finds what is there


def test_no_page_download_or_log_shows_a_full_name_phone_or_id_number(shown, clear_values):
    leaks = {source: found(text, clear_values)[:5] for source, text in shown.items()}
    assert {source: values for source, values in leaks.items() if values} == {}


def test_no_birth_year_beside_the_masked_id_number(shown, customers, accounts):
    """The Account view shows the masked ID number and the province: with the birth year too, some 33 numbers
    fit (issue 14). Its customer facts hold no birth year, in words or as the customer's."""
    for lang in LANGUAGES:
        assert t("col.birth_year", lang) not in shown[f"page account ({lang})"]
        for loan_id in accounts:
            text = shown[f"account {loan_id} ({lang})"]
            customer = customers.filter(pl.col("loan_id") == loan_id).row(0, named=True)
            assert t("col.birth_year", lang) not in text
            assert customer["id_number"][:6] + "*" * 8 + customer["id_number"][-4:] in text
            assert f",{customer['birth_year']}\n" not in text  # a fact table's row as CSV: item,value


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_risk_manager_sees_no_income_figure(scored_db, customers, accounts, tmp_path, monkeypatch, lang):
    monkeypatch.setenv("MONITOR_DB", str(scored_db))
    monkeypatch.setenv("MONITOR_ACCESS_DB", str(tmp_path / "access.duckdb"))
    for loan_id in accounts[:2]:
        at = signed_in(AppTest.from_file(str(ROOT / "app.py"), default_timeout=APPTEST_TIMEOUT), "risk_manager")
        open_page(run(at, lang=lang, loan=str(loan_id)), "account")
        income = customers.filter(pl.col("loan_id") == loan_id)["income"][0]
        [customer] = [dict(zip(table.value["fact"], table.value["value"], strict=True)) for table in at.main.dataframe
                      if "fact" in table.value.columns and t("col.customer_id", lang) in set(table.value["fact"])]
        assert fmt.exact_money(income) not in customer.values() and t("col.monthly_income", lang) not in customer
        assert customer[t("pii.income_band", lang)].startswith(("3", "5", "8", "1", "2", "¥"))


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_exports_and_reports_carry_no_clear_value(scored_db, scored_con, clear_values, lang):
    exports = {
        "early-warning CSV": early_warning.export_csv(scored_con, DEMO_AS_OF, {}, lang).decode("utf-8-sig"),
        "executive HTML": report_html.to_html(report.build_report(scored_con, DEMO_AS_OF), lang),
        "report JSON": report.to_json(report.build_report(scored_con, DEMO_AS_OF)),
        "delinquent loans": metrics.delinquent_loans(scored_con, DEMO_AS_OF, limit=100_000).write_csv(),
    }
    assert exports["early-warning CSV"].count("\n") > 100 and exports["delinquent loans"].count("\n") > 100
    leaks = {name: found(text, clear_values)[:5] for name, text in exports.items()}
    assert {name: values for name, values in leaks.items() if values} == {}


def test_the_commands_output_carries_no_clear_value(scored_db, clear_values, tmp_path):
    outputs = {
        "report json": monitor("report", "--db", str(scored_db), "--as-of", DEMO_AS_OF.isoformat(), cwd=tmp_path),
        "report html": monitor("report", "--db", str(scored_db), "--as-of", DEMO_AS_OF.isoformat(), "--format",
                               "html", cwd=tmp_path),
        "status": monitor("status", "--db", str(scored_db), "--as-of", DEMO_AS_OF.isoformat(), cwd=tmp_path),
    }
    assert all(result.returncode == 0 for result in outputs.values()), {k: r.stderr for k, r in outputs.items()}
    assert outputs["status"].stdout.count("\n") > 1000
    leaks = {name: found(result.stdout + result.stderr, clear_values)[:5] for name, result in outputs.items()}
    assert {name: values for name, values in leaks.items() if values} == {}
