"""The Data page's upload (AppTest's file_uploader): the preview names what lands and what is rejected and why, in
both languages; the button lands the file as one batch (source upload), which the batches and quarantine show."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from monitor import access, ingest
from monitor.i18n import t
from tests.conftest import APPTEST_TIMEOUT, ROOT
from tests.ingest.helpers import PAYMENTS_HEADER, book, count, loan, query


def _file(path) -> bytes:
    loan_id = loan(path)["loan_id"]
    return (f"{PAYMENTS_HEADER}\n900000001,{loan_id},2026-11-20 10:00:00,10.00,app\n"
            f"900000002,{loan_id},2026-11-20 10:00:00,-3,app\n").encode()


def _data_page(path, monkeypatch, lang: str) -> AppTest:
    monkeypatch.setenv("MONITOR_DB", str(path))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=APPTEST_TIMEOUT)
    at.query_params["lang"] = lang
    at.run()
    at.switch_page("pages/data.py").run()
    assert not at.exception
    return at


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_upload_preview_then_land(demo_db, tmp_path, monkeypatch, lang):
    path = book(demo_db, tmp_path)
    at = _data_page(path, monkeypatch, lang)
    assert t("ingest.no_batches", lang) in [c.value for c in at.main.caption]
    before = count(path, "payments")
    at.file_uploader(key="ingest_files").upload("payments.csv", _file(path), "text/csv").run()
    assert not at.exception
    counts = t("ingest.counts", lang, total="2", accepted="1", rejected="1", duplicates="0")
    assert counts in [m.value for m in at.main.markdown]
    rejects = at.main.dataframe[-1].value
    assert rejects["rule"].to_list() == [t("rule.non_positive_amount", lang)]
    assert rejects["row_number"].to_list() == [2]
    what = t("reject.not_positive", lang, column="amount", value="'-3'")  # in the page's language
    assert rejects["message"].to_list() == [what]
    assert count(path, "payments") == before                       # the preview writes nothing
    at.button(key="ingest_land").click().run()
    assert not at.exception  # below: the file name as the page writes it, escaped (ui.safe_text)
    assert at.main.success[0].value.startswith(t("ingest.landed", lang, file=r"payments\.csv", accepted="1",
                                                 rejected="1", duplicates="0", batch="")[:20])
    assert count(path, "payments") == before + 1
    batches = query(path, "SELECT source, file_name, rows_accepted, rows_rejected FROM ingest_batches")
    assert batches.rows() == [("upload", "payments.csv", 1, 1)]
    # the uploader, its preview and the button are reset: nothing left to land, nothing said twice
    assert at.main.get("file_uploader")[0].value in (None, [])
    assert counts not in [m.value for m in at.main.markdown]
    assert not [b for b in at.button if b.key == "ingest_land"]
    at.run()                                                       # the batch and its quarantine are on the page
    assert not at.main.success
    shown = [frame.value for frame in at.main.dataframe]
    assert any("file_name" in frame.columns and frame["file_name"].to_list() == ["payments.csv"] for frame in shown)
    assert any("message" in frame.columns and frame["message"].to_list() == [what] for frame in shown)


def test_an_unusable_upload_says_why(demo_db, tmp_path, monkeypatch):
    path = book(demo_db, tmp_path)
    at = _data_page(path, monkeypatch, "en")
    at.file_uploader(key="ingest_files").upload("notes.csv", b"hello\nworld\n", "text/csv").run()
    assert not at.exception
    assert at.main.error[0].value == t("ingest.error.unknown_kind", "en", file=r"notes\.csv", columns="hello")
    assert at.button(key="ingest_land").disabled


def test_preview_and_load_functions(demo_db, tmp_path):
    path = book(demo_db, tmp_path)
    data = _file(path)
    seen = ingest.preview(path, data, "p.csv")
    assert (seen.kind, seen.rows_accepted, seen.rows_rejected, seen.landed) == ("payments", 1, 1, False)
    assert seen.by_rule == {"non_positive_amount": 1}
    landed = ingest.load_bytes(path, data, "p.csv", source="upload", actor=access.COMMAND_USER)
    assert landed.landed and landed.batch_id == seen.batch_id
    assert ingest.preview(path, data, "p.csv").loaded_on is not None
