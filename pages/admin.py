"""Admin (系统管理), for admins: who holds which role (the users table, for people whose identity token names none of
ours), the audit log listed, filtered and exported, the verdict of its hash chain, and the few book settings an
admin may change. Every write checks the role here (ui.auth.allowed, for a clear message) and again where it runs;
every figure and table comes from ui.admin_data."""

import datetime as dt

import streamlit as st

from monitor import access
from monitor.book_settings import SettingError
from monitor.i18n import t
from ui import admin_data, auth, context, safe_text

lang, as_of = context.start_page()
ALL = ""  # the action filter's "every action"


def users_section() -> None:
    st.subheader(t("admin.users", lang))
    st.caption(t("admin.users_caption", lang))
    listing = admin_data.user_listing(lang)
    if listing.height:
        st.dataframe(listing, hide_index=True, width="stretch", column_config={
            "email": st.column_config.TextColumn(t("admin.col.email", lang)),
            "roles": st.column_config.TextColumn(t("admin.col.roles", lang)),
            "updated_at": st.column_config.DatetimeColumn(t("admin.col.updated_at", lang), format="YYYY-MM-DD HH:mm"),
            "updated_by": st.column_config.TextColumn(t("admin.col.updated_by", lang)),
        })
    else:
        st.info(t("admin.no_users", lang))
    with st.form("admin_roles", clear_on_submit=False):
        email = st.text_input(t("admin.email", lang), key="admin_email", max_chars=254)
        roles = st.multiselect(t("admin.roles", lang), access.ROLES, key="admin_roles",
                               format_func=lambda role: t(f"role.{role}", lang), help=t("admin.roles_help", lang))
        if st.form_submit_button(t("admin.save_roles", lang), type="primary"):
            if auth.allowed("edit_roles", email.strip().lower() or None, lang):
                try:
                    admin_data.set_roles(email, frozenset(roles))
                except ValueError:
                    st.error(t("admin.bad_email", lang, email=safe_text.escape(email)))
                else:
                    st.success(t("admin.roles_saved", lang, email=safe_text.escape(email.strip().lower()),
                                 roles=auth.role_names(roles, lang)))
                    st.rerun()


def audit_section() -> None:
    st.subheader(t("admin.audit", lang))
    verdict = admin_data.verdict()
    (st.success if verdict.intact else st.error)(verdict.text(lang))
    st.caption(t("admin.verdict_caption", lang))
    who_box, action_box, object_box, dates_box = st.columns(4)
    who = who_box.text_input(t("admin.filter.who", lang), key="admin_who").strip()
    action = action_box.selectbox(t("admin.filter.action", lang), [ALL, *admin_data.audit_actions()],
                                  key="admin_action", format_func=lambda a: a or t("admin.all_actions", lang))
    object_ = object_box.text_input(t("admin.filter.object", lang), key="admin_object").strip()
    today = dt.datetime.now(dt.UTC).date()
    dates = dates_box.date_input(t("admin.filter.dates", lang), value=(today - dt.timedelta(days=30), today),
                                 key="admin_dates", help=t("admin.filter.dates_help", lang))
    since, until = (tuple(dates) + (None, None))[:2] if isinstance(dates, (tuple, list)) else (dates, dates)
    entries = admin_data.audit_entries(since, until or since, who or None, action or None, object_ or None)
    st.caption(t("admin.audit_shown", lang, rows=entries.height, limit=admin_data.AUDIT_ROWS))
    st.dataframe(admin_data.in_words(entries, lang), hide_index=True, width="stretch", height=420, column_config={
        "seq": st.column_config.NumberColumn(t("admin.col.seq", lang), format="%d"),
        "at_utc": st.column_config.DatetimeColumn(t("admin.col.at_utc", lang), format="YYYY-MM-DD HH:mm:ss"),
        "who": st.column_config.TextColumn(t("admin.col.who", lang)),
        "role": st.column_config.TextColumn(t("admin.col.role", lang)),
        "action": st.column_config.TextColumn(t("admin.col.action", lang)),
        "object": st.column_config.TextColumn(t("admin.col.object", lang)),
        "parameters": st.column_config.TextColumn(t("admin.col.parameters", lang), width="large"),
        "row_count": st.column_config.NumberColumn(t("admin.col.row_count", lang), format="%d"),
    })
    st.download_button(t("admin.export", lang), admin_data.audit_csv(entries), file_name="audit_log.csv",
                       mime="text/csv", icon=":material/download:", key="admin_export",
                       on_click=auth.record, args=("export", "audit_log_csv", {"filters": {
                           "who": who, "action": action, "object": object_, "since": since, "until": until}},
                           entries.height), disabled=not entries.height)


def settings_section() -> None:
    st.subheader(t("admin.settings", lang))
    st.caption(t("admin.settings_caption", lang))
    for row in admin_data.settings().iter_rows(named=True):
        key = row["key"]
        value_box, button_box = st.columns([3, 1], vertical_alignment="bottom")
        value = value_box.number_input(t(f"admin.setting.{key}", lang), min_value=row["low"], max_value=row["high"],
                                       value=int(row["value"]), step=1, key=f"admin_setting_{key}",
                                       help=t(f"admin.setting_help.{key}", lang, low=row["low"], high=row["high"]))
        if button_box.button(t("admin.save_setting", lang), key=f"admin_save_{key}") \
                and auth.allowed("edit_settings", key, lang):
            try:
                old, new = admin_data.change_setting(key, value)
            except SettingError as exc:
                st.error(exc.text(lang))
            else:
                st.success(t("admin.setting_saved", lang, setting=key, old=old, new=new))


st.title(t("admin.title", lang))
st.caption(t("admin.caption", lang))
users_section()
audit_section()
settings_section()
