"""Portfolio scenarios (组合情景), for analysts: the book rolled forward with its recent month-end roll matrices
under a policy and a stress, baseline beside scenario, with Monte Carlo bands, ECL, the transition matrix,
a backtest, and scenarios saved, compared and exported. Every figure comes from monitor.simulate; what the result
warns of (a backtest that missed, rows on their prior, ECL inputs stood in for) is said beside the KPIs. Every
choice, the scenarios compared included, lives in the URL (ui.simulator_portfolio_choices)."""

import polars as pl
import streamlit as st

from monitor.export import csv_bytes
from monitor.i18n import t
from monitor.simulate import markov, policy, projection, scenarios
from ui import auth, context, data, labels, safe_text
from ui import format as fmt
from ui import simulator_portfolio_charts as charts
from ui import simulator_portfolio_choices as choices_module
from ui import simulator_portfolio_data as sim
from ui.tables import MONEY

lang, as_of = context.start_page()


def k(key: str, **values) -> str:
    return t(f"simulator_portfolio.{key}", lang, **values)


def joined(items) -> str:
    return t("fmt.list_separator", lang).join(items)


def assumptions_caption(option: str | None, settlement: dict) -> str:
    """The chosen option's assumptions, in words (the settlement's loss is the book's)."""
    effect = {"extension": {"redefault": fmt.pct(policy.EXTENSION_REDEFAULT, 0),
                            "relief": fmt.pct(policy.EXTENSION_RELIEF, 0)},
              "reinstallment": {"redefault": fmt.pct(policy.REINSTALLMENT_REDEFAULT, 0)},
              "rate_cut": {"relief": fmt.pct(policy.RATE_CUT_RELIEF, 0)},
              "settlement": {"loss": fmt.pct(settlement["lgd"], 1), "paid": fmt.pct(1 - settlement["lgd"], 1)}}
    code = option or choices_module.NO_OPTION
    text = k(f"effect.{code}", **effect.get(code, {}))
    return f"{k('assumptions')}：{text}" if lang == "zh" else f"{k('assumptions')}: {text}"


def show_warnings(result: dict) -> str | None:
    """The result's warnings beside the KPIs; returns the KPIs' note when the backtest missed."""
    note = None
    for warning in result["warnings"]:
        code = warning["code"]
        if code == "backtest_missed":
            mape, margin = fmt.pct(warning["mape"], 1), fmt.pct(warning["margin"], 0)
            st.warning(k("warn.backtest_missed", origin=result["backtest"]["origin"], mape=mape, margin=margin))
            note = k("kpi_help_missed", mape=mape, margin=margin)
        elif code == "no_backtest":
            st.warning(k("warn.no_backtest"))
        elif code == "prior_rows":
            st.info(k("warn.prior_rows", buckets=joined(warning["buckets"]), loans=markov.MIN_ROW_LOANS))
        elif code == "ecl_stand_in":
            what = [k(f"stand_in.{name}", source=k(f"source.{warning[name]}")) for name in ("pd", "lgd")
                    if name in warning]
            st.info(k("warn.ecl_stand_in", what=joined(what)))
    return note


def stress_caption(result: dict) -> str:
    factor = f"{result['stress']:.2f}"
    text = k("stress_caption", factor=factor)
    capped = [f"{bucket} ×{effect:.2f}" for bucket, effect in result["stress_effect"].items()
              if effect is not None and abs(effect - result["stress"]) > 0.005]
    return text + (" " + k("stress_capped", effects=joined(capped)) if capped else "")


st.title(k("title"))
if data.active_loans(as_of) == 0:
    st.info(t("data.no_active", lang, as_of=as_of.isoformat()))
    st.stop()
st.caption(k("caption", as_of=as_of.isoformat(), first=projection.first_month_end(as_of).isoformat()))

# ---------------------------------------------------------------------------------------------- builder
st.subheader(k("builder"))
notices = st.container()  # the link's values the builder could not use, said above it
choices = choices_module.builder(lang)
context.show_url_notices(lang, notices)
result = sim.simulation(as_of, choices)
if "error" in result:
    st.info(k("no_segment_loans", scope=safe_text.escape(labels.scope(choices.segment, choices.value, lang)),
              as_of=as_of.isoformat()))
    st.stop()
st.caption(assumptions_caption(choices.option, result["settlement"]))

# ------------------------------------------------------------------------------------------------- KPIs
kpi_note = show_warnings(result)
scenario, baseline = result["summary"]["scenario"], result["summary"]["baseline"]
for column, (key, field) in zip(st.columns(4), (("kpi_charge_offs", "charge_offs"), ("kpi_cash", "cash"),
                                                ("kpi_delinquent", "delinquent_end"), ("kpi_ecl", "ecl_end")),
                                strict=True):
    change = scenario[field] - baseline[field]
    column.metric(k(key, months=choices.months), fmt.money(scenario[field], lang),
                  delta=fmt.money(change, lang, signed=True), delta_color="inverse" if field != "cash" else "normal",
                  border=True, help=kpi_note or k("kpi_help"))

st.subheader(k("delinquent_chart"))
st.altair_chart(charts.delinquent_chart(result, lang), width="stretch")
states_box, ecl_box = st.columns(2)
with states_box:
    st.subheader(k("states_chart"))
    st.altair_chart(charts.states_chart(result, lang), width="stretch")
with ecl_box:
    st.subheader(k("ecl_chart"))
    start_ecl = result["ecl_start"]
    st.metric(k("kpi_ecl_start", as_of=as_of.isoformat()), fmt.money(start_ecl["total"], lang), border=True,
              help=k("kpi_ecl_start_help", **{stage: fmt.money(start_ecl[stage], lang)
                                              for stage in ("stage1", "stage2", "stage3")}))
    st.altair_chart(charts.ecl_chart(result, lang), width="stretch")
    coverage = joined(f"{bucket} {fmt.pct(share, 1)}" for bucket, share in result["ecl"]["coverage"].items())
    st.caption(k("ecl_caption", as_of=as_of.isoformat(), coverage=coverage))
    stood_in = [bucket for bucket, source in result["ecl"]["coverage_source"].items() if source != "start"]
    if stood_in:
        st.caption(k("coverage_stand_in", buckets=joined(stood_in)))
st.subheader(k("flows_chart"))
for column, chart in zip(st.columns(2), charts.flows_charts(result, lang), strict=True):
    column.altair_chart(chart, width="stretch")
settlement = result["settlement"]
st.caption(k("flows_caption", loss=fmt.pct(settlement["lgd"], 1),
             source=k(f"settlement_source.{settlement['source']}", loans=fmt.count(settlement["loans"]))))

window_info = result["window"]
st.subheader(k("matrix_chart", first=window_info["first"] or fmt.NONE, last=window_info["last"] or fmt.NONE,
               pairs=window_info["pairs"]))
st.altair_chart(charts.matrix_chart(result["scenario_transition"], lang), width="stretch")
st.caption(k("matrix_caption"))
if result["stress"] != 1:
    st.caption(stress_caption(result))

backtest = result["backtest"]
if backtest is None:
    st.subheader(k("backtest_chart", origin=fmt.NONE))
    st.info(k("no_backtest"))
else:
    st.subheader(k("backtest_chart", origin=backtest["origin"]))
    st.altair_chart(charts.backtest_chart(backtest, lang), width="stretch")
    st.caption(k("backtest_error", mape=fmt.pct(backtest["mape"], 1), margin=fmt.pct(backtest["margin"], 0)) + " "
               + k("backtest_caption", first=backtest["window"]["first"], origin=backtest["origin"]))

# ------------------------------------------------------------------------------- save, compare, export
st.subheader(k("save"))
saved = sim.saved_scenarios()
name_box, button_box = st.columns([3, 1], vertical_alignment="bottom")
name = name_box.text_input(k("name"), max_chars=scenarios.MAX_NAME).strip()
if button_box.button(k("save_button"), disabled=not name) and auth.allowed("save_scenario", name, lang):
    if name in saved["name"].to_list():
        st.error(k("name_taken", name=safe_text.escape(name)))
    else:
        parameters = {"segment": None, "value": None, "policy": result["policy"], "stress": choices.stress,
                      "window": choices.window, "months": choices.months, "paths": choices.paths,
                      "seed": choices.seed}
        problem = sim.save(name, as_of, parameters, result["summary"], auth.actor())
        if problem:
            st.error(k("save_failed", message=safe_text.escape(problem)))
        else:
            st.success(k("saved", name=safe_text.escape(name)))
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

picked = choices_module.compared(k("compare"), saved["name"].to_list())
if len(picked) < 2:
    st.info(k("compare_hint"))
else:
    side_by_side = scenarios.compare(saved, picked)
    st.subheader(k("compare_chart"))
    st.altair_chart(charts.compare_chart(side_by_side["series"], lang), width="stretch")
export = saved.filter(pl.col("name").is_in(picked or saved["name"].to_list()))
csv_box, json_box = st.columns(2)
exported = {"names": export["name"].to_list()}  # the audit row's parameters: which scenarios left the app
csv_box.download_button(k("export_csv"), csv_bytes(compared.filter(pl.col("name").is_in(export["name"].to_list())),
                                                  bom=False), file_name="scenarios.csv", mime="text/csv",
                        key="scenarios_csv", on_click=auth.record,
                        args=("export", "scenarios_csv", exported, export.height))
json_box.download_button(k("export_json"), scenarios.export_json(export), file_name="scenarios.json",
                         mime="application/json", key="scenarios_json", on_click=auth.record,
                         args=("export", "scenarios_json", exported, export.height))
