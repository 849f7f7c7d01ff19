"""The commands `export`, `derive --source` and `attach` (python -m monitor ...): the nightly derive over Parquet on
DuckDB or Spark. Each prints one line on stderr with what it did and how long it took."""

from __future__ import annotations

import sys
import time
from pathlib import Path

from monitor import db, freshness
from monitor.usage import UsageError


def export(args) -> int:
    from monitor.engines import parquet

    started = time.perf_counter()
    con = db.connect(db.resolve_db_path(args.db), read_only=True)
    try:
        counts = parquet.export(con, Path(args.to))
    finally:
        con.close()
    summary = ", ".join(f"{table} {n:,}" for table, n in counts.items())
    print(f"exported to {args.to} in {time.perf_counter() - started:.1f} s: {summary}", file=sys.stderr)
    return 0


def derive_parquet(args) -> int:
    """`derive --source DIR --to DIR [--engine duckdb|spark] [--master URL]`."""
    from monitor.engines import parquet

    if args.to is None:
        raise UsageError("--source needs --to, the folder the derived tables are written into")
    source, to = Path(args.source), Path(args.to)
    if source.resolve() == to.resolve():
        raise UsageError("--to must be another folder than --source")
    try:
        if args.engine == "spark":
            from monitor.engines import spark_engine
            built = spark_engine.derive_parquet(source, to, args.as_of, args.master)
        else:
            from monitor.engines import duckdb_engine
            built = duckdb_engine.derive_parquet(source, to, args.as_of)
    except parquet.MissingParquet as exc:
        raise UsageError(f"{exc}; write the source with `python -m monitor export --db BOOK --to {source}`") from None
    summary = ", ".join(f"{table} {n:,}" for table, n in built.rows.items())
    print(f"derived through {built.as_of} on {built.engine} in {built.seconds:.1f} s into {to}: {summary}",
          file=sys.stderr)
    return 0


def attach(args) -> int:
    from monitor.engines import attach as attaching
    from monitor.engines import build, parquet

    started = time.perf_counter()
    con = db.connect(db.resolve_db_path(args.db))
    try:
        try:
            built = attaching.attach(con, Path(args.derived))
        except (build.NoBuildRecord, parquet.MissingParquet, attaching.WrongBook) as exc:
            raise UsageError(str(exc)) from None
        state = ("they match the book's data" if freshness.derived_is_fresh(con) else
                 "data came into the book after the export: pages complete it from the source tables until the next "
                 "derive")
    finally:
        con.close()
    print(f"attached the {built.engine} build through {built.as_of} from {args.derived} in "
          f"{time.perf_counter() - started:.1f} s; {state}", file=sys.stderr)
    return 0
