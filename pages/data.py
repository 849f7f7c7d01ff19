"""Data page: what the database holds, how fresh it is, the charge-off policy, and the book by bucket."""

import streamlit as st

from monitor.i18n import t
from ui import charts, context, data, tables

lang, as_of = context.start_page()

st.title(t("data.title", lang))
st.caption(t("data.caption", lang))

fresh = data.freshness()
policy = data.charge_off_policy()
latest, age, derived, schema, charge_off = st.columns(5)
latest.metric(t("data.latest", lang), fresh.latest_data_date.isoformat(), help=t("data.latest_help", lang))
age.metric(t("data.age", lang), fresh.days_old(), help=t("data.age_help", lang, timezone=fresh.timezone))
derived.metric(t("data.derived_as_of", lang),
               fresh.derived_as_of.isoformat() if fresh.derived_as_of else t("data.not_built", lang),
               help=t("data.derived_help", lang))
schema.metric(t("data.schema_version", lang), fresh.schema_version)
charge_off.metric(t("data.policy", lang), t("data.policy_value", lang, dpd=policy.dpd),
                  help=t("data.policy_help", lang, dpd=policy.dpd, description=policy.description))
if fresh.derived_is_stale:
    st.warning(t("data.derived_stale", lang, derived=fresh.derived_as_of.isoformat(),
                 latest=fresh.latest_data_date.isoformat()))

st.subheader(t("data.tables", lang))
tables.table_summary(data.table_summary(), lang)

st.subheader(t("data.buckets", lang, as_of=as_of.isoformat()))
distribution = data.bucket_distribution(as_of)
if distribution["loans"].sum() == 0:
    st.info(t("data.no_active", lang, as_of=as_of.isoformat()))
else:
    st.altair_chart(charts.bucket_chart(distribution, lang))
