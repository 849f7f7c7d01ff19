"""ui.warm: after the first page of a server has run, the latest day's figures of the other pages are computed in the
background into the loaders' cache, under the key those pages read them by; once per server and day."""

from __future__ import annotations

import threading

import streamlit as st

from monitor import views
from monitor.simulate import projection
from ui import context, data, warm

from .conftest import DEMO_AS_OF


def _not_computed(*_args, **_kwargs):
    raise AssertionError("computed again: the warmed cache was not used")


def _warmed(demo_db, monkeypatch, app):
    st.cache_data.clear()
    monkeypatch.setenv(warm.ENABLED, "1")
    monkeypatch.setattr(warm, "_STARTED", set())
    app.query_params["lang"] = "en"
    app.run()  # the delinquency page: the first run starts the warming after the page
    assert not app.exception
    for thread in threading.enumerate():
        if thread.name == "monitor-warm":
            thread.join(timeout=120)
    path = data.db_path()
    return lambda query, *args: data._cached(f"{query.__module__}.{query.__qualname__}", str(path),
                                            data.data_version(path), args, None, _query=_not_computed)


def test_the_latest_days_figures_are_cached_after_the_first_page(demo_db, monkeypatch, app):
    cached = _warmed(demo_db, monkeypatch, app)
    assert cached(data._executive_view, DEMO_AS_OF)["as_of"] == DEMO_AS_OF  # a page the user has not opened yet
    assert not warm.latest_day(DEMO_AS_OF)  # once per server and day


def test_every_section_of_the_delinquency_page_opens_on_warmed_figures(demo_db, monkeypatch, app):
    _warmed(demo_db, monkeypatch, app)
    monkeypatch.setattr(views, "delinquency_section", _not_computed)
    for section in views.DELINQUENCY_SECTIONS:
        app.segmented_control(key=context.choice_key("section")).set_value(section).run()
        assert not app.exception, (section, [e.message for e in app.exception])
        assert app.query_params["section"] == section


def test_the_portfolio_simulator_opens_on_the_warmed_projection(demo_db, monkeypatch, app):
    """The warmed choices are the page's defaults: opening it computes no projection."""
    _warmed(demo_db, monkeypatch, app)
    monkeypatch.setattr(projection, "simulate", _not_computed)
    app.switch_page("pages/simulator_portfolio.py").run()
    assert not app.exception, [e.message for e in app.exception]


def test_no_warming_when_turned_off(demo_db, monkeypatch, app):
    monkeypatch.setenv(warm.ENABLED, "0")
    monkeypatch.setattr(warm, "_STARTED", set())
    assert not warm.latest_day(DEMO_AS_OF)
    assert warm._STARTED == set()
