"""Catalog entries (key, zh, en) for simulator loan text; see monitor.i18n for the key conventions."""

ENTRIES: tuple[tuple[str, str, str], ...] = (
    ("nav.simulator_loan", "重组模拟", "What-if: loan"),
    ("simulator_loan.title", "单笔贷款重组模拟", "What-if for one loan"),
)
