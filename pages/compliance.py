"""Compliance page (催收合规), for collections supervisors and risk managers: whether the lender's collectors and its
outside agencies keep the 2026 collection guideline, month by month.

Three sections, one at a time: conduct (violations per 1,000 contacts by rule, agency and agent, and by agency over
12 months; a row of a table opens the actions behind it, masked, with an audited export), complaints (per 10,000
accounts in collection by category and by month) and the agency scorecard (results, conduct, cost and the ranking
for next month's allocation). Every figure comes from monitor.conduct through ui.compliance_data."""

import polars as pl
import streamlit as st

from monitor import db, export
from monitor.compliance import rules
from monitor.conduct.view import SECTIONS, months
from monitor.i18n import label, t
from ui import compliance_charts as charts
from ui import compliance_data as cd
from ui import context, data, loan_list, tables
from ui import format as fmt

lang, as_of = context.start_page()
SECTION_PARAM = "show"  # not "section": the Delinquency page's sections are others, and a choice outlives a page
DRILL_PARAM = "drill"  # the figure whose actions are listed: all, rule:<code>, agency:<id> or agent:<id>
CATEGORY_PARAM = "complaints"  # the complaints listed: all, or a category
RATE = "%.1f"
# the catalog kind of each coded column the page shows (monitor.export.in_words)
CODE_KINDS = {"rule": "compliance.rule", "action_type": "action", "contact_party": "party", "outcome": "outcome",
              "category": "complaint_category", "channel": "complaint_channel", "resolution": "complaint_resolution"}


def month_label(month: str) -> str:
    latest = months(as_of)[0]
    return t("compliance.month_to_date", lang, month=month, day=as_of.isoformat()) if month == latest else month


def with_in_house(names: dict[str, str]) -> dict[str, str]:
    """Each agency id's name to show, the lender's own collectors included."""
    return names | {db.IN_HOUSE: t("compliance.in_house", lang)}


def in_words(frame: pl.DataFrame, names: dict[str, str], **labels: str) -> pl.DataFrame:
    """`frame` with its coded columns in the reader's words, agency_id's name as `agency`, and each `labels` column
    (name=code column) the words of that code beside it."""
    coded = frame.with_columns(pl.col(code).alias(name) for name, code in labels.items())
    kinds = CODE_KINDS | {name: CODE_KINDS[code] for name, code in labels.items()}
    shown = export.in_words(coded, kinds, lang)
    if "agency_id" not in frame.columns:
        return shown
    return shown.with_columns(pl.col("agency_id").replace_strict(with_in_house(names), default=pl.col("agency_id"),
                                                                 return_dtype=pl.String).alias("agency"))


def rate_delta(now: float | None, before: float | None) -> str | None:
    return None if now is None or before is None else f"{now - before:+,.1f}"


def kpis(view: dict) -> None:
    """The month's contacts and accounts, and its two rates with their change from the month before."""
    now, before = view["summary"], view["previous"]
    boxes = st.columns(4)
    boxes[0].metric(t("compliance.col_contacts", lang), fmt.count(now["contacts"]), border=True)
    boxes[1].metric(t("compliance.violations_per_1000", lang),
                    fmt.NONE if now["violations_per_1000"] is None else f"{now['violations_per_1000']:,.1f}",
                    rate_delta(now["violations_per_1000"], before["violations_per_1000"]), delta_color="inverse",
                    border=True, help=t("compliance.kpi_violations_help", lang, violations=fmt.count(now["violations"]),
                                        previous=view["previous_start"].strftime("%Y-%m")))
    boxes[2].metric(t("compliance.complaints_per_10000", lang),
                    fmt.NONE if now["complaints_per_10000"] is None else f"{now['complaints_per_10000']:,.1f}",
                    rate_delta(now["complaints_per_10000"], before["complaints_per_10000"]), delta_color="inverse",
                    border=True, help=t("compliance.kpi_complaints_help", lang, complaints=fmt.count(now["complaints"]),
                                        previous=view["previous_start"].strftime("%Y-%m")))
    boxes[3].metric(t("compliance.col_accounts", lang), fmt.count(now["accounts"]), border=True)


def pick_row(key: str, options: list[str], param: str) -> None:
    """Table callback: the chosen row's figure becomes the one whose actions (complaints) are listed."""
    rows = st.session_state[key]["selection"]["rows"]
    if rows:
        st.session_state[context.choice_key(param)] = options[rows[0]]


def figure_table(name: str, shown: pl.DataFrame, options: list[str], columns: dict, param: str = DRILL_PARAM) -> None:
    """A table whose row, when chosen, lists the actions (the complaints) behind it: the choice `param`."""
    key = f"compliance.{name}"
    st.dataframe(shown, key=key, on_select=lambda: pick_row(key, options, param), selection_mode="single-row",
                 hide_index=True, width="stretch", height="content", placeholder=fmt.NONE, column_config=columns)


def rate_columns(*names: str) -> dict:
    formats = {"violations_per_1000": RATE, "complaints_per_10000": RATE}
    return {name: st.column_config.NumberColumn(t(f"compliance.col_{name}", lang), format=formats.get(name, "%d"))
            for name in names}


def conduct_section(view: dict, names: dict[str, str]) -> list[str]:
    """Violations by rule, agency and agent this month, and by agency over 12 months; the drill options."""
    figures = view["summary"]
    st.subheader(t("compliance.by_rule", lang))
    st.caption(" ".join(t(f"compliance.rule_about.{code}", lang, **view["parameters"]) for code in rules.CODES))
    by_rule = view["rules"].with_columns(in_words(view["rules"], names, label="rule")["label"])
    if not figures["contacts"]:
        st.info(t("compliance.no_contacts", lang, month=month_label(month)))
        return []
    st.altair_chart(charts.rate_bars(by_rule, "label", "violations_per_1000", lang,
                                     title=t("compliance.col_rule", lang),
                                     value_title=t("compliance.violations_per_1000", lang),
                                     count="violations"), width="stretch")
    figure_table("rules", by_rule.select("label", "violations", "violations_per_1000"),
                 [f"rule:{c}" for c in by_rule["rule"]],
                 {"label": st.column_config.TextColumn(t("compliance.col_rule", lang))}
                 | rate_columns("violations", "violations_per_1000"))
    st.subheader(t("compliance.by_agency", lang))
    agencies = in_words(view["agencies"], names)
    st.altair_chart(charts.rate_bars(agencies, "agency", "violations_per_1000", lang,
                                     title=t("compliance.col_agency", lang),
                                     value_title=t("compliance.violations_per_1000", lang),
                                     count="violations"), width="stretch")
    figure_table("agencies", agencies.select("agency", "contacts", "violations", "violations_per_1000",
                                             "complaints_per_10000"),
                 [f"agency:{a}" for a in agencies["agency_id"]],
                 {"agency": st.column_config.TextColumn(t("compliance.col_agency", lang))}
                 | rate_columns("contacts", "violations", "violations_per_1000", "complaints_per_10000"))
    st.subheader(t("compliance.by_agent", lang))
    agents = in_words(view["agents"], names)
    if agents.height:
        figure_table("agents", agents.select("agent_id", "agency", "contacts", "violations", "violations_per_1000"),
                     [f"agent:{a}" for a in agents["agent_id"]],
                     {"agent_id": st.column_config.TextColumn(t("col.agent_id", lang)),
                      "agency": st.column_config.TextColumn(t("compliance.col_agency", lang))}
                     | rate_columns("contacts", "violations", "violations_per_1000"))
    else:
        st.info(t("compliance.no_violations", lang, month=month_label(month)))
    st.subheader(t("compliance.trend", lang))
    st.altair_chart(charts.agency_trend(in_words(view["trend"], names), lang), width="stretch")
    return (["all"] + [f"rule:{c}" for c in rules.CODES] + [f"agency:{a}" for a in agencies["agency_id"]]
            + [f"agent:{a}" for a in agents["agent_id"]])


def drill_label(option: str, names: dict[str, str]) -> str:
    if option == "all":
        return t("compliance.drill_all", lang)
    kind, value = option.split(":", 1)
    shown = {"rule": lambda v: label("compliance.rule", v, lang), "agency": lambda v: with_in_house(names).get(v, v),
             "agent": lambda v: v}[kind](value)
    return t(f"compliance.drill_{kind}", lang, value=shown)


def drill_section(view: dict, options: list[str], names: dict[str, str]) -> None:
    """The actions behind the chosen figure, masked, newest first, and their audited export."""
    st.subheader(t("compliance.actions_title", lang))
    choice = context.url_choice(st.selectbox, t("compliance.drill", lang), options, param=DRILL_PARAM, default="all",
                                format_func=lambda o: drill_label(o, names), help=t("compliance.drill_help", lang))
    filters = {} if choice == "all" else dict([choice.split(":", 1)])
    rows = cd.violating_actions(view["start"], view["end"], filters)
    note, download = st.columns([3, 1], vertical_alignment="bottom")
    note.caption(t("compliance.actions_caption", lang, shown=fmt.count(rows.height)))
    month_text = view["start"].strftime("%Y-%m")
    loan_list.export_button(download, t("compliance.download", lang),
                            cd.export_csv(view["start"], view["end"], filters, lang),
                            file_name=f"compliance_violations_{month_text}.csv", key="compliance_export",
                            what="compliance_violations_csv",
                            parameters={"start": view["start"], "end": view["end"], **filters},
                            rows=rows.height, help=t("compliance.download_help", lang))
    if not rows.height:
        st.info(t("compliance.no_violations", lang, month=month_label(month)))
        return
    shown = in_words(rows, names).with_columns(pl.col("loan_id").cast(pl.String))
    columns = ("action_at", "rule", "loan_id", "customer", "action_type", "contact_party", "outcome", "agent_id",
               "agency")
    loan_list.table(shown.select(columns), rows["loan_id"].to_list(), "compliance.actions", lang, as_of,
                    hide_index=True, width="stretch", height=tables.list_height(shown.height), placeholder=fmt.NONE,
                    column_config={
                        "action_at": st.column_config.DatetimeColumn(t("col.action_at", lang),
                                                                     format="YYYY-MM-DD HH:mm:ss"),
                        "rule": st.column_config.TextColumn(t("compliance.col_rule", lang)),
                        "contact_party": st.column_config.TextColumn(t("compliance.col_party", lang)),
                        "agency": st.column_config.TextColumn(t("compliance.col_agency", lang)),
                        **tables.loan_columns(lang, "loan_id", "customer"),
                        "action_type": st.column_config.TextColumn(t("col.action_type", lang)),
                        "outcome": st.column_config.TextColumn(t("col.outcome", lang)),
                        "agent_id": st.column_config.TextColumn(t("col.agent_id", lang))})


def complaints_section(view: dict, names: dict[str, str]) -> None:
    """Complaints per 10,000 accounts by category (a row lists its complaints) and by month; the complaints."""
    st.subheader(t("compliance.by_category", lang))
    categories = view["categories"].with_columns(in_words(view["categories"], names, label="category")["label"])
    if not view["summary"]["accounts"]:
        st.info(t("compliance.no_accounts", lang, month=month_label(month)))
    else:
        st.altair_chart(charts.rate_bars(categories, "label", "complaints_per_10000", lang,
                                         title=t("compliance.col_category", lang),
                                         value_title=t("compliance.complaints_per_10000", lang),
                                         count="complaints"), width="stretch")
        figure_table("categories", categories.select("label", "complaints", "complaints_per_10000"),
                     categories["category"].to_list(),
                     {"label": st.column_config.TextColumn(t("compliance.col_category", lang))}
                     | rate_columns("complaints", "complaints_per_10000"), param=CATEGORY_PARAM)
    st.subheader(t("compliance.complaint_trend", lang))
    st.altair_chart(charts.complaint_trend(view["trend"], lang), width="stretch")
    st.subheader(t("compliance.complaints_title", lang))
    choice = context.url_choice(st.selectbox, t("compliance.complaint_choice", lang),
                                ["all", *categories["category"]], param=CATEGORY_PARAM, default="all",
                                format_func=lambda c: t("compliance.complaint_all", lang) if c == "all"
                                else label("complaint_category", c, lang), help=t("compliance.drill_help", lang))
    rows = cd.complaints_behind(view["start"], view["end"], None if choice == "all" else choice)
    st.caption(t("compliance.complaints_caption", lang, shown=fmt.count(rows.height)))
    if not rows.height:
        st.info(t("compliance.no_complaints", lang, month=month_label(month)))
        return
    shown = in_words(rows, names).with_columns(pl.col("resolution").fill_null(t("compliance.open", lang)),
                                               pl.col("loan_id").cast(pl.String))
    columns = ("received_at", "category", "channel", "loan_id", "customer", "agency", "agent_id", "resolution")
    loan_list.table(shown.select(columns), rows["loan_id"].to_list(), "compliance.complaints", lang, as_of,
                    hide_index=True, width="stretch", height=tables.list_height(shown.height), placeholder=fmt.NONE,
                    column_config={
                        "received_at": st.column_config.DatetimeColumn(t("compliance.col_received_at", lang),
                                                                       format="YYYY-MM-DD HH:mm"),
                        "category": st.column_config.TextColumn(t("compliance.col_category", lang)),
                        "channel": st.column_config.TextColumn(t("compliance.col_channel", lang)),
                        **tables.loan_columns(lang, "loan_id", "customer"),
                        "agency": st.column_config.TextColumn(t("compliance.col_agency", lang)),
                        "agent_id": st.column_config.TextColumn(t("col.agent_id", lang)),
                        "resolution": st.column_config.TextColumn(t("compliance.col_resolution", lang))})


def scorecard_section(view: dict, names: dict[str, str]) -> None:
    st.subheader(t("compliance.scorecard", lang))
    limits = view["limits"]
    st.caption(t("compliance.scorecard_caption", lang, violations=f"{limits['violations_per_1000']:g}",
                 complaints=f"{limits['complaints_per_10000']:g}"))
    card = view["scorecard"]
    if not card.height:
        st.info(t("compliance.no_contacts", lang, month=month_label(month)))
        return
    shown = in_words(card, names).with_columns(
        pl.when(pl.col("agency_id") == db.IN_HOUSE).then(pl.lit(t("compliance.not_allocated", lang)))
        .when(pl.col("within_limits")).then(pl.lit(t("compliance.within_limits", lang)))
        .otherwise(pl.lit(t("compliance.review", lang))).alias("standing"),
        *[(pl.col(c) * 100) for c in ("recovery_rate", "cure_rate", "promises_kept_rate", "net_recovery_rate",
                                      "allocation_share")])
    percent = {c: st.column_config.NumberColumn(t(f"compliance.col_{c}", lang), format="%.1f%%")
               for c in ("recovery_rate", "cure_rate", "promises_kept_rate", "net_recovery_rate",
                         "allocation_share")}
    columns = {
        "rank": st.column_config.NumberColumn(t("compliance.col_rank", lang), format="%d"),
        "agency": st.column_config.TextColumn(t("compliance.col_agency", lang), pinned=True),
        "standing": st.column_config.TextColumn(t("compliance.col_standing", lang)),
        "accounts": st.column_config.NumberColumn(t("compliance.col_accounts", lang), format="%d"),
        "balance_assigned": st.column_config.NumberColumn(t("compliance.col_balance_assigned", lang),
                                                          format=tables.MONEY),
        "cash_recovered": st.column_config.NumberColumn(t("compliance.col_cash_recovered", lang), format=tables.MONEY),
        "cost_per_yuan": st.column_config.NumberColumn(t("compliance.col_cost_per_yuan", lang), format="¥%.2f"),
        **rate_columns("violations_per_1000", "complaints_per_10000"), **percent}
    # two tables that read without scrolling sideways: the allocation, then what it rests on
    for names in (("agency", "rank", "standing", "allocation_share", "net_recovery_rate", "accounts",
                   "balance_assigned", "cash_recovered"),
                  ("agency", "recovery_rate", "cure_rate", "promises_kept_rate", "violations_per_1000",
                   "complaints_per_10000", "cost_per_yuan")):
        st.dataframe(shown.select(names), hide_index=True, width="stretch", height="content", placeholder=fmt.NONE,
                     column_config={name: columns[name] for name in names})


# ------------------------------------------------------------------------------------------------ the page
st.title(t("compliance.title", lang))
st.caption(t("compliance.caption", lang, as_of=as_of.isoformat()))
if not data.active_loans(as_of):
    st.info(t("data.no_active", lang, as_of=as_of.isoformat()))
    st.stop()
month_box, section_box = st.columns([1, 3], vertical_alignment="bottom")
month = context.url_choice(month_box.selectbox, t("compliance.month", lang), months(as_of), param="month",
                           say_replaced=True, format_func=month_label)
section = context.url_choice(section_box.segmented_control, t("compliance.section", lang), SECTIONS,
                             param=SECTION_PARAM, default=SECTIONS[0], required=True, say_replaced=True,
                             format_func=lambda s: t(f"compliance.section.{s}", lang))
context.show_url_notices(lang)
view = cd.section_view(section, as_of, month)
agency_names = view["names"]
kpis(view)
if section == "conduct":
    drill_options = conduct_section(view, agency_names)
    if drill_options:
        drill_section(view, drill_options, agency_names)
elif section == "complaints":
    complaints_section(view, agency_names)
else:
    scorecard_section(view, agency_names)
st.caption(t("compliance.provision", lang))
