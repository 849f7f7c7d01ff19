"""Cached loaders of the Compliance page, on ui.data's: each opens the database read-only for one result of
monitor.conduct, cached by data version (the feed's new actions and violations show on the next rerun)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from monitor import list_export
from monitor.conduct import rates, view
from ui.data import load


def section_view(section: str, as_of: dt.date, month: str) -> dict:
    """monitor.conduct.view.section_view: one section's figures of `month`."""
    return load(view.section_view, section, as_of, month)


def violating_actions(start: dt.date, end: dt.date, filters: dict[str, str]) -> object:
    """monitor.conduct.rates.violating_actions: the newest violating actions of the period behind a figure."""
    return load(_violating_actions, start, end, tuple(sorted(filters.items())))


def _violating_actions(con, start: dt.date, end: dt.date, filters: tuple):
    return rates.violating_actions(con, start, end, **dict(filters))


def complaints_behind(start: dt.date, end: dt.date, category: str | None) -> object:
    """monitor.conduct.rates.complaints_behind: the newest complaints of the period behind a figure."""
    return load(rates.complaints_behind, start, end, category)


def export_csv(start: dt.date, end: dt.date, filters: dict[str, str], lang: str) -> Callable[[], bytes]:
    """The audit export of the period's violating actions behind a figure, as a callable for export_button."""
    return lambda: load(_violations_csv, start, end, lang, tuple(sorted(filters.items())))


def _violations_csv(con, start: dt.date, end: dt.date, lang: str, filters: tuple) -> bytes:
    return list_export.violations_csv(con, start, end, lang, **dict(filters))
