"""Every text of the catalog holds to the glossary (monitor.glossary, issue 15 item 5): one Chinese name for each
domain term, used wherever the English names it, and none of the variants a reader would have to puzzle over."""

from __future__ import annotations

import pytest

from monitor.glossary import TERMS, Term
from monitor.i18n import CATALOG

# Texts whose English uses a term's words in another sense (key -> why), per term.
OTHER_SENSE = {
    "settlement": {"table.installment_settlement": "an installment settled: paid, not a settlement of the loan",
                   "data.derived_completed": "the installments' settlements (the derived table), not the loans'"},
    "flow rate": {"chart.flow_step": "the flow chart's axis: its steps M0→M1 …",
                  "delinquency.implied_loss": "the loss rate the flow rates imply, named in its help"},
    "promise to pay": {"account.ptp_paid": "a column of the promises table: paid toward the promise (承诺期内已还)"},
    "recovery rate": {"simulator_loan.source.legal": "money paid through the legal channel (诉讼渠道回款)"},
}
TERM_NAMES = [term.en for term in TERMS]


def term(name: str) -> Term:
    return next(found for found in TERMS if found.en == name)


@pytest.mark.parametrize("name", TERM_NAMES)
def test_no_text_uses_a_variant(name):
    found = term(name)
    used = {key: text for key, text in CATALOG.items()
            if any(variant in text["zh"] for variant in found.not_zh)
            or any(variant.lower() in text["en"].lower() for variant in found.not_en)}
    assert used == {}, f"{name}: say {found.zh} / {found.en}"


@pytest.mark.parametrize("name", TERM_NAMES)
def test_a_text_naming_the_term_says_its_chinese_name(name):
    found = term(name)
    exceptions = OTHER_SENSE.get(name, {})
    missing = {key: text for key, text in CATALOG.items()
               if key not in exceptions and found.named_in_english(text["en"])
               and not found.named_in_chinese(text["zh"])}
    assert missing == {}, f"{name}: the Chinese should say {found.zh}"
    if found.both_ways:
        unnamed = {key: text for key, text in CATALOG.items()
                   if key not in exceptions and found.named_in_chinese(text["zh"])
                   and not found.named_in_english(text["en"])}
        assert unnamed == {}, f"{found.zh} means {found.en} only"


def test_the_glossary_is_one_name_each():
    assert len({t.zh for t in TERMS}) == len(TERMS) and len({t.en for t in TERMS}) == len(TERMS)
    for found in TERMS:
        assert found.named_in_chinese(found.zh) and found.named_in_english(found.en), found
        assert not any(variant in found.zh for variant in found.not_zh), found


def test_the_glossary_catches_what_it_is_for():
    """The variants a reader met: 回收 for a cure, 折扣结清 beside 协商结清, 迁徙矩阵 for the roll-rate matrix."""
    cure, settlement, flow = term("cure rate"), term("settlement"), term("flow rate")
    assert not cure.named_in_chinese("回收率（回到正常）")
    assert "折扣结清" in settlement.not_zh
    assert flow.named_in_chinese("迁徙矩阵") and not flow.named_in_english("Roll rates by balance")
