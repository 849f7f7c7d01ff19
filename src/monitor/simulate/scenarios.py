"""Saved portfolio scenarios (the `scenarios` table of monitor.db): save, list, load, delete, compare.

The dashboard only reads the database; saving opens a short read-write connection of its own (closed at once)
so that a loader or the live feed is not locked out for longer than one insert. A locked file raises
db.DatabaseError with the message to show. Saving and deleting check the actor's role where they run
(access.require: save_scenario) and are written to the audit log."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import duckdb
import polars as pl

from monitor import access, access_store, db
from monitor.simulate.inputs import SimulationInputError

MAX_NAME = 80
LIST_COLUMNS = {"name": pl.String, "created_at": pl.Datetime, "as_of": pl.Date, "parameters": pl.String,
                "summary": pl.String}


def check_name(name) -> str:
    text = (name or "").strip() if isinstance(name, str) else ""
    if not text:
        raise SimulationInputError("name must not be empty; give the scenario a name")
    if len(text) > MAX_NAME:
        raise SimulationInputError(f"name must be at most {MAX_NAME} characters, got {len(text)}")
    return text


def save(path: str | Path, name: str, as_of: dt.date, parameters: dict, summary: dict,
         replace: bool = False, *, actor: access.Actor) -> str:
    """Write one scenario through a short read-write connection, as `actor` (who must hold save_scenario), and
    audit it; returns the name saved. An existing name raises SimulationInputError unless `replace`."""
    access.require(actor, "save_scenario")
    name = check_name(name)
    con = db.connect(path)
    try:
        db.run(con, db.SCENARIOS_DDL)
        exists = con.execute("SELECT count(*) FROM scenarios WHERE name = ?", [name]).fetchall()[0][0]
        if exists and not replace:
            raise SimulationInputError(f"name {name!r} is already saved; choose another name or replace it")
        db.run(con, "INSERT OR REPLACE INTO scenarios VALUES (?, current_localtimestamp(), ?, ?, ?)",
               [name, as_of, json.dumps(parameters), json.dumps(summary)])
    finally:
        con.close()
    access_store.record(path, actor, "save_scenario", name, {"as_of": as_of, "replace": bool(exists)})
    return name


def delete(path: str | Path, name: str, *, actor: access.Actor) -> None:
    """Remove a saved scenario, as `actor` (save_scenario), and audit it."""
    access.require(actor, "save_scenario")
    con = db.connect(path)
    try:
        db.run(con, db.SCENARIOS_DDL)
        db.run(con, "DELETE FROM scenarios WHERE name = ?", [name])
    finally:
        con.close()
    access_store.record(path, actor, "delete_scenario", name, None)


def list_scenarios(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """Every saved scenario, newest first: name, created_at, as_of, parameters and summary (JSON text).
    Empty (with those columns) in a database that never saved one."""
    if not db.table_exists(con, "scenarios"):
        return pl.DataFrame(schema=LIST_COLUMNS)
    return con.sql("""SELECT name, created_at, as_of, CAST(parameters AS VARCHAR) AS parameters,
                             CAST(summary AS VARCHAR) AS summary
                      FROM scenarios ORDER BY created_at DESC, name""").pl()


def load(con: duckdb.DuckDBPyConnection, name: str) -> dict | None:
    """One saved scenario: {name, created_at, as_of, parameters: dict, summary: dict}, or None."""
    if not db.table_exists(con, "scenarios"):
        return None
    found = con.sql("""SELECT name, created_at, as_of, CAST(parameters AS VARCHAR) AS parameters,
                              CAST(summary AS VARCHAR) AS summary FROM scenarios WHERE name = $name""",
                    params={"name": name}).pl()
    if not found.height:
        return None
    row = found.row(0, named=True)
    return {**row, "parameters": json.loads(row["parameters"]), "summary": json.loads(row["summary"])}


def in_fen(summary):
    """A saved summary (monitor.simulate.projection.summary: every number in it is yuan) with every amount rounded
    to the fen, as exports and the comparison show money; a scenario saved before keeps its stored figures."""
    if isinstance(summary, dict):
        return {key: in_fen(value) for key, value in summary.items()}
    if isinstance(summary, list):
        return [in_fen(value) for value in summary]
    return round(summary, 2) if isinstance(summary, float) else summary


def compare(saved: pl.DataFrame, names: list[str]) -> dict[str, pl.DataFrame]:
    """Scenarios side by side, from list_scenarios rows: `table` (one row a scenario: its parameters and
    totals, baseline beside scenario, money to the fen) and `series` (long: name, month_end, measure, value) for
    charts."""
    table, series = [], []
    for row in saved.filter(pl.col("name").is_in(names)).iter_rows(named=True):
        params, summary = json.loads(row["parameters"]), in_fen(json.loads(row["summary"]))
        policy = params.get("policy") or {}
        scenario, baseline = summary["scenario"], summary["baseline"]
        table.append({"name": row["name"], "as_of": row["as_of"], "segment": policy.get("segment"),
                      "value": policy.get("value"), "option": policy.get("option"),
                      "take_up": policy.get("take_up"), "stress": params.get("stress"),
                      "months": params.get("months"), "charge_offs": scenario["charge_offs"],
                      "baseline_charge_offs": baseline["charge_offs"], "cash": scenario["cash"],
                      "delinquent_end": scenario["delinquent_end"], "ecl_end": scenario["ecl_end"]})
        for measure in ("delinquent", "charge_offs", "cash", "ecl"):
            for month_end, value in zip(scenario["series"]["month_end"], scenario["series"][measure], strict=True):
                series.append({"name": row["name"], "month_end": month_end, "measure": measure, "value": value})
    schema = {"name": pl.String, "month_end": pl.String, "measure": pl.String, "value": pl.Float64}
    return {"table": pl.DataFrame(table, infer_schema_length=None), "series": pl.DataFrame(series, schema=schema)}


def export_json(saved: pl.DataFrame) -> bytes:
    """list_scenarios rows as the JSON a user downloads: dates as text, parameters and summary as objects, money to
    the fen."""
    return json.dumps([{**row, "as_of": row["as_of"].isoformat(), "created_at": row["created_at"].isoformat(),
                        "parameters": json.loads(row["parameters"]), "summary": in_fen(json.loads(row["summary"]))}
                       for row in saved.iter_rows(named=True)], ensure_ascii=False, indent=1).encode("utf-8")
