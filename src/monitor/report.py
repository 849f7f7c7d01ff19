"""The executive report: the portfolio's health at an as-of date, as JSON for machines and as one
self-contained HTML file (charts inlined as SVG, nothing loaded from the internet) for an email.

Every figure comes from monitor.metrics, the same functions the pages call.
"""

from __future__ import annotations

import datetime as dt
import html
import json

import altair as alt
import duckdb
import polars as pl

from monitor import metrics, status
from monitor.i18n import label, t
from monitor.metrics._sql import last_month_end, months_before


def _money(value) -> float:
    return round(float(value), 2)


def roll_rate_block(con: duckdb.DuckDBPyConnection, as_of: dt.date) -> dict:
    """Roll rates from the month-end before the latest month-end on or before `as_of` to that month-end."""
    to_end = last_month_end(as_of)
    from_end = months_before(to_end, 1)
    rolls = metrics.roll_rates(con, from_end, to_end)
    block: dict = {"from": from_end.isoformat(), "to": to_end.isoformat(), "count": {}, "balance": {}}
    for measure in ("count", "balance"):
        for bucket in rolls["from_bucket"].unique().sort():
            rows = rolls.filter(pl.col("from_bucket") == bucket)
            rates = dict(zip(rows["to_state"], rows[f"{measure}_rate"], strict=True))
            block[measure][bucket] = {state: float(rates.get(state) or 0.0) for state in metrics.ROLL_TO_STATES}
    return block


def build_report(con: duckdb.DuckDBPyConnection, as_of: dt.date) -> dict:
    """The report's figures, keyed as the report JSON (issue: report command)."""
    status.pin_day(con, as_of)
    totals = metrics.day_totals(con, as_of)
    buckets = metrics.bucket_distribution(con, as_of)
    vintage = metrics.vintages(con, as_of)
    ecl = metrics.expected_credit_loss(con, as_of)
    return {
        "as_of": as_of.isoformat(),
        "active_loans": int(totals["loans"]),
        "principal_balance": _money(totals["balance"]),
        "dpd_rates": metrics.dpd_rates(con, as_of),
        "buckets": [{"bucket": r["bucket"], "loans": int(r["loans"]), "balance": _money(r["balance"])}
                    for r in buckets.iter_rows(named=True)],
        "roll_rates": roll_rate_block(con, as_of),
        "vintages": [{"cohort": r["cohort"], "mob": int(r["mob"]),
                      "ever_30_count": r["ever_30_count"], "ever_30_balance": r["ever_30_balance"],
                      "ever_90_count": r["ever_90_count"], "ever_90_balance": r["ever_90_balance"]}
                     for r in vintage.iter_rows(named=True)],
        "fpd30": metrics.payment_default(con, as_of, 30, 1)["rate"],
        "collection_entry_rate": metrics.collection_entry_rate(con, as_of),
        "net_charge_off_rate": metrics.net_charge_off_rate(con, as_of, as_of)["rate"],
        "ecl": {stage: _money(value) for stage, value in ecl["ecl"].items()},
    }


def to_json(report: dict) -> str:
    return json.dumps(report, ensure_ascii=False, indent=2)


# ---------------------------------------------------------------------------------------------- HTML

def _svg(chart: alt.Chart) -> str:
    import vl_convert

    return vl_convert.vegalite_to_svg(chart.to_dict())


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{value:.2%}"


def _trend_chart(con, as_of: dt.date, lang: str) -> alt.Chart:
    first = months_before(as_of, 13)
    series = metrics.dpd_rate_series(con, first, last_month_end(as_of)).filter(
        (pl.col("measure") == "balance") & pl.col("threshold").is_in(["30+", "90+"]))
    return (alt.Chart(series.to_pandas()).mark_line(point=True)
            .encode(x=alt.X("month_end:T", title=t("report.month_end", lang), axis=alt.Axis(format="%Y-%m")),
                    y=alt.Y("coincident:Q", title=t("report.rate_by_balance", lang), axis=alt.Axis(format="%")),
                    color=alt.Color("threshold:N", title=t("report.threshold", lang)))
            .properties(width=520, height=220, title=t("report.trend_title", lang)))


def _bucket_chart(buckets: list[dict], lang: str) -> alt.Chart:
    frame = pl.DataFrame(buckets).with_columns(balance_m=pl.col("balance") / 1e6)
    return (alt.Chart(frame.to_pandas()).mark_bar()
            .encode(x=alt.X("bucket:N", sort=list(status.BUCKETS), title=t("report.bucket", lang)),
                    y=alt.Y("balance_m:Q", title=t("report.balance_millions", lang)))
            .properties(width=520, height=220, title=t("report.bucket_title", lang)))


def _state_label(state: str, lang: str) -> str:
    return state if state in status.BUCKETS else label("status", state, lang)


def to_html(con: duckdb.DuckDBPyConnection, report: dict, lang: str = "zh") -> str:
    """One self-contained HTML page: KPI table, bucket and trend charts (inline SVG), roll rates."""
    as_of = dt.date.fromisoformat(report["as_of"])
    rates = report["dpd_rates"]
    kpis = [
        (t("report.active_loans", lang), f"{report['active_loans']:,}"),
        (t("report.principal_balance", lang), f"¥{report['principal_balance']:,.2f}"),
        *[(t("report.dpd_rate", lang, x=x), f"{_pct(rates[x]['balance'])} / {_pct(rates[x]['count'])}")
          for x in rates],
        (t("report.fpd30", lang), _pct(report["fpd30"])),
        (t("report.entry_rate", lang), _pct(report["collection_entry_rate"])),
        (t("report.nco", lang), _pct(report["net_charge_off_rate"])),
        *[(t(f"report.ecl_{stage}", lang), f"¥{value:,.2f}") for stage, value in report["ecl"].items()],
    ]
    rolls = report["roll_rates"]["balance"]
    roll_rows = "".join(
        f"<tr><th>{html.escape(src)}</th>" + "".join(f"<td>{_pct(rate)}</td>" for rate in dst.values()) + "</tr>"
        for src, dst in rolls.items())
    states = metrics.ROLL_TO_STATES
    kpi_rows = "".join(f"<tr><th>{html.escape(k)}</th><td>{html.escape(v)}</td></tr>" for k, v in kpis)
    return f"""<!DOCTYPE html>
<html lang="{'zh-CN' if lang == 'zh' else 'en'}"><head><meta charset="utf-8">
<title>{html.escape(t('report.title', lang))} {as_of}</title>
<style>
body {{ font-family: "Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei", Arial, sans-serif; margin: 24px;
       color: #1f2933; max-width: 1100px; }}
table {{ border-collapse: collapse; margin: 12px 0 24px; }}
th, td {{ border: 1px solid #d9e2ec; padding: 4px 10px; text-align: right; font-variant-numeric: tabular-nums; }}
th {{ background: #f0f4f8; text-align: left; }}
.charts {{ display: flex; flex-wrap: wrap; gap: 24px; }}
</style></head><body>
<h1>{html.escape(t('report.title', lang))}</h1>
<p>{html.escape(t('report.as_of', lang, as_of=as_of.isoformat()))}</p>
<h2>{html.escape(t('report.kpis', lang))}</h2>
<table>{kpi_rows}</table>
<div class="charts">{_svg(_bucket_chart(report['buckets'], lang))}{_svg(_trend_chart(con, as_of, lang))}</div>
<h2>{html.escape(t('report.roll_title', lang, start=report['roll_rates']['from'], end=report['roll_rates']['to']))}</h2>
<table><tr><th></th>{''.join(f'<th>{html.escape(_state_label(s, lang))}</th>' for s in states)}</tr>{roll_rows}</table>
<p>{html.escape(t('report.footer', lang))}</p>
</body></html>
"""
