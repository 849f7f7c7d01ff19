"""The derive on DuckDB over Parquet: the source tables of a folder `export` wrote, the derived tables into another,
by the same monitor.derive.derived_tables as the book's own derive (and as Spark's)."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from pathlib import Path

import duckdb

from monitor import db, derive, freshness, limits
from monitor.engines import build, parquet
from monitor.status import latest_data_date


def source_connection(source: Path, spill: Path) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB connection (with monitor.db's memory limit and threads; what does not fit spills into the
    folder `spill`) whose source tables are views over the Parquet of `source`."""
    con = db.memory()
    db.run(con, f"SET temp_directory = '{parquet.sql_path(spill)}'")
    parquet.attach_views(con, source, parquet.EXPORTED_TABLES)
    return con


SPILL = ".spill"  # under the derived folder: DuckDB's temporary files while it builds


def plan(con: duckdb.DuckDBPyConnection, as_of: dt.date | None) -> tuple[dt.date, int]:
    """The day to build through (default: the source's latest day; a day given must lie in the source's span, as
    for the book's derive) and the charge-off DPD of the source's settings."""
    if as_of is not None:
        limits.check_as_of(con, as_of)
    return as_of or latest_data_date(con), db.charge_off_dpd(con)


def derive_parquet(source: Path, to: Path, as_of: dt.date | None = None) -> build.Build:
    """Build the derived tables from the Parquet of `source` into `to` (one folder per table) and its build record."""
    def build_tables(con: duckdb.DuckDBPyConnection, tables: tuple[derive.DerivedTable, ...]) -> dict[str, int]:
        rows = {}
        for table in tables:
            target = to / table.name
            target.mkdir(exist_ok=True)
            for old in target.glob("*"):
                old.unlink()
            for k, params in enumerate(derive.table_slices(con, table)):  # as the book's derive builds it
                con.sql(f"{table.rows} ORDER BY {table.order_by}", params=params).write_parquet(
                    str(target / f"part-{k}.parquet"), compression="zstd")
            parquet.attach_views(con, to, (table.name,))  # the next tables read it
            rows[table.name] = con.execute(f"SELECT count(*) FROM {table.name}").fetchall()[0][0]
        return rows
    return derive_with(source, to, as_of, "duckdb", build_tables)


def derive_with(source: Path, to: Path, as_of: dt.date | None, engine: str,
                build_tables: Callable[[duckdb.DuckDBPyConnection, tuple[derive.DerivedTable, ...]], dict[str, int]],
                ) -> build.Build:
    """What both engines do around `build_tables` (which writes each table of derive.derived_tables into `to` and
    returns its rows; it gets the source's DuckDB connection): the day and the charge-off DPD from the source, and
    the build record, written last."""
    started = time.perf_counter()
    con = source_connection(source, to / SPILL)
    try:
        as_of, charge_off_dpd = plan(con, as_of)  # a day outside the source's span: refused before `to` is touched
        to.mkdir(parents=True, exist_ok=True)
        build.clear(to)
        rows = build_tables(con, derive.derived_tables(as_of, charge_off_dpd))
        parquet.attach_views(con, to, tuple(rows))
        result = build.Build(as_of, charge_off_dpd, engine, time.perf_counter() - started, rows,
                             freshness.build_record(con, as_of))
    finally:
        con.close()
    build.write(to, result)
    return result
