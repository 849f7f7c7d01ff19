"""Sentences that say how a figure was computed or why it waits, in the reader's language: one definition for the
pages and the report, so both explain a figure the same way."""

from __future__ import annotations

from monitor.i18n import CATALOG, label, t

# segment name -> the catalog kind labelling its values (None: the value reads as it is, e.g. 2026-07)
VALUE_KINDS = {"product": "product", "channel": "loan_channel", "province": "province", "city_tier": "city_tier",
                "score_band": "score_band", "cohort": None}


def segment_value(name: str, value: str, lang: str) -> str:
    """The label of one value of a segment, e.g. ("channel", "broker") -> 中介 / Broker; a value the catalog does not
    know (a cohort month, a value typed into a URL) as it is."""
    kind = VALUE_KINDS.get(name)
    if kind is None or f"{kind}.{value}" not in CATALOG:
        return str(value)
    return label(kind, value, lang)


def kpi_name(kpi: str, month_to_date: bool, lang: str) -> str:
    """An executive KPI's name; the net charge-off of a month in progress says it is month to date."""
    return t("executive.nco_month_to_date" if kpi == "net_charge_off" and month_to_date else f"kpi.{kpi}", lang)


def _pct(value: float) -> str:
    return f"{value:.2%}"


def ecl_note(basis: dict, lang: str) -> str:
    """How the ECL was computed (the `basis` of monitor.metrics.expected_credit_loss), and what stood in for what the
    book cannot show yet."""
    lgd = basis["lgd"]
    notes = [t("executive.ecl_note", lang, sicr_pd=f"{basis['sicr']['min_pd']:.0%}",
               sicr_multiple=f"{basis['sicr']['multiple']:g}",
               score_day=basis["score_day"] or t("executive.ecl_no_model", lang),
               scored=f"{basis['scored_loans']:,}", lgd=_pct(lgd["lgd"]))]
    unobserved = [row for row in basis["pd_by_bucket"] if not row["observed"]]
    if unobserved:
        notes.append(t("executive.ecl_prior", lang, buckets=t("fmt.list_separator", lang).join(
            f"{row['bucket']} {_pct(row['pd'])} ({label('pd_source', row['source'], lang)})" for row in unobserved)))
    if lgd["source"] == "prior":
        notes.append(t("executive.lgd_prior", lang, lgd=_pct(lgd["lgd"])))
    return " ".join(notes)


def derived_waiting(state: dict, lang: str) -> str | None:
    """The notice that month-end figures wait for derive, and since when (state: DerivedState.as_json()); None when
    they do not."""
    if state["state"] != "waiting":
        return None
    since = (state["waiting_since"][:16].replace("T", " ") if state["waiting_since"]
             else t("derived.since_unknown", lang))
    return t("derived.waiting", lang, built_through=state["built_through"], since=since)
