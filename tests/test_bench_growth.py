"""bench/growth.py's arithmetic: the growth exponent, the cost per loan, the day nothing precomputed, the targets."""

from __future__ import annotations

import datetime as dt
import importlib.util
import math
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[1] / "bench"


@pytest.fixture(scope="module")
def growth():
    kept = list(sys.path)  # the module puts bench/ first on the path: taken out again after these tests
    try:
        spec = importlib.util.spec_from_file_location("bench_growth", BENCH / "growth.py")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        yield module
    finally:
        sys.path[:] = kept


def step(name, wall=None, peak=None, ok=True):
    return {"step": name, "kind": "process", "wall_s": wall, "peak_gb": peak, "ok": ok,
            "error": None if ok else "exit 1: boom"}


def test_growth_exponent(growth):
    assert growth.growth_exponent(1_000_000, 10.0, 10_000_000, 100.0) == pytest.approx(1.0)
    assert growth.growth_exponent(1_000_000, 10.0, 10_000_000, 1000.0) == pytest.approx(2.0)
    assert growth.growth_exponent(1_000_000, 10.0, 3_000_000, 10.0) == 0.0
    # 50k -> 1M, 2.7 s -> 52.4 s (bench/run.py's generate): ln(19.407) / ln(20) = 2.9656 / 2.9957
    assert growth.growth_exponent(50_000, 2.7, 1_000_000, 52.4) == pytest.approx(0.98996, abs=1e-5)
    assert growth.growth_exponent(1_000, 0.0, 2_000, 1.0) is None
    assert growth.growth_exponent(1_000, 1.0, 1_000, 2.0) is None


def test_micros_per_loan(growth):
    assert growth.micros_per_loan(52.4, 1_000_000) == pytest.approx(52.4)
    assert growth.micros_per_loan(0.5, 50_000) == pytest.approx(10.0)
    assert growth.micros_per_loan(1.0, 0) is None


def test_other_day_steps_past_snapshots_and_month_ends(growth):
    latest = dt.date(2026, 11, 29)
    assert growth.other_day(latest, set()) == dt.date(2026, 6, 15)
    assert growth.other_day(latest, {dt.date(2026, 6, 15), dt.date(2026, 6, 14)}) == dt.date(2026, 6, 13)
    # 167 days before 2026-12-07 is 2026-06-23; 2026-05-31 is a month-end and is stepped over
    assert growth.other_day(dt.date(2026, 12, 7), {dt.date(2026, 6, d) for d in range(1, 24)}) == dt.date(2026, 5, 30)


def test_targets_met_missed_and_not_measured(growth):
    steps = {
        "generate": step("generate", 590.0, 12.0),
        "derive": step("derive", 200.0, 17.5),
        "status, derived day": step("status, derived day", 2.0, 3.0),
        "status, other day": step("status, other day", 8.5, 4.0),
        "report json": step("report json", 10.0, 2.0),
        "report html": step("report html", 16.0, 2.0, ok=False),
        "page data, slowest cold": {**step("page data, slowest cold", 3.0), "kind": "in-process"},
        "page data, slowest cached": {**step("page data, slowest cached", 0.1001), "kind": "in-process"},
        "score": step("score", 180.0, 6.0),
    }
    checks = {c["target"]: c for c in growth.check_targets({"steps": steps})}
    assert (checks["generate + derive"]["measured"], checks["generate + derive"]["met"]) == (590.0, True)
    assert (checks["peak memory"]["measured"], checks["peak memory"]["met"]) == (17.5, False)
    assert (checks["status of any day"]["measured"], checks["status of any day"]["met"]) == (8.5, False)
    assert checks["every page's data, cold"]["met"] is True  # at the limit is within it
    assert checks["every page's data, cached"]["met"] is False
    assert checks["report"]["met"] is None and checks["report"]["why"] == "report html failed"
    assert checks["score"]["met"] is True
    assert checks["Today refresh"]["met"] is None and checks["Today refresh"]["why"] == "not measured"


def test_a_failed_step_still_counts_for_the_peak(growth):
    steps = {"generate": {**step("generate", 100.0, 18.3, ok=False), "error": "killed by the memory guard"},
             "derive": step("derive", 50.0, 4.0)}
    peak = next(c for c in growth.check_targets({"steps": steps}) if c["target"] == "peak memory")
    assert (peak["measured"], peak["met"]) == (18.3, False)
    generate = next(c for c in growth.check_targets({"steps": steps}) if c["target"] == "generate + derive")
    assert generate["met"] is None and generate["why"] == "generate failed"


def test_growth_rows_flag_only_comparable_steps(growth):
    live = "live day (process)"
    scales = [
        {"scale": 50_000, "loans": 50_000, "steps": {"derive": step("derive", 1.0, 0.5), live: step(live, 40.0, 1.0)}},
        {"scale": 1_000_000, "loans": 1_000_000, "steps": {"derive": step("derive", 40.0, 3.0),
                                                           live: step(live, 90.0, 3.0)}},
    ]
    rows = {row["step"]: row for row in growth.growth_rows(scales)}
    assert rows["derive"]["exponents"][0] == pytest.approx(math.log(40) / math.log(20))
    assert rows["derive"]["cells"][1]["us_per_loan"] == pytest.approx(40.0)
    assert rows[live]["exponents"] == [None]  # a fixed 30 s of feed inside: no cost per loan, no exponent
    assert rows[live]["cells"][0]["us_per_loan"] is None


def test_runs_merge_step_by_step(growth):
    run = {"measured": "2026-12-07 01:00", "machine": "m", "versions": {}, "commit": "c", "command": "x",
           "load_before": "0", "load_after": "0"}
    first = {"run": run, "scales": [{"scale": 1_000_000, "loans": 1_000_123, "steps": {
        "generate": step("generate", 90.0, 3.0), "derive": step("derive", 30.0, 2.0)},
        "pages": [{"page": "executive", "as_of": "2026-12-06", "cold_s": 2.0}], "details": {"a": 1}}]}
    second = {"run": {**run, "commit": "d"}, "scales": [{"scale": 1_000_000, "loans": 1_000_123, "steps": {
        "derive": step("derive", 25.0, 2.0)}, "pages": [], "details": {"b": 2}}]}
    scales, runs = growth.merge([first, second])
    (scale,) = scales
    assert scale["steps"]["generate"]["wall_s"] == 90.0 and scale["steps"]["generate"]["run"] == 1
    assert scale["steps"]["derive"]["wall_s"] == 25.0 and scale["steps"]["derive"]["run"] == 2
    assert scale["pages"] == [{"page": "executive", "as_of": "2026-12-06", "cold_s": 2.0, "run": 1}]  # none newer
    assert scale["details"] == {"a": 1, "b": 2}
    assert [(r["commit"], r["measured_steps"]) for r in runs] == [("c", ["1M: generate"]), ("d", ["1M: derive"])]
