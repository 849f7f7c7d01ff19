"""python -m monitor simulate-loan: what the loan what-if page shows, as JSON or text, on a past date of a loan that
closed later (issue 11, item 5), worked out by hand; and bad arguments as one line with exit code 2."""

from __future__ import annotations

import json

import pytest

from monitor import derive
from monitor.i18n import CATALOG
from monitor.simulate import options

from .builders import Book
from .test_cli import assert_bad_input, monitor

FLAT = [(f"2026-{m:02d}-10", "100.00", "5.00", "0.00") for m in range(2, 8)]  # six installments of ¥105


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    """Loan 1 pays installment 1 only and is charged off on 2026-09-07 (DPD 181); loan 2 pays on time (to 07-10)."""
    folder = tmp_path_factory.mktemp("simulate_loan")
    book = Book(folder / "book.duckdb")
    book.loan(1, "2026-01-10", "600.00", FLAT, charge_off_date="2026-09-07")
    book.payment(1, "2026-02-10 09:00:00", "105.00")
    book.loan(2, "2026-01-10", "600.00", FLAT, customer_id=2)
    for due, *_ in FLAT:
        book.payment(2, f"{due} 09:00:00", "105.00")
    derive.derive(book.con)
    book.close()
    return folder


def test_a_past_date_as_json(folder):
    """Loan 1 at 2026-04-15: DPD 36 (installment 2 due 03-10), M2; principal balance 600 - 100 = ¥500; overdue
    installments 2 and 3, ¥210; installments 4-6 still due: 3 left. Doing nothing runs the 3 of them (¥105 a month,
    1.3125% of the ¥8,000 income); an extension of 6 months runs 9; re-installment 12. Money in yuan."""
    result = monitor("simulate-loan", "--db", "book.duckdb", "--loan-id", "1", "--as-of", "2026-04-15", cwd=folder)
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout)
    assert (found["loan_id"], found["as_of"]) == (1, "2026-04-15")
    assert found["state"] == {"dpd": 36, "bucket": "M2", "principal_balance": 500.0, "overdue_amount": 210.0,
                              "installments_left": 3}
    rows = {row["option"]: row for row in found["options"]}
    assert [row["option"] for row in found["options"]] == list(options.OPTIONS)
    assert (rows["do_nothing"]["months"], rows["do_nothing"]["payment"]) == (3, 105.0)
    assert rows["do_nothing"]["payment_to_income"] == pytest.approx(0.013125)
    assert (rows["extension"]["months"], rows["reinstallment"]["months"]) == (9, 12)
    assert not rows["legal"]["applicable"] and rows["legal"]["reason"] == "simulator_loan.reason.legal_dpd"
    assert "DPD 36 is below 91" in rows["legal"]["reason_text"]
    best = [row for row in found["options"] if row["best"]]
    assert len(best) == 1 and best[0]["applicable"] and found["best"] == best[0]["option"]
    for row in found["options"]:
        assert set(row) >= {"months", "payment", "payment_to_income", "total_interest", "expected_cash", "npv",
                            "delta_npv", "break_even_redefault", "applicable", "reason"}
        assert row["npv"] == round(row["npv"], 2)
    for name, assumption in found["assumptions"].items():
        assert isinstance(assumption["value"], float) and assumption["source"], name
        assert assumption["source_key"] in CATALOG, name


def test_text_and_the_latest_day(folder):
    """Without --as-of, the latest data day (2026-07-10): loan 2 has paid every installment, nothing is left to
    pay, and only doing nothing applies."""
    result = monitor("simulate-loan", "--db", "book.duckdb", "--loan-id", "2", "--format", "text", cwd=folder)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("Loan 2 at the end of 2026-07-10: M0, DPD 0, principal balance 0.00")
    assert sum("not applicable: nothing is left to pay." in line for line in lines) == len(options.OPTIONS) - 1
    assert any(line.startswith("do_nothing") and line.rstrip().endswith("best") for line in lines)


@pytest.mark.parametrize(("args", "words"), [
    (("--loan-id", "99"), ["no loan 99"]),
    (("--loan-id", "1", "--as-of", "2026-10-01"), ["not active", "charged_off"]),
    (("--loan-id", "1", "--as-of", "2025-01-01"), ["before all data"]),
    (("--loan-id", "0"), ["--loan-id", "positive"]),
    (("--loan-id", "1", "--as-of", "15/04/2026"), ["--as-of", "YYYY-MM-DD"]),
    (("--loan-id", "1", "--format", "csv"), ["--format"]),
])
def test_bad_arguments_are_one_line_and_exit_2(folder, args, words):
    assert_bad_input(monitor("simulate-loan", "--db", "book.duckdb", *args, cwd=folder), *words)
