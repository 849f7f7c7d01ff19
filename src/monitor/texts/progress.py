"""Catalog entries (key, zh, en) of progress: what a section shows while its data is being read."""

ENTRIES: tuple[tuple[str, str, str], ...] = (
    ("progress.loading", "正在读取数据…", "Reading the data…"),
)
