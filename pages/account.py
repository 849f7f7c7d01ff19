"""Account view (账户视图), for risk managers and collections: one loan's story at the end of the as-of day: the
loan and its customer (masked), its status, the schedule against the payments, the DPD history, collection actions with
their promises to pay, and the early-warning scores with their reasons.

The loan lives in the URL as ?loan=<id>, so a copied link, or another page's
st.switch_page("pages/account.py", query_params={"loan": id}), opens it. With none chosen the page opens on
the most delinquent loan active at the as-of date. Every figure comes from monitor.account.account_view.

Personal data (monitor.pii): name, phone and ID number masked, no birth year, the income as a band unless the role
needs the figure (see_income); collections may show one customer's full phone with a stated reason, logged. Each
loan the page shows is written to the audit log (view_account), once per session."""

import datetime as dt

import polars as pl
import streamlit as st

from monitor import access, db, pii
from monitor.i18n import label, t
from ui import account_charts, account_data, auth, context, labels, safe_text, tables
from ui import format as fmt
from ui.account_charts import value_label
from ui.loan_chooser import choose_loan

lang, as_of = context.start_page()
day = as_of.isoformat()

LOAN_KEY = context.choice_key(context.LOAN_PARAM)
REVEAL_REASONS = ("call_to_collect", "promise_follow_up", "verify_contact", "other")
_VIEWED = "_account_viewed"  # the loans this session has opened here (each written to the audit log once)
user = auth.actor()
see_income = access.may(user, "see_income")


def whole(value) -> str:
    return fmt.NONE if value is None else str(value)


# The sections, drawn in order at the end of the file.

def header_section(loan: dict, status: dict | None, scheduled: bool) -> None:
    """The loan's status at the end of the day: status, DPD, bucket, principal balance, overdue amount (none
    without a schedule: a loan may land before its installments)."""
    product = safe_text.escape(value_label("product", loan["product"], lang))  # a code stored in the book
    st.subheader(t("account.heading", lang, loan_id=loan["loan_id"], product=product, as_of=day))
    closed = status is None
    if not scheduled:
        st.info(t("account.no_schedule", lang, loan_id=loan["loan_id"]))
    if closed and loan["closed_date"] is not None:
        st.info(t("account.closed", lang, closed_date=loan["closed_date"].isoformat(),
                  status=label("status", loan["status"], lang)))
    if closed or not scheduled:
        figures = (fmt.NONE,) * 4
    else:
        figures = (fmt.count(status["dpd"]), labels.bucket(status["bucket"], lang),
                   fmt.money(status["principal_balance"], lang), fmt.money(status["overdue_amount"], lang))
    cards = st.columns([1.3, 0.8, 0.8, 1.1, 1.1])  # room for the longest status (已重组 / Restructured)
    cards[0].metric(t("col.status", lang), label("status", loan["status"], lang), border=True,
                    help=t("account.status_help", lang))
    helps = (t("account.dpd_help", lang), None) + tuple(  # the card's money is short, the exact figure beneath
        None if closed or not scheduled else t("card.exact", lang, value=fmt.exact_money(status[field]))
        for field in ("principal_balance", "overdue_amount"))
    for card, key, value, help_text in zip(cards[1:], ("col.dpd", "col.bucket", "col.principal_balance",
                                                       "col.overdue_amount"), figures, helps, strict=True):
        figure_help = t("account.no_schedule_figure_help" if not scheduled else "account.closed_figure_help", lang)
        card.metric(t(key, lang), value, border=True, help=figure_help if closed or not scheduled else help_text)


def recovery_section(recovery: dict) -> None:
    """A loan charged off or settled: its principal balance the day before, what was recovered since up to the
    as-of day, and the net of them (monitor.account.recovery)."""
    kind = recovery["kind"]
    cards = st.columns(3)
    for card, key, value in zip(cards, (f"account.recovery_balance.{kind}", "account.recovery_recovered",
                                        "account.recovery_net"),
                                (recovery["balance"], recovery["recovered"], recovery["net"]), strict=True):
        card.metric(t(key, lang), fmt.exact_money(value), border=True)
    date = recovery["default_date"]
    st.caption(t(f"account.recovery_caption.{kind}", lang, date=date.isoformat(), as_of=day,
                 day_before=(date - dt.timedelta(days=1)).isoformat(), loan_id=recovery["paying_loan"]))


def facts_table(rows: list[tuple[str, str]]) -> None:
    """A two-column table of (item, value) rows, every value written as text."""
    items, values = zip(*rows, strict=True)
    st.dataframe(pl.DataFrame({"fact": list(items), "value": list(values)}), hide_index=True, width="stretch",
                 height="content",
                 column_config={"fact": st.column_config.TextColumn(t("account.fact", lang)),
                                "value": st.column_config.TextColumn(t("account.value", lang))})


def facts_section(loan: dict, status: dict | None) -> None:
    """The loan's terms and its customer, personal data masked by monitor."""
    st.subheader(t("account.facts", lang))
    loan_box, customer_box = st.columns(2)
    loan_rows = [
        (t("col.loan_id", lang), str(loan["loan_id"])),
        (t("col.product", lang), label("product", loan["product"], lang)),
        (t("col.channel", lang), value_label("loan_channel", loan["channel"], lang)),
        (t("col.origination_date", lang), loan["origination_date"].isoformat()),
        (t("col.principal", lang), fmt.exact_money(loan["principal"])),
        (t("col.annual_rate", lang), fmt.pct(loan["annual_rate"])),
        (t("col.term_months", lang), str(loan["term_months"])),
        (t("col.repayment_method", lang), value_label("repayment", loan["repayment_method"], lang)),
        (t("col.application_score", lang), whole(loan["application_score"])),
        (t("account.mob", lang), whole(status["mob"]) if status else fmt.NONE),
    ]
    if loan["closed_date"] is not None:
        loan_rows.append((t("col.closed_date", lang), loan["closed_date"].isoformat()))
    customer_rows = [
        (t("col.customer_id", lang), str(loan["customer_id"])),
        (t("col.name", lang), loan["name"]),
        (t("col.phone", lang), loan["phone"]),
        (t("col.id_number", lang), loan["id_number"]),
        income_row(loan),
        (t("col.employment_type", lang), value_label("employment", loan["employment_type"], lang)),
        (t("col.province", lang), labels.segment_value("province", loan["province"], lang)),
        (t("col.city_tier", lang), labels.segment_value("city_tier", str(loan["city_tier"]), lang)),
        (t("col.bureau_score", lang), whole(loan["bureau_score"]) if loan["bureau_score"] is not None
         else t("account.no_score", lang)),
    ]
    with loan_box:
        st.markdown(f"**{t('account.loan_facts', lang)}**")
        facts_table(loan_rows)
    with customer_box:
        st.markdown(f"**{t('account.customer_facts', lang)}**")
        facts_table(customer_rows)
        st.caption(t("pii.masked_income_shown" if see_income else "pii.masked", lang))
        if access.may(user, "reveal_phone"):
            reveal_section(loan)


def income_row(loan: dict) -> tuple[str, str]:
    """The monthly income: the figure for a role that needs it (access action see_income), else its band."""
    if see_income:
        return t("col.monthly_income", lang), fmt.exact_money(loan["monthly_income"])
    band = loan["income_band"]
    return t("pii.income_band", lang), t(f"income_band.{band}", lang) if band else t("pii.no_income", lang)


def reveal_section(loan: dict) -> None:
    """Collections may show the customer's full phone, to call, with a stated reason; monitor.pii.reveal_phone
    checks the role again and writes the reveal to the audit log. The phone is shown in this run only."""
    with st.expander(t("pii.reveal", lang), icon=":material/call:"), st.form("reveal_phone", border=False):
        st.caption(t("pii.reveal_help", lang))
        reason = st.selectbox(t("pii.reveal_reason", lang), REVEAL_REASONS, key="reveal_reason",
                              format_func=lambda code: t(f"pii.reason.{code}", lang))
        note = st.text_input(t("pii.reveal_note", lang), key="reveal_note", max_chars=200,
                             help=t("pii.reveal_note_help", lang, n=pii.REVEAL_REASON_MIN))
        asked = st.form_submit_button(t("pii.reveal_button", lang))
    if not asked or not auth.allowed("reveal_phone", f"loan:{loan['loan_id']}", lang):
        return
    stated = note.strip() if reason == "other" else f"{reason}: {note.strip()}" if note.strip() else reason
    try:
        phone = account_data.reveal_phone(loan["loan_id"], stated)
    except pii.RevealRefused as refused:
        st.error(t(f"pii.reveal_{refused.code}", lang, n=pii.REVEAL_REASON_MIN))
        return
    except db.DatabaseError as exc:  # the book or the access file held by a writer for longer than the wait
        st.error(exc.text(lang))
        return
    st.success(t("pii.revealed", lang, customer=loan["customer_id"], phone=phone))


def links_section(links: pl.DataFrame) -> None:
    """The loan it replaced and the loan that replaced it, each with a button that opens it here."""
    if not links.height:
        return
    st.subheader(t("account.links", lang))
    for link in links.iter_rows(named=True):  # one or two rows
        plain = link["kind"] is None
        key = f"account.link_{link['link']}{'_plain' if plain else ''}"
        text = t(key, lang, loan_id=link["loan_id"], date=link["restructured_on"].isoformat()) if plain else t(
            key, lang, loan_id=link["loan_id"], date=link["restructured_on"].isoformat(),
            kind=label("restructuring", link["kind"], lang), amount=fmt.exact_money(link["arrears_capitalized"]))
        text_box, button_box = st.columns([4, 1], vertical_alignment="center")
        text_box.markdown(text)
        button_box.button(t("account.open_loan", lang, loan_id=link["loan_id"]), key=f"account.open.{link['loan_id']}",
                          on_click=context.open_loan, args=(LOAN_KEY, link["loan_id"]))


def _localized(column: str, kind: str) -> pl.Expr:
    return pl.col(column).map_elements(lambda value: value_label(kind, value, lang), return_dtype=pl.String)


def schedule_table(schedule: pl.DataFrame) -> None:
    shown = schedule.with_columns(
        pl.col("state").map_elements(lambda s: t(f"account.installment_{s}", lang), return_dtype=pl.String))
    money = {column: st.column_config.NumberColumn(t(f"col.{column}", lang), format=tables.MONEY)
             for column in ("principal_due", "interest_due", "fee_due", "amount_due")}
    st.dataframe(shown, hide_index=True, width="stretch", placeholder=fmt.NONE, column_config={
        "installment_no": st.column_config.NumberColumn(t("account.installment_no", lang), format="%d"),
        "due_date": st.column_config.DateColumn(t("col.due_date", lang), format="YYYY-MM-DD"),
        **money,
        "settled_on": st.column_config.DateColumn(t("col.settled_on", lang), format="YYYY-MM-DD"),
        "state": st.column_config.TextColumn(t("account.state", lang)),
        "days_late": st.column_config.NumberColumn(t("account.days_late", lang), format="%d"),
    })


def payments_table(payments: pl.DataFrame) -> None:
    shown = payments.select("paid_at", "amount", _localized("channel", "payment_channel"))
    st.dataframe(shown, hide_index=True, width="stretch", column_config={
        "paid_at": st.column_config.DatetimeColumn(t("col.paid_at", lang), format="YYYY-MM-DD HH:mm"),
        "amount": st.column_config.NumberColumn(t("col.amount", lang), format=tables.MONEY),
        "channel": st.column_config.TextColumn(t("chart.payment_channel", lang)),
    })


def timeline_section(schedule: pl.DataFrame, payments: pl.DataFrame, active: bool, scheduled: bool) -> None:
    """The schedule against the payments on one time axis, and both as tables beneath. The as-of date is marked
    while the loan is on the book (a closed loan's story ends at its closure, or its last recovery)."""
    st.subheader(t("account.timeline", lang))
    if not scheduled:
        st.info(t("account.no_schedule_timeline", lang))
        if payments.height:
            payments_table(payments)
        return
    st.caption(t("account.timeline_caption" if active else "account.timeline_caption_closed", lang))
    chart = account_charts.timeline_chart(schedule, payments, as_of if active else None, lang)
    st.altair_chart(chart, width="stretch")
    schedule_box, payments_box = st.columns([3, 2])
    with schedule_box.expander(t("account.schedule_table", lang, n=schedule.height)):
        schedule_table(schedule)
    with payments_box.expander(t("account.payments_table", lang, n=payments.height)):
        if payments.height:
            payments_table(payments)
        else:
            st.info(t("account.no_payments", lang, as_of=day))


def history_section(history: pl.DataFrame, charge_off_dpd: int) -> None:
    """The DPD at the end of every day the loan was on the book, over the bucket bands."""
    st.subheader(t("account.dpd_history", lang))
    if not history.height:
        st.info(t("account.no_history", lang))
        return
    st.caption(t("account.dpd_caption", lang, end=history["day"].max().isoformat(), co=charge_off_dpd))
    st.altair_chart(account_charts.dpd_history_chart(history, lang), width="stretch")


def collections_section(actions: pl.DataFrame, promises: dict[str, int]) -> None:
    """Collection actions, newest first, with each promise to pay kept, broken or pending."""
    st.subheader(t("account.collections", lang))
    if not actions.height:
        st.info(t("account.no_actions", lang, as_of=day))
        return
    st.caption(t("account.collections_caption", lang))
    for card, state in zip(st.columns(len(promises) + 1)[:-1], promises, strict=True):
        card.metric(t(f"account.promises_{state}", lang), fmt.count(promises[state]), border=True)
    shown = actions.drop("action_id").with_columns(
        _localized("action_type", "action"), _localized("contact_party", "party"), _localized("outcome", "outcome"),
        pl.col("promise").map_elements(lambda s: t(f"account.promise_{s}", lang), return_dtype=pl.String),
        pl.col("agency").fill_null(t("compliance.in_house", lang)),
        pl.col("rules").map_elements(lambda codes: t("fmt.list_separator", lang).join(
            t(f"compliance.rule.{code}", lang) for code in codes), return_dtype=pl.String))
    st.dataframe(shown, hide_index=True, width="stretch", placeholder=fmt.NONE,
                 height=tables.list_height(shown.height), column_config={
        "action_at": st.column_config.DatetimeColumn(t("col.action_at", lang), format="YYYY-MM-DD HH:mm"),
        "action_type": st.column_config.TextColumn(t("col.action_type", lang)),
        "contact_party": st.column_config.TextColumn(t("col.contact_party", lang)),
        "outcome": st.column_config.TextColumn(t("col.outcome", lang)),
        "agent_id": st.column_config.TextColumn(t("col.agent_id", lang)),
        "agency": st.column_config.TextColumn(t("compliance.col_agency", lang)),
        "rules": st.column_config.TextColumn(t("account.rules_broken", lang)),
        "ptp_amount": st.column_config.NumberColumn(t("col.ptp_amount", lang), format=tables.MONEY),
        "ptp_date": st.column_config.DateColumn(t("col.ptp_date", lang), format="YYYY-MM-DD"),
        "ptp_paid": st.column_config.NumberColumn(t("account.ptp_paid", lang), format=tables.MONEY),
        "promise": st.column_config.TextColumn(t("account.promise", lang)),
    })


def scores_section(scores: pl.DataFrame) -> None:
    """PD over the days the loan was scored, and each score with its reasons in words (newest first); the
    models that scored it in the caption."""
    st.subheader(t("account.scores", lang))
    if not scores.height:
        st.info(t("account.no_scores", lang, as_of=day))
        return
    models = t("fmt.list_separator", lang).join(scores["model_version"].unique(maintain_order=True).to_list())
    st.caption(t("account.scores_caption", lang, models=safe_text.escape(models)))
    st.altair_chart(account_charts.score_chart(scores, lang), width="stretch")
    reasons = pl.concat_str([_localized(f"reason_{i}", "reason") for i in (1, 2, 3)],
                            separator=t("fmt.list_separator", lang), ignore_nulls=True)
    shown = scores.sort("as_of", descending=True).select(
        "as_of", "pd", "points", _localized("tier", "tier"), reasons.alias("reasons"),
        _localized("treatment", "treatment"))
    st.dataframe(shown, hide_index=True, width="stretch", placeholder=fmt.NONE, column_config={
        "as_of": st.column_config.DateColumn(t("account.score_day", lang), format="YYYY-MM-DD"),
        "pd": st.column_config.NumberColumn(t("account.pd", lang), format=fmt.PD_COLUMN),
        "points": st.column_config.NumberColumn(t("account.points", lang), format="%.0f"),
        "tier": st.column_config.TextColumn(t("account.tier", lang)),
        "reasons": st.column_config.TextColumn(t("account.reasons", lang)),
        "treatment": st.column_config.TextColumn(t("account.treatment", lang)),
    })


# ------------------------------------------------------------------------------------------------ the page
st.title(t("account.title", lang))
st.caption(t("account.caption", lang, as_of=day))

loan_id = choose_loan(LOAN_KEY, lang, as_of, label=t("account.loan_input", lang),
                      placeholder=t("account.loan_placeholder", lang), help=t("account.loan_input_help", lang),
                      defaulted=t("account.defaulted", lang, as_of=day))

view = account_data.account_view(loan_id, as_of, see_income)
if view["presence"] != "on_book":
    st.info(t(f"account.{view['presence']}", lang, loan_id=loan_id, as_of=day))
    st.stop()
viewed = st.session_state.setdefault(_VIEWED, set())
if loan_id not in viewed:
    auth.record("view_account", f"loan:{loan_id}")
    viewed.add(loan_id)

header_section(view["loan"], view["status"], view["has_schedule"])
if view["recovery"] is not None:
    recovery_section(view["recovery"])
if view["status"] is not None:
    st.page_link("pages/simulator_loan.py", label=t("account.open_simulator", lang), icon=":material/tune:",
                 query_params={context.LOAN_PARAM: str(loan_id)})
facts_section(view["loan"], view["status"])
links_section(view["links"])
timeline_section(view["schedule"], view["payments"], view["status"] is not None, view["has_schedule"])
history_section(view["dpd_history"], view["charge_off_dpd"])
collections_section(view["actions"], view["promises"])
scores_section(view["scores"])
