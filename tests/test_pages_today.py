"""The Today page through AppTest, in both languages: figures, chart, events, and the choices kept."""

from __future__ import annotations

import re

import pytest
from streamlit.testing.v1 import AppTest

from monitor.i18n import LANGUAGES, t

from .conftest import DEMO_AS_OF, ROOT

CODES = ("auto_debit", "promise_to_pay", "cash_loan", "no_answer", "today.", "col.")


def _today(lang: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.query_params["lang"] = lang
    at.run()
    at.switch_page("pages/today.py").run()
    assert not at.exception, [e.message for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    return at


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_today_page_in_both_languages(demo_db, monkeypatch, lang):
    monkeypatch.setenv("MONITOR_DB", str(demo_db))
    at = _today(lang)
    assert [title.value for title in at.main.title] == [t("today.title", lang)]
    labels = [metric.label for metric in at.metric]
    for key in ("today.payments", "today.collected", "today.entered_m1", "today.cured"):
        assert t(key, lang) in labels
    assert DEMO_AS_OF.isoformat() in at.caption[0].value
    values = {metric.label: metric.value for metric in at.metric}
    assert int(values[t("today.payments", lang)]) > 0
    events = at.dataframe[0].value
    assert len(events) > 0
    shown = " ".join([*labels, *(str(v) for v in values.values()), *(c.value for c in at.caption),
                      *events.astype(str).to_numpy().ravel().tolist()])
    assert not any(code in shown for code in CODES), shown
    if lang == "en":
        assert not re.search(r"[\u4e00-\u9fff]", " ".join(labels + [c.value for c in at.caption]))


def test_choices_survive_a_rerun(demo_db, monkeypatch):
    monkeypatch.setenv("MONITOR_DB", str(demo_db))
    at = _today("en")
    at.selectbox(key="choice.events").set_value("loans").run()
    at.radio(key="choice.measure").set_value("balance").run()
    at.run()  # what a refresh does to the page's state
    assert at.selectbox(key="choice.events").value == "loans"
    assert at.radio(key="choice.measure").value == "balance"
    assert at.query_params["events"] in ("loans", ["loans"])
    assert {"product", "principal"} <= set(at.dataframe[0].value.columns)  # the new loans' table
