"""Catalog entries (key, zh, en) shared by the pages' cards; see monitor.i18n for the key conventions."""

ENTRIES: tuple[tuple[str, str, str], ...] = (
    ("card.exact", "精确金额：{value}", "Exact amount: {value}"),
)
