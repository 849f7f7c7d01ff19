"""A large payments file built from the demo book's loans, in the test (set-oriented, through DuckDB)."""

from __future__ import annotations

from pathlib import Path

from monitor import db


def write_payments(book: Path, out: Path, rows: int, first_id: int = 900_000_000) -> None:
    """`rows` valid payments on the book's loans (after origination, on or before its latest day) into a CSV."""
    con = db.connect(book, read_only=True)
    try:
        db.run(con, f"""COPY (
            WITH l AS (SELECT loan_id, origination_date, row_number() OVER (ORDER BY loan_id) - 1 AS i
                       FROM loans WHERE origination_date <= DATE '2026-11-01'),
                 g AS (SELECT k, k % (SELECT count(*) FROM l) AS i FROM range($rows) r(k))
            SELECT $first + g.k AS payment_id, l.loan_id,
                   CAST(l.origination_date AS TIMESTAMP) + INTERVAL 1 DAY + to_seconds(g.k % 86400) AS paid_at,
                   CAST(10 + g.k % 500 AS DECIMAL(14,2)) AS amount, 'app' AS channel
            FROM g JOIN l ON l.i = g.i ORDER BY payment_id
        ) TO '{out}' (HEADER, DELIMITER ',')""", {"first": first_id, "rows": rows})
    finally:
        con.close()
