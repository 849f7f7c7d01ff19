"""The Limits and alerts page's data: the stored states, events, limits, playbooks and drills read through
ui.data.load (read-only, cached per data version), the values in their units and words, and the page's writes
through monitor.alerts.actions (each checks the role where it runs and holds the file only while it writes).
A write returns the message to show when it was refused (the field named in words), else None."""

from __future__ import annotations

import datetime as dt

import duckdb
import polars as pl

from monitor import alerts_starter, db, segments
from monitor.alerts import actions, board, catalog, drill_records, names, notify, playbooks
from monitor.alerts import limits as store
from monitor.i18n import t
from monitor.simulate.inputs import SimulationInputError
from ui import auth, context, data, labels, safe_text
from ui import format as fmt

# a level as typed in the editor: rates in percent, the others as they read
UNITS_SCALE = {"rate": 100.0, "hours": 1.0, "index": 1.0, "per_1000": 1.0, "per_10000": 1.0}


def _board(con, hour: dt.datetime) -> dict:
    """`hour` keys the cache only: silences are judged against the book's clock (its time zone), read here."""
    return {"limits": board.board(con, catalog.book_now(con)), "trend": board.trend(con),
            "last": board.last_evaluation(con), "playbooks": playbooks.read_all(con)}


def state_board() -> dict:
    """Every enabled limit as stored (monitor.alerts.board.board), the trend, the last evaluation (evaluated_at,
    as_of) or None, and the playbooks by limit. Read again with new data or in a new hour (a silence ending)."""
    return data.load(_board, dt.datetime.now().replace(minute=0, second=0, microsecond=0))


def history() -> pl.DataFrame:
    return data.load(board.history)


def counts() -> dict[str, int]:
    """The Executive summary's red and amber, from the board the Limits page reads (its cards' figures)."""
    return board.counts(state_board()["limits"])


def undelivered() -> pl.DataFrame:
    """Every message not delivered yet (monitor.alerts.notify.undelivered), oldest first."""
    return data.load(notify.undelivered, context.language())


def _limits(con) -> dict:
    return {"limits": store.listing(con), "segments": segments.values_of(con), "playbooks": playbooks.read_all(con)}


def limit_listing() -> dict:
    """Every limit (disabled included), the values of each segment in the book (the editor's choices) and the
    playbooks by limit."""
    return data.load(_limits)


def versions(limit_id: int) -> list[dict]:
    return data.load(store.versions, limit_id)


def drills() -> list[dict]:
    return data.load(drill_records.list_drills)


def drill_report(drill_id: str) -> str:
    return data.load(drill_records.read, drill_id)["report"]


# ------------------------------------------------------------------------------------------------ words


def metric_name(metric: str, lang: str) -> str:
    return t(f"alerts_page.metric.{metric}", lang) if metric in catalog.METRICS else metric


def unit(metric: str) -> str:
    return catalog.METRICS[metric].unit if metric in catalog.METRICS else "index"


def value_text(metric: str, value: float | None, lang: str) -> str:
    """A value or level in its metric's unit: a rate as a percentage, hours, an index with three decimals."""
    if value is None:
        return fmt.NONE
    kind = unit(metric)
    if kind == "rate":
        return fmt.pct(value)
    if kind == "hours":
        return t("alerts_page.hours", lang, value=f"{value:,.1f}")
    if kind in ("per_1000", "per_10000"):
        return t(f"notify.{kind}", lang, value=f"{value:,.1f}")
    return f"{value:.3f}"


def scope_text(segment: str | None, value: str | None, lang: str) -> str:
    return t("alerts_page.book", lang) if segment is None else labels.scope(segment, value, lang)


def why_text(why: str | None, evaluated: bool, lang: str) -> str:
    if not evaluated:
        return t("alerts_page.not_evaluated", lang)
    return t(f"alerts.why.{why}", lang) if why else fmt.NONE


def state_text(state: str, lang: str) -> str:
    return t(f"alerts_page.state.{state}", lang)


def when_text(at: dt.datetime | None) -> str:
    return fmt.NONE if at is None else f"{at:%Y-%m-%d %H:%M}"


def owner_text(owner: str, lang: str) -> str:
    """An owner as written, or a role's name in words (monitor.alerts.names.owner)."""
    return names.owner(owner, lang)


def playbook_for(row: dict, plays: dict[int, dict]) -> dict | None:
    """The limit's stored playbook, else the starter playbook of its metric owned by the limit's owner, else None."""
    if row["limit_id"] in plays:
        return plays[row["limit_id"]]
    starter = alerts_starter.starter(row["metric"])
    return None if starter is None else {**starter, "owner": row["owner"]}


def field_name(field: str, lang: str) -> str:
    return t(f"alerts_page.field.{field}", lang)


def refused_text(exc: store.LimitRefused, lang: str, metric: str | None = None) -> str:
    """The refusal with its field named in words (Amber level: ..., 黄色阈值：...) and, for a limit on `metric`, its
    levels in the metric's unit (7.00%, as typed, not 0.07)."""
    params = {name: value_text(metric, value, lang) if metric and name in ("amber", "red") else value
              for name, value in exc.params.items()}
    return t(f"alerts.refused.{exc.rule}", lang, field=field_name(exc.field, lang), **safe_text.escape_all(params))


def to_input(metric: str, level: float) -> float:
    """A stored level as the editor shows it (rates in percent), rounded so that 0.045 shows as 4.5, not 4.4999..."""
    return round(level * UNITS_SCALE[unit(metric)], 8)


def from_input(metric: str, typed: float) -> float:
    """A typed level as stored; rounded so that a level saved unchanged is equal to the stored one (no new version)."""
    return round(typed / UNITS_SCALE[unit(metric)], 10)


def change_lines(version: dict, lang: str) -> str:
    """What one version changed, field by field in words; version 1: created."""
    before, after = version["before"], version["after"]
    if before is None:
        return t("alerts_page.created", lang)
    return "; ".join(t("alerts_page.changed", lang, field=field_name(field, lang), before=before.get(field),
                       after=after[field])
                     for field in store.EDITABLE if before.get(field) != after.get(field))


def drill_stress(drill: dict) -> str:
    return f"{drill['scenario'].get('stress', 1.0):g}"


# ------------------------------------------------------------------------------------------------ writes


def _run(lang: str, write, *args, levels_of: str | None = None, **kwargs):
    """(result, None) or (None, the message to show); `levels_of`: the limit's metric, whose unit a refusal's levels
    take."""
    try:
        return write(data.db_path(), auth.actor(), *args, **kwargs), None
    except store.LimitRefused as exc:
        return None, refused_text(exc, lang, levels_of)
    except (SimulationInputError, playbooks.PlaybookError, db.DatabaseError, duckdb.Error) as exc:
        message = exc.text(lang) if isinstance(exc, db.DatabaseError) else str(exc)
        return None, t("alerts_page.write_failed", lang, message=safe_text.escape(message))


def evaluate_now(lang: str):
    return _run(lang, actions.evaluate_now)


def set_playbook(limit_id: int, text: str, owner: str, decision: str, lang: str):
    """Save a playbook from the editor: one step a line (blank lines dropped)."""
    steps = [line.strip() for line in text.splitlines() if line.strip()]
    if not steps:
        return None, t("alerts.refused.empty", lang, field=t("alerts_page.playbook_steps", lang))
    return _run(lang, actions.set_playbook, limit_id, steps, owner, decision)


def acknowledge(event_id: str, comment: str, lang: str):
    return _run(lang, actions.acknowledge, event_id, comment)


def silence(limit_id: int, until: dt.datetime, comment: str, lang: str):
    return _run(lang, actions.silence, limit_id, until, comment)


def add_limit(fields: dict, lang: str):
    return _run(lang, actions.add_limit, levels_of=fields["metric"], **fields)


def change_limit(limit_id: int, fields: dict, lang: str, metric: str):
    """Change `fields` of a limit on `metric` (its metric after the change)."""
    return _run(lang, actions.change_limit, limit_id, levels_of=metric, **fields)


def run_drill(as_of: dt.date, stress: str, lang: str):
    return _run(lang, actions.run_drill, as_of, stress, lang)


