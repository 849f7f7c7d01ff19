"""`python -m monitor simulate`: the JSON it prints, and bad input (exit 2, one line, nothing written);
and saved scenarios (monitor.simulate.scenarios) on a copy of the demo book."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
import sys

import numpy as np
import pytest

from monitor import access, db
from monitor.simulate import projection, scenarios
from monitor.simulate.inputs import SimulationInputError
from monitor.simulate.policy import STATES

from .conftest import DEMO_AS_OF
from .test_cli import assert_bad_input, monitor, snapshot

AS_OF = DEMO_AS_OF.isoformat()


@pytest.fixture(scope="module")
def folder(demo_db, tmp_path_factory):
    """A folder holding a copy of the demo book (the commands must leave it as it is)."""
    path = tmp_path_factory.mktemp("simulate")
    shutil.copyfile(demo_db, path / "book.duckdb")
    return path


def _matrix(transition: dict) -> np.ndarray:
    return np.array([[transition[a][b] for b in STATES] for a in STATES])


def test_the_json_and_the_matrix_power(folder):
    before = snapshot(folder)
    result = monitor("simulate", "--db", "book.duckdb", "--as-of", AS_OF, "--months", "12", "--paths", "1000",
                     "--seed", "3", "--format", "json", cwd=folder)
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    assert {"start", "transition", "months", "bands", "backtest", "summary"} <= set(out)
    assert set(out["start"]) == set(STATES) and set(out["transition"]) == set(STATES)
    start, matrix = np.array([out["start"][s] for s in STATES]), _matrix(out["transition"])
    np.testing.assert_allclose(matrix.sum(axis=1), 1.0)
    assert [m["month"] for m in out["months"]] == list(range(1, 13))
    for k, month in enumerate(out["months"], start=1):
        assert {"balances", "charge_offs", "cash"} <= set(month)
        np.testing.assert_allclose([month["balances"][s] for s in STATES],
                                   start @ np.linalg.matrix_power(matrix, k), rtol=1e-6)
    assert len(out["bands"]) == 12
    assert {"p5", "p50", "p95"} == set(out["bands"][0]["delinquent"])
    assert snapshot(folder) == before


def test_a_policy_file_and_a_stress_preset(folder, tmp_path):
    policy = tmp_path / "policy.json"
    policy.write_text(json.dumps({"segment": "channel", "value": "broker", "option": "reinstallment",
                                  "take_up": 0.3}))
    result = monitor("simulate", "--db", str(folder / "book.duckdb"), "--as-of", AS_OF, "--months", "12",
                     "--policy", str(policy), "--stress", "severe", "--paths", "200", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    assert out["stress"] == 1.5 and out["policy"]["option"] == "reinstallment"
    assert out["summary"]["scenario"]["charge_offs"] != out["summary"]["baseline"]["charge_offs"]


def _young_day(folder) -> str:
    """A day in the demo book's fifth month: a few month-end pairs, no default 12 months old."""
    con = db.connect(folder / "book.duckdb", read_only=True)
    try:
        first = con.execute("SELECT min(origination_date) FROM loans").fetchall()[0][0]
    finally:
        con.close()
    return (first + dt.timedelta(days=130)).isoformat()


@pytest.mark.parametrize("young", [False, True])
def test_report_and_simulate_give_the_same_starting_ecl(folder, young):
    """The executive report's ECL and the projection's month 0 are one function's, stage by stage (the report in
    yuan to the fen), on the grown book and on a young one."""
    day = _young_day(folder) if young else AS_OF
    report = monitor("report", "--db", "book.duckdb", "--as-of", day, "--format", "json", cwd=folder)
    simulated = monitor("simulate", "--db", "book.duckdb", "--as-of", day, "--months", "6", "--paths", "10",
                        cwd=folder)
    assert report.returncode == 0 and simulated.returncode == 0, report.stderr + simulated.stderr
    reported, start = json.loads(report.stdout)["ecl"], json.loads(simulated.stdout)["ecl_start"]
    assert set(reported) == {"stage1", "stage2", "stage3"}
    for stage, amount in reported.items():
        assert start[stage] == pytest.approx(amount, abs=0.0051), stage
    assert start["total"] == pytest.approx(sum(reported.values()), abs=0.016)
    if young:
        assert start["total"] < 0.1 * sum(json.loads(simulated.stdout)["start"].values())  # no PD of 1 on all


@pytest.mark.parametrize(("policy", "extra", "words"), [
    ('{"segment": "channel", "value": "broker", "option": "reinstallment", "take_up": 1.5}', [],
     ["take_up", "between 0 and 1", "1.5"]),
    ('{"option": "reinstallment", "take_up": ', [], ["--policy", "not valid JSON"]),
    ('{"segment": "channel", "value": "carrier pigeon", "option": "extension", "take_up": 0.2}', [],
     ["channel=carrier pigeon", "no loans"]),
    ('{"option": "amnesty", "take_up": 0.2}', [], ["unknown option", "amnesty", "reinstallment"]),
    ('{"segment": "colour", "value": "red", "option": "extension", "take_up": 0.2}', [],
     ["unknown segment", "colour"]),
    (None, ["--stress", "0"], ["--stress", "> 0"]),
    (None, ["--stress", "harsh"], ["--stress", "mild, severe"]),
    (None, ["--months", "0"], ["--months", "at least 1"]),
    (None, ["--segment", "channel", "--value", "nowhere"], ["channel=nowhere", "no loans"]),
    (None, ["--segment", "channel"], ["--segment", "--value"]),
])
def test_bad_input_writes_nothing(folder, policy, extra, words):
    args = ["simulate", "--db", "book.duckdb", "--as-of", AS_OF, *extra]
    if policy is not None:
        (folder / "policy.json").write_text(policy)
        args += ["--policy", "policy.json"]
    before = snapshot(folder)
    assert_bad_input(monitor(*args, cwd=folder), *words)
    assert snapshot(folder) == before


# ------------------------------------------------------------------------------------------ scenarios


def test_scenarios_round_trip(demo_db, tmp_path):
    path = tmp_path / "copy.duckdb"
    shutil.copyfile(demo_db, path)
    con = db.connect(path, read_only=True)
    try:
        assert scenarios.list_scenarios(con).height == 0   # a book built before the table existed
        runs = {name: projection.simulate(con, DEMO_AS_OF, 6, stress=stress, paths=50)
                for name, stress in (("base", 1.0), ("severe", 1.5))}
    finally:
        con.close()
    for name, result in runs.items():
        scenarios.save(path, name, DEMO_AS_OF, {"stress": result["stress"], "months": 6, "policy": None},
                       result["summary"], actor=access.COMMAND_USER)
    with pytest.raises(SimulationInputError, match="already saved"):
        scenarios.save(path, "base", DEMO_AS_OF, {}, runs["base"]["summary"], actor=access.COMMAND_USER)
    with pytest.raises(SimulationInputError, match="name"):
        scenarios.save(path, "  ", DEMO_AS_OF, {}, runs["base"]["summary"], actor=access.COMMAND_USER)
    con = db.connect(path, read_only=True)
    try:
        saved = scenarios.list_scenarios(con)
        assert sorted(saved["name"]) == ["base", "severe"]
        loaded = scenarios.load(con, "severe")
        assert loaded["summary"] == json.loads(json.dumps(runs["severe"]["summary"]))
        assert loaded["as_of"] == DEMO_AS_OF and loaded["parameters"]["stress"] == 1.5
        compared = scenarios.compare(saved, ["base", "severe"])
        table = {row["name"]: row for row in compared["table"].iter_rows(named=True)}
        assert table["severe"]["charge_offs"] > table["base"]["charge_offs"]
        assert compared["series"].filter(compared["series"]["measure"] == "delinquent").height == 12
    finally:
        con.close()
    scenarios.delete(path, "base", actor=access.COMMAND_USER)
    con = db.connect(path, read_only=True)
    try:
        assert scenarios.list_scenarios(con)["name"].to_list() == ["severe"]
    finally:
        con.close()


def test_saving_to_a_locked_book_says_so(demo_db, tmp_path, monkeypatch):
    monkeypatch.setenv("MONITOR_LOCK_WAIT", "1")  # the lock below is held until the test ends
    path = tmp_path / "locked.duckdb"
    shutil.copyfile(demo_db, path)
    hold = "import duckdb, sys; c = duckdb.connect(sys.argv[1]); print('ready', flush=True); sys.stdin.read()"
    holder = subprocess.Popen([sys.executable, "-c", hold, str(path)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                              text=True)
    try:
        assert holder.stdout.readline().strip() == "ready"
        with pytest.raises(db.DatabaseError, match="locked"):
            scenarios.save(path, "x", DEMO_AS_OF, {}, {"scenario": {}, "baseline": {}}, actor=access.COMMAND_USER)
    finally:
        holder.stdin.close()
        holder.wait(timeout=30)
