"""Catalog entries (key, zh, en) of the executive report (python -m monitor report, the page's download).

The report's cards, trends, cohorts and movers say what the Executive summary page says, with its entries
(executive.*, kpi.*, chart.*); these are the report's own."""

ENTRIES: tuple[tuple[str, str, str], ...] = (
    ("report.title", "资产质量报告", "Portfolio health report"),
    ("report.as_of", "截至 {as_of} 日终", "As of the end of {as_of}"),
    ("report.compared", "环比对比 {month_ago} 日终，同比对比 {year_ago} 日终。",
     "Month-on-month against the end of {month_ago}, year-on-year against the end of {year_ago}."),
    ("report.kpis", "核心指标", "Key figures"),
    ("report.details", "更多指标", "More figures"),
    ("report.figure", "指标", "Figure"),
    ("report.value", "数值", "Value"),
    ("report.dpd_rate", "逾期{x}率（余额 / 笔数）", "DPD {x} rate (balance / count)"),
    ("report.fpd30", "首期逾期30天率（FPD30）", "First payment default 30 (FPD30)"),
    ("report.entry_rate", "当日入催率", "Collection entry rate (the day)"),
    ("report.entry_rate_mtd", "本月至今入催率", "Collection entry rate (month to date)"),
    ("report.ecl_stage1", "预期信用损失 · 阶段一", "Expected credit loss · stage 1"),
    ("report.ecl_stage2", "预期信用损失 · 阶段二", "Expected credit loss · stage 2"),
    ("report.ecl_stage3", "预期信用损失 · 阶段三", "Expected credit loss · stage 3"),
    ("report.bucket_title", "剩余本金按逾期阶段分布", "Principal balance by bucket"),
    ("report.bucket", "逾期阶段", "Bucket"),
    ("report.balance_millions", "剩余本金（百万元）", "Principal balance (¥ millions)"),
    ("report.cash_millions", "回款（百万元）", "Cash collected (¥ millions)"),
    ("report.roll_title", "迁移率（按余额）：{start} → {end}", "Roll rates by balance: {start} → {end}"),
    ("report.definitions", "口径说明", "Definitions"),
    ("report.definition_item", "{name}：{text}", "{name}: {text}"),
    ("report.definition_dpd",
     "逾期天数（DPD）：截至日日终，最早一期已过到期日仍未结清的分期距到期日的天数；逾期x+ 指逾期天数 ≥ x。"
     "还款先冲抵最早一期，期内先费用、利息，后本金。已核销贷款不计入在贷。",
     "Days past due (DPD): at the end of the day, the days since the due date of the earliest installment that "
     "is past due and still unsettled; x+ means DPD ≥ x. Payments settle the oldest installment first, fees and "
     "interest before principal. Charged-off loans are not active."),
    ("report.definition_entry",
     "入催率：当日到期的分期中，到期日日终仍未结清的比例；本月至今为本月1日至截至日到期的全部分期，各按其到期日日终判断。"
     "FPD30：首期到期满30天的新贷款中，首期到期30天后仍未结清的比例。",
     "Collection entry rate: of the installments falling due on the day, the share unsettled at the end of it; "
     "month to date, of those due from the 1st to the day, each judged at the end of its own due day. FPD30: of "
     "the new loans whose first installment fell due at least 30 days ago, the share with it unsettled 30 days on."),
    ("report.definition_roll",
     "迁移率：上月末处于某逾期阶段的贷款，本月末所处阶段（或已结清、核销、重组、协商结清）的余额占比。",
     "Roll rate: of the balance in a bucket at the previous month-end, the share in each bucket (or paid off, "
     "charged off, restructured, settled) at the month-end."),
    ("report.not_computable",
     "“–”表示该数字无法计算：对应日期没有在贷余额、没有到期的分期或没有可观察的贷款。",
     "A dash (–) marks a figure that cannot be computed: on that day there was no active balance, no installment due "
     "or no loan to observe."),
    ("report.money", "金额单位为元（¥），保留两位小数。", "Money is in yuan (¥) to the fen."),
)
