"""Early-warning page (预警名单), for collections managers: the loans the model scored on the latest scored day
on or before the as-of date, riskiest first, with the reasons in words and the recommended treatment; filters
kept in the URL (?tier=D&tier=E), a masked CSV export of the whole filtered list, and a click on a row opens the
loan's account view.

Every figure comes from monitor.early_warning through ui.early_warning_data."""

import datetime as dt

import polars as pl
import streamlit as st

from monitor.early_warning import FILTERS, REASON_COLUMNS, RISK_TIERS, TREATMENT_RULE_ORDER, localize, matches
from monitor.i18n import label, t
from ui import context, data, labels, loan_list, tables
from ui import early_warning_charts as charts
from ui import early_warning_data as ew
from ui import format as fmt

lang, as_of = context.start_page()
TABLE_KEY = "early_warning.table"
# how each filter's values read in its menu
FORMATS = {
    "tier": lambda value: label("tier", value, lang),
    "bucket": lambda value: labels.bucket(value, lang),
    "product": lambda value: labels.segment_value("product", value, lang),
    "province": lambda value: labels.segment_value("province", value, lang),
    "treatment": lambda value: label("treatment", value, lang),
}
# pixels: the longest treatment in two lines, the three longest reasons in four; each row holds four lines of text (a
# row higher than 4rem lets Streamlit wrap text), so that the reasons are never cut
WIDTHS = {"zh": {"customer": 110, "treatment": 90, "reasons": 160},
          "en": {"customer": 125, "treatment": 110, "reasons": 235}}[lang]
ROW_HEIGHT = 88
LIST_HEIGHT = 36 + 7 * ROW_HEIGHT  # the header and seven rows
# the list's columns on screen: who, how late and how much, how risky, what to do and why; the identifiers last, so
# that at 1440 px the DPD, bucket and balance show without scrolling
COLUMNS = {
    "loan_id": st.column_config.TextColumn(t("col.loan_id", lang), pinned=True),
    "customer": st.column_config.TextColumn(t("col.customer", lang), pinned=True, width=WIDTHS["customer"]),
    **tables.loan_columns(lang, "dpd", "bucket", "principal_balance"),
    "pd": st.column_config.ProgressColumn(t("early_warning.col_pd", lang), help=t("early_warning.col_pd_help", lang),
                                          min_value=0.0, max_value=1.0, format=fmt.PD_COLUMN, width=100),
    "tier": st.column_config.TextColumn(t("early_warning.col_tier", lang)),
    "treatment": st.column_config.TextColumn(t("early_warning.col_treatment", lang), width=WIDTHS["treatment"]),
    "reasons": st.column_config.TextColumn(t("early_warning.col_reasons", lang), width=WIDTHS["reasons"]),
    **tables.loan_columns(lang, "product", "channel", "province"),
    "points": st.column_config.NumberColumn(t("early_warning.col_points", lang), format="%d"),
    "phone": st.column_config.TextColumn(t("early_warning.col_phone", lang)),
    "id_number": st.column_config.TextColumn(t("early_warning.col_id_number", lang)),
}
FILTER_WIDTHS = (3, 2, 2, 2, 3)  # tier and treatment, the filters used most, have room for a few choices


def no_list_section() -> None:
    """Why there is no list for the as-of date, and how to get one; ends the page."""
    days = ew.scored_days()
    if days:
        st.info(t("early_warning.before_first", lang, as_of=as_of.isoformat(), first=days[0].isoformat()))
    else:
        st.info(t("early_warning.no_scores", lang))
    st.stop()


def filter_section(options: dict[str, list[str]]) -> dict[str, list[str]]:
    """One multiselect per filter; nothing chosen keeps every value."""
    ordered = {name: labels.ordered_values(name, values, lang) if name in ("product", "province") else values
               for name, values in options.items()}
    return {name: context.url_multiselect(box, t(f"early_warning.filter_{name}", lang), ordered[name], param=name,
                                          format_func=FORMATS[name], placeholder=t("early_warning.filter_all", lang))
            for box, name in zip(st.columns(FILTER_WIDTHS), FILTERS, strict=True)}


def counters_section(summary: dict) -> None:
    """Loans and balance of the filtered list with the explanations beneath, and its loans by risk tier and
    treatment beside them."""
    left, right = st.columns(2)
    loans, balance = left.columns(2)
    loans.metric(t("early_warning.loans", lang), fmt.count(summary["loans"]), border=True,
                 help=t("early_warning.loans_help", lang))
    balance.metric(t("early_warning.balance", lang), fmt.money(summary["balance"], lang), border=True,
                   help=t("early_warning.balance_help", lang))
    with left:
        explanations_section()
    if summary["loans"]:
        right.altair_chart(charts.tier_treatment_chart(summary, lang), width="stretch")


def explanations_section() -> None:
    """What PD means and how the treatment is chosen (monitor.scoring.treatment's rule, strongest first)."""
    with st.expander(t("early_warning.pd_help", lang)):
        tiers = (t("early_warning.rule", lang, name=label("tier", tier, lang), text=t(f"tier_help.{tier}", lang))
                 for tier in RISK_TIERS)
        st.markdown("\n".join((t("early_warning.pd_text", lang), "", *(f"- {tier}" for tier in tiers))))
    with st.expander(t("early_warning.treatment_rule", lang)):
        rules = (t("early_warning.rule", lang, name=label("treatment", name, lang),
                   text=t(f"treatment_help.{name}", lang)) for name in TREATMENT_RULE_ORDER)
        st.markdown("\n".join((t("early_warning.treatment_text", lang), "",
                                *(f"{i}. {rule}" for i, rule in enumerate(rules, start=1)))))


def displayed(rows: pl.DataFrame) -> pl.DataFrame:
    """The rows as the table shows them: values in words, the three reasons in one cell."""
    return localize(rows, lang).with_columns(
        pl.col("loan_id").cast(pl.String),
        reasons=pl.concat_str(REASON_COLUMNS, separator=t("fmt.list_separator", lang), ignore_nulls=True),
    ).select(list(COLUMNS))


def list_section(rows: pl.DataFrame, filters: dict[str, list[str]], day: dt.date) -> None:
    """The first rows of the list with how many match, the export, and the account view of a clicked row."""
    st.subheader(t("early_warning.list", lang))
    total = matches(rows)
    if not total:
        st.info(t("early_warning.empty", lang))
        return
    shown_key = "early_warning.shown" if total > rows.height else "early_warning.shown_all"
    note, download = st.columns([3, 1], vertical_alignment="bottom")
    note.markdown(t(shown_key, lang, total=fmt.count(total), shown=fmt.count(rows.height)))
    note.caption(t("early_warning.masked", lang))
    loan_list.export_button(download, t("early_warning.download", lang), ew.export_csv(day, filters, lang),
                            file_name=f"early_warning_{day.isoformat()}.csv", key="ew_export",
                            what="early_warning_csv", parameters={"as_of": day, "filters": filters}, rows=total,
                            help=t("early_warning.download_help", lang, total=fmt.count(total)))
    loan_list.table(displayed(rows), rows["loan_id"], TABLE_KEY, lang, as_of, hide_index=True, width="stretch",
                    height=LIST_HEIGHT, row_height=ROW_HEIGHT, placeholder=fmt.NONE, column_config=COLUMNS)


# ------------------------------------------------------------------------------------------------ the page
st.title(t("early_warning.title", lang))
st.caption(t("early_warning.caption", lang))

if not data.active_loans(as_of):
    st.info(t("data.no_active", lang, as_of=as_of.isoformat()))
    st.stop()
scored_day = ew.scored_day_for(as_of)
if scored_day is None:
    no_list_section()
if scored_day != as_of:
    st.info(t("early_warning.scored_day", lang, day=scored_day.isoformat(), as_of=as_of.isoformat()))

chosen = filter_section(ew.filter_options(scored_day))
totals = ew.summary(scored_day, chosen)
counters_section(totals)
list_section(ew.action_list(scored_day, chosen), chosen, scored_day)
