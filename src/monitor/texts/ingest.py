"""Catalog entries (key, zh, en) for loading files (the Data page's upload, rule.<code> labels of the rules)."""

ENTRIES: tuple[tuple[str, str, str], ...] = ()
