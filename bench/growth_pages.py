"""Every page's data, timed as the dashboard gets it: the page's own cached loaders (ui/*_data.py, ui.data.load), called
as the page calls them when it opens with its default choices, each loader on its own read-only connection.

bench/pages.py's three figures, for every page of the menu (ui.navigation.PAGES) but Admin, whose users and audit log
live in the access file and do not grow with the book:
- cold: the loaders' cache, the server's memo of past days (ui.data.past_days) and the answers about the book file
  (monitor.freshness.forget) emptied first, so the page computes everything, as the first view of a day on a new
  server;
- warm: the loaders' cache and the answers about the file emptied again, the memo kept: what the page costs after
  the data changed (a feed batch, a load: the file is no longer what the answers were about), when a server has seen
  the day before;
- cached: the same calls again, every loader a hit of st.cache_data (what a rerun costs).
The pages are timed in one process (the Streamlit server's place), one after another, for each day given; the Today
page only for the latest day (it shows no other). Prints one JSON line per (page, day); a page that fails says why
in "error" and the others go on. With --explain SECONDS, a page slower than that cold is opened cold once more with
every SQL statement timed (bench/statement_times.py): its five costliest monitor functions are its "causes", the
measured reason a page misses its target. Run by bench/growth.py; alone:

    .venv/bin/python bench/growth_pages.py --db BOOK --day 2026-11-29 --day 2026-06-15 [--explain 3]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import os
import sys
import time
import warnings
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # ui/ is a folder of the repository, not a package


def page_loads() -> dict[str, Callable[[dt.date], object]]:
    """Each page's loaders in the order the page calls them on opening, with the choices it opens on."""
    from monitor import early_warning
    from monitor.conduct.view import SECTIONS as COMPLIANCE_SECTIONS
    from monitor.conduct.view import months
    from monitor.views import DELINQUENCY_SECTIONS
    from ui import (
        account_data,
        alerts_data,
        collections_data,
        compliance_data,
        credit_policy_data,
        data,
        early_warning_data,
        front_door_data,
        ingest_data,
        model_data,
        simulator_loan_data,
        simulator_portfolio_choices,
        simulator_portfolio_data,
        today_data,
    )

    def delinquency(section: str, segment: str | None = None, value: str | None = None):
        def load(day: dt.date):
            data.active_loans(day)
            return data.delinquency_section(section, day, segment, value, "product")
        return load

    def today(day: dt.date):
        today_data.latest_day()
        return today_data.today_view(day)

    def executive(day: dt.date):
        alerts_data.counts()
        view = data.executive_view(day)
        front_door_data.front_door(day, psi=False)
        return view

    def early_warning_page(day: dt.date):
        data.active_loans(day)
        scored = early_warning_data.scored_day_for(day)
        if scored is None:
            return "no scored day on or before it: the page says so"
        filters = {name: [] for name in early_warning.FILTERS}
        early_warning_data.filter_options(scored)
        early_warning_data.summary(scored, filters)
        return early_warning_data.action_list(scored, filters)

    def collections(day: dt.date):
        data.active_loans(day)
        return collections_data.collections_view(day)

    def compliance(day: dt.date):
        data.active_loans(day)
        return compliance_data.section_view(COMPLIANCE_SECTIONS[0], day, months(day)[0])

    def account(day: dt.date):
        return account_data.account_view(account_data.default_loan(day), day, False)

    def model(day: dt.date):
        front_door_data.front_door(day)
        data.active_loans(day)
        model_data.candidate_view()
        return model_data.monitoring_view(day)

    def alerts(day: dt.date):
        alerts_data.state_board()
        alerts_data.undelivered()
        alerts_data.history()
        alerts_data.limit_listing()
        return alerts_data.drills()

    def loan_whatif(day: dt.date):
        loan = account_data.default_loan(day)
        simulator_loan_data.loan_state(loan, day)
        return simulator_loan_data.book_estimates(day)

    def portfolio_whatif(day: dt.date):
        data.active_loans(day)
        return simulator_portfolio_data.simulation(day, simulator_portfolio_choices.DEFAULT)

    def credit_policy(day: dt.date):
        state = credit_policy_data.readiness(day)["state"]
        if state != "ready":
            return f"readiness {state}: the page says so and stops"
        today_policy = credit_policy_data.today_policy(day)
        credit_policy_data.pairs(day)
        assumptions = credit_policy_data.default_assumptions(day)
        credit_policy_data.compare(day, today_policy, today_policy, assumptions)
        credit_policy_data.frontier(day, assumptions)
        credit_policy_data.backtest(day, today_policy, assumptions)
        return credit_policy_data.saved_names()

    def data_page(day: dt.date):
        data.freshness()
        data.charge_off_policy()
        data.derived_state()
        data.table_summary()
        ingest_data.recent_batches()
        return data.bucket_distribution(day)

    sections = {f"delinquency: {section}": delinquency(section) for section in DELINQUENCY_SECTIONS}
    return {
        **sections,
        f"delinquency: {DELINQUENCY_SECTIONS[0]}, one segment (channel broker)": delinquency(
            DELINQUENCY_SECTIONS[0], "channel", "broker"),
        "today": today, "executive": executive, "early warning": early_warning_page, "collections": collections,
        "compliance": compliance, "account": account, "model": model, "alerts": alerts,
        "loan what-if": loan_whatif, "portfolio what-if": portfolio_whatif, "credit policy": credit_policy,
        "data": data_page,
    }


def timed(call: Callable[[], object]) -> tuple[float, object]:
    started = time.perf_counter()
    result = call()
    return time.perf_counter() - started, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True, help="the book (read only); ui.data.db_path reads this argument")
    parser.add_argument("--day", type=dt.date.fromisoformat, action="append", required=True,
                        help="an as-of day; the first is the latest (the only one the Today page is timed for)")
    parser.add_argument("--explain", type=float, metavar="SECONDS",
                        help="a page slower than this cold is opened cold once more with its statements timed "
                             "(bench/statement_times.py): its five costliest monitor functions, in \"causes\"")
    args = parser.parse_args()
    os.environ.pop("MONITOR_DB", None)
    os.environ["MONITOR_WARM_CACHE"] = "0"
    os.environ["STREAMLIT_LOGGER_LEVEL"] = "error"  # bare mode's warning at every loader
    logging.getLogger("streamlit").setLevel(logging.ERROR)
    warnings.filterwarnings("ignore")
    from statement_times import explain

    from monitor import freshness
    from ui import data

    def forget_all() -> None:
        data._cached.clear()
        data._past_days.clear()
        freshness.forget()

    loads = page_loads()
    for index, day in enumerate(args.day):
        for name, load in loads.items():
            if name == "today" and index:
                continue
            row: dict = {"page": name, "as_of": day.isoformat()}
            try:
                forget_all()
                row["cold_s"], shown = timed(lambda: load(day))  # noqa: B023 - called at once
                data._cached.clear()
                freshness.forget()
                row["warm_s"], _ = timed(lambda: load(day))  # noqa: B023
                row["cached_s"], _ = timed(lambda: load(day))  # noqa: B023
                if isinstance(shown, str):  # the page stopped early and measured little
                    row["note"] = shown
                if args.explain is not None and row["cold_s"] > args.explain:
                    forget_all()
                    row["causes"] = explain(lambda: load(day))  # noqa: B023
            except Exception as exc:  # noqa: BLE001 - the page's failure is a finding; the next page goes on
                row["error"] = f"{type(exc).__name__}: {exc}"[:300]
            print(json.dumps(row), flush=True)


if __name__ == "__main__":
    main()
