"""A URL value the app cannot use (issue 15 item 3) is replaced visibly: one line says what was asked and what is
shown instead, once, and the URL is rewritten; a usable value says nothing."""

from __future__ import annotations

import pytest

from monitor.i18n import t
from ui import context

from .conftest import DEMO_AS_OF
from .test_pages_apptest import open_page


def notices(at) -> list[str]:
    return [info.value for info in at.info if "link" in info.value or "链接" in info.value]


def test_a_usable_link_says_nothing(app):
    app.query_params.update(lang="en", as_of="2026-10-15")
    app.run()
    assert notices(app) == []
    assert app.sidebar.date_input[0].value.isoformat() == "2026-10-15"


def test_an_unknown_language_is_replaced_and_said(app):
    app.query_params.update(lang="xx")
    app.run()
    assert notices(app) == [t("url.replaced.lang", "zh", value="xx", used="中文")]
    assert app.query_params["lang"] in ("zh", ["zh"])
    app.run()  # said once
    assert notices(app) == []


@pytest.mark.parametrize(("value", "shown"), [
    ("garbage", DEMO_AS_OF.isoformat()),
    ("2031-01-01", DEMO_AS_OF.isoformat()),   # after the data: its latest day
    ("1999-01-01", None),                      # before the data: its first day
])
def test_an_unusable_date_is_replaced_and_said(app, value, shown):
    app.query_params.update(lang="en", as_of=value)
    app.run()
    used = app.sidebar.date_input[0].value.isoformat()
    assert shown is None or used == shown
    assert notices(app) == [t("url.replaced.as_of", "en", value=value, used=used).replace("-", "\\-")]
    assert app.query_params["as_of"] in (used, [used])


def test_a_loan_that_is_no_number_is_replaced_and_said(app):
    app.query_params.update(lang="en")
    app.run()
    app.query_params["loan"] = "abc"
    open_page(app, "account")
    loan = app.number_input(key=context.choice_key(context.LOAN_PARAM)).value
    assert notices(app) == [t("url.replaced.loan", "en", value="abc", used=loan)]
    assert app.query_params["loan"] in (str(loan), [str(loan)])


def test_a_long_hostile_value_is_cut_and_shown_as_text(app):
    app.query_params.update(lang="en", as_of="[x](http://evil.example)" + "9" * 100)
    app.run()
    (notice,) = notices(app)
    assert "](http" not in notice and "9" * 41 not in notice
