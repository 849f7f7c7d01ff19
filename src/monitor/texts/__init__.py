"""Catalog entries of the i18n catalog, one module per area, so that each page's text lives beside the others
of its kind. Each module holds ENTRIES: a tuple of (key, zh, en). monitor.i18n joins them into one catalog."""
