"""Data page: what the database holds, how fresh it is, the charge-off policy; loading files (upload, preview, land,
the recent batches and the quarantine); and the book by bucket at the as-of date."""

import streamlit as st

from monitor import access
from monitor.i18n import label, plural, t
from ui import auth, charts, context, data, ingest_data, safe_text, tables, uploader
from ui import format as fmt

UPLOADER_KEY = "ingest_files"
UPLOADER_GENERATION = "_ingest_uploader_generation"  # how many times files were landed this session
LANDED_MESSAGES = "_ingest_landed"  # what the last landing said, shown on the run after it

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
                  help=t("data.policy_help", lang, dpd=policy.dpd, description=safe_text.escape(policy.description)))
derived_state = data.derived_state()
if derived_state.state == "complete" and derived_state.valid_through < derived_state.latest_day:
    st.info(t("data.derived_completed", lang, valid=derived_state.valid_through.isoformat(),
              latest=derived_state.latest_day.isoformat()))

st.subheader(t("data.tables", lang))
tables.table_summary(data.table_summary(), lang)

st.subheader(t("ingest.heading", lang))
st.caption(t("ingest.caption", lang))
st.caption(t("ingest.preview_sample", lang, rows=fmt.count(ingest_data.PREVIEW_CHECKED_ROWS)))
# Landing files empties the uploader (a new key: Streamlit cannot clear an uploader otherwise) and with it the
# preview and the button; what landed is said on the run after.
generation = st.session_state.get(UPLOADER_GENERATION, 0)
uploads = st.file_uploader(t("ingest.upload", lang), type=["csv", "parquet"], accept_multiple_files=True,
                           key=UPLOADER_KEY if generation == 0 else f"{UPLOADER_KEY}.{generation}",
                           help=t("ingest.upload_help", lang)) or []
uploader.localize(UPLOADER_KEY, lang)  # Streamlit's own words on it are English only
for kind, message in st.session_state.pop(LANDED_MESSAGES, []):
    (st.success if kind == "success" else st.error)(message)
usable = []
for upload in uploads:
    data_bytes = upload.getvalue()
    outcome = ingest_data.preview(data_bytes, upload.name)
    if isinstance(outcome, ingest_data.Unusable):
        st.error(t(f"ingest.error.{outcome.code}", lang, **safe_text.escape_all(outcome.params)))
        continue
    file_name = safe_text.escape(upload.name)
    st.markdown(f"**{t('ingest.file_heading', lang, file=file_name, kind=label('batch_kind', outcome.kind, lang))}**")
    if outcome.loaded_on is not None:
        st.info(t("ingest.already", lang, loaded_on=f"{outcome.loaded_on:%Y-%m-%d %H:%M}"))
        continue
    usable.append((data_bytes, upload.name))
    counts = {"total": fmt.count(outcome.rows_total), "accepted": fmt.count(outcome.rows_accepted),
              "rejected": fmt.count(outcome.rows_rejected), "duplicates": fmt.count(outcome.rows_duplicate)}
    if outcome.rows_checked is None:
        st.write(t("ingest.counts", lang, **counts))
    else:
        st.write(t("ingest.counts_sample", lang, checked=fmt.count(outcome.rows_checked), **counts))
    if lang in outcome.zone_notes:  # names the file: escaped whole
        st.caption(safe_text.escape(outcome.zone_notes[lang]))
    if outcome.sample.height:
        st.caption(t("ingest.sample", lang, rows=outcome.sample.height))
        st.dataframe(outcome.sample, hide_index=True, column_config=ingest_data.sample_headings(outcome.sample, lang))
    if outcome.rejects.height:
        st.caption(t("ingest.rejects", lang))
        rejects, headings = ingest_data.localized(outcome.rejects, lang)
        st.dataframe(rejects, hide_index=True, column_config=headings)
if uploads:
    if st.button(plural("ingest.land", lang, len(usable), files=len(usable)), type="primary", disabled=not usable,
                 key="ingest_land") \
            and auth.allowed("land_files", None, lang):
        messages = []
        for data_bytes, name in usable:
            landed = ingest_data.land(data_bytes, name, lang, auth.actor())
            if isinstance(landed, ingest_data.Unusable):
                messages.append(("error", t(f"ingest.error.{landed.code}", lang,
                                            **safe_text.escape_all(landed.params))))
            else:
                messages.append(("success", t(
                    "ingest.landed", lang, file=safe_text.escape(name), accepted=fmt.count(landed.rows_accepted),
                    rejected=fmt.count(landed.rows_rejected), duplicates=fmt.count(landed.rows_duplicate),
                    batch=landed.batch_id[:12])))
        st.session_state[LANDED_MESSAGES] = messages
        st.session_state[UPLOADER_GENERATION] = generation + 1
        st.rerun()
    elif not usable:
        st.caption(t("ingest.nothing", lang))

st.subheader(t("ingest.batches", lang))
batches = ingest_data.recent_batches()
if batches.height == 0:
    st.caption(t("ingest.no_batches", lang))
else:
    shown, headings = ingest_data.localized(batches, lang)
    st.dataframe(shown, hide_index=True, column_config=headings)
    st.subheader(t("ingest.quarantine", lang))
    batch_names = ingest_data.batch_names(batches)
    batch = st.selectbox(t("ingest.quarantine_batch", lang), [None, *batch_names], key="ingest_quarantine_batch",
                         format_func=lambda b: t("ingest.all_batches", lang) if b is None
                         else f"{batch_names[b]} · {b[:12]}")
    see_rows = access.may(auth.actor(), "view_quarantine_rows")  # the rows as read, masked: data stewards only
    rejected = ingest_data.quarantined(batch, see_rows)
    if rejected.height == 0:
        st.caption(t("ingest.no_quarantine", lang))
    else:
        st.caption(t("pii.raw_kept", lang, days=ingest_data.raw_days()) if see_rows else t("pii.raw_hidden", lang))
        shown, headings = ingest_data.localized(rejected, lang)
        st.dataframe(shown, hide_index=True, column_config=headings)

st.subheader(t("data.buckets", lang, as_of=as_of.isoformat()))
distribution = data.bucket_distribution(as_of)
if distribution["loans"].sum() == 0:
    st.info(t("data.no_active", lang, as_of=as_of.isoformat()))
else:
    for column, chart in zip(st.columns(2), charts.bucket_charts(distribution, lang), strict=True):
        column.altair_chart(chart, width="stretch")
