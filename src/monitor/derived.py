"""The derived tables as every metric reads them: what a full `derive` would give now, or a flag saying why not.

`derive` builds installment_settlement, loan_month and loan_segment up to a day; the book moves on after it (the
live feed's day, a book whose last derive was days ago). Metric SQL reads these tables only through the relations
returned here, so a figure either equals what a full `derive` would give or carries the reason it cannot
(`state`).
"""

from __future__ import annotations

import duckdb


def loan_month(con: duckdb.DuckDBPyConnection) -> str:
    """The month-end status rows (the columns of loan_month) of every month-end up to the data's latest day."""
    return "loan_month"


def installment_settlement(con: duckdb.DuckDBPyConnection) -> str:
    """Each installment with its running sum and the day it was settled, judged with the payments up to the data's
    latest day (the columns of installment_settlement)."""
    return "installment_settlement"


def loan_segment(con: duckdb.DuckDBPyConnection) -> str:
    """Every loan's segment values and vintage milestones (the columns of loan_segment)."""
    return "loan_segment"
