"""Catalog entries (key, zh, en) for the Today page; see monitor.i18n for the key conventions."""

ENTRIES: tuple[tuple[str, str, str], ...] = (
    ("nav.today", "今日动态", "Today"),
    ("today.title", "今日动态", "Today"),
)
