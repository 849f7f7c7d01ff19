"""The sidebar state every page reads: the language and the as-of date.

Both live in st.session_state (the widget keys) and are mirrored into the URL (?lang=..&as_of=..) on
every run, so a copied link restores them. Streamlit clears the query string when the user switches
pages; the next run writes it back. The URL is read only when a session starts: afterwards the widgets
are the truth. (Streamlit's own `bind="query-params"` drops a value equal to the widget's default from
the URL, so a link would not carry a language that matched the sender's browser.)
"""

from __future__ import annotations

import datetime as dt
import runpy
from pathlib import Path

import streamlit as st

from monitor.i18n import LANGUAGE_NAMES, LANGUAGES, t

LANG_KEY = "lang"
AS_OF_KEY = "as_of"
_LATEST_KEY = "_latest_data_date"
_SHELL_KEY = "_shell_ran"
APP = Path(__file__).resolve().parents[1] / "app.py"


def _browser_language() -> str:
    """Chinese unless the browser asks for another language (st.context.locale is navigator.language)."""
    locale = st.context.locale
    return "zh" if not locale or locale.lower().startswith("zh") else "en"


def language() -> str:
    """The chosen language: the selector's value, or at the start of a session ?lang= or the browser's."""
    if LANG_KEY not in st.session_state:
        requested = st.query_params.get(LANG_KEY)
        st.session_state[LANG_KEY] = requested if requested in LANGUAGES else _browser_language()
    return st.session_state[LANG_KEY]


def select_language() -> str:
    """Draw the language selector in the sidebar and return the chosen language."""
    lang = st.sidebar.radio(t("sidebar.language", language()), LANGUAGES, key=LANG_KEY,
                            format_func=LANGUAGE_NAMES.get, horizontal=True)
    st.query_params[LANG_KEY] = lang
    return lang


def _parse_date(text: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text) if text else None
    except ValueError:
        return None


def select_as_of(first: dt.date, latest: dt.date) -> dt.date:
    """Draw the as-of date input, bounded by the data, defaulting to its latest day.

    A user who was on the latest day stays on the latest day when new data arrives."""
    previous_latest = st.session_state.get(_LATEST_KEY)
    st.session_state[_LATEST_KEY] = latest
    chosen = st.session_state.get(AS_OF_KEY)
    if chosen is None:
        chosen = _parse_date(st.query_params.get(AS_OF_KEY)) or latest
    elif chosen == previous_latest:
        chosen = latest
    st.session_state[AS_OF_KEY] = min(max(chosen, first), latest)
    lang = language()
    as_of = st.sidebar.date_input(t("sidebar.as_of", lang), key=AS_OF_KEY, min_value=first, max_value=latest,
                                  format="YYYY-MM-DD", help=t("sidebar.as_of_help", lang))
    st.query_params[AS_OF_KEY] = as_of.isoformat()
    return as_of


def run_page(page: st.Page) -> None:
    """Run the page st.navigation chose; app.py's last step."""
    st.session_state[_SHELL_KEY] = True
    page.run()


def start_page() -> tuple[str, dt.date]:
    """The first call of every page file: the language and as-of date chosen in the sidebar.

    Because the page files live in a folder named pages/, Streamlit 1.67 may run a page file by itself,
    without app.py (its legacy multipage mode, in force until a run calls st.navigation): on the first
    run of a server process opened at a page's URL, and on every AppTest run after switch_page(). The
    page then runs app.py, which draws the sidebar and runs this page through st.navigation, and ends
    its own run.
    """
    if not st.session_state.pop(_SHELL_KEY, False):
        runpy.run_path(str(APP), run_name="__main__")
        st.stop()
    return st.session_state[LANG_KEY], st.session_state[AS_OF_KEY]

