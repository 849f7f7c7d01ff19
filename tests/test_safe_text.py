"""Text from outside stays text: a URL value, an uploaded file's name and a code stored in the book reach Streamlit's
markdown escaped (ui.safe_text), so that no link, image, colour, icon, formula or heading renders from them; CSV
exports quote a text cell a spreadsheet would run as a formula (monitor.export)."""

from __future__ import annotations

import csv
import io
import shutil

import polars as pl
import pytest
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
from streamlit.testing.v1 import AppTest

from monitor import db, derive, early_warning, export
from monitor.i18n import LANGUAGES, label, t
from monitor.synth.book import generate
from tests.conftest import APPTEST_TIMEOUT, DEMO_AS_OF, ROOT
from tests.ingest.helpers import PAYMENTS_HEADER, book, loan
from ui import labels, safe_text

LINK = "[x](http://evil)"
IMAGE = "![](http://evil/img.png)"
RED = ":red[spoofed]"
HOSTILE = f"{LINK} {IMAGE} {RED} <b>bold</b> $x^2$ :material/home: www.evil.com"
HOSTILE_CHANNEL = '=HYPERLINK("http://x")'
WJ = safe_text.WORD_JOINER


@pytest.mark.parametrize(("raw", "escaped"), [
    (LINK, rf"\[x\]\(http\:{WJ}\/\/evil\)"),
    (IMAGE, rf"\!\[\]\(http\:{WJ}\/\/evil\/img\.png\)"),
    (RED, r"\:red\[spoofed\]"),
    ("<img src=x onerror=alert(1)>", r"\<img src\=x onerror\=alert\(1\)\>"),
    ("$\\frac{1}{2}$", r"\$\\frac\{1\}\{2\}\$"),
    (":material/home: :smile:", r"\:material\/home\: \:smile\:"),
    ("www.evil.com WWW.x.cn a@b.cn", rf"www{WJ}\.evil\.com WWW{WJ}\.x\.cn a{WJ}\@b\.cn"),  # bare links
    ("# Heading\n- item\r\n> quote", r"\# Heading \- item \> quote"),
    ("**bold** _it_ ~~del~~ `code`", r"\*\*bold\*\* \_it\_ \~\~del\~\~ \`code\`"),
    ("&lt; &#x202E;", r"\&lt\; \&\#x202E\;"),
    ("abc\u202egpj.exe", r"abc gpj\.exe"),  # a right-to-left override, shown as a space
    ("中介 Broker 2026", "中介 Broker 2026"),  # plain text as it is
    (12345, "12345"),
])
def test_escape(raw, escaped):
    assert safe_text.escape(raw) == escaped


def test_escape_all_escapes_every_parameter():
    assert safe_text.escape_all({"file": "a_b.csv", "columns": "[x]"}) == {"file": r"a\_b\.csv", "columns": r"\[x\]"}


def run(at: AppTest, **query) -> AppTest:
    at.query_params.update(query)
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_url_value_reaches_the_page_as_text(app, lang):
    run(app, lang=lang, segment="channel", value=HOSTILE)
    scope = safe_text.escape(labels.scope("channel", HOSTILE, lang))
    assert app.main.markdown[0].value == t("delinquency.scope", lang, scope=scope, as_of=DEMO_AS_OF.isoformat(),
                                           measure=labels.measure("balance", lang))
    assert [info.value for info in app.main.info] == [
        t("delinquency.segment_empty", lang, scope=scope, as_of=DEMO_AS_OF.isoformat()),
        t("delinquency.no_month_ends", lang)]
    for shown in (app.main.markdown[0].value, app.main.info[0].value):
        for markup in ("](", "![", ":red[", "<b>", "$x^", ":material/", "www.evil"):
            assert markup not in shown


@pytest.fixture(scope="module")
def hostile_db(tmp_path_factory):
    """A small book whose channel `app` was loaded as a spreadsheet formula holding markdown."""
    path = tmp_path_factory.mktemp("hostile") / "hostile.duckdb"
    generate(path, 300, 7, DEMO_AS_OF)
    con = db.connect(path)
    try:
        db.run(con, "UPDATE loans SET channel = $code WHERE channel = 'app'", {"code": HOSTILE_CHANNEL + " " + LINK})
        derive.derive(con)
    finally:
        con.close()
    return path


def test_a_code_from_the_book_reaches_the_page_as_text(hostile_db, monkeypatch):
    """The delinquent loans of a channel stored as markup: its name is escaped in the sentence, and shown as it is
    in the table (a table cell is not markdown)."""
    monkeypatch.setenv("MONITOR_DB", str(hostile_db))
    code = HOSTILE_CHANNEL + " " + LINK
    at = run(AppTest.from_file(str(ROOT / "app.py"), default_timeout=APPTEST_TIMEOUT), lang="en", section="segments",
             movers="channel")
    loans_of = at.main.selectbox(key="delinquency.loans_of")
    assert code in loans_of.options
    loans_of.set_value(code).run()
    assert not at.exception, [e.message for e in at.exception]
    sentence = next(m.value for m in at.main.markdown if m.value.startswith("Delinquent loans of"))
    assert safe_text.escape(labels.scope("channel", code, "en")) in sentence
    assert LINK not in sentence
    assert list(at.main.dataframe[-1].value["channel"].unique()) == [code]


def test_an_uploaded_file_name_reaches_the_page_as_text(demo_db, tmp_path, monkeypatch):
    path = book(demo_db, tmp_path)
    monkeypatch.setenv("MONITOR_DB", str(path))
    at = run(AppTest.from_file(str(ROOT / "app.py"), default_timeout=APPTEST_TIMEOUT), lang="en")
    at.switch_page("pages/data.py").run()
    payments = f"{PAYMENTS_HEADER}\n900000001,{loan(path)['loan_id']},2026-11-20 10:00:00,10.00,app\n".encode()
    uploads = at.file_uploader(key="ingest_files")
    uploads.upload(f"{IMAGE}.csv", b"hello\nworld\n", "text/csv").upload(f"{RED} {LINK}.csv", payments, "text/csv")
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    assert [e.value for e in at.main.error] == [
        t("ingest.error.unknown_kind", "en", file=rf"\!\[\]\(http\:{WJ}\/\/evil\/img\.png\)\.csv", columns="hello")]
    heading = t("ingest.file_heading", "en", file=rf"\:red\[spoofed\] \[x\]\(http\:{WJ}\/\/evil\)\.csv",
                kind=label("batch_kind", "payments", "en"))
    assert f"**{heading}**" in [m.value for m in at.main.markdown]


# ------------------------------------------------------------------------------------------------ CSV exports

def test_text_cells_that_start_a_formula_are_quoted_and_numbers_stay_numbers():
    frame = pl.DataFrame({
        "name": ["=HYPERLINK(\"http://x\")", "+1", "-2", "@SUM(A1)", "\tx", "\ry", "plain", "a=b", None],
        "amount": [-1.5, 2.0, -3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0],
        "count": [-1, 2, 3, 4, 5, 6, 7, 8, 9],
    })
    rows = list(csv.reader(io.StringIO(export.csv_bytes(frame).decode("utf-8-sig"))))
    assert [row[0] for row in rows[1:]] == ["'=HYPERLINK(\"http://x\")", "'+1", "'-2", "'@SUM(A1)", "'\tx", "'\ry",
                                            "plain", "a=b", ""]
    assert [row[1] for row in rows[1:3]] == ["-1.5", "2.0"] and rows[1][2] == "-1"


def test_an_early_warning_export_quotes_a_formula_channel(scored_db, tmp_path):
    path = tmp_path / "scored.duckdb"
    shutil.copyfile(scored_db, path)
    con = db.connect(path)
    try:
        db.run(con, "UPDATE loans SET channel = $code WHERE channel = 'app'", {"code": HOSTILE_CHANNEL})
        raw = early_warning.export_csv(con, DEMO_AS_OF, {}, "en")
    finally:
        con.close()
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    channels = {row[t("col.channel", "en")] for row in rows}
    assert "'" + HOSTILE_CHANNEL in channels and HOSTILE_CHANNEL not in channels
    assert not any(value.startswith(("=", "+", "-", "@")) for row in rows for value in row.values())


def test_a_scenario_name_is_text_on_the_page_and_in_the_csv(demo_db, tmp_path, monkeypatch):
    path = tmp_path / "copy.duckdb"
    shutil.copyfile(demo_db, path)
    monkeypatch.setenv("MONITOR_DB", str(path))
    saved = []
    original = MemoryMediaFileStorage.load_and_get_id

    def record(self, path_or_data, mimetype, kind, filename=None):
        saved.append((filename, path_or_data))
        return original(self, path_or_data, mimetype, kind, filename)

    monkeypatch.setattr(MemoryMediaFileStorage, "load_and_get_id", record)
    at = run(AppTest.from_file(str(ROOT / "app.py"), default_timeout=APPTEST_TIMEOUT), lang="en")
    at.switch_page("pages/simulator_portfolio.py").run()
    name = f"{HOSTILE_CHANNEL} {RED}"
    for _ in range(2):  # saved, then taken
        at.text_input[0].input(name).run()
        at.button[0].click().run()
        assert not at.exception, [e.message for e in at.exception]
    escaped = rf"\=HYPERLINK\(\"http\:{WJ}\/\/x\"\) \:red\[spoofed\]"
    assert [e.value for e in at.error] == [t("simulator_portfolio.name_taken", "en", name=escaped)]
    [csv_data] = [data for file_name, data in saved if file_name == "scenarios.csv"][-1:]
    rows = list(csv.DictReader(io.StringIO(csv_data.decode("utf-8"))))
    assert [row["name"] for row in rows] == ["'" + name]
