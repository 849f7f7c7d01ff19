"""No stored code reaches the screen (issue 15 item 5): every page, in both languages, over the scored demo book,
shows payment and loan channels (and the other stored values) by their catalog labels, never as `auto_debit`."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from monitor.i18n import CATALOG, LANGUAGES
from ui import navigation

from .test_pages_apptest import every_view

ROOT = Path(__file__).resolve().parents[1]
TIMEOUT = 120
KINDS = ("payment_channel", "loan_channel")
# the codes of those kinds that read as a code, not as a word a label could contain ("app" is also the word App)
CODES = sorted({key.split(".", 1)[1] for key in CATALOG if key.split(".", 1)[0] in KINDS} - {"app"})
WORDS = {"collections", "legal", "recovery", "broker"}  # English words too: a code only in a Chinese text


def code_pattern(lang: str) -> re.Pattern:
    codes = CODES if lang == "zh" else [code for code in CODES if code not in WORDS]
    return re.compile(r"\b(" + "|".join(map(re.escape, codes)) + r")\b")


def shown_text(at: AppTest) -> str:
    """What a reader sees in the main area and the sidebar: texts, metrics, table cells, choices and labels."""
    parts = []
    for area in (at.main, at.sidebar):
        for kind in ("title", "header", "subheader", "caption", "markdown", "info", "success", "warning", "error",
                     "text"):
            parts += [str(e.value) for e in getattr(area, kind)]
        parts += [f"{m.label} {m.value} {m.delta or ''} {m.help or ''}" for m in area.metric]
        parts += [e.label for e in area.expander]
        for widget in ("selectbox", "multiselect", "radio", "segmented_control", "pills"):
            for element in area.get(widget):
                proto = element.proto
                options = getattr(proto, "options", [])  # strings, or a segmented control's Option messages
                parts += [proto.label, *(o if isinstance(o, str) else o.content for o in options)]
        for frame in area.dataframe:
            parts += [str(value) for value in frame.value.to_numpy().ravel() if not isinstance(value, bool | np.bool_)]
    return "\n".join(parts)


def test_the_scan_knows_the_codes():
    assert {"auto_debit", "collections", "legal", "recovery", "ecommerce", "social_ads", "partner_api",
            "broker"} <= set(CODES)
    assert code_pattern("zh").findall("自动扣款 auto_debit App 催收回款 collections") == ["auto_debit", "collections"]
    assert code_pattern("en").findall("Collections: collection actions, legal; social_ads") == ["social_ads"]


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("stem", [stem for stem, _ in navigation.PAGES])
def test_no_channel_code_on_a_page(scored_db, monkeypatch, stem, lang):
    monkeypatch.setenv("MONITOR_DB", str(scored_db))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)
    at.query_params.update(lang=lang)
    at.run()
    for view in every_view(at, stem):
        assert not view.exception, [e.message for e in view.exception]
        assert code_pattern(lang).findall(shown_text(view)) == []
