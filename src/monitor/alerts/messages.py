"""The message one contact point receives for one evaluation's state changes, in the format of its kind.

One message lists every change of the group (limit name, from -> to state, value against level, as of), in the
book's language (settings key `language`, zh or en) when it has one, else in Chinese with the English below. Each
carries its delivery's id, so that a receiver can drop a repeat (monitor.alerts.notify says when one can happen):
a field of the plain JSON, a footer line of the robots' markdown, the e-mail's Message-ID.

The robots' formats, as their documentation gives them:
- WeCom (企业微信) group robot, https://developer.work.weixin.qq.com/document/path/91770 ("群机器人配置说明"):
  POST {"msgtype": "markdown", "markdown": {"content": "..."}} to the robot's webhook URL, content UTF-8 of at most
  4096 bytes (a long group is cut to the changes that fit, and says how many more there are); it answers
  {"errcode": 0, "errmsg": "ok"}, any other errcode a refusal. At most 20 messages a minute per robot: grouping
  keeps a night's evaluation to one message.
- DingTalk (钉钉) custom group robot, https://open.dingtalk.com/document/orgapp/custom-robot-access ("自定义机器人
  接入"): POST {"msgtype": "markdown", "markdown": {"title": "...", "text": "..."}}; errcode 0 is accepted, any other
  (310000: a keyword, signature or IP rule of the robot not met) refused. A robot secured by keyword should use one
  every title holds: 风险限额.
"""

from __future__ import annotations

import json
from collections.abc import Callable

from monitor.alerts import names
from monitor.i18n import LANGUAGES, plural, t

WECOM_MAX_BYTES = 4096


def languages(setting: str | None) -> tuple[str, ...]:
    """The book's language when its setting names one, else Chinese then English."""
    return (setting,) if setting in LANGUAGES else ("zh", "en")


def _value(value: float | None, unit: str | None, lang: str) -> str:
    if value is None:
        return t("notify.no_value", lang)
    if unit == "rate":
        return f"{value * 100:.2f}%"
    if unit == "hours":
        return t("notify.hours", lang, value=f"{value:.1f}")
    if unit in ("per_1000", "per_10000"):
        return t(f"notify.{unit}", lang, value=f"{value:,.1f}")
    return f"{value:.4f}" if unit == "index" else f"{value:.4g}"


def line(event: dict, lang: str) -> str:
    """One change: limit name (a starter limit's in `lang`), from -> to, value against level, as of."""
    return t("notify.line", lang, name=names.shown(event["limit"], event.get("name_key"), lang),
             from_state=t(f"notify.state.{event['from_state']}", lang),
             to_state=t(f"notify.state.{event['to_state']}", lang),
             value=_value(event["value"], event["unit"], lang), level=_value(event["level"], event["unit"], lang),
             as_of=event["as_of"])


def title(events: list[dict], langs: tuple[str, ...]) -> str:
    return " / ".join(plural("notify.title", lang, len(events), n=len(events)) for lang in langs)


def _block(events: list[dict], total: int, lang: str, heading: str, item: str) -> list[str]:
    lines = [heading + plural("notify.title", lang, total, n=total)]
    lines += [item + line(event, lang) for event in events]
    if total > len(events):
        lines.append(item + t("notify.more", lang, n=total - len(events)))
    return lines


def _text(events: list[dict], total: int, langs: tuple[str, ...], delivery_id: str, heading: str = "",
          item: str = "- ") -> str:
    blocks = ["\n".join(_block(events, total, lang, heading, item)) for lang in langs]
    footer = "\n".join(t("notify.footer", lang, delivery_id=delivery_id) for lang in langs)
    return "\n\n".join([*blocks, footer])


def plain_text(events: list[dict], langs: tuple[str, ...], delivery_id: str) -> str:
    """The message as plain text (e-mail, and the plain JSON's `text`)."""
    return _text(events, len(events), langs, delivery_id)


def _fitting(render: Callable[[list[dict]], str], events: list[dict], max_bytes: int) -> str:
    """render(the first k events) for the largest k whose text fits in max_bytes (UTF-8)."""
    for k in range(len(events), 0, -1):
        text = render(events[:k])
        if len(text.encode()) <= max_bytes:
            return text
    return render([])


def payload(kind: str, delivery_id: str, events: list[dict], langs: tuple[str, ...]) -> dict:
    """What the delivery sends: {"kind", "delivery_id"} and, for a webhook, "body" (the JSON posted); for e-mail,
    "subject" and "text"."""
    head = {"kind": kind, "delivery_id": delivery_id}
    total = len(events)
    if kind == "email":
        return {**head, "subject": title(events, langs), "text": plain_text(events, langs, delivery_id)}
    if kind == "wecom":
        content = _fitting(lambda shown: _text(shown, total, langs, delivery_id, "### ", "> "), events,
                           WECOM_MAX_BYTES)
        return {**head, "body": {"msgtype": "markdown", "markdown": {"content": content}}}
    if kind == "dingtalk":
        text = _text(events, total, langs, delivery_id, "### ", "- ")
        return {**head, "body": {"msgtype": "markdown", "markdown": {"title": title(events, langs), "text": text}}}
    fields = ("event_id", "limit_id", "limit", "metric", "segment", "segment_value", "from_state", "to_state",
              "value", "level", "as_of", "happened_at")
    body = {"delivery_id": delivery_id, "title": title(events, langs),
            "events": [{field: _plain(event[field]) for field in fields} for event in events],
            "text": plain_text(events, langs, delivery_id)}
    return {**head, "body": body}


def _plain(value):
    """A JSON value: dates and times as ISO text."""
    return value.isoformat() if hasattr(value, "isoformat") else value


def dumps(document: dict) -> str:
    return json.dumps(document, ensure_ascii=False)
