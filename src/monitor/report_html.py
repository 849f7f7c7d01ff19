"""The executive report as one self-contained HTML file to forward by email: the figures of monitor.report laid
out as the Executive summary page lays them out (KPI cards with month-on-month and year-on-year changes, the
trends, the cohort comparison, the largest movers), then the report's further figures and the definitions in
words. Charts are inline SVG (monitor.report_charts); nothing is loaded from the internet, no script runs.

Money is written in yuan to the fen; a figure that cannot be computed is "–", which the definitions explain.
"""

from __future__ import annotations

import datetime as dt
from html import escape

from monitor import metrics, notes, report_charts, status, views
from monitor.i18n import label, t

NONE = "–"
WRITTEN_AS_ZERO = {"rate": 0.00005, "money": 0.005, "count": 0.5}  # a smaller change reads 0.00 pp, ¥0.00, 0

STYLE = """
body { font-family: "Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei", Arial, sans-serif; margin: 24px;
       color: #1f2933; max-width: 1000px; }
h1 { margin-bottom: 4px; }
h2 { margin-top: 32px; border-bottom: 1px solid #d9e2ec; padding-bottom: 4px; }
.muted { color: #616e7c; font-size: 0.9em; }
.warning { color: #8a5a00; background: #fff4d6; padding: 0.5em 0.8em; }
.cards { display: grid; grid-template-columns: repeat(4, 1fr); gap: 12px; margin: 12px 0; }
.card { border: 1px solid #d9e2ec; border-radius: 8px; padding: 10px 12px; }
.card .name { font-size: 0.85em; color: #52606d; }
.card .value { font-size: 1.35em; font-weight: 600; margin: 4px 0; font-variant-numeric: tabular-nums; }
.card .change { font-size: 0.85em; font-variant-numeric: tabular-nums; }
.worse { color: #b23a3a; } .better { color: #2f7d4f; } .flat { color: #7b8794; }
.charts { display: grid; grid-template-columns: repeat(2, 1fr); gap: 16px; }
table { border-collapse: collapse; margin: 12px 0; }
th, td { border: 1px solid #d9e2ec; padding: 4px 10px; text-align: right; font-variant-numeric: tabular-nums; }
th { background: #f0f4f8; text-align: left; }
li { margin: 4px 0; }
"""


# ------------------------------------------------------------------------------------------------ numbers

def _pct(value: float | None) -> str:
    return NONE if value is None else f"{value:.2%}"


def _value(kind: str, value: float | None) -> str:
    if value is None:
        return NONE
    return {"money": f"¥{value:,.2f}", "count": f"{value:,.0f}", "rate": _pct(value)}[kind]


def _change(kind: str, change: float | None, lang: str) -> str:
    """A change of a KPI, signed unless it is written as zero: yuan, a count, or percentage points for a rate."""
    if change is None:
        return NONE
    sign = "" if abs(change) < WRITTEN_AS_ZERO[kind] else "+" if change > 0 else "-"
    if kind == "rate":
        return t("fmt.pp", lang, value=f"{sign}{abs(change) * 100:.2f}")
    return f"{sign}¥{abs(change):,.2f}" if kind == "money" else f"{sign}{abs(change):,.0f}"


def _tone(kind: str, change: float | None, rise_is_bad: bool) -> str:
    """worse / better / flat: the colour of a change, as the page colours its deltas."""
    if change is None or abs(change) < WRITTEN_AS_ZERO[kind]:
        return "flat"
    return "worse" if (change > 0) == rise_is_bad else "better"


# ------------------------------------------------------------------------------------------------ sections

def _cards(kpis: dict, month_to_date: bool, lang: str) -> str:
    rows = []
    for row in views.KPI_ROWS:
        cards = []
        for kpi in row:
            kind, rise_is_bad = views.KPIS[kpi]
            figures = kpis[kpi]
            mom = _change(kind, figures["mom"], lang)
            yoy = _change(kind, figures["yoy"], lang)
            cards.append(
                f'<div class="card" data-kpi="{kpi}"><div class="name">'
                f'{escape(notes.kpi_name(kpi, month_to_date, lang))}</div>'
                f'<div class="value">{escape(_value(kind, figures["now"]))}</div>'
                f'<div class="change {_tone(kind, figures["mom"], rise_is_bad)}">'
                f'{escape(t("executive.mom", lang))} {escape(mom)}</div>'
                f'<div class="change {_tone(kind, figures["yoy"], rise_is_bad)}">'
                f'{escape(t("executive.yoy", lang, delta=yoy))}</div></div>')
        rows.append(f'<div class="cards">{"".join(cards)}</div>')
    return "".join(rows)


def _trends(trends: dict, lang: str) -> str:
    if not trends["balance"]:
        return f"<p>{escape(t('executive.no_trend', lang))}</p>"
    charts = (report_charts.balance_trend_chart(trends["balance"], lang),
              report_charts.rate_trend_chart(trends["dpd_rates"], lang),
              report_charts.nco_chart(trends["net_charge_off"], lang),
              report_charts.cash_chart(trends["cash"], lang))
    return f'<div class="charts">{"".join(f"<div>{report_charts.svg(c)}</div>" for c in charts)}</div>'


def _vintage(comparison: dict, lang: str) -> str:
    mob = comparison["mob"]
    if comparison["recent"] is None or comparison["earlier"] is None:
        return f"<p>{escape(t('executive.no_vintage', lang, mob=mob))}</p>"
    difference = comparison["difference"]
    cards = [(t("executive.vintage_recent", lang, mob=mob), _pct(comparison["recent"]), ""),
             (t("executive.vintage_earlier", lang, mob=mob), _pct(comparison["earlier"]), ""),
             (t("executive.vintage_change", lang), _change("rate", difference, lang),
              _tone("rate", difference, rise_is_bad=True))]
    separator = t("fmt.list_separator", lang)
    return ('<div class="cards">' + "".join(
        f'<div class="card"><div class="name">{escape(name)}</div><div class="value {tone}">{escape(value)}</div>'
        f'</div>' for name, value, tone in cards) + "</div>"
        + f'<p class="muted">{escape(t("executive.vintage_change_help", lang))} '
        + escape(t("executive.vintage_cohorts", lang, recent=separator.join(comparison["recent_cohorts"]),
                   earlier=separator.join(comparison["earlier_cohorts"]))) + "</p>")


def _movers(movers: list[dict], lang: str) -> str:
    if not movers:
        return f"<p>{escape(t('executive.no_movers', lang))}</p>"
    lines = []
    for mover in movers:
        change = mover["change"]
        direction = "up" if change > 0 else "down" if change < 0 else "flat"
        lines.append(t(f"executive.mover_{direction}", lang, segment=label("segment", mover["segment"], lang),
                       value=notes.segment_value(mover["segment"], mover["value"], lang),
                       change=f"{abs(change) * 100:.2f}", rate=_pct(mover["rate"])))
    return ("<ul>" + "".join(f"<li>{escape(line)}</li>" for line in lines) + "</ul>"
            + f'<p class="muted">{escape(t("executive.movers_caption", lang))}</p>')


def _details(report: dict, lang: str) -> str:
    rates = report["dpd_rates"]
    figures = [
        *[(t("report.dpd_rate", lang, x=x), f"{_pct(rates[x]['balance'])} / {_pct(rates[x]['count'])}")
          for x in rates],
        (t("report.fpd30", lang), _pct(report["fpd30"])),
        (t("report.entry_rate", lang), _pct(report["collection_entry_rate"])),
        (t("report.entry_rate_mtd", lang), _pct(report["collection_entry_rate_mtd"])),
        *[(t(f"report.ecl_{stage}", lang), _value("money", value)) for stage, value in report["ecl"].items()],
    ]
    table = "".join(f"<tr><th>{escape(name)}</th><td>{escape(value)}</td></tr>" for name, value in figures)
    rolls = report["roll_rates"]
    states = "".join(f"<th>{escape(s if s in status.BUCKETS else label('status', s, lang))}</th>"
                     for s in metrics.ROLL_TO_STATES)
    roll_rows = "".join(
        f"<tr><th>{escape(source)}</th>" + "".join(f"<td>{_pct(rate)}</td>" for rate in targets.values()) + "</tr>"
        for source, targets in rolls["balance"].items())
    return (f"<table><tr><th>{escape(t('report.figure', lang))}</th><th>{escape(t('report.value', lang))}</th></tr>"
            f"{table}</table>"
            f"<div>{report_charts.svg(report_charts.bucket_chart(report['buckets'], lang))}</div>"
            f"<h3>{escape(t('report.roll_title', lang, start=rolls['from'], end=rolls['to']))}</h3>"
            f"<table><tr><th></th>{states}</tr>{roll_rows}</table>")


def _definitions(lang: str) -> str:
    items = [t("report.definition_item", lang, name=t(f"kpi.{kpi}", lang), text=t(f"kpi.{kpi}_help", lang))
             for kpi in views.KPIS]
    items += [t(key, lang) for key in ("report.definition_dpd", "report.definition_entry", "report.definition_roll",
                                       "report.not_computable", "report.money")]
    return '<ul class="muted">' + "".join(f"<li>{escape(item)}</li>" for item in items) + "</ul>"


def to_html(report: dict, lang: str = "zh") -> str:
    """One self-contained HTML page of the report's figures (monitor.report.build_report) in `lang`."""
    as_of = dt.date.fromisoformat(report["as_of"])
    compared = report["compared_with"]
    waiting = notes.derived_waiting(report["derived"], lang)
    head = (f"<h1>{escape(t('report.title', lang))}</h1>"
            f"<p>{escape(t('report.as_of', lang, as_of=as_of.isoformat()))} · "
            f"{escape(t('report.compared', lang, **compared))}</p>"
            + (f'<p class="warning">{escape(waiting)}</p>' if waiting else ""))
    if not report["kpis"]["active_loans"]["now"]:
        body = f"<p>{escape(t('executive.no_active', lang, as_of=as_of.isoformat()))}</p>"
    else:
        body = (f"<h2>{escape(t('report.kpis', lang))}</h2>{_cards(report['kpis'], report['nco_month_to_date'], lang)}"
                f'<p class="muted">{escape(notes.ecl_note(report["ecl_basis"], lang))}</p>'
                f"<h2>{escape(t('executive.trends', lang))}</h2>{_trends(report['trends'], lang)}"
                f"<h2>{escape(t('executive.vintage', lang))}</h2>{_vintage(report['vintage_comparison'], lang)}"
                f"<h2>{escape(t('executive.movers', lang))}</h2>{_movers(report['movers'], lang)}"
                f"<h2>{escape(t('report.details', lang))}</h2>{_details(report, lang)}")
    return f"""<!DOCTYPE html>
<html lang="{'zh-CN' if lang == 'zh' else 'en'}"><head><meta charset="utf-8">
<title>{escape(t('report.title', lang))} {as_of}</title>
<style>{STYLE}</style></head><body>
{head}
{body}
<h2>{escape(t('report.definitions', lang))}</h2>
{_definitions(lang)}
</body></html>
"""
