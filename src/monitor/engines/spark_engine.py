"""The derive on Apache Spark over Parquet: the same monitor.derive.derived_tables, translated by spark_sql, run by
Spark (local[*] by default, any master by `master`), each table written as Parquet into the derived folder and read
back from it by the tables after it.

DuckDB reads the source folder too, but only for what is small: the day to build through, the charge-off DPD, and
the build record (counts and sums, monitor.freshness), so that `attach` judges a Spark build as it judges its own.
pyspark is imported here only: the dashboard and every other command run without it (requirements-spark.txt).
"""

from __future__ import annotations

import datetime as dt
import os
import warnings
from pathlib import Path

from monitor import derive
from monitor.engines import build, duckdb_engine, spark_sql

# The source tables the derived tables read.
READ_TABLES = ("customers", "loans", "installments", "payments")
DEFAULT_MASTER = "local[*]"
DRIVER_MEMORY = os.environ.get("MONITOR_SPARK_DRIVER_MEMORY", "4g")


def session(master: str = DEFAULT_MASTER):
    """A Spark session as the derive needs it: day counts and timestamps read as written (UTC, no time zone), no web
    UI, shuffles sized by adaptive execution rather than Spark's fixed 200 partitions."""
    with warnings.catch_warnings():  # pyspark warns of pandas 3 on import; the derive hands Spark no pandas frame
        warnings.filterwarnings("ignore", "PySpark does not yet fully support pandas", FutureWarning)
        from pyspark.sql import SparkSession
    if master.startswith("local"):  # one machine: Spark need not look for the network address it would serve on
        os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    return (SparkSession.builder.master(master).appName("monitor-derive")
            .config("spark.driver.memory", DRIVER_MEMORY)
            .config("spark.sql.session.timeZone", "UTC")
            .config("spark.sql.timestampType", "TIMESTAMP_NTZ")
            .config("spark.sql.adaptive.enabled", "true")
            .config("spark.sql.adaptive.coalescePartitions.enabled", "true")
            .config("spark.sql.shuffle.partitions", "64")
            .config("spark.ui.enabled", "false")
            .config("spark.ui.showConsoleProgress", "false")
            .getOrCreate())


def derive_parquet(source: Path, to: Path, as_of: dt.date | None = None, master: str = DEFAULT_MASTER) -> build.Build:
    """Build the derived tables from the Parquet of `source` into `to` on Spark, and the folder's build record."""
    def build_tables(_, tables: tuple[derive.DerivedTable, ...]) -> dict[str, int]:
        spark = session(master)
        spark.sparkContext.setLogLevel("ERROR")
        for table in READ_TABLES:
            _view(spark, source / table, table)
        rows = {}
        for table in tables:
            target = to / table.name
            spark.sql(spark_sql.translate(table.rows, table.params)).write.mode("overwrite").parquet(str(target))
            rows[table.name] = _view(spark, target, table.name).count()
        return rows
    return duckdb_engine.derive_with(source, to, as_of, "spark", build_tables)


def _view(spark, folder: Path, name: str):
    """`name` as a temporary view over the Parquet files under `folder`: the files' own columns (a partition's value
    stays in its path, as DuckDB reads it)."""
    frame = spark.read.option("recursiveFileLookup", "true").parquet(str(folder))
    frame.createOrReplaceTempView(name)
    return frame
