"""Catalog entries (key, zh, en) of the Executive summary page and its key figures (kpi.*), shared with the
executive report; see monitor.i18n for the key conventions."""

ENTRIES: tuple[tuple[str, str, str], ...] = (
    ("nav.executive", "管理层摘要", "Executive summary"),
    # executive summary
    ("executive.title", "管理层摘要", "Executive summary"),
    ("executive.caption", "{as_of} 日终资产质量一览；环比为一个月前同日，同比为一年前同日。",
     "Portfolio health at the end of {as_of}; month-on-month against the same day a month earlier, "
     "year-on-year a year earlier."),
    ("executive.mom", "环比", "MoM"),
    ("executive.yoy", "同比 {delta}", "YoY {delta}"),
    ("executive.trends", "近13个月趋势", "Trends over 13 months"),
    ("executive.balance_trend", "月末在贷余额", "Active balance at month-end"),
    ("executive.rate_trend", "逾期率（按余额，即期）", "Delinquency rates (by balance, coincident)"),
    ("executive.nco_trend", "年化净核销率（按月）", "Annualized net charge-off rate by month"),
    ("executive.cash_trend", "每月回款（按渠道）", "Cash collected by month and channel"),
    ("executive.no_trend", "还没有月末数据。", "There is no month-end yet."),
    ("executive.vintage", "新批次质量：近6个放款月份 vs 此前6个", "Recent cohorts: the last 6 against the 6 before"),
    ("executive.vintage_recent", "近6个批次 · MOB{mob} 曾逾期30+", "Last 6 cohorts · ever 30+ at MOB {mob}"),
    ("executive.vintage_earlier", "此前6个批次 · MOB{mob} 曾逾期30+", "6 before · ever 30+ at MOB {mob}"),
    ("executive.vintage_change", "差异（近6个 − 此前6个）", "Difference (last 6 − the 6 before)"),
    ("executive.vintage_change_help", "正值表示新批次在同一账龄时表现更差。",
     "Positive: the recent cohorts are worse at the same months on book."),
    ("executive.vintage_cohorts", "近6个批次：{recent}；此前6个批次：{earlier}。按放款本金加权。",
     "Last 6 cohorts: {recent}; the 6 before: {earlier}. Weighted by original principal."),
    ("executive.no_vintage", "还没有账龄满{mob}个月的批次可比较。", "No cohort has reached MOB {mob} yet."),
    ("executive.movers", "变动最大的分群", "Largest movers"),
    ("executive.mover_up", "{segment}「{value}」的30+逾期率较上月末上升{change}个百分点至{rate}",
     "{segment} “{value}”: the 30+ DPD rate rose {change} pp since the last month-end, to {rate}"),
    ("executive.mover_down", "{segment}「{value}」的30+逾期率较上月末下降{change}个百分点至{rate}",
     "{segment} “{value}”: the 30+ DPD rate fell {change} pp since the last month-end, to {rate}"),
    ("executive.mover_flat", "{segment}「{value}」的30+逾期率与上月末持平，为{rate}",
     "{segment} “{value}”: the 30+ DPD rate is unchanged since the last month-end, at {rate}"),
    ("executive.movers_caption", "按余额口径；余额占比不足2%的分群不计入。",
     "By balance; segments under 2% of the balance are left out."),
    ("executive.no_movers", "上月末没有可比较的分群。", "No segment can be compared with the last month-end."),
    ("executive.download", "下载报告（HTML）", "Download the report (HTML)"),
    ("executive.download_help", "{as_of} 的资产质量报告，单个 HTML 文件，可直接转发。",
     "The portfolio health report for {as_of}: one self-contained HTML file to forward."),
    ("executive.ecl_note",
     "预期信用损失（ECL）= PD × LGD × EAD，按 IFRS 9 分三阶段：阶段3 为逾期90天以上（PD = 1）；阶段2 为逾期31–90天、"
     "重组贷款或预警模型 PD 显著上升（≥ {sicr_pd}，且为该笔贷款首次评分的 {sicr_multiple} 倍以上），用剩余期限内的 PD；"
     "其余为阶段1，用12个月 PD。PD 以各逾期阶段过去12个月的实际违约率定水平，预警模型评分的贷款按模型 PD 在本阶段内分配"
     "（评分日 {score_day}，{scored} 笔）；LGD 取核销和协商结清贷款的实际回收（{lgd}）；EAD 为剩余本金。",
     "Expected credit loss = PD x LGD x EAD by IFRS 9 stage: stage 3 is DPD > 90 (PD = 1); stage 2 is DPD 31-90, "
     "a restructured loan, or a large rise in the early-warning PD (at least {sicr_pd} and {sicr_multiple} times the "
     "loan's first score), with the PD over the months left; stage 1 the rest, with a 12-month PD. Each bucket's "
     "observed 12-month default rate sets the PD level; the loans the early-warning model scored (on {score_day}: "
     "{scored}) share it in proportion to their model PD. LGD is observed on charge-offs and discounted settlements "
     "({lgd}); EAD is the principal balance."),
    ("executive.ecl_no_model", "无", "none"),
    ("executive.ecl_prior",
     "账簿尚短，部分逾期阶段的 PD 无法观测：取相邻阶段的观测值或设定的先验值（{buckets}）。",
     "The book is too young to observe the PD of some buckets: they take the nearest observed bucket or a stated prior "
     "({buckets})."),
    ("executive.lgd_prior", "尚无满12个月的违约样本，LGD 取设定的先验值 {lgd}。",
     "No default is 12 months old yet: LGD is the stated prior of {lgd}."),
    ("executive.nco_month_to_date", "年化净核销率（本月）", "Net charge-off (ann., MTD)"),
    ("executive.no_active", "{as_of} 日终没有在贷贷款，请选择其他截至日期。",
     "No loans were active at the end of {as_of}. Pick another as-of date."),
    # key figures (monitor.views.KPIS): the cards of the page and of the report
    ("kpi.active_balance", "在贷余额", "Active balance"),
    ("kpi.active_loans", "在贷笔数", "Active loans"),
    ("kpi.rate_30", "逾期30+率", "30+ DPD rate"),
    ("kpi.rate_90", "逾期90+率", "90+ DPD rate"),
    ("kpi.net_charge_off", "年化净核销率", "Net charge-off (ann.)"),
    ("kpi.ecl", "预期信用损失", "Expected credit loss"),
    ("kpi.cash_collected", "本月回款", "Cash collected (MTD)"),
    ("kpi.active_balance_help", "截至日日终在贷贷款的剩余本金。", "Principal balance of the loans active at day end."),
    ("kpi.active_loans_help", "截至日日终的在贷贷款笔数。", "Loans active at the end of the day."),
    ("kpi.rate_30_help", "逾期天数 ≥ 30 的在贷余额 / 全部在贷余额。",
     "Balance of active loans with DPD >= 30 / all active balance."),
    ("kpi.rate_90_help", "逾期天数 ≥ 90 的在贷余额 / 全部在贷余额。",
     "Balance of active loans with DPD >= 90 / all active balance."),
    ("kpi.net_charge_off_help",
     "当月（截至当日）核销本金减核销后回收，除以上月末与当日在贷余额的平均值，年化：× 12 × 当月天数 / 已过天数。",
     "This month so far: principal charged off less recoveries, over the mean active balance at the previous "
     "month-end and the day, annualized: x 12 x days in the month / days elapsed."),
    ("kpi.ecl_help", "按 IFRS 9 三阶段计算的预期信用损失合计。", "Expected credit loss over the three IFRS 9 stages."),
    ("kpi.cash_collected_help", "本月1日至截至日收到的全部还款（含催收、司法和核销后回收）。",
     "All money received from the 1st of the month to the as-of day (collections, legal and recoveries included)."),
    # where a bucket's PD comes from (monitor.metrics.credit_loss, monitor.notes.ecl_note)
    ("pd_source.observed", "观测值", "observed"),
    ("pd_source.nearest", "取相邻阶段", "nearest observed bucket"),
    ("pd_source.prior", "先验值", "stated prior"),
    ("pd_source.short_window", "观测期不足12个月，不低于先验值",
     "observed over less than 12 months, floored by the prior"),
)
