"""A hand-built book of four loans for the alerts' tests (tests/builders.py), worked out by hand.

Each loan: 900.00 lent on 2026-01-10, three installments of 300.00 principal (no interest or fee) due 02-10, 03-10
and 04-10. At the month-ends 2026-02-28 and 2026-03-31:
- loan 1 pays 300 on 02-10 and 300 on 03-10: M0, then M0, balance 300 at 03-31.
- loan 2 never pays: DPD 18 (M1) at 02-28, DPD 49 (M2) at 03-31, balance 900.
- loan 3 misses 02-10, pays 600 on 03-15: M1 (DPD 18, 900) at 02-28, M0 with balance 300 at 03-31.
- loan 4 pays 300 on 02-10, misses 03-10: M0 (600) at 02-28, DPD 21 (M1) at 03-31, balance 600.
One data batch landed on 2026-03-31 17:00.
"""

from __future__ import annotations

import datetime as dt

from monitor import derive
from tests.builders import Book

DAY = dt.date(2026, 3, 31)
SCHEDULE = [("2026-02-10", "300.00", "0", "0"), ("2026-03-10", "300.00", "0", "0"), ("2026-04-10", "300.00", "0", "0")]
BATCH_AT = dt.datetime(2026, 3, 31, 17, 0)


def build(path) -> Book:
    book = Book(path)
    for loan_id in (1, 2, 3, 4):
        book.loan(loan_id, "2026-01-10", "900.00", SCHEDULE, customer_id=loan_id)
    book.payment(1, "2026-02-10 09:00:00", "300.00")
    book.payment(1, "2026-03-10 09:00:00", "300.00")
    book.payment(3, "2026-03-15 09:00:00", "600.00")
    book.payment(4, "2026-02-10 09:00:00", "300.00")
    batch(book.con, "first", BATCH_AT)
    derive.derive(book.con, DAY)
    return book


def batch(con, batch_id: str, at: dt.datetime) -> None:
    con.execute("INSERT INTO ingest_batches VALUES (?, 'file', 'f.csv', 'payments', ?, 1, 1, 0, 0)",
                [batch_id, at]).fetchall()
