"""Credit policy what-if (授信策略), for analysts: cut-offs of the application score by channel and product and a
credit-line multiplier by score band, against today's policy on the same through-the-door applications of the last
12 months: approval rate, volume, expected bad rate and loss, income, costs and profit; the swap-in and swap-out
sets; the frontier of approval rate against bad rate; the backtest of the swap-out loans against what they did; and
policies saved and compared. Every figure comes from monitor.origination; every choice lives in the URL
(ui.credit_policy_choices)."""

import polars as pl
import streamlit as st

from monitor.i18n import t
from ui import auth, context, labels, safe_text
from ui import credit_policy_charts as charts
from ui import credit_policy_choices as choices
from ui import credit_policy_data as policy_data
from ui import format as fmt
from ui.tables import whole_height

lang, as_of = context.start_page()


def k(key: str, **values) -> str:
    return t(f"credit_policy.{key}", lang, **values)


RATES = {"approval_rate", "expected_bad_rate", "bad_rate"}
COUNTS = {"applications", "approved", "loans"}


def written(field: str, value: float | None, signed: bool = False) -> str:
    """A figure as the page writes it: rates as percentages (changes in points), counts, money short."""
    if field in RATES:
        return fmt.pp(value, lang) if signed else fmt.pct(value, 2)
    if field in COUNTS:
        return fmt.count(value, signed=signed)
    return fmt.money(value, lang, signed=signed)


st.title(k("title"))
state = policy_data.readiness(as_of)
if state["state"] != "ready":
    st.info(k(state["state"], first=state.get("first", ""), as_of=as_of.isoformat()))
    st.stop()
st.caption(k("caption", first=state["first"], as_of=as_of.isoformat(), applications=fmt.count(state["applications"]),
             model=state["model"]))

# ---------------------------------------------------------------------------------------------- builder
st.subheader(k("builder"))
notices = st.container()
today = policy_data.today_policy(as_of)
chosen, assumptions = choices.builder(policy_data.pairs(as_of), today, policy_data.default_assumptions(as_of), as_of,
                                      lang)
context.show_url_notices(lang, notices)
result = policy_data.compare(as_of, today, chosen, assumptions)

# ------------------------------------------------------------------------------------------------- KPIs
st.subheader(k("kpis"))
for column, field in zip(st.columns(5), ("approval_rate", "amount", "expected_bad_rate", "expected_loss",
                                         "expected_profit"), strict=True):
    now, then = result["chosen"][field], result["today"][field]
    worse_when_up = field in {"expected_bad_rate", "expected_loss"}
    column.metric(k(f"kpi.{field}"), written(field, now), delta=written(field, now - then, signed=True),
                  delta_color="inverse" if worse_when_up else "normal", border=True, help=k("kpi_help"))

swap_box, frontier_box = st.columns([2, 3])
with swap_box:
    st.subheader(k("swaps"))
    for name in ("swap_in", "swap_out"):
        swap = result[name]
        text = k("swap_none") if swap["count"] == 0 else k(
            "swap_figures", count=fmt.count(swap["count"]), amount=fmt.money(swap["amount"], lang),
            bad_rate=fmt.pct(swap["expected_bad_rate"], 2))
        st.metric(k(name), fmt.count(swap["count"]), border=True, help=text)
        st.caption(text)
with frontier_box:
    st.subheader(k("frontier"))
    st.altair_chart(charts.frontier_chart(policy_data.frontier(as_of, assumptions), result["today"],
                                          result["chosen"], lang), width="stretch")
    st.caption(k("frontier_caption"))

st.subheader(k("figures"))
FIELDS = ("applications", "approved", "approval_rate", "amount", "expected_bad_rate", "expected_loss",
          "interest_income", "fee_income", "funding_cost", "operating_cost", "expected_profit")
st.dataframe(pl.DataFrame({
    k("figure"): [k(f"row.{field}") for field in FIELDS],
    k("today"): [written(field, result["today"][field]) for field in FIELDS],
    k("chosen"): [written(field, result["chosen"][field]) for field in FIELDS],
    k("change"): [written(field, result["chosen"][field] - result["today"][field], signed=True) for field in FIELDS],
}), hide_index=True, width="stretch", height=whole_height(len(FIELDS)))
st.caption(k("expected_loss_formula"))

st.subheader(k("by_channel"))
by_channel = result["by_channel"]
st.dataframe(
    by_channel.with_columns(
        pl.col("channel").map_elements(lambda v: labels.segment_value("channel", v, lang), return_dtype=pl.String),
        pl.col("product").map_elements(lambda v: labels.segment_value("product", v, lang), return_dtype=pl.String),
    ).rename({name: k(f"col.{name}") for name in by_channel.columns}),
    hide_index=True, width="stretch",
    column_config={k(f"col.{name}"): st.column_config.NumberColumn(format="percent")
                   for name in by_channel.columns if name.endswith("_rate")})

# ---------------------------------------------------------------------------------------------- backtest
st.subheader(k("backtest"))
backtest = policy_data.backtest(as_of, chosen, assumptions)
st.caption(k("backtest_caption", first=backtest["first"], last=backtest["last"], as_of=as_of.isoformat()))
if backtest["projected"]["loans"] == 0:
    st.info(k("backtest_empty"))
else:
    rows = ("loans", "bad_rate", "loss", "interest")
    st.dataframe(pl.DataFrame({
        k("figure"): [k(f"row.{row}") for row in rows],
        k("projected"): [written(row, backtest["projected"][row]) for row in rows],
        k("actual"): [written(row, backtest["actual"][row]) for row in rows],
        k("error"): [written(row, backtest["error"][row], signed=True) for row in rows],
    }), hide_index=True, width="stretch")

# ------------------------------------------------------------------------------------- save and compare
st.subheader(k("save"))
saved = policy_data.saved_names()
name_box, button_box = st.columns([3, 1], vertical_alignment="bottom")
name = name_box.text_input(k("name"), max_chars=60).strip()
if button_box.button(k("save_button"), disabled=not name) and auth.allowed("save_policy", name, lang):
    if name in saved:
        st.error(k("name_taken", name=safe_text.escape(name)))
    else:
        error = policy_data.save(name, chosen, assumptions, auth.actor())
        if error:
            st.error(safe_text.escape(error))
        else:
            st.success(k("saved", name=safe_text.escape(name)))
            saved = policy_data.saved_names()
if not saved:
    st.caption(k("no_saved"))
else:
    compared = context.url_multiselect(st, k("compare"), saved, param="compare")
    if compared:
        figures = policy_data.compare_saved(as_of, tuple(compared))
        st.dataframe(pl.DataFrame({
            k("figure"): [k(f"row.{field}") for field in FIELDS],
            **{safe_text.escape(saved_name): [written(field, figs[field]) for field in FIELDS]
               for saved_name, figs in figures.items()},
        }), hide_index=True, width="stretch", height=whole_height(len(FIELDS)))
