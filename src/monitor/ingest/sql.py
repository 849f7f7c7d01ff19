"""The SQL pieces every ingest rule is made of: quoting, a catalog message filled in SQL, one rule as a query.

A rule is a query yielding (row_number, rule, message, message_zh) for every row that breaks it; the message is the
catalog's reject.<case> text in each language, its placeholders filled by SQL expressions (message)."""

from __future__ import annotations

import re
from collections.abc import Callable

from monitor.i18n import t
from monitor.ingest.read import ROW

Part = str | Callable[[str], str]  # a SQL expression, or a function of the language that gives one


def q(name: str) -> str:
    return '"' + name + '"'


def literal(value) -> str:
    return "'" + str(value).replace("'", "''") + "'"


def shown(expr: str) -> Part:
    """A value as a message shows it: quoted, or the catalog's word for empty."""
    return lambda lang: f"coalesce('''' || CAST({expr} AS VARCHAR) || '''', {literal(t('reject.empty', lang))})"


def message(case: str, **parts: Part) -> str:
    """The SQL of the columns `message` (English) and `message_zh`: the catalog's reject.<case> text in each
    language, its {placeholders} filled by the SQL expressions in `parts`."""
    columns = []
    for lang, name in (("en", "message"), ("zh", "message_zh")):
        pieces = re.split(r"\{(\w+)\}", t(f"reject.{case}", lang))  # text, name, text, name, ..., text
        sql = [literal(piece) if i % 2 == 0 else _part_sql(parts[piece], lang)
               for i, piece in enumerate(pieces) if i % 2 or piece]
        columns.append(f"concat({', '.join(sql)}) AS {name}")
    return ", ".join(columns)


def _part_sql(part: Part, lang: str) -> str:
    return part(lang) if callable(part) else f"CAST({part} AS VARCHAR)"


def violation(rule: str, condition: str, text: str, source: str = "typed t") -> str:
    """One rule as a query; `text` is message()'s SQL."""
    return f"SELECT t.{ROW} AS row_number, '{rule}' AS rule, {text} FROM {source} WHERE {condition}"
