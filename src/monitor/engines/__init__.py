"""The nightly derive on another engine: the source tables as Parquet, the derived tables built from them by DuckDB or
Apache Spark, and attached to a book.

One definition: monitor.derive.derived_tables (SQL in DESIGN.md §9's portable subset, DuckDB's dialect) serves the
book's own derive, the DuckDB engine over Parquet (duckdb_engine) and Spark (spark_engine, through spark_sql, which
translates it). A lender past one machine runs

    python -m monitor export --db BOOK --to SOURCE/                        # the source tables as Parquet
    python -m monitor derive --engine spark --source SOURCE/ --to DERIVED/ [--master spark://...]
    python -m monitor attach --db BOOK --derived DERIVED/                  # the dashboard reads them

and the dashboard keeps serving from DuckDB.
"""
