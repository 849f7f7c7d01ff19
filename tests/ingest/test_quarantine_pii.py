"""The quarantine holds personal data a misaligned file put anywhere (issue 14): messages quote it masked, the rows as
read are shown masked and only on request (data stewards), and they are dropped after quarantine_raw_days."""

from __future__ import annotations

import json

import duckdb
import pytest

from monitor import db, ingest
from tests.ingest.helpers import PAYMENTS_HEADER, book, loan, query, write
from tests.ingest.helpers import ingest as run_ingest


@pytest.fixture
def landed(demo_db, tmp_path):
    """A book that landed a payments file whose rows carry a customer's name, phone and ID number in other columns
    (a customer file saved under the payments header): the path, the customer and the command's result."""
    path = book(demo_db, tmp_path)
    customer = query(path, "SELECT name, phone, id_number FROM customers WHERE length(name) >= 2 "
                           "ORDER BY customer_id LIMIT 1").row(0, named=True)
    loan_id = loan(path)["loan_id"]
    file = write(tmp_path, "payments.csv", f"{PAYMENTS_HEADER}\n"
                 f"900000001,{loan_id},2026-11-20 10:00:00,10.00,app\n"
                 f"900000002,{loan_id},{customer['id_number']},{customer['phone']}x,{customer['name']}\n"
                 f"{customer['phone']},{loan_id},{customer['phone']},10.00,{customer['name']}\n")
    return path, customer, run_ingest(path, file)


def clear_values(customer: dict) -> tuple[str, ...]:
    return customer["name"], customer["phone"], customer["id_number"]


def test_messages_quote_personal_data_masked(landed):
    path, customer, result = landed
    assert result.returncode == 1, result.stderr
    stored = query(path, "SELECT message, message_zh FROM quarantine")
    text = result.stdout + result.stderr + repr(stored.rows())
    assert stored.height >= 3
    for value in clear_values(customer):
        assert value not in text, value
    assert customer["name"][0] + "*" * (len(customer["name"]) - 1) in text
    assert customer["phone"][:3] + "****" + customer["phone"][-4:] in text
    assert customer["id_number"][:6] + "*" * 8 + customer["id_number"][-4:] in text


def test_the_rows_as_read_are_shown_masked_and_only_on_request(landed):
    path, customer, _ = landed
    con = db.connect(path, read_only=True)
    try:
        plain = ingest.quarantined(con)
        rows = ingest.quarantined(con, raw=True)
    finally:
        con.close()
    assert "raw" not in plain.columns and plain.height == rows.height >= 3
    assert query(path, "SELECT count(*) AS n FROM quarantine WHERE raw IS NOT NULL")["n"][0] == rows.height
    shown = repr(rows.rows())
    for value in clear_values(customer):
        assert value not in shown, value
    raws = [json.loads(raw) for raw in rows["raw"]]
    assert {raw["channel"] for raw in raws} == {customer["name"][0] + "*" * (len(customer["name"]) - 1)}
    assert customer["phone"][:3] + "****" + customer["phone"][-4:] in {raw["payment_id"] for raw in raws}


def _age_batch(path, days: int) -> None:
    con = duckdb.connect(str(path))
    try:
        con.execute("UPDATE ingest_batches SET loaded_at = loaded_at - ?::INTEGER * INTERVAL 1 DAY", [days])
    finally:
        con.close()


def test_purge_drops_the_rows_as_read_after_the_setting(landed, tmp_path):
    path, _, _ = landed
    _age_batch(path, 10)
    con = db.connect(path)
    try:
        assert ingest.purge_raw(con) == 0  # 10 days old: within the 90 days
        db.run(con, "UPDATE settings SET value = '7' WHERE key = 'quarantine_raw_days'")
        kept = query_rows(con)
        assert ingest.purge_raw(con) == kept
        assert con.execute("SELECT count(*), count(raw) FROM quarantine").fetchone() == (kept, 0)
        assert con.execute("SELECT count(*) FROM quarantine WHERE message IS NULL OR rule IS NULL").fetchone() == (0,)
        shown = ingest.quarantined(con, raw=True)
        assert shown["raw"].to_list() == [None] * kept and shown.height == kept
    finally:
        con.close()


def query_rows(con) -> int:
    return con.execute("SELECT count(*) FROM quarantine").fetchone()[0]


def test_every_landing_purges_and_so_does_the_command(landed, tmp_path):
    path, customer, _ = landed
    _age_batch(path, 100)  # older than the 90 days
    loan_id = loan(path)["loan_id"]
    again = write(tmp_path, "more.csv", f"{PAYMENTS_HEADER}\n900000009,{loan_id},2026-11-20 10:00:00,-1,app\n")
    assert run_ingest(path, again).returncode == 1
    raws = query(path, "SELECT q.file_name, count(q.raw) AS kept FROM quarantine q GROUP BY 1 ORDER BY 1")
    assert raws.rows() == [(str(again), 1), (str(tmp_path / "payments.csv"), 0)]
    _age_batch(path, 100)
    from tests.test_cli import monitor

    result = monitor("ingest", "--db", str(path), "--purge-raw", cwd=path.parent)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "quarantine: dropped the rows as read of 1 rejected rows loaded more than 90 days ago\n"
    assert query(path, "SELECT count(raw) AS n FROM quarantine")["n"][0] == 0
    nothing = monitor("ingest", "--db", str(path), cwd=path.parent)
    assert (nothing.returncode, nothing.stderr) == (2, "monitor ingest: give the files to load, or --purge-raw\n")


def test_a_preview_quotes_personal_data_masked(demo_db, tmp_path):
    path = book(demo_db, tmp_path)
    name = query(path, "SELECT name FROM customers WHERE length(name) >= 2 LIMIT 1")["name"][0]
    loan_id = loan(path)["loan_id"]
    data = f"{PAYMENTS_HEADER}\n900000001,{loan_id},2026-11-20 10:00:00,10.00,{name}\n".encode()
    outcome = ingest.preview(path, data, "p.csv")
    assert outcome.rows_rejected == 1 and name not in repr(outcome.rejects.rows())


@pytest.mark.parametrize(("role", "lang"), [("data_steward", "zh"), ("admin", "en")])
def test_the_data_page_shows_the_rows_as_read_to_data_stewards_only(landed, monkeypatch, tmp_path, role, lang):
    from streamlit.testing.v1 import AppTest

    from monitor.i18n import t
    from tests.conftest import APPTEST_TIMEOUT, ROOT
    from tests.test_pages_pii import signed_in

    path, customer, _ = landed
    monkeypatch.setenv("MONITOR_DB", str(path))
    monkeypatch.setenv("MONITOR_ACCESS_DB", str(tmp_path / "access.duckdb"))
    at = signed_in(AppTest.from_file(str(ROOT / "app.py"), default_timeout=APPTEST_TIMEOUT), role)
    at.query_params["lang"] = lang
    at.run()
    at.switch_page("pages/data.py").run()
    assert not at.exception
    quarantine = [frame.value for frame in at.main.dataframe if "rule" in frame.value.columns]
    assert len(quarantine) == 1 and len(quarantine[0]) >= 3
    captions = [c.value for c in at.main.caption]
    if role == "data_steward":
        assert "raw" in quarantine[0].columns and t("pii.raw_kept", lang, days=90) in captions
    else:
        assert "raw" not in quarantine[0].columns and t("pii.raw_hidden", lang) in captions
    page = repr(at.main) + repr([frame.values.tolist() for frame in quarantine])
    for value in clear_values(customer):
        assert value not in page, value


def test_a_file_without_a_header_names_its_first_row_masked(demo_db, tmp_path):
    """A customer file without a header: the first row is read as the header, and the error lists it."""
    path = book(demo_db, tmp_path)
    customer = query(path, "SELECT name, phone, id_number FROM customers WHERE length(name) >= 2 "
                           "ORDER BY customer_id LIMIT 1").row(0, named=True)
    file = write(tmp_path, "customers.csv", f"1,{customer['name']},{customer['phone']},{customer['id_number']}\n"
                                            f"2,{customer['name']},{customer['phone']},{customer['id_number']}\n")
    result = run_ingest(path, file)
    assert result.returncode == 2
    masked = (customer["name"][0] + "*" * (len(customer["name"]) - 1), customer["phone"][:3] + "****"
              + customer["phone"][-4:], customer["id_number"][:6] + "*" * 8 + customer["id_number"][-4:])
    assert f"columns seen: 1, {', '.join(masked)}" in result.stderr
    for value in clear_values(customer):
        assert value not in result.stderr + result.stdout, value
