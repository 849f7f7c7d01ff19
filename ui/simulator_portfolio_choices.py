"""The portfolio simulator page's scenario builder: every choice (policy segment and value, option, take-up, stress,
custom stress factor, estimation window, months, Monte Carlo paths and seed) drawn as a widget whose value lives in
the URL, the way ui.context keeps the sidebar's and the other pages' choices, so a copied link opens the same view.
The policy's segment is ?policy_segment= and ?policy_value=: the Delinquency page's ?segment= is the segment it
shows, another choice.

Choices with a list of values go through ui.context.url_choice (sliders over the values as text); the two free
numbers (the custom stress factor and the seed) through ui.context.url_number. A link's value that cannot be used is
replaced by the default and said (ui.context.show_url_notices, which the page calls after the builder).
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from monitor.i18n import t
from monitor.simulate import policy
from ui import context, data, labels
from ui import format as fmt

NO_OPTION = "none"
PRESETS = ("none", "mild", "severe", "custom")
TAKE_UPS = tuple(str(p) for p in range(0, 101, 5))  # percent
WINDOWS = tuple(str(m) for m in range(1, 13))
MONTHS = ("12", "18", "24", "30", "36")
PATHS = ("1000", "2000", "5000")
FACTOR = {"default": 1.3, "min_value": 0.1, "max_value": 5.0, "step": 0.1}
SEED = {"default": 0, "min_value": 0, "max_value": 2**31 - 1, "step": 1}
_KEPT = "_simulator_portfolio.{}"


@dataclass(frozen=True)
class Choices:
    """What the analyst chose: the policy (option None: no policy) and how the projection runs."""
    segment: str | None  # the policy's segment (None: the whole book)
    value: str | None
    option: str | None
    take_up: float
    preset: str
    stress: float
    window: int
    months: int
    paths: int
    seed: int


# what the page shows when nothing is chosen (the cache warmer computes it ahead: ui/warm.py)
DEFAULT = Choices(segment=None, value=None, option="reinstallment", take_up=0.30, preset="none", stress=1.0,
                  window=6, months=12, paths=1000, seed=SEED["default"])


def builder(lang: str) -> Choices:
    """Draw the scenario builder (three columns, then window, months, paths and seed) and return the choices."""
    def k(key: str, **values) -> str:
        return t(f"simulator_portfolio.{key}", lang, **values)

    left, middle, right = st.columns(3)
    segment = context.url_choice(left.selectbox, k("segment"), labels.SEGMENT_CHOICES, param="policy_segment",
                                 default=labels.ALL, say_replaced=True, format_func=lambda s: labels.segment(s, lang))
    value = None
    if segment == labels.ALL:
        context.drop_choice("policy_value")
    else:
        value = context.url_choice(left.selectbox, k("value"),
                                   labels.ordered_values(segment, data.segment_values(segment), lang),
                                   param="policy_value", scope=segment, keep_unknown=True,
                                   format_func=lambda v: labels.segment_value(segment, v, lang))
    option = context.url_choice(middle.selectbox, k("option"), (NO_OPTION, *policy.OPTIONS), param="option",
                                default=DEFAULT.option, say_replaced=True, format_func=lambda o: k(f"option.{o}"))
    take_up = context.url_choice(middle.select_slider, k("take_up"), TAKE_UPS, param="take_up",
                                 default=str(round(DEFAULT.take_up * 100)),
                                 say_replaced=True, format_func=lambda p: f"{p}%", help=k("take_up_help"),
                                 disabled=option == NO_OPTION)
    preset = context.url_choice(right.radio, k("stress"), PRESETS, param="stress", default=DEFAULT.preset,
                                horizontal=True, say_replaced=True, format_func=lambda p: k(f"preset.{p}"),
                                help=k("stress_help"))
    if preset == "custom":
        stress = context.url_number(right, k("stress_factor"), param="factor", **FACTOR, format="%.2f")
    else:
        context.drop_choice("factor")
        stress = {"none": 1.0, **policy.STRESS_PRESETS}[preset]
    window_box, months_box, paths_box, seed_box = st.columns(4)
    window = context.url_choice(window_box.select_slider, k("window"), WINDOWS, param="window",
                                default=str(DEFAULT.window), say_replaced=True)
    months = context.url_choice(months_box.select_slider, k("months"), MONTHS, param="months",
                                default=str(DEFAULT.months), say_replaced=True)
    paths = context.url_choice(paths_box.selectbox, k("paths"), PATHS, param="paths", default=str(DEFAULT.paths),
                               say_replaced=True, format_func=lambda p: fmt.count(int(p)))
    seed = context.url_number(seed_box, k("seed"), param="seed", **SEED, kind=int, help=k("seed_help"))
    return Choices(None if segment == labels.ALL else segment, value, None if option == NO_OPTION else option,
                   int(take_up) / 100, preset, float(stress), int(window), int(months), int(paths), int(seed))


def compared(label: str, names: list[str]) -> list[str]:
    """The saved scenarios to compare (newest first in `names`), kept in the URL as ?compare=a&compare=b. A session
    whose link names none starts with the two newest, and follows the two newest as scenarios are saved until the
    analyst picks others."""
    key, defaulted = context.choice_key("compare"), _KEPT.format("compare_default")
    default = names[:2]
    if key not in st.session_state and defaulted not in st.session_state:
        if not st.query_params.get_all("compare"):
            st.query_params["compare"] = default
            st.session_state[defaulted] = default
    elif key in st.session_state and st.session_state[key] == st.session_state.get(defaulted):
        st.session_state[key] = st.session_state[defaulted] = default
    return context.url_multiselect(st, label, names, param="compare")
