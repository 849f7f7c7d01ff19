"""Portfolio scenarios (组合情景), for analysts: the book rolled forward with its recent month-end roll matrices
under a policy and a stress, baseline beside scenario, with Monte Carlo bands, ECL, the transition matrix,
a backtest, and scenarios saved, compared and exported. Every figure comes from monitor.simulate."""

import json

import polars as pl
import streamlit as st

from monitor.i18n import t
from monitor.simulate import policy, scenarios
from ui import context, data, labels
from ui import format as fmt
from ui import simulator_portfolio_charts as charts
from ui import simulator_portfolio_data as sim
from ui.tables import MONEY

lang, as_of = context.start_page()


def k(key: str, **values) -> str:
    return t(f"simulator_portfolio.{key}", lang, **values)


st.title(k("title"))
if sim.active_loans(as_of) == 0:
    st.info(t("data.no_active", lang, as_of=as_of.isoformat()))
    st.stop()
st.caption(k("caption", as_of=as_of.isoformat()))

# ---------------------------------------------------------------------------------------------- builder
st.subheader(k("builder"))
left, middle, right = st.columns(3)
segment = left.selectbox(k("segment"), labels.SEGMENT_CHOICES, format_func=lambda s: labels.segment(s, lang))
value = None
if segment != labels.ALL:
    value = left.selectbox(k("value"), data.segment_values(segment),
                           format_func=lambda v: labels.segment_value(segment, v, lang))
option = middle.selectbox(k("option"), ("none", *policy.OPTIONS), index=2,
                          format_func=lambda o: k(f"option.{o}"))
take_up = middle.slider(k("take_up"), 0, 100, 30, step=5, format="%d%%", help=k("take_up_help"),
                        disabled=option == "none") / 100
preset = right.radio(k("stress"), ("none", "mild", "severe", "custom"), horizontal=True,
                     format_func=lambda p: k(f"preset.{p}"), help=k("stress_help"))
stress = {"none": 1.0, **policy.STRESS_PRESETS}.get(preset)
if stress is None:
    stress = right.number_input(k("stress_factor"), min_value=0.1, max_value=5.0, value=1.3, step=0.1)
window_box, months_box, paths_box = st.columns(3)
window = window_box.slider(k("window"), 1, 12, 6)
months = months_box.slider(k("months"), 12, 36, 12, step=6)
paths = paths_box.selectbox(k("paths"), (1000, 2000, 5000), format_func=fmt.count)
effect = {"extension": {"redefault": fmt.pct(policy.EXTENSION_REDEFAULT, 0),
                        "relief": fmt.pct(policy.EXTENSION_RELIEF, 0)},
          "reinstallment": {"redefault": fmt.pct(policy.REINSTALLMENT_REDEFAULT, 0)},
          "rate_cut": {"relief": fmt.pct(policy.RATE_CUT_RELIEF, 0)},
          "settlement": {"paid": fmt.pct(1 - policy.SETTLEMENT_HAIRCUT, 0),
                         "haircut": fmt.pct(policy.SETTLEMENT_HAIRCUT, 0)}, "none": {}}
st.caption(f"{k('assumptions')}：{k('effect.' + option, **effect[option])}" if lang == "zh"
           else f"{k('assumptions')}: {k('effect.' + option, **effect[option])}")

chosen_option = None if option == "none" else option
policy_segment = None if segment == labels.ALL else segment
result = sim.simulation(as_of, months, chosen_option, take_up, policy_segment, value, stress, window, paths)
if "error" in result:
    st.info(k("no_segment_loans", scope=labels.scope(policy_segment, value, lang), as_of=as_of.isoformat()))
    st.stop()

# ------------------------------------------------------------------------------------------------- KPIs
scenario, baseline = result["summary"]["scenario"], result["summary"]["baseline"]
for column, (key, field) in zip(st.columns(4), (("kpi_charge_offs", "charge_offs"), ("kpi_cash", "cash"),
                                                ("kpi_delinquent", "delinquent_end"), ("kpi_ecl", "ecl_end")),
                                strict=True):
    change = scenario[field] - baseline[field]
    column.metric(k(key, months=months), fmt.money(scenario[field], lang),
                  delta=fmt.money(change, lang, signed=True), delta_color="inverse" if field != "cash" else "normal",
                  border=True, help=k("kpi_help"))

st.subheader(k("delinquent_chart"))
st.altair_chart(charts.delinquent_chart(result, lang), width="stretch")
states_box, ecl_box = st.columns(2)
with states_box:
    st.subheader(k("states_chart"))
    st.altair_chart(charts.states_chart(result, lang), width="stretch")
with ecl_box:
    st.subheader(k("ecl_chart"))
    st.altair_chart(charts.ecl_chart(result, lang), width="stretch")
    st.caption(k("ecl_caption", lgd=fmt.pct(result["lgd"], 1)))
st.subheader(k("flows_chart"))
st.altair_chart(charts.flows_chart(result, lang))

window_info = result["window"]
st.subheader(k("matrix_chart", first=window_info["first"] or fmt.NONE, last=window_info["last"] or fmt.NONE,
               pairs=window_info["pairs"]))
st.altair_chart(charts.matrix_chart(result["scenario_transition"], lang), width="stretch")
st.caption(k("matrix_caption"))
unobserved = [bucket for bucket, seen in result["observed"].items() if not seen]
if unobserved:
    st.caption(k("unobserved", buckets=t("fmt.list_separator", lang).join(unobserved)))

backtest = result["backtest"]
if backtest is None:
    st.subheader(k("backtest_chart", origin=fmt.NONE))
    st.info(k("no_backtest"))
else:
    st.subheader(k("backtest_chart", origin=backtest["origin"]))
    st.altair_chart(charts.backtest_chart(backtest, lang), width="stretch")
    st.caption(k("backtest_error", mape=fmt.pct(backtest["mape"], 1)) + " " + k("backtest_caption",
                                                                             origin=backtest["origin"]))

# ------------------------------------------------------------------------------- save, compare, export
st.subheader(k("save"))
saved = sim.saved_scenarios()
name_box, button_box = st.columns([3, 1], vertical_alignment="bottom")
name = name_box.text_input(k("name"), max_chars=scenarios.MAX_NAME).strip()
if button_box.button(k("save_button"), disabled=not name):
    if name in saved["name"].to_list():
        st.error(k("name_taken", name=name))
    else:
        parameters = {"segment": None, "value": None, "policy": result["policy"], "stress": stress,
                      "window": window, "months": months, "paths": paths, "seed": result["seed"]}
        problem = sim.save(name, as_of, parameters, result["summary"])
        if problem:
            st.error(k("save_failed", message=problem))
        else:
            st.success(k("saved", name=name))
            saved = sim.saved_scenarios()

st.subheader(k("saved_list"))
if not saved.height:
    st.info(k("none_saved"))
    st.stop()
compared = scenarios.compare(saved, saved["name"].to_list())["table"]


def option_label(code) -> str:
    return k(f"option.{code or 'none'}")


shown = compared.with_columns(
    scope=pl.struct("segment", "value").map_elements(lambda r: labels.scope(r["segment"], r["value"], lang),
                                                     return_dtype=pl.String),
    option=pl.col("option").map_elements(option_label, return_dtype=pl.String, skip_nulls=False),
).select("name", "as_of", "scope", "option", "take_up", "stress", "months", "charge_offs", "baseline_charge_offs",
         "cash", "delinquent_end", "ecl_end")
money_columns = ("charge_offs", "baseline_charge_offs", "cash", "delinquent_end", "ecl_end")
config = {c: st.column_config.NumberColumn(k(f"col.{c}"), format=MONEY) for c in money_columns}
config |= {"name": st.column_config.TextColumn(k("col.name")), "as_of": st.column_config.DateColumn(k("col.as_of")),
           "scope": st.column_config.TextColumn(k("col.scope")), "option": st.column_config.TextColumn(k("col.option")),
           "take_up": st.column_config.NumberColumn(k("col.take_up"), format="percent"),
           "stress": st.column_config.NumberColumn(k("col.stress"), format="%.2f"),
           "months": st.column_config.NumberColumn(k("col.months"), format="%d")}
st.dataframe(shown, hide_index=True, width="stretch", column_config=config, placeholder=fmt.NONE)

picked = st.multiselect(k("compare"), saved["name"].to_list(), default=saved["name"].to_list()[:2])
if len(picked) < 2:
    st.info(k("compare_hint"))
else:
    side_by_side = scenarios.compare(saved, picked)
    st.subheader(k("compare_chart"))
    st.altair_chart(charts.compare_chart(side_by_side["series"], lang), width="stretch")
export = saved.filter(pl.col("name").is_in(picked or saved["name"].to_list()))
csv_box, json_box = st.columns(2)
csv_box.download_button(k("export_csv"), compared.filter(pl.col("name").is_in(export["name"].to_list()))
                        .write_csv().encode("utf-8"), file_name="scenarios.csv", mime="text/csv")
json_box.download_button(k("export_json"), json.dumps(
    [{**row, "as_of": row["as_of"].isoformat(), "created_at": row["created_at"].isoformat(),
      "parameters": json.loads(row["parameters"]), "summary": json.loads(row["summary"])}
     for row in export.iter_rows(named=True)], ensure_ascii=False, indent=1).encode("utf-8"),
    file_name="scenarios.json", mime="application/json")
