"""Catalog entries (key, zh, en) for the file uploader's own words, which Streamlit writes in English only
(ui.uploader draws these in their place); see monitor.i18n for the key conventions."""

ENTRIES: tuple[tuple[str, str, str], ...] = (
    ("uploader.browse", "浏览文件", "Browse files"),
    ("uploader.limit", "拖放文件到此处，或点击“浏览文件”；每个文件不超过 {mb} MB（{types}）",
     "Drag and drop files here, or browse; up to {mb} MB a file ({types})"),
    ("uploader.types", "CSV、Parquet", "CSV, Parquet"),
)
