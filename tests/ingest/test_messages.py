"""What is wrong with a row is said in both languages: the catalog's reject.<case> texts, filled in SQL, kept in
quarantine beside the English message; a book from before message_zh still shows its quarantine."""

from __future__ import annotations

import re

from monitor import db, ingest
from monitor.i18n import CATALOG, t
from tests.ingest.helpers import PAYMENTS_HEADER, book, query, write
from tests.ingest.helpers import ingest as run_ingest


def test_every_case_has_the_same_placeholders_in_both_languages():
    cases = [key for key in CATALOG if key.startswith("reject.")]
    assert len(cases) > 20
    for key in cases:
        zh, en = (set(re.findall(r"\{(\w+)\}", CATALOG[key][lang])) for lang in ("zh", "en"))
        assert zh == en, key


def test_quarantine_keeps_the_message_in_english_and_chinese(demo_db, tmp_path):
    path = book(demo_db, tmp_path)
    file = write(tmp_path, "payments.csv", f"{PAYMENTS_HEADER}\n900000001,987654321,2026-11-20 10:00:00,10,app\n"
                                           "900000002,987654321,,10,app\n")
    assert run_ingest(path, file).returncode == 1
    rows = query(path, "SELECT row_number, rule, message, message_zh FROM quarantine ORDER BY row_number, rule")
    unknown = {"value": "'987654321'"}
    assert rows.rows() == [
        (1, "unknown_loan", t("reject.unknown_loan", "en", **unknown), t("reject.unknown_loan", "zh", **unknown)),
        (2, "missing_value", t("reject.missing_value", "en", column="paid_at"),
         t("reject.missing_value", "zh", column="paid_at")),
        (2, "unknown_loan", t("reject.unknown_loan", "en", **unknown), t("reject.unknown_loan", "zh", **unknown)),
    ]
    assert rows["message_zh"][0] == "列 loan_id：'987654321' 不是库中的贷款"


def test_a_quarantine_from_before_message_zh_is_still_shown(demo_db, tmp_path):
    path = book(demo_db, tmp_path)
    file = write(tmp_path, "payments.csv", f"{PAYMENTS_HEADER}\n900000001,987654321,2026-11-20 10:00:00,10,app\n")
    run_ingest(path, file)
    con = db.connect(path)
    db.run(con, "ALTER TABLE quarantine DROP COLUMN message_zh")
    con.close()
    con = db.connect(path, read_only=True)
    try:
        shown = ingest.quarantined(con)
    finally:
        con.close()
    assert shown["message"].to_list() == [t("reject.unknown_loan", "en", value="'987654321'")]
    assert shown["message_zh"].to_list() == [None]
