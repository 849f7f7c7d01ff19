"""A drill's findings (monitor.alerts.drill.run_drill) as one self-contained HTML page in zh or en, in the house
style of the executive report (monitor.report_html's STYLE): the scenario, a summary line, each limit with the first
month it reaches amber and red, the breaches month by month, the projected metrics beside the baseline, the
collections workload against capacity, the cash shortfall, the playbooks of the limits that breach and the
assumptions. Nothing is loaded from the internet, no script runs.
"""

from __future__ import annotations

from html import escape

from monitor.alerts import names, playbooks
from monitor.alerts.drill import PROJECTED
from monitor.i18n import t
from monitor.report_html import NONE, STYLE

EXTRA_STYLE = """
.red { color: #b23a3a; font-weight: 600; } .amber { color: #8a5a00; font-weight: 600; }
td.text, th.text { text-align: left; }
"""


def _pct(value: float | None) -> str:
    return NONE if value is None else f"{value:.2%}"


def _money(value: float | None) -> str:
    return NONE if value is None else f"¥{value:,.2f}"


def _count(value: float | None) -> str:
    return NONE if value is None else f"{value:,.0f}"


def _metric(metric: str, lang: str) -> str:
    return t(f"drill.metric.{metric}", lang) if metric in PROJECTED else metric


def _level_value(metric: str, value: float) -> str:
    """A limit's level or value: a share as a percentage for the projected rates, else as written."""
    return _pct(value) if metric in PROJECTED else f"{value:g}"


def _table(headers: list[str], body: list[list[str]], text_columns: int = 1) -> str:
    head = "".join(f'<th class="text">{escape(h)}</th>' if i < text_columns else f"<th>{escape(h)}</th>"
                   for i, h in enumerate(headers))
    lines = "".join("<tr>" + "".join(f'<td class="text">{c}</td>' if i < text_columns else f"<td>{c}</td>"
                                     for i, c in enumerate(row)) + "</tr>" for row in body)
    return f"<table><tr>{head}</tr>{lines}</table>"


def scenario_lines(findings: dict, lang: str) -> list[str]:
    """The shocks of the drill in words."""
    scenario, lines = findings["scenario"], []
    if scenario["stress"] != 1:
        lines.append(t("drill.shock.stress", lang, factor=f"{scenario['stress']:g}"))
    lines += [t("drill.shock.channel", lang, channel=channel, factor=f"{factor:g}")
              for channel, factor in scenario["channel_shocks"].items()]
    if scenario["capacity_cut"]:
        lines.append(t("drill.shock.capacity", lang, share=f"{scenario['capacity_cut']:.0%}"))
    lines += [t("drill.shock.outage", lang, channel=o["channel"], days=o["days"], missed=_pct(o["missed"]),
                share=_pct(o["share"])) for o in findings["outages"]]
    return lines or [t("drill.shock.none", lang)]


def _summary(findings: dict, lang: str) -> str:
    limits = {b["limit_id"] for b in findings["breaches"]}
    red = {b["limit_id"] for b in findings["breaches"] if b["level"] == "red"}
    over = ", ".join(str(m) for m in findings["workload_over"]) or t("drill.none", lang)
    return t("drill.summary", lang, limits=len(limits), red=len(red), cash=_money(findings["cash_shortfall"]),
             over=over)


def _reached(first: dict | None, metric: str, lang: str) -> str:
    if first is None:
        return escape(t("drill.never", lang))
    return escape(t("drill.reached", lang, month=first["month"], month_end=first["month_end"],
                    value=_level_value(metric, first["value"])))


def _limits(findings: dict, lang: str) -> str:
    body = []
    for limit in findings["limits"]:
        levels = f"{_level_value(limit['metric'], limit['amber'])} / {_level_value(limit['metric'], limit['red'])}"
        if limit["projected"]:
            cells = [_reached(limit["first_amber"], limit["metric"], lang),
                     _reached(limit["first_red"], limit["metric"], lang)]
        else:
            cells = [escape(t(f"drill.not_projected.{limit['reason']}", lang)), ""]
        scope = "" if limit["segment"] is None else f" ({limit['segment']}={limit['segment_value']})"
        name = names.shown(limit["name"], limit.get("name_key"), lang)  # a drill saved before name_key: as stored
        body.append([escape(name + scope), escape(_metric(limit["metric"], lang)), escape(levels), *cells])
    headers = [t(f"drill.col.{c}", lang) for c in ("limit", "metric", "levels", "first_amber", "first_red")]
    return _table(headers, body, text_columns=5)


def _breaches(findings: dict, lang: str) -> str:
    note = ""
    if findings["baseline_breaches"]:
        count = len(findings["baseline_breaches"])
        note = f'<p class="warning">{escape(t("drill.baseline_breach", lang, count=count))}</p>'
    if not findings["breaches"]:
        return note + f"<p>{escape(t('drill.no_breach', lang))}</p>"
    body = [[escape(b["month_end"]), escape(names.shown(b["name"], b.get("name_key"), lang)),
             escape(_metric(b["metric"], lang)), _level(b["level"], lang),
             _pct(b["value"]), _pct(b["threshold"])] for b in findings["breaches"]]
    headers = [t(f"drill.col.{c}", lang) for c in ("month", "limit", "metric", "level", "value", "threshold")]
    return note + _table(headers, body, text_columns=4)


def _level(level: str, lang: str) -> str:
    return f'<span class="{level}">{escape(t(f"drill.level.{level}", lang))}</span>'


def _metrics(findings: dict, lang: str) -> str:
    body = [[escape(m["month_end"]), *(f"{_pct(m['metrics'][x])} / {_pct(m['baseline'][x])}" for x in PROJECTED)]
            for m in findings["monthly"]]
    return _table([t("drill.col.month", lang), *(_metric(x, lang) for x in PROJECTED)], body)


def _workload(findings: dict, lang: str) -> str:
    body = [[escape(m["month_end"]), _count(m["workload"]["accounts"]), _count(m["workload"]["capacity"]),
             escape(t("drill.yes" if m["workload"]["over"] else "drill.no", lang))] for m in findings["monthly"]]
    headers = [t(f"drill.col.{c}", lang) for c in ("month", "accounts", "capacity", "over")]
    return _table(headers, body) + f'<p class="muted">{escape(t("drill.workload_help", lang))}</p>'


def _cash(findings: dict, lang: str) -> str:
    body = [[escape(m["month_end"]), _money(m["cash"]["baseline"]), _money(m["cash"]["drill"]),
             _money(m["cash"]["shortfall"])] for m in findings["monthly"]]
    body.append(["", "", "", f"<b>{_money(findings['cash_shortfall'])}</b>"])
    headers = [t(f"drill.col.{c}", lang) for c in ("month", "baseline_cash", "drill_cash", "shortfall")]
    return _table(headers, body)


def _playbooks(findings: dict, lang: str) -> str:
    if not findings["playbooks"]:
        return f"<p>{escape(t('drill.no_playbook', lang))}</p>"
    called = {limit["limit_id"]: names.shown(limit["name"], limit.get("name_key"), lang)
              for limit in findings["limits"]}
    parts = []
    for play in findings["playbooks"]:
        title = t("drill.playbook_for", lang, name=called[play["limit_id"]], owner=names.owner(play["owner"], lang),
                  decision=playbooks.decision_text(play["decision"], lang))
        steps = "".join(f"<li>{escape(playbooks.step_text(step, lang))}</li>" for step in play["steps"])
        parts.append(f"<h3>{escape(title)}</h3><ol>{steps}</ol>")
    return "".join(parts)


def to_html(findings: dict, lang: str = "zh", run_at: str | None = None, run_by: str | None = None) -> str:
    """One self-contained HTML page of a drill's findings in `lang` (with who ran it and when, for a saved drill)."""
    title = t("drill.title", lang)
    run = f"<p class=\"muted\">{escape(t('drill.run', lang, run_at=run_at, run_by=run_by))}</p>" if run_at else ""
    assumptions = "".join(f"<li>{escape(t(f'drill.assumption.{a}', lang))}</li>"
                          for a in ("static", "buckets", "pending"))
    return f"""<!DOCTYPE html>
<html lang="{'zh-CN' if lang == 'zh' else 'en'}"><head><meta charset="utf-8">
<title>{escape(title)} {escape(findings['as_of'])}</title>
<style>{STYLE}{EXTRA_STYLE}</style></head><body>
<h1>{escape(title)}</h1>
<p>{escape(t('drill.as_of', lang, as_of=findings['as_of'], months=findings['months'],
             first=findings['first_month_end']))}</p>
{run}
<h2>{escape(t('drill.scenario', lang))}</h2>
<ul>{''.join(f'<li>{escape(line)}</li>' for line in scenario_lines(findings, lang))}</ul>
<p><b>{escape(_summary(findings, lang))}</b></p>
<h2>{escape(t('drill.limits', lang))}</h2>
{_limits(findings, lang)}
<h2>{escape(t('drill.breaches', lang))}</h2>
{_breaches(findings, lang)}
<h2>{escape(t('drill.playbooks', lang))}</h2>
{_playbooks(findings, lang)}
<h2>{escape(t('drill.metrics', lang))}</h2>
{_metrics(findings, lang)}
<h2>{escape(t('drill.workload', lang))}</h2>
{_workload(findings, lang)}
<h2>{escape(t('drill.cash', lang))}</h2>
{_cash(findings, lang)}
<h2>{escape(t('drill.assumptions', lang))}</h2>
<ul class="muted">{assumptions}</ul>
</body></html>
"""
