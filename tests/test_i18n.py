"""The UI catalog's texts: translated, with the same placeholders in both languages; the lookup; a navigation label
and a title for every page and a label for every stored value. That every entry is complete and every key the code
looks up exists: tests/test_catalog.py."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from monitor import db, metrics, overview, segments
from monitor.i18n import CATALOG, LANGUAGES, label, t
from monitor.synth import population

ROOT = Path(__file__).resolve().parents[1]
PAGE_STEMS = sorted(p.stem for p in (ROOT / "pages").glob("*.py"))


def test_chinese_is_translated():
    """A zh text equal to its en text was left untranslated (the bilingual language label aside)."""
    untranslated = [key for key, texts in CATALOG.items() if texts["zh"] == texts["en"]]
    assert untranslated == ["sidebar.language"]


def test_placeholders_match_between_languages():
    for key, texts in CATALOG.items():
        fields = [set(re.findall(r"{(\w+)}", texts[lang])) for lang in LANGUAGES]
        assert fields[0] == fields[1], key


def test_lookup_formats_and_rejects_unknown_keys():
    assert t("data.policy_value", "en", dpd=181) == "DPD 181"
    assert t("data.policy_value", "zh", dpd=181) == "逾期 181 天"
    assert label("status", "charged_off", "zh") == "已核销"
    with pytest.raises(KeyError):
        t("no.such.key", "en")


@pytest.mark.parametrize("stem", PAGE_STEMS)
def test_every_page_has_its_navigation_label_and_title(stem):
    """app.py builds a page's menu label from nav.<stem>, and the page's title is <stem>.title."""
    assert f"nav.{stem}" in CATALOG
    assert f"{stem}.title" in CATALOG


@pytest.mark.parametrize(("kind", "values"), [
    ("table", (*db.SOURCE_TABLES, *db.DERIVED_TABLES, overview.TRUTH_TABLE)),
    ("col", tuple(overview.DATE_COLUMNS.values())),
    ("kind", tuple(kind for kind, _ in overview.TABLE_KINDS)),
    ("status", db.LOAN_STATUSES),
    ("product", db.PRODUCTS),
    ("repayment", db.REPAYMENT_METHODS),
    ("loan_channel", population.CHANNELS),
    ("payment_channel", db.PAYMENT_CHANNELS),
    ("action", db.ACTION_TYPES),
    ("party", db.CONTACT_PARTIES),
    ("outcome", db.OUTCOMES),
    ("restructuring", db.RESTRUCTURING_KINDS),
    ("employment", population.EMPLOYMENT),
    ("segment", ("all", *segments.SEGMENTS)),
    ("province", tuple(province for province, *_ in population.PROVINCES)),
    ("city_tier", ("1", "2", "3", "4", "5")),
    ("score_band", segments.SCORE_BANDS),
    ("status", tuple(s for s in metrics.ROLL_TO_STATES if s.startswith(("paid", "charged", "restr", "settl")))),
    ("measure", ("balance", "count")),
    ("measure_phrase", ("balance", "count")),
    ("basis", ("coincident", "lag3", "lag6")),
])
def test_every_stored_value_has_a_label(kind, values):
    for value in values:
        for lang in LANGUAGES:
            assert label(kind, value, lang)
