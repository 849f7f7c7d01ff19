"""Catalog entries (key, zh, en) for model monitoring text; see monitor.i18n for the key conventions."""

ENTRIES: tuple[tuple[str, str, str], ...] = ()
