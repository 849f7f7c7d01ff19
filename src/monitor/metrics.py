"""Portfolio metrics, defined once (DESIGN.md §4) for the pages, the report command and the tests.

Every function takes an open DuckDB connection and returns a polars frame or plain numbers.
"""

from __future__ import annotations

import datetime as dt

import duckdb
import polars as pl

from monitor import status

BUCKET_ORDER = (*status.BUCKETS, "CO")


def bucket_distribution(con: duckdb.DuckDBPyConnection, as_of: dt.date) -> pl.DataFrame:
    """Active loans and their principal balance by bucket at the end of `as_of`; every bucket M0..M6
    is present (zero when empty), in order. Columns: bucket, loans, balance (yuan, Float64), loan_share,
    balance_share."""
    counts = con.sql(
        f"""SELECT bucket, count(*) AS loans, sum(principal_balance) AS balance
            FROM ({status.day_status_sql()}) GROUP BY bucket""",
        params=status.status_params(con, as_of),
    ).pl()
    frame = (
        pl.DataFrame({"bucket": list(status.BUCKETS)})
        .join(counts, on="bucket", how="full", coalesce=True)
        .with_columns(pl.col("loans").fill_null(0), pl.col("balance").cast(pl.Float64).fill_null(0.0))
        .with_columns(
            loan_share=pl.col("loans") / pl.col("loans").sum().clip(1),
            balance_share=pl.col("balance") / pl.col("balance").sum().clip(1e-9),
        )
    )
    order = {b: i for i, b in enumerate(BUCKET_ORDER)}
    return frame.sort(pl.col("bucket").replace_strict(order, default=len(order)))
