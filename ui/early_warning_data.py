"""Cached loaders of the Early-warning page, on ui.data's: each opens the database read-only for one small result
(monitor.early_warning does the filtering, ranking and counting in SQL). `filters` maps a filter name of
monitor.early_warning.FILTERS to the values chosen (an empty list: all)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import polars as pl

from monitor import early_warning
from ui.data import load


def scored_day_for(as_of: dt.date) -> dt.date | None:
    """The latest scored day on or before `as_of` (None: no scores that early)."""
    return load(early_warning.scored_day_for, as_of)


def scored_days() -> list[dt.date]:
    return load(early_warning.scored_days)


def filter_options(day: dt.date) -> dict[str, list[str]]:
    return load(early_warning.filter_options, day)


def action_list(day: dt.date, filters: dict[str, list[str]]) -> pl.DataFrame:
    """The LIST_LIMIT loans of highest PD passing `filters` on `day`, and (column matches) how many pass in all."""
    return load(early_warning.action_list, day, filters)


def summary(day: dt.date, filters: dict[str, list[str]]) -> dict:
    return load(early_warning.summary, day, filters)


def export_csv(day: dt.date, filters: dict[str, list[str]], lang: str) -> Callable[[], bytes]:
    """The CSV of every loan passing `filters`, as a callable for st.download_button: built when the user
    clicks, not on every run of the page."""
    return lambda: load(early_warning.export_csv, day, filters, lang)
