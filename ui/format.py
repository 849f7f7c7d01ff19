"""Numbers written for reading: percentages, percentage points, yuan with 万/亿 (zh) or k/M/B (en).

Formatting only: every value arrives computed from monitor."""

from __future__ import annotations

from monitor.i18n import t

NONE = "–"  # a figure that cannot be computed


def pct(value: float | None, digits: int = 2) -> str:
    return NONE if value is None else f"{value:.{digits}%}"


# A PD (a probability of default, 0..1) reads with one precision wherever a page shows one (the early-warning list,
# an account's score history, the model's calibration): a percentage with PD_DIGITS decimals, in text (pd), in a
# chart's tooltip (PD_D3, a d3 format) and in a table column (PD_COLUMN: Streamlit's "percent" preset, 2 decimals).
PD_DIGITS = 2
PD_D3 = f".{PD_DIGITS}%"
PD_COLUMN = "percent"


def pd(value: float | None) -> str:
    """A PD as every page writes it: 0.12345 -> '12.35%'."""
    return pct(value, PD_DIGITS)


def pp(change: float | None, lang: str, digits: int = 2, signed: bool = True) -> str:
    """A change of a rate in percentage points: 0.0123 -> '+1.23 pp' / '+1.23个百分点'."""
    if change is None:
        return NONE
    number = f"{change * 100:+.{digits}f}" if signed else f"{abs(change) * 100:.{digits}f}"
    return t("fmt.pp", lang, value=number)


def money(value: float | None, lang: str, signed: bool = False) -> str:
    """Yuan, short: ¥916.69万, ¥1.23亿 / ¥9.17M, ¥917k. A sign in front when `signed` (for deltas); unsigned, a minus
    only on an amount that does not round to ¥0."""
    if value is None:
        return NONE
    sign = ("+" if value >= 0 else "-") if signed else ("-" if value < 0 and round(value) != 0 else "")
    amount = abs(value)
    if lang == "zh":
        if amount >= 1e8:
            text = f"{amount / 1e8:,.2f}亿"
        elif amount >= 1e4:
            text = f"{amount / 1e4:,.2f}万"
        else:
            text = f"{amount:,.0f}"
    elif amount >= 1e9:
        text = f"{amount / 1e9:,.2f}B"
    elif amount >= 1e6:
        text = f"{amount / 1e6:,.2f}M"
    elif amount >= 1e3:
        text = f"{amount / 1e3:,.1f}k"
    else:
        text = f"{amount:,.0f}"
    return f"{sign}¥{text}"


def exact_money(value: float | None) -> str:
    """Yuan to the fen, as a statement shows money: ¥1,234.56, -¥424.16 (the sign before the currency)."""
    if value is None:
        return NONE
    return f"{'-' if value < 0 and round(value, 2) != 0 else ''}¥{abs(value):,.2f}"


def exact_money_fen(fen: int | None) -> str:
    """exact_money of an amount in fen (monitor.simulate's unit)."""
    return exact_money(None if fen is None else fen / 100)


def count(value: float | None, signed: bool = False) -> str:
    if value is None:
        return NONE
    return f"{value:+,.0f}" if signed else f"{value:,.0f}"


def pp_size(change: float, digits: int = 2) -> str:
    """The size of a change of a rate in percentage points, without sign or unit: -0.0123 -> '1.23'."""
    return f"{abs(change) * 100:.{digits}f}"


def change(delta: float | None, kind: str, lang: str) -> str | None:
    """A change as a metric's delta (kind: 'rate' in points, 'money', 'count'), signed; one that reads as zero
    unsigned (0.00 pp, ¥0, 0), which the page shows grey and without an arrow (reads_as_zero)."""
    if delta is None:
        return None
    signed = not reads_as_zero(delta, kind)
    return {"money": lambda: money(delta, lang, signed=signed), "count": lambda: count(delta, signed=signed),
            "rate": lambda: pp(delta, lang, signed=signed)}[kind]()


def reads_as_zero(change: float | None, kind: str) -> bool:
    """Whether a change would be written as zero (a rate to 2 decimals of a point, yuan, a count): the page
    then shows it grey and without an arrow, not as a rise."""
    if change is None:
        return False
    smallest = {"rate": 0.00005, "money": 0.5, "count": 0.5}[kind]
    return abs(change) < smallest
