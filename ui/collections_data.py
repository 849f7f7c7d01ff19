"""Cached loaders of the Collections worklists page, on ui.data's: each opens the database read-only for one result
of monitor.worklists, cached by data version (a new payment or promise shows on the next rerun)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from monitor import worklists
from ui.data import load


def collections_view(as_of: dt.date) -> dict:
    """monitor.worklists.collections_view: every worklist at the end of `as_of`, in working order, and the cure curve
    of the CURE_WINDOW_DAYS up to it."""
    return load(worklists.collections_view, as_of)


def export_csv(name: str, as_of: dt.date, lang: str) -> Callable[[], bytes]:
    """The CSV of the whole worklist, as a callable for st.download_button: built when the user clicks."""
    return lambda: load(worklists.export_csv, name, as_of, lang)
