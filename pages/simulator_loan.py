"""What-if for one loan (单笔贷款重组模拟): the restructuring options of one active loan side by side, with their
schedules, NPV, ΔNPV against doing nothing and break-even re-default rates, under assumptions the user can edit
(each with its default estimated from the data and its source).

The loan lives in the URL as ?loan=<id>, the Account view's parameter, so that page links here; each assumption or
option parameter the user edits lives there too (?cure_rate=40&extension_months=9), so a copied link and a visit to
another page and back keep the edits (ui.context.url_number). The book-wide estimates load once per as-of day; each
edit recomputes the options in memory (monitor.simulate.options)."""

import polars as pl
import streamlit as st

from monitor.i18n import label, t
from monitor.simulate import options
from monitor.simulate.assumptions import ASSUMPTIONS, loan_defaults
from monitor.simulate.inputs import SimulationInputError
from monitor.simulate.loan_whatif import reason_text, source_text
from ui import context, tables
from ui import format as fmt
from ui import simulator_loan_charts as charts
from ui import simulator_loan_data as data
from ui.loan_chooser import choose_loan

lang, as_of = context.start_page()
day = as_of.isoformat()

LOAN_KEY = "simulator_loan.loan"
WHOLE = ("recovery_months", "legal_months", "legal_min_dpd")  # stepped by 1


def header(state) -> None:
    st.subheader(t("simulator_loan.loan_heading", lang, loan_id=state.loan_id, bucket=state.bucket, dpd=state.dpd))
    cards = st.columns(5)
    money = {"balance": state.principal_balance_fen, "arrears": state.overdue_fen,
             "arrears_charges": state.arrears_charges_fen}
    figures = [(t(f"simulator_loan.{key}", lang), fmt.money(fen / 100, lang)) for key, fen in money.items()]
    figures += [(t("simulator_loan.remaining_term", lang), str(state.installments_left)),
                (t("simulator_loan.apr", lang), fmt.pct(state.annual_rate))]
    helps = {t(f"simulator_loan.{key}", lang): t("card.exact", lang, value=fmt.exact_money_fen(fen))
             for key, fen in money.items()}  # the card's money is short, the exact figure beneath
    helps[t("simulator_loan.remaining_term", lang)] = t("simulator_loan.remaining_term_help", lang)
    for card, (name, value) in zip(cards, figures, strict=True):
        card.metric(name, value, border=True, help=helps.get(name))
    st.page_link("pages/account.py", label=t("simulator_loan.open_account", lang), icon=":material/person_search:",
                 query_params={context.LOAN_PARAM: str(state.loan_id)})


def assumption_inputs(defaults: dict, scope: str) -> dict[str, float]:
    """One number input per assumption, its default and source beneath; returns the values in model units. An
    edited value lives in the URL as ?<assumption>= (percent for a share), kept while the loan and day stay."""
    st.subheader(t("simulator_loan.assumptions", lang))
    st.caption(t("simulator_loan.assumptions_caption", lang))
    values = {}
    columns = st.columns(2)
    for i, name in enumerate(ASSUMPTIONS):
        default = defaults[name]
        percent = data.is_percent(name)
        shown = data.shown(name, default.value)
        with columns[i % 2]:
            entered = context.url_number(
                st, t(f"simulator_loan.assumption.{name}", lang), param=name, default=float(shown), min_value=0.0,
                max_value=100.0 if percent else None, step=1.0 if name in WHOLE else 0.5,
                format="%.0f" if name == "legal_min_dpd" else "%.2f", scope=scope, write_default=False)
            default_text = f"{shown:.2f}%" if percent else f"{shown:,.2f}"
            st.caption(f"{t('simulator_loan.default', lang, value=default_text)} · {source_text(default, lang)}")
        values[name] = data.taken(name, entered)
    with st.expander(t("simulator_loan.redefault_by_option", lang)):
        st.caption(t("simulator_loan.redefault_by_option_help", lang))
        boxes = st.columns(3)
        for i, option in enumerate(options.REDEFAULT_OPTIONS):
            key = options.redefault_key(option)
            # scoped by the base rate too, so that editing the base resets the options' rates to it
            entered = context.url_number(
                boxes[i % 3], charts.option_label(option, lang), param=key,
                default=float(data.shown(key, values["redefault_rate"])), min_value=0.0, max_value=100.0, step=0.5,
                format="%.2f", scope=f"{scope}.{values['redefault_rate']}", write_default=False)
            values[key] = data.taken(key, entered)
    return values


def option_params(state, scope: str) -> dict:
    """The option parameters, as number inputs (shares and rate points in percent), each edited value in the URL
    as ?<parameter>= (kept while the loan and day stay)."""
    st.subheader(t("simulator_loan.params", lang))
    d = options.DEFAULT_PARAMS
    boxes = st.columns(4)
    apr_points = round(state.annual_rate * 100, 2)

    def number(box, name: str, default, low, high, **kwargs):
        return context.url_number(box, t(f"simulator_loan.param.{name}", lang), param=name, default=default,
                                  min_value=low, max_value=high, scope=scope, write_default=False, **kwargs)

    return {
        "extension_months": number(boxes[0], "extension_months", d["extension_months"], 1, 60, kind=int),
        "new_term": number(boxes[1], "new_term", d["new_term"], 1, 60, kind=int),
        "rate_cut": number(boxes[2], "rate_cut", min(d["rate_cut"] * 100, apr_points), 0.0, apr_points, step=0.5,
                           format="%.2f") / 100,
        "waiver_share": number(boxes[3], "waiver_share", d["waiver_share"] * 100, 0.0, 100.0, step=5.0,
                               format="%.0f") / 100,
        "holiday_months": number(boxes[0], "holiday_months", d["holiday_months"], 1, options.MAX_HOLIDAY, kind=int),
        "settlement_discount": number(boxes[1], "settlement_discount", d["settlement_discount"] * 100, 0.0, 100.0,
                                      step=5.0, format="%.0f") / 100,
        "holiday_capitalize": context.url_flag(boxes[2], t("simulator_loan.param.holiday_capitalize", lang),
                                               param="holiday_capitalize", default=d["holiday_capitalize"],
                                               scope=scope, write_default=False,
                                               help=t("simulator_loan.param.holiday_capitalize_help", lang)),
    }


def break_even_text(row: dict) -> str:
    kind = row["break_even_kind"]
    if kind is None:
        return t("simulator_loan.break_even.none", lang)
    if kind in ("below", "above"):
        return t(f"simulator_loan.break_even.{kind}", lang, p=fmt.pct(row["break_even"]))
    return t(f"simulator_loan.break_even.{kind}", lang)


def option_cell(row: dict) -> str:
    """The option's name, ★ for the best, (n/a) for one that does not apply."""
    name = charts.option_label(row["option"], lang)
    if not row["applicable"]:
        return f"{name} ({t('simulator_loan.not_applicable', lang)})"
    return f"★ {name}" if row["best"] else name


def options_table(table: pl.DataFrame, state, values: dict) -> None:
    """The options: the best first, then the others that apply by NPV (highest first), then those that do not;
    beneath, why each of those does not apply."""
    rows = list(table.sort("best", "applicable", "npv", descending=True).iter_rows(named=True))
    shown = pl.DataFrame([{
        "option": option_cell(row), "term": row["term_months"], "payment": row["payment"],
        "pti": row["payment_to_income"], "total_interest": row["total_interest"], "p_redefault": row["p_redefault"],
        "expected_cash": row["expected_cash"], "npv": row["npv"], "delta_npv": row["delta_npv"],
        "break_even": break_even_text(row) if row["applicable"] else t("simulator_loan.break_even.none", lang),
    } for row in rows])
    money = {c: st.column_config.NumberColumn(t(f"simulator_loan.col.{c}", lang), format=tables.MONEY)
             for c in ("payment", "total_interest", "expected_cash", "npv", "delta_npv")}
    st.dataframe(shown, hide_index=True, width="stretch", placeholder=fmt.NONE, column_config={
        "option": st.column_config.TextColumn(t("simulator_loan.col.option", lang)),
        "term": st.column_config.NumberColumn(t("simulator_loan.col.term", lang), format="%d", width="small"),
        "pti": st.column_config.NumberColumn(t("simulator_loan.col.pti", lang), format="percent",
                                             width="small"),
        "p_redefault": st.column_config.NumberColumn(t("simulator_loan.col.p_redefault", lang), format="percent"),
        "break_even": st.column_config.TextColumn(t("simulator_loan.col.break_even", lang),
                                                  help=t("simulator_loan.break_even_help", lang)),
        **money,
    })
    reasons = [f"- **{charts.option_label(row['option'], lang)}**: "
               f"{reason_text(row['reason'], state, values, row['payment_to_income'], lang)}"
               for row in rows if not row["applicable"]]
    if reasons:
        st.markdown("\n".join([t("simulator_loan.not_applicable_heading", lang), "", *reasons]))


def best_text(table: pl.DataFrame) -> str:
    best = table.filter("best").row(0, named=True)
    if best["option"] == "do_nothing":
        return t("simulator_loan.best_do_nothing", lang, npv=fmt.exact_money(best["npv"]))
    return t("simulator_loan.best", lang, option=charts.option_label(best["option"], lang),
             npv=fmt.exact_money(best["npv"]), delta=f"{best['delta_npv']:+,.2f}")


def results(comparison, state, values: dict) -> None:
    table = data.in_yuan(comparison.table)
    applicable = table.filter("applicable")
    st.subheader(t("simulator_loan.options", lang))
    st.success(best_text(table))
    st.caption(t("simulator_loan.options_caption", lang, charge_off_dpd=state.charge_off_dpd))
    options_table(table, state, values)
    left, right = st.columns(2)
    with left:
        st.markdown(f"**{t('simulator_loan.schedules', lang)}**")
        st.caption(t("simulator_loan.schedules_caption", lang))
        schedules = data.in_yuan(comparison.schedules).filter(pl.col("option").is_in(applicable["option"].implode()))
        st.altair_chart(charts.schedule_chart(schedules, lang), width="stretch")
    with right:
        st.markdown(f"**{t('simulator_loan.npv_chart', lang)}**")
        st.altair_chart(charts.npv_chart(applicable, lang), width="stretch")
    st.markdown(f"**{t('simulator_loan.break_even', lang)}**")
    st.caption(t("simulator_loan.break_even_caption", lang))
    st.altair_chart(charts.break_even_chart(applicable, lang), width="stretch")
    with st.expander(t("simulator_loan.how", lang)):
        st.markdown(t("simulator_loan.how_text", lang))


# ------------------------------------------------------------------------------------------------ the page
st.title(t("simulator_loan.title", lang))
st.caption(t("simulator_loan.caption", lang, as_of=day))

loan_id = choose_loan(LOAN_KEY, lang, as_of, label=t("simulator_loan.loan_input", lang),
                      placeholder=t("simulator_loan.loan_placeholder", lang),
                      help=t("simulator_loan.loan_input_help", lang),
                      defaulted=t("simulator_loan.defaulted", lang, as_of=day))

state = data.loan_state(loan_id, as_of)
if state.presence != "on_book":
    st.info(t(f"simulator_loan.{state.presence}", lang, loan_id=loan_id, as_of=day))
    st.stop()
if not state.active:
    st.info(t("simulator_loan.not_active", lang, loan_id=loan_id, as_of=day, status=label("status", state.status,
                                                                                          lang)))
    st.stop()

header(state)
notices = st.container()  # the link's assumptions and parameters that could not be used, said above the results
output = st.container()
scope = f"{loan_id}.{day}"
values = assumption_inputs(loan_defaults(data.book_estimates(as_of), state), scope)
params = option_params(state, scope)
context.show_url_notices(lang, notices)
with output:
    try:
        results(options.compare(state, values, params), state, values)
    except SimulationInputError as exc:
        st.warning(t("simulator_loan.input_error", lang, message=str(exc)))
