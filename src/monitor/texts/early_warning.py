"""Catalog entries (key, zh, en) for early warning text; see monitor.i18n for the key conventions.

The labels of the model's values (tier.*, tier_help.*, treatment.*, treatment_help.*, reason.*) live in
monitor.texts.scoring; those of products and channels in monitor.texts.stored_values, of provinces in
monitor.texts.segments and the shared column headings (col.*) in monitor.texts.tables."""

ENTRIES: tuple[tuple[str, str, str], ...] = (
    ("nav.early_warning", "预警名单", "Early warning"),
    ("early_warning.title", "早期预警名单", "Early-warning list"),
    ("early_warning.caption",
     "当前正常或轻度逾期（逾期天数 < 30）的在贷贷款，按模型预测的违约概率从高到低排列，附主要风险原因和建议处置方式。",
     "Active loans that are current or in early arrears (DPD < 30), riskiest first by the model's PD, with the "
     "main reasons for the score and the recommended treatment."),
    # no list
    ("early_warning.no_scores",
     "还没有预警评分：请先训练模型并为贷款评分（命令行运行 `python -m monitor train`，再运行 "
     "`python -m monitor score`），或在「模型监控」页面点击重新训练。",
     "There are no early-warning scores yet. Train a model and score the book (`python -m monitor train`, then "
     "`python -m monitor score` on the command line), or use the retrain button of the Model monitoring page."),
    ("early_warning.before_first",
     "{as_of} 之前没有评分，最早的评分日为 {first}。请选择更晚的截至日期，或为该日评分（`python -m monitor score`）。",
     "No loans were scored on or before {as_of}; the first scored day is {first}. Pick a later as-of date, or "
     "score that day (`python -m monitor score`)."),
    ("early_warning.scored_day", "名单为 {day} 日终的评分结果（{as_of} 及之前最近一次评分）。",
     "The list is from the scores of {day}, the latest scored day on or before {as_of}."),
    # explanations
    ("early_warning.pd_help", "违约概率（PD）怎么读", "What PD means"),
    ("early_warning.pd_text",
     "PD 是模型估计的该贷款在未来 3 个月内任一月末逾期 30 天及以上（或被核销）的概率，例如 12% 表示 100 笔"
     "类似贷款中约 12 笔会进入逾期 30+。风险等级按 PD 划分：",
     "PD is the model's probability that the loan is 30+ days past due (or charged off) at some month-end within "
     "the next 3 months: 12% means about 12 in 100 such loans go 30+. The risk tier follows from PD:"),
    ("early_warning.rule", "**{name}**：{text}", "**{name}**: {text}"),
    ("early_warning.treatment_rule", "建议处置规则", "How the treatment is chosen"),
    ("early_warning.treatment_text",
     "依据风险等级、逾期天数、本金余额和负担能力（月供占月收入比例），从最强的处置开始，取第一条符合的规则：",
     "From the risk tier, DPD, principal balance and affordability (the installment against monthly income), the "
     "first rule that matches, from the strongest action down:"),
    # filters
    ("early_warning.filter_tier", "风险等级", "Risk tier"),
    ("early_warning.filter_bucket", "逾期阶段", "Bucket"),
    ("early_warning.filter_product", "产品", "Product"),
    ("early_warning.filter_province", "省份", "Province"),
    ("early_warning.filter_treatment", "建议处置", "Treatment"),
    ("early_warning.filter_all", "全部", "All"),
    # counters and chart
    ("early_warning.loans", "名单贷款笔数", "Loans in the list"),
    ("early_warning.loans_help", "符合筛选条件的全部贷款。", "Every loan that passes the filters."),
    ("early_warning.balance", "本金余额", "Principal balance"),
    ("early_warning.balance_help", "符合筛选条件的贷款在评分日的剩余本金合计。",
     "The principal balance of those loans on the scored day."),
    ("early_warning.chart_title", "各风险等级的建议处置（笔数）", "Treatments by risk tier (loans)"),
    ("early_warning.chart_tier", "风险等级", "Risk tier"),
    ("early_warning.chart_treatment", "建议处置", "Treatment"),
    ("early_warning.chart_loans", "贷款笔数", "Loans"),
    ("early_warning.chart_balance", "本金余额（元）", "Principal balance (¥)"),
    # the list
    ("early_warning.list", "预警名单", "The list"),
    ("early_warning.shown",
     "共 {total} 笔贷款符合条件，显示违约概率最高的 {shown} 笔。点击一行可打开该贷款的账户视图。",
     "{total} loans match; the {shown} with the highest PD are shown. Click a row to open the loan's account view."),
    ("early_warning.shown_all", "共 {total} 笔贷款符合条件。点击一行可打开该贷款的账户视图。",
     "{total} loans match. Click a row to open the loan's account view."),
    ("early_warning.empty", "没有贷款符合所选条件，请放宽筛选。", "No loan matches these filters. Widen them."),
    ("early_warning.masked", "客户姓名、手机号和身份证号已脱敏，导出文件同样脱敏。",
     "Customer names, phone and ID numbers are masked, in the export too."),
    ("early_warning.download", "导出名单（CSV）", "Export the list (CSV)"),
    ("early_warning.download_help", "符合筛选条件的全部 {total} 笔贷款（不限于显示的行），个人信息已脱敏。",
     "All {total} loans that pass the filters (not only the rows shown), personal data masked."),
    # column headings of the list and the export
    ("early_warning.col_phone", "手机号（已脱敏）", "Phone (masked)"),
    ("early_warning.col_id_number", "身份证号（已脱敏）", "ID number (masked)"),
    ("early_warning.col_pd", "违约概率", "PD"),
    ("early_warning.col_pd_help", "未来3个月内逾期30+或核销的概率",
     "Probability of 30+ DPD or charge-off within 3 months"),
    ("early_warning.col_pd_percent", "违约概率（%）", "PD (%)"),
    ("early_warning.col_points", "评分", "Score"),
    ("early_warning.col_tier", "风险等级", "Risk tier"),
    ("early_warning.col_treatment", "建议处置", "Treatment"),
    ("early_warning.col_reasons", "主要风险原因", "Main reasons"),
    ("early_warning.col_reason_1", "风险原因1", "Reason 1"),
    ("early_warning.col_reason_2", "风险原因2", "Reason 2"),
    ("early_warning.col_reason_3", "风险原因3", "Reason 3"),
    ("early_warning.col_balance_yuan", "剩余本金（元）", "Principal balance (¥)"),
)
