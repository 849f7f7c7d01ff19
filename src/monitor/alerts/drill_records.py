"""Drill records (issue 16 item 5): each contingency drill run, saved into the table drills of
monitor.alerts_schema with who ran it and when, its day, scenario and findings (JSON) and its HTML report; listed
newest first and read back."""

from __future__ import annotations

import datetime as dt
import json
import uuid

import duckdb

from monitor.query import rows


def save(con: duckdb.DuckDBPyConnection, findings: dict, report: str, run_by: str,
         run_at: dt.datetime | None = None) -> str:
    """Store a drill (findings from monitor.alerts.drill.run_drill, report from drill_report.to_html); its id."""
    drill_id = uuid.uuid4().hex
    con.execute("INSERT INTO drills VALUES ($id, $run_at, $run_by, $as_of, $scenario, $findings, $report)",
                {"id": drill_id, "run_at": run_at or dt.datetime.now().replace(microsecond=0), "run_by": run_by,
                 "as_of": dt.date.fromisoformat(findings["as_of"]), "scenario": json.dumps(findings["scenario"]),
                 "findings": json.dumps(findings), "report": report})
    return drill_id


def list_drills(con: duckdb.DuckDBPyConnection) -> list[dict]:
    """Every drill, newest first: id, when, by whom, its day, scenario, how many limits breached (red among them)."""
    found = rows(con, """
        SELECT drill_id, run_at, run_by, as_of, scenario,
               json_array_length(findings -> 'breaches'),
               (SELECT count(DISTINCT b ->> 'limit_id') FROM unnest(CAST(findings -> 'breaches' AS JSON[])) t(b)),
               (SELECT count(DISTINCT b ->> 'limit_id') FROM unnest(CAST(findings -> 'breaches' AS JSON[])) t(b)
                WHERE b ->> 'level' = 'red')
        FROM drills ORDER BY run_at DESC, drill_id""")
    return [{"drill_id": r[0], "run_at": r[1], "run_by": r[2], "as_of": r[3], "scenario": json.loads(r[4]),
             "breaches": r[5], "limits_breached": r[6], "limits_red": r[7]} for r in found]


def read(con: duckdb.DuckDBPyConnection, drill_id: str) -> dict | None:
    """One drill with its findings and report, or None."""
    found = rows(con, "SELECT drill_id, run_at, run_by, as_of, scenario, findings, report FROM drills "
                      "WHERE drill_id = $id", id=drill_id)
    if not found:
        return None
    r = found[0]
    return {"drill_id": r[0], "run_at": r[1], "run_by": r[2], "as_of": r[3], "scenario": json.loads(r[4]),
            "findings": json.loads(r[5]), "report": r[6]}
