"""An unexpected error on a page: the visitor sees a short message with an incident id, never a traceback, a path
or the exception's text; the server's log has the traceback under the same id. Streamlit's control flow (st.stop,
st.rerun) passes through the handler."""

from __future__ import annotations

import logging
import re
import shutil
import tomllib

import pytest
from streamlit.testing.v1 import AppTest

from monitor import db
from monitor.i18n import LANGUAGES, t
from tests.conftest import APPTEST_TIMEOUT, ROOT

INCIDENT = re.compile(r"\b[0-9a-f]{8}\b")


def page_text(at: AppTest) -> str:
    """Everything the run sent to the browser, as the protobuf text of every element (sidebar included)."""
    return "\n".join(str(getattr(node, "proto", "")) for node in at._tree)


@pytest.fixture
def broken_db(demo_db, tmp_path):
    """The demo book with a charge-off setting that is not a number (edited by hand): no page can compute a status."""
    path = tmp_path / "broken.duckdb"
    shutil.copyfile(demo_db, path)
    con = db.connect(path)
    try:
        db.run(con, "UPDATE settings SET value = 'ninety' WHERE key = 'charge_off_dpd'")
    finally:
        con.close()
    return path


@pytest.mark.incident_expected
@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_failing_page_shows_an_incident_id_and_logs_the_traceback(broken_db, monkeypatch, caplog, lang):
    monkeypatch.setenv("MONITOR_DB", str(broken_db))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=APPTEST_TIMEOUT)
    at.query_params["lang"] = lang
    with caplog.at_level(logging.ERROR):
        at.run()
    assert not at.exception, [e.message for e in at.exception]  # Streamlit's own report, with the traceback
    [error] = at.main.error
    incident = INCIDENT.search(error.value).group()
    assert error.value == t("app.incident", lang, incident=incident)
    assert at.main.title[0].value == t("delinquency.title", lang)  # what the page drew before the error stays
    assert at.sidebar.title[0].value == t("app.title", lang)      # and so does the sidebar
    shown = page_text(at)
    for secret in ("Traceback", "ValueError", "ninety", "charge_off_dpd", ".py", str(ROOT)):
        assert secret not in shown
    [record] = [r for r in caplog.records if incident in r.getMessage()]
    assert record.levelno == logging.ERROR and record.name == "ui.incident"
    trace = logging.Formatter().formatException(record.exc_info)
    assert "ValueError" in trace and "'ninety'" in trace and "charge_off_dpd" in trace


@pytest.mark.incident_expected
def test_every_incident_has_its_own_id(broken_db, monkeypatch, caplog):
    monkeypatch.setenv("MONITOR_DB", str(broken_db))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=APPTEST_TIMEOUT)
    at.query_params["lang"] = "en"
    ids = set()
    for stem in ("delinquency", "data", "executive"):
        at.switch_page(f"pages/{stem}.py").run()
        assert not at.exception
        ids.add(INCIDENT.search(at.main.error[0].value).group())
    assert len(ids) == 3


def _guarded_script():
    """A test-only page: the handler around a block that stops, reruns or raises, as session_state["mode"] says."""
    import streamlit as st

    from ui import incident

    with incident.reported("en"):
        st.write("before")
        mode = st.session_state.get("mode")
        if mode == "stop":
            st.stop()
        if mode == "rerun" and not st.session_state.get("reran"):
            st.session_state["reran"] = True
            st.rerun()
        if mode == "raise":
            raise RuntimeError("/secret/path/to/book.duckdb")
        st.write("after")


@pytest.mark.parametrize(("mode", "written"), [("stop", ["before"]), ("rerun", ["before", "after"]),
                                               (None, ["before", "after"])])
def test_stop_and_rerun_pass_through_the_handler(mode, written):
    at = AppTest.from_function(_guarded_script, default_timeout=APPTEST_TIMEOUT)
    at.session_state["mode"] = mode
    at.run()
    assert not at.exception and not at.error
    assert [m.value for m in at.markdown] == written
    assert at.session_state["reran"] if mode == "rerun" else "reran" not in at.session_state


@pytest.mark.incident_expected
def test_the_handler_reports_an_exception(caplog):
    at = AppTest.from_function(_guarded_script, default_timeout=APPTEST_TIMEOUT)
    at.session_state["mode"] = "raise"
    with caplog.at_level(logging.ERROR):
        at.run()
    assert not at.exception
    assert [m.value for m in at.markdown] == ["before"]
    incident = INCIDENT.search(at.error[0].value).group()
    assert "/secret/path" not in page_text(at)
    assert any(incident in r.getMessage() and "/secret/path" in str(r.exc_info[1]) for r in caplog.records)


def test_streamlit_shows_no_error_details():
    """Whatever gets past the handler: "none" shows a generic message; the legacy `false` still shows the
    traceback ("stacktrace")."""
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["client"]["showErrorDetails"] == "none"


def _fragment_script():
    """A test-only page with a fragment guarded the way pages/today.py guards its timed one."""
    import streamlit as st

    from ui import incident

    @st.fragment
    @incident.reported("en")
    def part() -> None:
        st.write("in the fragment")
        raise RuntimeError("/secret/path")

    part()
    st.write("after the fragment")


@pytest.mark.incident_expected
def test_a_failing_fragment_is_reported_and_the_page_goes_on():
    at = AppTest.from_function(_fragment_script, default_timeout=APPTEST_TIMEOUT)
    at.run()
    assert not at.exception
    assert [m.value for m in at.markdown] == ["in the fragment", "after the fragment"]
    assert INCIDENT.search(at.error[0].value)
