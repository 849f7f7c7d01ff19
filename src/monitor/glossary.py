"""The domain's words: one Chinese and one English name for each term the dashboard uses, and the variants it never
uses (issue 15 item 5). tests/test_glossary.py holds every text of the catalog (monitor.i18n) to it.

A risk team reads 回收率 as money recovered after charge-off, never as a cure; 迁徙率 as the flow from one bucket to
the next (DESIGN.md §4), not the whole roll-rate matrix (迁移率); a settlement (协商结清: a discounted amount paid, the
rest written off) is not a loan paid off (已结清). Two names for one thing, or one name for two, make a reader ask
which number is meant.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Term:
    """`en` and `zh`: the term's names. A text whose English matches `en_says` names the term, so its Chinese must
    match `zh_says` (and, where `both_ways`, a Chinese text that matches `zh_says` names it: its English must match
    `en_says`). `not_zh` and `not_en`: variants no text uses."""

    en: str
    zh: str
    en_says: str
    zh_says: str
    not_zh: tuple[str, ...] = ()
    not_en: tuple[str, ...] = ()
    both_ways: bool = False

    def named_in_english(self, text: str) -> bool:
        return re.search(self.en_says, text, re.IGNORECASE) is not None

    def named_in_chinese(self, text: str) -> bool:
        return re.search(self.zh_says, text) is not None


TERMS: tuple[Term, ...] = (
    Term("cure rate", "治愈率", r"\bcur(e|es|ed)\b", "治愈|催回率", not_zh=("回正率", "转正率", "转正常"),
         both_ways=True),
    Term("recovery rate", "回收率", r"\brecover", "回收", not_zh=("追回率", "收回率")),
    Term("settlement", "协商结清", r"\bsettlements?\b", "协商结清", not_zh=("折扣结清", "和解")),
    Term("roll rate", "迁移率", r"\broll rates?\b|\broll matri", "迁移", not_zh=("滚动率",)),
    Term("forward roll", "前滚率", r"\bforward rolls?\b", "前滚"),
    Term("flow rate", "迁徙率", r"\bflow rates?\b|\bflow from\b", "迁徙", both_ways=True),
    Term("charge-off", "核销", r"\bcharge[- ]offs?\b|\bcharged off\b", "核销", not_zh=("冲销", "坏账核销")),
    Term("DPD", "逾期天数", r"\bDPD\b|days past due", "逾期", not_zh=("逾期日数", "拖欠天数")),
    Term("bucket", "逾期阶段", r"\bbuckets?\b", "阶段|{bucket}|{buckets}|M\\d", not_zh=("逾期档", "逾期桶", "逾期段")),
    Term("promise to pay", "承诺还款", r"\bpromise", "承诺", not_zh=("还款承诺", "违约承诺"), both_ways=True),
    Term("collection entry rate", "入催率", r"\bentry rate", "入催率", not_zh=("入催比例",)),
    Term("cure curve", "催回率", r"\bcure curve", "催回率"),
    Term("live feed", "实时数据", r"\blive feed\b", "实时数据"),
    Term("synthetic book", "演示数据", r"\bsynthetic\b", "演示数据", not_zh=("模拟数据",)),
    Term("PD", "违约概率", r"\bPD\b", "违约概率|PD"),
    Term("restructuring", "重组", r"\brestructur", "重组"),
    Term("extension", "展期", r"\bextension\b", "展期", not_zh=("延期还款",)),
    Term("re-installment", "再分期", r"\bre-installment", "再分期"),
)
