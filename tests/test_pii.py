"""Personal data (issue 14): the masks, the income bands, masking free text, and the logged reveal of a phone,
on a real hand-built book and its access file."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from monitor import access, access_store, audit, db, pii
from monitor.query import frame

from .builders import Book

NAME, PHONE, ID_NUMBER = "张三丰", "13812345678", "110101199001011234"
COLLECTIONS = access.Actor("c1", "c1@lender.cn", frozenset({"collections"}))
RISK = access.Actor("r1", "r1@lender.cn", frozenset({"risk_manager"}))


@pytest.fixture
def book(tmp_path):
    book = Book(tmp_path / "pii.duckdb")
    db.run(book.con, "INSERT INTO customers VALUES (1, ?, ?, ?, 1990, 4999.99, 'salaried', '北京', 1, 650, ?)",
           [NAME, PHONE, ID_NUMBER, dt.datetime(2025, 12, 1)])
    book._customers.add(1)
    book.loan(7, "2026-01-10", "300.00", [("2026-02-10", "100", "10", "0")])
    yield book
    book.close()


def test_the_masks_hide_the_birth_date(book):
    masked = frame(book.con, f"""SELECT {pii.masked_name('name')} AS name, {pii.masked_phone('phone')} AS phone,
                                        {pii.masked_id_number('id_number')} AS id_number FROM customers""")
    assert masked.row(0) == ("张**", "138****5678", "110101********1234")
    assert "19900101" not in masked["id_number"][0] and "1990" not in masked["id_number"][0]


@pytest.mark.parametrize(("income", "band"), [
    (None, None), (0.01, "under_3k"), (2999.99, "under_3k"), (3000, "3k_5k"), (4999.99, "3k_5k"), (5000, "5k_8k"),
    (8000, "8k_12k"), (12000, "12k_20k"), (19999.99, "12k_20k"), (20000, "20k_plus"), (1e6, "20k_plus")])
def test_income_bands(income, band):
    con = db.memory()
    try:
        assert con.execute(f"SELECT {pii.income_band('$income')}", {"income": income}).fetchone()[0] == band
    finally:
        con.close()


@pytest.mark.parametrize(("text", "masked"), [
    ("column loan_id: '13812345678' is no loan", "column loan_id: '138****5678' is no loan"),
    ("110101199001011234", "110101********1234"),
    ("11010119900101123X,110101900101123", "110101********123X,110101******123"),
    ("13812345678,13912345678", "138****5678,139****5678"),
    ("amount 1234567890 is fine", "amount 1234567890 is fine"),  # 10 digits: neither a phone nor an ID
    ("x8613812345678y", "x861****5678y"),
    ("4611686018427387904 ns", "4611686018427387904 ns"),  # 19 digits: neither
    ("from 1 to 9007199254740991", "from 1 to 9007199254740991"),  # 2**53 - 1: an ingest limit
    (None, None),
])
def test_mask_text_masks_phone_and_id_like_numbers(text, masked):
    assert pii.mask_text(text) == masked


def test_mask_text_masks_the_names_it_is_given():
    assert pii.mask_text("'张三丰' is not a date; 张三 too", ("张三丰", "张三")) == "'张**' is not a date; 张* too"


def test_a_raw_row_has_its_personal_data_columns_and_patterns_masked():
    import polars as pl

    raw = json.dumps({"loan_id": "1", "name": "李四", "phone": "139 0000 1111", "id_number": "ABC",
                      "channel": "13900001111", "product": "王五"}, ensure_ascii=False)
    masked = pii.mask_column(pl.DataFrame({"raw": [raw, None]}), "raw", ("王五",), raw=True)["raw"]
    assert json.loads(masked[0]) == {"loan_id": "1", "name": "李**", "phone": "1**", "id_number": "A**",
                                     "channel": "139****1111", "product": "王*"}
    assert masked[1] is None


def test_names_in_finds_the_customers_quoted_in_a_text(book):
    import polars as pl

    texts = pl.DataFrame({"message": ["column product: '张三丰' is not allowed", "'张三' is not a date",
                                      '{"x": "张三丰"}']})
    assert pii.names_in(book.con, texts, "message") == ("张三丰",)


def test_reveal_phone_returns_the_phone_and_logs_the_reason_not_the_phone(book, tmp_path):
    access_con = access_store.connect(book.path)
    try:
        assert pii.reveal_phone(book.con, access_con, COLLECTIONS, 7, "  call_to_collect: promised Friday ") == PHONE
        logged = access_con.execute("SELECT who, role, action, object, parameters, row_count FROM audit_log").fetchall()
        assert [row[:4] + (json.loads(row[4]), row[5]) for row in logged] == [
            ("c1@lender.cn", "collections", "reveal_phone", "loan:7", {"reason": "call_to_collect: promised Friday"},
             1)]
        assert PHONE not in repr(access_con.execute("SELECT * FROM audit_log").fetchall())
        assert audit.verify(access_con).intact
    finally:
        access_con.close()


def test_a_reason_that_quotes_personal_data_is_logged_masked(book):
    access_con = access_store.connect(book.path)
    try:
        pii.reveal_phone(book.con, access_con, COLLECTIONS, 7, f"other: {NAME} asked, old number {PHONE}")
        [(parameters,)] = access_con.execute("SELECT parameters FROM audit_log").fetchall()
        assert json.loads(parameters) == {"reason": "other: 张** asked, old number 138****5678"}
    finally:
        access_con.close()


@pytest.mark.parametrize(("actor", "loan_id", "reason", "error"), [
    (RISK, 7, "call_to_collect", access.AccessDenied),
    (COLLECTIONS, 7, " ab ", pii.RevealRefused),
    (COLLECTIONS, 8, "call_to_collect", pii.RevealRefused),
])
def test_reveal_phone_refused_writes_nothing(book, actor, loan_id, reason, error):
    access_con = access_store.connect(book.path)
    try:
        with pytest.raises(error):
            pii.reveal_phone(book.con, access_con, actor, loan_id, reason)
        assert access_con.execute("SELECT count(*) FROM audit_log").fetchone()[0] == 0
    finally:
        access_con.close()


@pytest.mark.incident_expected
def test_an_incident_logs_its_traceback_with_phones_and_id_numbers_masked(caplog):
    import logging

    from ui import incident

    try:
        raise ValueError(f"no customer {PHONE} / {ID_NUMBER}")
    except ValueError:
        with caplog.at_level(logging.ERROR, logger="ui.incident"):
            incident.log.exception("incident %s: a page failed at %r", "ab12cd34", f"http://h/?q={PHONE}")
    [record] = caplog.records
    text = logging.Formatter().format(record)
    assert PHONE not in text and ID_NUMBER not in text
    assert "incident ab12cd34: a page failed at 'http://h/?q=138****5678'" in text
    assert "ValueError: no customer 138****5678 / 110101********1234" in text


def test_a_readers_error_quotes_the_file_masked():
    from monitor.ingest import read

    assert read._first_line(ValueError(f"could not parse '{PHONE}' near {ID_NUMBER}\nplan: ...")) == (
        "could not parse '138****5678' near 110101********1234")
