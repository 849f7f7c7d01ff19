"""The credit-policy page's builder: a cut-off for each channel and product of the population, a credit-line
multiplier for each application-score band, and the assumptions, each an input whose value lives in the URL (ui.context
url_number / url_choice), so that a copied link opens the same policy. The URL holds only what differs from the
defaults (today's cut-offs, multiplier 1.0, the data's assumptions); a link's value that cannot be used is replaced
by the default and said (ui.context.show_url_notices, called by the page after the builder)."""

from __future__ import annotations

import streamlit as st

from monitor.i18n import t
from monitor.origination.cutoffs import CutoffPolicy
from monitor.origination.whatif import PolicyChoice
from monitor.origination.whatif_assumptions import Assumptions, source_text
from ui import context, labels
from ui import format as fmt

# The application-score bands of the credit-line multipliers: (lowest score, param); the first band starts at 300.
LINE_BANDS = ((300, "line_low"), (600, "line_600"), (650, "line_650"), (700, "line_700"))
MULTIPLIERS = tuple(f"{m / 10:.1f}" for m in range(5, 21))  # 0.5 .. 2.0
CUTOFF = {"min_value": 300, "max_value": 900, "step": 5}
# The assumptions' inputs: (name, bounds, input format, how the page writes the value)
ASSUMPTIONS = (
    ("default_share", {"min_value": 0.0, "max_value": 1.0, "step": 0.01}, "%.2f", lambda v: fmt.pct(v, 1)),
    ("lgd", {"min_value": 0.0, "max_value": 1.0, "step": 0.01}, "%.2f", lambda v: fmt.pct(v, 1)),
    ("ead_share", {"min_value": 0.0, "max_value": 1.5, "step": 0.01}, "%.2f", lambda v: fmt.pct(v, 1)),
    ("funding_rate", {"min_value": 0.0, "max_value": 0.3, "step": 0.005}, "%.3f", lambda v: fmt.pct(v, 1)),
    ("operating_cost", {"min_value": 0.0, "max_value": 5000.0, "step": 10.0}, "%.0f", lambda v: f"¥{v:,.0f}"),
    ("fee_rate", {"min_value": 0.0, "max_value": 0.05, "step": 0.0005}, "%.4f", lambda v: fmt.pct(v, 2)),
)


def _k(key: str, lang: str, **values) -> str:
    return t(f"credit_policy.{key}", lang, **values)


def band_label(index: int, lang: str) -> str:
    low = LINE_BANDS[index][0]
    if index == 0:
        return _k("band_below", lang, high=LINE_BANDS[1][0])
    if index == len(LINE_BANDS) - 1:
        return _k("band_above", lang, low=low)
    return _k("band_between", lang, low=low, high=LINE_BANDS[index + 1][0] - 1)


def cutoffs(pairs: list[tuple[str, str]], today: CutoffPolicy, as_of, lang: str) -> CutoffPolicy:
    """A cut-off input per (channel, product) of the population, defaulting to today's; the chosen cut-offs, one
    per pair (the most specific key)."""
    st.markdown(f"**{_k('cutoffs', lang)}**", help=_k("cutoffs_help", lang, as_of=as_of.isoformat()))
    channels = list(dict.fromkeys(channel for channel, _ in pairs))
    chosen = {}
    for column, channel in zip(st.columns(len(channels)), channels, strict=True):
        for _, product in (pair for pair in pairs if pair[0] == channel):
            label = _k("cutoff_label", lang, channel=labels.segment_value("channel", channel, lang),
                       product=labels.segment_value("product", product, lang))
            default = today.cutoff(channel, product) or CUTOFF["min_value"]
            chosen[(channel, product)] = context.url_number(
                column, label, param=f"cut_{channel}_{product}", default=default, kind=int, write_default=False,
                scope=default, **CUTOFF)
    return CutoffPolicy(chosen)


def line_multipliers(lang: str) -> tuple[tuple[int, float], ...]:
    st.markdown(f"**{_k('lines', lang)}**", help=_k("lines_help", lang))
    chosen = []
    for index, (column, (low, param)) in enumerate(zip(st.columns(len(LINE_BANDS)), LINE_BANDS, strict=True)):
        value = context.url_choice(column.select_slider, band_label(index, lang), MULTIPLIERS, param=param,
                                   default="1.0", say_replaced=True, format_func=lambda m: f"×{m}")
        chosen.append((low, float(value)))
    return tuple(chosen)


def assumptions(defaults: Assumptions, lang: str) -> Assumptions:
    """An input per assumption, defaulting to the data's; under each, where its default comes from."""
    st.markdown(f"**{_k('assumptions', lang)}**")
    edits = {}
    for column, (name, bounds, number_format, written) in zip(st.columns(len(ASSUMPTIONS)), ASSUMPTIONS,
                                                              strict=True):
        default = getattr(defaults, name)
        value = context.url_number(column, _k(f"assumption.{name}", lang), param=name, default=default.value,
                                   write_default=False, scope=default.value, format=number_format, **bounds)
        if abs(value - default.value) > 1e-12:
            edits[name] = value
            column.caption(_k("edited", lang, default=written(default.value)))
        else:
            column.caption(source_text(default, lang))
    return defaults.replace(**edits) if edits else defaults


def builder(pairs: list[tuple[str, str]], today: PolicyChoice, defaults: Assumptions, as_of,
            lang: str) -> tuple[PolicyChoice, Assumptions]:
    """Draw the builder; the chosen policy and assumptions."""
    chosen = PolicyChoice(cutoffs(pairs, today.cutoffs, as_of, lang), line_multipliers(lang))
    return chosen, assumptions(defaults, lang)
