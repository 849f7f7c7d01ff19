"""The lookup of every string the dashboard shows, in Simplified Chinese and English: one catalog, one lookup.

The entries live in monitor.texts, one module per area (a page, the app shell, charts, segments, the names of
tables and columns, the labels of stored values); each holds ENTRIES, a tuple of (key, zh, en), and every module of
the package joins the catalog. A key defined twice, in one module or two, is an error at import.
Keys are dotted: `<page>.<what>` for page text, `nav.<page>` for navigation labels, and
`<kind>.<value>` for labels of values stored in the database (`table.loans`, `col.principal_balance`,
`status.charged_off`, ...), so that no raw table, column or code value reaches a user.
Page files follow a convention the tests check: `pages/<name>.py` has `nav.<name>` and `<name>.title`.
"""

from __future__ import annotations

import importlib
from pathlib import Path

from monitor import texts

LANGUAGES = ("zh", "en")
LANGUAGE_NAMES = {"zh": "中文", "en": "English"}


def area_entries() -> dict[str, tuple[tuple[str, str, str], ...]]:
    """The ENTRIES of every module of monitor.texts, by module name, in name order."""
    names = sorted(path.stem for path in Path(texts.__file__).parent.glob("*.py") if path.stem != "__init__")
    return {name: importlib.import_module(f"{texts.__name__}.{name}").ENTRIES for name in names}


def build_catalog(areas: dict[str, tuple[tuple[str, str, str], ...]]) -> dict[str, dict[str, str]]:
    """{key: {"zh": ..., "en": ...}} from the entries of each area; a key defined twice raises ValueError."""
    catalog: dict[str, dict[str, str]] = {}
    defined_in: dict[str, str] = {}
    for area, entries in areas.items():
        for key, zh, en in entries:
            if key in catalog:
                raise ValueError(f"duplicate catalog key {key!r} in monitor.texts.{area} "
                                 f"(already in monitor.texts.{defined_in[key]})")
            catalog[key] = {"zh": zh, "en": en}
            defined_in[key] = area
    return catalog


CATALOG: dict[str, dict[str, str]] = build_catalog(area_entries())


def t(key: str, lang: str, **fmt) -> str:
    """The text of `key` in `lang`, with `{placeholders}` filled from `fmt`. Unknown keys raise KeyError."""
    text = CATALOG[key][lang]
    return text.format(**fmt) if fmt else text


def plural(key: str, lang: str, count: int, **fmt) -> str:
    """The text of `key`.one when `count` is 1, else of `key`.other ("Load 1 file", "Load 2 files"; Chinese says
    both the same way), with `{placeholders}` filled from `fmt`."""
    return t(f"{key}.{'one' if count == 1 else 'other'}", lang, **fmt)


def label(kind: str, value: str, lang: str) -> str:
    """The display label of a stored value, e.g. label("status", "charged_off", "zh") == "已核销"."""
    return t(f"{kind}.{value}", lang)
