"""Times the data behind each page, as the dashboard gets it: one process, cold then warm then cached.

cold: the first call in a new process on a newly opened database (nothing in DuckDB's buffers; the answers about
the book file monitor.freshness keeps for the process forgotten before each page);
warm: the same call again (what a rerun costs without the cache; those answers kept, as on the same data);
cached: through st.cache_data keyed by the data version, as ui/data.py does (what a rerun costs).
Prints one JSON line per (page, as-of day). Run by bench/run.py; can also run alone:

    .venv/bin/python bench/pages.py --db bench/out/bench_1000000.duckdb
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import time
import warnings

import streamlit as st

from monitor import db, freshness, report, views

AS_OF = dt.date(2026, 11, 29)
HISTORIC = dt.date(2026, 6, 15)  # neither precomputed by derive nor a month-end
PAGES = {
    "delinquency": lambda con, day: views.delinquency_view(con, day),
    "delinquency, one segment": lambda con, day: views.delinquency_view(con, day, "channel", "broker"),
    "executive": lambda con, day: views.executive_view(con, day),
    "report (JSON figures)": lambda con, day: report.build_report(con, day),
}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", required=True)
    path = parser.parse_args().db
    logging.getLogger("streamlit").setLevel(logging.ERROR)
    warnings.filterwarnings("ignore")

    @st.cache_data(show_spinner=False)
    def cached(name: str, day: dt.date, version: float):
        con = db.connect(path, read_only=True)
        try:
            return PAGES[name](con, day)
        finally:
            con.close()

    for day in (AS_OF, HISTORIC):
        for name, build in PAGES.items():
            freshness.forget()
            con = db.connect(path, read_only=True)
            started = time.perf_counter()
            build(con, day)
            cold = time.perf_counter() - started
            started = time.perf_counter()
            build(con, day)
            warm = time.perf_counter() - started
            con.close()
            cached(name, day, 1.0)
            started = time.perf_counter()
            cached(name, day, 1.0)
            hit = time.perf_counter() - started
            print(json.dumps({"page": name, "as_of": day.isoformat(), "cold_s": cold, "warm_s": warm,
                              "cached_s": hit}), flush=True)


if __name__ == "__main__":
    main()
