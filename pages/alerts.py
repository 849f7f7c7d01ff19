"""Limits and alerts (限额与预警), for risk managers (executives read it): breaches first (red, amber), each with its
value against its levels, how it moved since it fired, since when, its owner and playbook, acknowledge and silence;
then the limits within their levels and those whose value could not be read; the notifications not delivered yet
(kept and retried: their contact point, limits, attempts and last error); the history of events; the editor of
limits with their versions and playbooks; the drills and their reports.

The page shows the states as the last evaluation stored them and evaluates only when asked ("Evaluate now", on a
short read-write connection). Every figure comes from ui.alerts_data; every write checks the role here (for a clear
message) and again where it runs (monitor.alerts.actions)."""

import datetime as dt

import streamlit as st

from monitor import access, segments
from monitor import alerts_schema as schema
from monitor.alerts import board, catalog, names, playbooks
from monitor.i18n import t
from ui import alerts_charts, alerts_data, auth, context, labels, safe_text
from ui import format as fmt

lang, as_of = context.start_page()
user = auth.actor()
may_respond = access.may(user, "respond_alerts")
may_edit = access.may(user, "edit_limits")
may_drill = access.may(user, "run_drill")
FLASH = "alerts_flash"  # a write's outcome, shown after the rerun that shows its effect
LEVEL_BADGES = {"red": "red", "amber": "orange"}


def done(error: str | None, message: str) -> None:
    """Show a write's refusal, or keep its outcome for the next run and rerun (which shows what it changed)."""
    if error:
        st.error(error)
        return
    st.session_state[FLASH] = message
    st.rerun()


def head(column: str) -> str:
    return t(f"alerts_page.col.{column}", lang)


def name_of(row: dict) -> str:
    """A limit's name in this language (a starter limit's through the catalog, a typed one as typed)."""
    return names.shown(row["name"], row["name_key"], lang)


def val(row: dict, column: str) -> str:
    return alerts_data.value_text(row["metric"], row[column], lang)


def header_section(stored: dict) -> None:
    st.title(t("alerts.title", lang))
    if stored["last"] is None:
        st.info(t("alerts_page.never_evaluated", lang))
    else:
        evaluated_at, day = stored["last"]
        st.caption(t("alerts_page.caption", lang, evaluated_at=alerts_data.when_text(evaluated_at), as_of=day))
    if FLASH in st.session_state:
        st.success(st.session_state.pop(FLASH))
    if may_respond:
        if st.button(t("alerts_page.evaluate", lang), help=t("alerts_page.evaluate_help", lang),
                     icon=":material/refresh:", key="alerts_evaluate") \
                and auth.allowed("respond_alerts", None, lang):
            outcome, error = alerts_data.evaluate_now(lang)
            if error:
                st.error(error)
            elif outcome.repeated:
                done(None, t("alerts_page.evaluated_before", lang))
            else:
                done(None, t("alerts_page.evaluated", lang, limits=outcome.states.height, events=outcome.events.height))
    if not (may_respond and may_edit):
        st.caption(t("alerts_page.read_only", lang))
    figures = board.figures(stored["limits"])
    for column, (kind, number) in zip(st.columns(4), figures.items(), strict=True):
        column.metric(t(f"alerts_page.count_{kind}", lang), fmt.count(number), border=True)


def moved_text(row: dict) -> str | None:
    if row["event_value"] is None or row["value"] is None:
        return None
    then, now = row["event_value"], row["value"]
    way = "up" if now > then else "down" if now < then else "flat"
    return t(f"alerts_page.moved_{way}", lang, then=val(row, "event_value"), now=val(row, "value"))


def playbook_box(box, row: dict, plays: dict) -> None:
    play = alerts_data.playbook_for(row, plays)
    if play is None:
        box.caption(t("alerts_page.no_playbook", lang))
        return
    with box.expander(t("alerts_page.playbook", lang, decision=playbooks.decision_text(play["decision"], lang),
                        owner=safe_text.escape(alerts_data.owner_text(play["owner"], lang)))):
        st.markdown("\n".join(f"{n}. {safe_text.escape(playbooks.step_text(step, lang))}"
                              for n, step in enumerate(play["steps"], 1)))


def respond_box(box, row: dict) -> None:
    """Acknowledge the event that set the state, and silence the limit, each with a comment."""
    limit_id = row["limit_id"]
    comment = box.text_input(t("alerts_page.comment", lang), key=f"alerts_comment_{limit_id}", max_chars=500,
                             help=t("alerts_page.comment_help", lang))
    ack_box, date_box, time_box, silence_box = box.columns([2, 2, 2, 2], vertical_alignment="bottom")
    if ack_box.button(t("alerts_page.acknowledge", lang), key=f"alerts_ack_{limit_id}", icon=":material/done:",
                      disabled=row["event_id"] is None) and auth.allowed("respond_alerts", row["event_id"], lang):
        _, error = alerts_data.acknowledge(row["event_id"], comment, lang)
        done(error, t("alerts_page.acknowledged", lang))
    day = date_box.date_input(t("alerts_page.silence_date", lang), value=dt.date.today() + dt.timedelta(days=1),
                              key=f"alerts_silence_day_{limit_id}")
    hour = time_box.time_input(t("alerts_page.silence_time", lang), value=dt.time(9, 0),
                               key=f"alerts_silence_time_{limit_id}")
    if silence_box.button(t("alerts_page.silence", lang), key=f"alerts_silence_{limit_id}",
                          icon=":material/notifications_off:") \
            and auth.allowed("respond_alerts", str(limit_id), lang):
        until = dt.datetime.combine(day, hour)
        _, error = alerts_data.silence(limit_id, until, comment, lang)
        done(error, t("alerts_page.silenced", lang, until=alerts_data.when_text(until)))


def breach_card(row: dict, plays: dict) -> None:
    box = st.container(border=True, key=f"alerts_breach_{row['limit_id']}")
    box.markdown(f":{LEVEL_BADGES[row['state']]}-badge[{alerts_data.state_text(row['state'], lang)}] "
                 f"**{safe_text.escape(name_of(row))}** · {alerts_data.metric_name(row['metric'], lang)} · "
                 f"{safe_text.escape(alerts_data.scope_text(row['segment'], row['segment_value'], lang))}")
    if row["value"] is None:
        box.markdown(t("alerts_page.value_unread", lang, why=alerts_data.why_text(row["why"], True, lang)))
    else:
        box.markdown(t("alerts_page.value_line", lang, value=val(row, "value"),
                       direction=t(f"alerts_page.direction.{row['direction']}", lang),
                       amber=val(row, "amber"), red=val(row, "red")))
    lines = [t("alerts_page.since_owner", lang, since=alerts_data.when_text(row["since"]),
               owner=safe_text.escape(alerts_data.owner_text(row["owner"], lang)))]
    if moved := moved_text(row):
        lines.append(moved)
    if row["acked_by"]:
        lines.append(t("alerts_page.acked", lang, who=safe_text.escape(row["acked_by"]),
                       at=alerts_data.when_text(row["acked_at"]), comment=safe_text.escape(row["ack_comment"])))
    else:
        lines.append(t("alerts_page.not_acked", lang))
    if row["silenced_until"]:
        lines.append(t("alerts_page.silenced_until", lang, until=alerts_data.when_text(row["silenced_until"])))
    box.caption("  \n".join(lines))
    playbook_box(box, row, plays)
    if may_respond:
        respond_box(box, row)


def breaches_section(stored: dict) -> None:
    st.subheader(t("alerts_page.breaches", lang))
    trend = stored["trend"]
    if trend["limits"].sum():
        st.markdown(f"**{t('alerts_page.trend', lang)}**")
        st.altair_chart(alerts_charts.trend_chart(trend, lang), width="stretch")
    breached = board.sections(stored["limits"])["breached"]
    if breached.height == 0:
        st.info(t("alerts_page.no_breaches", lang))
    for row in breached.iter_rows(named=True):
        breach_card(row, stored["playbooks"])


def table_rows(frame, with_value: bool) -> list[dict]:
    return [{head("name"): name_of(row), head("metric"): alerts_data.metric_name(row["metric"], lang),
             head("scope"): alerts_data.scope_text(row["segment"], row["segment_value"], lang),
             **({head("value"): val(row, "value")} if with_value else
                {head("why"): alerts_data.why_text(row["why"], row["evaluated"], lang)}),
             head("amber"): val(row, "amber"), head("red"): val(row, "red"),
             head("owner"): alerts_data.owner_text(row["owner"], lang)}
            for row in frame.iter_rows(named=True)]


def standing_sections(stored: dict) -> None:
    parts = board.sections(stored["limits"])
    readable, unread = parts["ok"], parts["unread"]
    st.subheader(t("alerts_page.ok", lang))
    if readable.height:
        st.dataframe(table_rows(readable, True), hide_index=True, width="stretch")
    else:
        st.info(t("alerts_page.no_ok", lang))
    if unread.height:
        st.subheader(t("alerts_page.unread", lang))
        st.caption(t("alerts_page.unread_caption", lang))
        st.dataframe(table_rows(unread, False), hide_index=True, width="stretch")


def undelivered_section() -> None:
    """Messages a contact point has not received yet (kept and retried, never lost): one line, or none, when every
    message was delivered."""
    waiting = alerts_data.undelivered()
    if waiting.height == 0:
        st.caption(t("alerts_page.all_delivered", lang))
        return
    st.subheader(t("alerts_page.undelivered", lang))
    st.caption(t("alerts_page.undelivered_caption", lang))
    rows = [{head("contact"): row["contact"], head("limits"): ", ".join(name_of(limit) for limit in row["limits"]),
             head("queued_at"): alerts_data.when_text(row["created_at"]), head("attempts"): row["attempts"],
             head("next_attempt"): alerts_data.when_text(row["next_attempt_at"]),
             head("last_error"): row["last_error"] or t("alerts_page.not_tried", lang)}
            for row in waiting.iter_rows(named=True)]
    st.dataframe(rows, hide_index=True, width="stretch")


def history_section() -> None:
    st.subheader(t("alerts_page.history", lang))
    events = alerts_data.history()
    if events.height == 0:
        st.info(t("alerts_page.no_history", lang))
        return
    st.caption(t("alerts_page.history_caption", lang, rows=fmt.count(events.height)))
    rows = [{head("when"): alerts_data.when_text(row["happened_at"]),
             head("name"): name_of(row),
             head("change"): t("alerts_page.change", lang,
                                        from_state=alerts_data.state_text(row["from_state"], lang),
                                        to_state=alerts_data.state_text(row["to_state"], lang)),
             head("event_value"): val(row, "value"), head("level"): val(row, "level"),
             head("as_of"): str(row["as_of"]),
             head("silenced"): t("alerts_page.yes" if row["silenced"] else "alerts_page.no", lang),
             head("acknowledged"): row["acknowledged"] or fmt.NONE}
            for row in events.iter_rows(named=True)]
    st.dataframe(rows, hide_index=True, width="stretch", height=min(400, 38 + 35 * len(rows)))


def limit_fields(current: dict | None, choices: dict, key: str) -> dict:
    """The editor's widgets for one limit (None: a new one); the fields as typed, levels in stored units."""
    field = alerts_data.field_name
    metrics = list(catalog.METRICS)
    name = st.text_input(field("name", lang), value=name_of(current) if current else "", key=f"{key}_name",
                         max_chars=120)
    metric = st.selectbox(field("metric", lang), metrics, key=f"{key}_metric",
                          index=metrics.index(current["metric"]) if current else 0,
                          format_func=lambda m: alerts_data.metric_name(m, lang))
    segment_box, value_box = st.columns(2)
    options = [None, *segments.SEGMENTS]
    segment = segment_box.selectbox(field("segment", lang), options, key=f"{key}_segment",
                                    index=options.index(current["segment"]) if current else 0,
                                    format_func=lambda s: t("alerts_page.book", lang) if s is None
                                    else labels.segment(s, lang))
    segment_value = None
    if segment is not None:
        values = choices[segment]
        kept = current["segment_value"] if current and current["segment"] == segment else None
        segment_value = value_box.selectbox(field("segment_value", lang), values, key=f"{key}_value_{segment}",
                                            index=values.index(kept) if kept in values else 0,
                                            format_func=lambda v: labels.segment_value(segment, v, lang))
    direction = st.radio(field("direction", lang), schema.DIRECTIONS, horizontal=True, key=f"{key}_direction",
                         index=schema.DIRECTIONS.index(current["direction"] if current
                                                       else catalog.METRICS[metric].direction),
                         format_func=lambda d: t(f"alerts_page.dir.{d}", lang))
    amber_box, red_box, pending_box = st.columns(3)
    unit = alerts_data.unit(metric)
    levels = {}
    for box, level in ((amber_box, "amber"), (red_box, "red")):
        label = t("alerts_page.level_label", lang, field=field(level, lang), unit=t(f"alerts_page.unit.{unit}", lang))
        typed = box.number_input(label, value=alerts_data.to_input(metric, current[level]) if current else 0.0,
                                 step=0.1 if unit != "index" else 0.01, format="%.4g", key=f"{key}_{level}_{unit}",
                                 help=t(f"alerts_page.level_help.{unit}", lang))
        levels[level] = alerts_data.from_input(metric, typed)
    pending = pending_box.number_input(field("pending", lang), min_value=1, max_value=100, step=1,
                                       value=current["pending"] if current else 1, key=f"{key}_pending")
    owner = st.text_input(field("owner", lang), value=current["owner"] if current else "", key=f"{key}_owner",
                          max_chars=120)
    return {"name": name.strip(), "metric": metric, "segment": segment, "segment_value": segment_value,
            "direction": direction, **levels, "pending": int(pending), "owner": owner.strip()}


def versions_table(limit_id: int) -> None:
    rows = [{head("version"): v["version"],
             head("changed_at"): alerts_data.when_text(v["changed_at"]),
             head("changed_by"): v["changed_by"],
             head("changes"): alerts_data.change_lines(v, lang)}
            for v in reversed(alerts_data.versions(limit_id))]
    st.markdown(f"**{t('alerts_page.versions', lang)}**")
    st.dataframe(rows, hide_index=True, width="stretch")


def playbook_editor(limit: dict, plays: dict) -> None:
    """The limit's playbook: its steps (a starter playbook's in this language), the decision and its owner."""
    play = alerts_data.playbook_for(limit, plays) or {"steps": [], "decision": playbooks.DECISIONS[0],
                                                      "owner": limit["owner"]}
    key = f"alerts_playbook_{limit['limit_id']}"
    with st.expander(t("alerts_page.playbook_editor", lang)):
        steps = st.text_area(t("alerts_page.playbook_steps", lang), key=f"{key}_steps", height=140,
                             value="\n".join(playbooks.step_text(step, lang) for step in play["steps"]))
        decision_box, owner_box = st.columns(2)
        decision = decision_box.selectbox(t("alerts_page.playbook_decision", lang), playbooks.DECISIONS,
                                          index=playbooks.DECISIONS.index(play["decision"]), key=f"{key}_decision",
                                          format_func=lambda d: playbooks.decision_text(d, lang))
        owner = owner_box.text_input(t("alerts_page.playbook_owner", lang), value=play["owner"], key=f"{key}_owner",
                                     max_chars=120)
        if st.button(t("alerts_page.save_playbook", lang), key=f"{key}_save") \
                and auth.allowed("edit_limits", str(limit["limit_id"]), lang):
            _, error = alerts_data.set_playbook(limit["limit_id"], steps, owner, decision, lang)
            done(error, t("alerts_page.playbook_saved", lang, name=safe_text.escape(name_of(limit))))


def saved_text(after: dict) -> str:
    return t("alerts_page.saved", lang, name=safe_text.escape(name_of(after)), version=after["version"])


def editor_section() -> None:
    st.subheader(t("alerts_page.editor", lang))
    st.caption(t("alerts_page.editor_caption", lang))
    listing = alerts_data.limit_listing()
    limits = {row["limit_id"]: row for row in listing["limits"].iter_rows(named=True)}
    chosen = st.selectbox(t("alerts_page.choose_limit", lang), [None, *limits], key="alerts_edit_limit",
                          format_func=lambda i: t("alerts_page.new_limit", lang) if i is None
                          else name_of(limits[i]) if limits[i]["enabled"]
                          else t("alerts_page.disabled_mark", lang, name=name_of(limits[i])))
    current = limits.get(chosen)
    key = f"alerts_edit_{chosen or 'new'}"
    with st.container(border=True, key="alerts_editor"):
        fields = limit_fields(current, listing["segments"], key)
        save_box, toggle_box = st.columns([1, 1])
        if save_box.button(t("alerts_page.save", lang), type="primary", key=f"{key}_save") \
                and auth.allowed("edit_limits", fields["name"] or None, lang):
            if current is None:
                _, error = alerts_data.add_limit(fields, lang)
                done(error, t("alerts_page.added", lang, name=safe_text.escape(fields["name"])))
            else:
                if fields["name"] == name_of(current):  # the name as shown, left as it was: not a rename
                    fields["name"] = current["name"]
                changed = {f: v for f, v in fields.items() if v != current[f]}
                after, error = alerts_data.change_limit(chosen, changed, lang, fields["metric"])
                done(error, None if error else saved_text(after))
        if current is not None:
            enabled = current["enabled"]
            if toggle_box.button(t("alerts_page.disable" if enabled else "alerts_page.enable", lang),
                                 key=f"{key}_toggle") and auth.allowed("edit_limits", str(chosen), lang):
                after, error = alerts_data.change_limit(chosen, {"enabled": not enabled}, lang, current["metric"])
                done(error, None if error else saved_text(after))
    if current is not None:
        playbook_editor(current, listing["playbooks"])
        versions_table(chosen)


def drills_section() -> None:
    st.subheader(t("alerts_page.drills", lang))
    st.caption(t("alerts_page.drills_caption", lang))
    drills = alerts_data.drills()
    if drills:
        st.dataframe([{head("run_at"): alerts_data.when_text(d["run_at"]),
                       head("run_by"): d["run_by"],
                       head("as_of"): str(d["as_of"]), head("stress"): alerts_data.drill_stress(d),
                       head("breached"): t("alerts_page.breached_count", lang, limits=d["limits_breached"],
                                                    red=d["limits_red"])} for d in drills],
                     hide_index=True, width="stretch")
        by_id = {d["drill_id"]: d for d in drills}
        choose_box, download_box = st.columns([3, 2], vertical_alignment="bottom")
        drill_id = choose_box.selectbox(t("alerts_page.drill_choose", lang), list(by_id), key="alerts_drill",
                                        format_func=lambda i: t("alerts_page.drill_label", lang,
                                                                run_at=alerts_data.when_text(by_id[i]["run_at"]),
                                                                run_by=by_id[i]["run_by"],
                                                                stress=alerts_data.drill_stress(by_id[i])))
        download_box.download_button(t("alerts_page.drill_download", lang), data=alerts_data.drill_report(drill_id),
                                     file_name=f"drill-{by_id[drill_id]['as_of']}-{drill_id[:8]}.html",
                                     mime="text/html", icon=":material/download:", key="alerts_drill_download",
                                     on_click=auth.record, args=("export", "drill_report", {"drill_id": drill_id}))
    else:
        st.info(t("alerts_page.no_drills", lang))
    if may_drill:
        stress_box, run_box = st.columns([3, 2], vertical_alignment="bottom")
        stress = stress_box.selectbox(t("alerts_page.drill_stress", lang), ("severe", "mild"), key="alerts_stress",
                                      format_func=lambda s: t(f"alerts_page.stress.{s}", lang))
        if run_box.button(t("alerts_page.run_drill", lang), key="alerts_run_drill", icon=":material/play_arrow:") \
                and auth.allowed("run_drill", stress, lang):
            _, error = alerts_data.run_drill(as_of, stress, lang)
            done(error, t("alerts_page.drill_saved", lang))


stored = alerts_data.state_board()
header_section(stored)
breaches_section(stored)
standing_sections(stored)
undelivered_section()
history_section()
if may_edit:
    editor_section()
drills_section()
