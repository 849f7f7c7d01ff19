"""Catalog entries (key, zh, en) for simulator portfolio text; see monitor.i18n for the key conventions."""

ENTRIES: tuple[tuple[str, str, str], ...] = (
    ("nav.simulator_portfolio", "组合情景", "What-if: portfolio"),
    ("simulator_portfolio.title", "组合情景与压力测试", "Portfolio scenarios and stress"),
)
