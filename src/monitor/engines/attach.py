"""`attach`: a derived folder (built by either engine) becomes the book's derived tables.

The rows are copied into the book rather than read through views over the files: the live feed and the loaders keep
the derived tables current by writing them (monitor.derive_update), and a view over Parquet cannot be written. Each
column takes the type of DuckDB's own definition (monitor.derive.derived_tables), whatever engine wrote the file.
The folder's build record then goes into the settings, as the book's own derive records it, so monitor.freshness
judges the rows against the data as it is now: data that came in after the export is completed from the source
tables by the pages until the next derive, as after a derive in the book. The collection rules' violations, which
derive rebuilds too, are rebuilt here.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from monitor import db, derive, freshness
from monitor.compliance import violations
from monitor.engines import build, parquet


class WrongBook(ValueError):
    """A derived folder that cannot be this book's."""


def attach(con: duckdb.DuckDBPyConnection, folder: Path) -> build.Build:
    """Replace the derived tables of the book on `con` (read-write) with the Parquet of `folder`, in one
    transaction; the folder's build."""
    record = build.read(folder)
    if record.charge_off_dpd != db.charge_off_dpd(con):
        raise WrongBook(f"{folder} was derived with a charge-off at {record.charge_off_dpd} DPD; this book charges "
                        f"off at {db.charge_off_dpd(con)}: derive again")
    with db.transaction(con):
        for table in derive.derived_tables(record.as_of, record.charge_off_dpd):
            _copy_in(con, folder, table)
        freshness.write_build(con, record.settings)
        violations.rebuild(con)
    return record


def _copy_in(con: duckdb.DuckDBPyConnection, folder: Path, table: derive.DerivedTable) -> None:
    """The table's rows from `folder`, each column cast to the type DuckDB's definition gives it (read from the plan of
    the definition, which runs nothing: the tables before it are in place already)."""
    definition = con.sql(f"SELECT * FROM ({table.rows}) LIMIT 0", params=table.params)
    columns = ", ".join(f'CAST("{name}" AS {kind}) AS "{name}"' for name, kind in zip(definition.columns,
                                                                                       definition.types, strict=True))
    db.run(con, f"CREATE OR REPLACE TABLE {table.name} AS SELECT {columns} FROM {parquet.read_sql(folder, table.name)} "
                f"ORDER BY {table.order_by}")
