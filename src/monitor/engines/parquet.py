"""The book's tables as Parquet folders: written by `export`, read by both engines and by `attach`.

A folder holds one sub-folder per table (SOURCE/payments/...). The payments and the collection actions, which grow
every day and are the largest, are partitioned by month (SOURCE/payments/paid_month=2026-11/...): a month's files
are written once and a Spark cluster reads them in parallel. The partition value is only in the path; the files hold
the table's own columns. The settings go along: the charge-off DPD is one of them.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from monitor import db

# table -> (partition column, its SQL over the table's rows) for the tables partitioned by month
MONTH_PARTITIONS = {"payments": ("paid_month", "strftime(paid_at, '%Y-%m')"),
                    "collection_actions": ("action_month", "strftime(action_at, '%Y-%m')")}
EXPORTED_TABLES = (*db.SOURCE_TABLES, "settings")
ROW_GROUP_SIZE = 1_000_000


class MissingParquet(FileNotFoundError):
    """A folder that lacks a table's Parquet files."""


def export(con: duckdb.DuckDBPyConnection, to: Path) -> dict[str, int]:
    """Write the source tables and the settings of the book on `con` into `to` as Parquet; rows per table. A table's
    folder is replaced whole."""
    counts = {}
    for table in EXPORTED_TABLES:
        target = to / table
        if table in MONTH_PARTITIONS:
            column, sql = MONTH_PARTITIONS[table]
            rows = f"SELECT *, {sql} AS {column} FROM {table} ORDER BY {column}"
            options = f"PARTITION_BY ({column}), OVERWRITE"
        else:
            target.mkdir(parents=True, exist_ok=True)
            for old in target.glob("*.parquet"):
                old.unlink()
            rows, options = f"SELECT * FROM {table}", ""
            target = target / "part-0.parquet"
        copy_options = ", ".join(part for part in ("FORMAT parquet", "COMPRESSION zstd",
                                                   f"ROW_GROUP_SIZE {ROW_GROUP_SIZE}", options) if part)
        db.run(con, f"COPY ({rows}) TO '{sql_path(target)}' ({copy_options})")
        counts[table] = con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0]
    return counts


def files(folder: Path, table: str) -> str:
    """The glob of `table`'s Parquet files in `folder` (partitioned or not); MissingParquet when there are none."""
    table_folder = folder / table
    if not any(table_folder.rglob("*.parquet")):
        raise MissingParquet(f"{table_folder}: no Parquet files of the table {table}")
    return str(table_folder / "**" / "*.parquet")


def read_sql(folder: Path, table: str) -> str:
    """SQL reading `table` from `folder`: the table's own columns (a partition's value stays in its path)."""
    return f"read_parquet('{sql_path(Path(files(folder, table)))}', hive_partitioning = false)"


def attach_views(con: duckdb.DuckDBPyConnection, folder: Path, tables: tuple[str, ...]) -> None:
    """Temporary views named as `tables` over their Parquet files in `folder`, on `con`."""
    for table in tables:
        db.run(con, f"CREATE OR REPLACE TEMP VIEW {table} AS SELECT * FROM {read_sql(folder, table)}")


def sql_path(path: Path) -> str:
    """A path inside a SQL string literal (COPY, read_parquet and SET take no bound parameter for it)."""
    return str(path).replace("'", "''")
