"""Every string the dashboard shows, in Simplified Chinese and English: one catalog, one lookup.

Keys are dotted: `<page>.<what>` for page text, `nav.<page>` for navigation labels, and
`<kind>.<value>` for labels of values stored in the database (`table.loans`, `col.principal_balance`,
`status.charged_off`, ...), so that no raw table, column or code value reaches a user.
Page files follow a convention the tests check: `pages/<name>.py` has `nav.<name>` and `<name>.title`.
"""

from __future__ import annotations

LANGUAGES = ("zh", "en")
LANGUAGE_NAMES = {"zh": "中文", "en": "English"}

# (key, zh, en)
_ENTRIES = (
    # app shell
    ("app.title", "逾期监控", "Delinquency monitor"),
    ("sidebar.language", "语言 / Language", "语言 / Language"),
    ("sidebar.as_of", "截至日期", "As of"),
    ("sidebar.as_of_help", "各页面均按所选日期日终的贷款状态计算。",
     "Every page shows the book as it stood at the end of this day."),
    ("error.database", "无法读取数据库：{message}", "Cannot read the database: {message}"),
    ("error.no_data", "数据库中还没有贷款数据，请先导入或生成数据。",
     "The database holds no loans yet. Load or generate a book first."),
    # navigation
    ("nav.data", "数据", "Data"),
    # data page
    ("data.title", "数据", "Data"),
    ("data.caption", "数据库中各表的规模、时效和口径设置。",
     "What the database holds, how fresh it is and the policy settings behind the numbers."),
    ("data.latest", "最新数据日期", "Latest data date"),
    ("data.latest_help", "放款、还款和催收记录中最晚的日期。",
     "The newest day in loans, payments and collection actions."),
    ("data.age", "距今天数", "Days since latest data"),
    ("data.age_help", "按数据库时区（{timezone}）的今天计算。",
     "Counted to today in the book's time zone ({timezone})."),
    ("data.derived_as_of", "派生表截至", "Derived tables as of"),
    ("data.derived_help", "月末快照等派生表计算到的日期。",
     "The day the derived tables (month-end snapshots) were built up to."),
    ("data.not_built", "未生成", "Not built"),
    ("data.derived_stale",
     "派生表（截至 {derived}）早于最新数据（{latest}），月末指标可能不完整。请重新运行 derive。",
     "The derived tables (as of {derived}) are older than the latest data ({latest}); "
     "month-end figures may be incomplete. Run derive again."),
    ("data.schema_version", "数据库结构版本", "Schema version"),
    ("data.policy", "核销政策", "Charge-off policy"),
    ("data.policy_value", "逾期 {dpd} 天", "DPD {dpd}"),
    ("data.policy_help", "逾期 {dpd} 天当日核销。设置表中的说明：{description}",
     "Charged off at DPD {dpd}: on the day a loan reaches it. From the settings table: {description}"),
    ("data.tables", "数据表", "Tables"),
    ("data.buckets", "{as_of} 日终逾期阶段分布", "Loans by bucket at the end of {as_of}"),
    ("data.no_active", "{as_of} 日终没有在贷贷款，请选择其他截至日期。",
     "No loans were active at the end of {as_of}. Pick another as-of date."),
    # table of tables
    ("summary.table", "数据表", "Table"),
    ("summary.kind", "类别", "Kind"),
    ("summary.rows", "行数", "Rows"),
    ("summary.date_column", "日期字段", "Date column"),
    ("summary.first_date", "最早日期", "First date"),
    ("summary.last_date", "最晚日期", "Last date"),
    ("kind.source", "源数据", "Source"),
    ("kind.derived", "派生", "Derived"),
    ("kind.synthetic", "模拟真值", "Synthetic truth"),
    # charts
    ("chart.bucket", "逾期阶段", "Bucket"),
    ("chart.loans", "贷款笔数", "Loans"),
    ("chart.balance", "剩余本金", "Principal balance"),
    ("chart.balance_yuan", "剩余本金（元）", "Principal balance (¥)"),
    ("chart.loan_share", "笔数占比", "Share of loans"),
    ("chart.balance_share", "余额占比", "Share of balance"),
    # tables
    ("table.customers", "客户", "Customers"),
    ("table.loans", "贷款", "Loans"),
    ("table.installments", "还款计划", "Installments"),
    ("table.payments", "还款流水", "Payments"),
    ("table.collection_actions", "催收记录", "Collection actions"),
    ("table.restructurings", "重组记录", "Restructurings"),
    ("table.installment_settlement", "分期结清", "Installment settlement"),
    ("table.loan_month", "月末贷款快照", "Month-end loan snapshots"),
    ("table.loan_segment", "贷款分群", "Loan segments"),
    ("table.synthetic_truth", "模拟真值", "Synthetic truth"),
    # columns
    ("col.customer_id", "客户编号", "Customer ID"),
    ("col.name", "姓名", "Name"),
    ("col.phone", "手机号", "Phone"),
    ("col.id_number", "身份证号", "ID number"),
    ("col.birth_year", "出生年份", "Birth year"),
    ("col.monthly_income", "月收入", "Monthly income"),
    ("col.employment_type", "职业类型", "Employment"),
    ("col.province", "省份", "Province"),
    ("col.city_tier", "城市等级", "City tier"),
    ("col.bureau_score", "征信评分", "Bureau score"),
    ("col.created_at", "注册时间", "Created at"),
    ("col.loan_id", "贷款编号", "Loan ID"),
    ("col.product", "产品", "Product"),
    ("col.channel", "渠道", "Channel"),
    ("col.origination_date", "放款日期", "Origination date"),
    ("col.principal", "放款本金", "Principal"),
    ("col.annual_rate", "年化利率", "APR"),
    ("col.term_months", "期数（月）", "Term (months)"),
    ("col.repayment_method", "还款方式", "Repayment method"),
    ("col.application_score", "申请评分", "Application score"),
    ("col.status", "状态", "Status"),
    ("col.closed_date", "结束日期", "Closed date"),
    ("col.charge_off_date", "核销日期", "Charge-off date"),
    ("col.parent_loan_id", "原贷款编号", "Parent loan ID"),
    ("col.installment_no", "期次", "Installment"),
    ("col.due_date", "应还日期", "Due date"),
    ("col.principal_due", "应还本金", "Principal due"),
    ("col.interest_due", "应还利息", "Interest due"),
    ("col.fee_due", "应还费用", "Fees due"),
    ("col.amount_due", "应还金额", "Amount due"),
    ("col.cum_due", "累计应还", "Cumulative due"),
    ("col.settled_on", "结清日期", "Settled on"),
    ("col.payment_id", "还款编号", "Payment ID"),
    ("col.paid_at", "还款时间", "Paid at"),
    ("col.amount", "金额", "Amount"),
    ("col.action_id", "催收编号", "Action ID"),
    ("col.action_at", "催收时间", "Action time"),
    ("col.action_type", "催收方式", "Action type"),
    ("col.agent_id", "催收员", "Agent"),
    ("col.contact_party", "联系对象", "Contact party"),
    ("col.outcome", "催收结果", "Outcome"),
    ("col.ptp_amount", "承诺还款金额", "Promised amount"),
    ("col.ptp_date", "承诺还款日期", "Promised date"),
    ("col.restructuring_id", "重组编号", "Restructuring ID"),
    ("col.old_loan_id", "原贷款编号", "Old loan ID"),
    ("col.new_loan_id", "新贷款编号", "New loan ID"),
    ("col.restructured_on", "重组日期", "Restructured on"),
    ("col.kind", "重组方式", "Kind"),
    ("col.arrears_capitalized", "资本化欠款", "Arrears capitalized"),
    ("col.approved_by", "审批人", "Approved by"),
    ("col.month_end", "月末日期", "Month end"),
    ("col.mob", "账龄", "MOB"),
    ("col.dpd", "逾期天数", "DPD"),
    ("col.bucket", "逾期阶段", "Bucket"),
    ("col.principal_balance", "剩余本金", "Principal balance"),
    ("col.overdue_amount", "逾期金额", "Overdue amount"),
    ("col.latent_risk", "潜在风险", "Latent risk"),
    ("col.monthly_miss_prob", "月度违约概率", "Monthly miss probability"),
    ("col.behaviour", "行为类型", "Behaviour"),
    # loan statuses
    ("status.active", "在贷", "Active"),
    ("status.paid_off", "已结清", "Paid off"),
    ("status.charged_off", "已核销", "Charged off"),
    ("status.restructured", "已重组", "Restructured"),
    ("status.settled", "协商结清", "Settled"),
    # products and repayment methods
    ("product.cash_loan", "现金贷", "Cash loan"),
    ("product.installment", "消费分期", "Installment loan"),
    ("repayment.equal_installment", "等额本息", "Equal installments"),
    ("repayment.equal_principal", "等额本金", "Equal principal"),
    # acquisition channels (loans.channel) and payment channels (payments.channel)
    ("loan_channel.app", "自有App", "Own app"),
    ("loan_channel.ecommerce", "电商场景", "E-commerce"),
    ("loan_channel.social_ads", "社交广告", "Social ads"),
    ("loan_channel.partner_api", "合作机构", "Partner API"),
    ("loan_channel.broker", "中介", "Broker"),
    ("payment_channel.auto_debit", "自动扣款", "Auto debit"),
    ("payment_channel.app", "App还款", "App"),
    ("payment_channel.collections", "催收回款", "Collections"),
    ("payment_channel.legal", "司法回款", "Legal"),
    ("payment_channel.recovery", "核销后回收", "Recovery"),
    # collections
    ("action.sms", "短信", "SMS"),
    ("action.ivr", "智能语音", "IVR"),
    ("action.call", "电话", "Call"),
    ("action.letter", "信函", "Letter"),
    ("action.field_visit", "外访", "Field visit"),
    ("action.legal_notice", "律师函", "Legal notice"),
    ("action.lawsuit", "诉讼", "Lawsuit"),
    ("party.debtor", "本人", "Debtor"),
    ("party.third_party", "第三方", "Third party"),
    ("outcome.no_answer", "未接通", "No answer"),
    ("outcome.contacted", "已联系", "Contacted"),
    ("outcome.promise_to_pay", "承诺还款", "Promise to pay"),
    ("outcome.refused", "拒绝还款", "Refused"),
    ("outcome.paid", "已还款", "Paid"),
    ("outcome.wrong_number", "号码错误", "Wrong number"),
    # restructuring kinds
    ("restructuring.extension", "展期", "Extension"),
    ("restructuring.reinstallment", "再分期", "Re-installment"),
    ("restructuring.rate_cut", "降息", "Rate cut"),
    ("restructuring.fee_waiver", "减免费息", "Fee waiver"),
    ("restructuring.settlement", "协商结清", "Settlement"),
    # the executive report (python -m monitor report)
    ("report.title", "资产质量报告", "Portfolio health report"),
    ("report.as_of", "截至 {as_of} 日终", "As of the end of {as_of}"),
    ("report.kpis", "核心指标", "Key figures"),
    ("report.active_loans", "在贷笔数", "Active loans"),
    ("report.principal_balance", "剩余本金", "Principal balance"),
    ("report.dpd_rate", "逾期{x}率（余额 / 笔数）", "DPD {x} rate (balance / count)"),
    ("report.fpd30", "首期逾期30天率（FPD30）", "First payment default 30 (FPD30)"),
    ("report.entry_rate", "当日入催率", "Collection entry rate (the day)"),
    ("report.nco", "年化净核销率（当月）", "Annualized net charge-off (the month)"),
    ("report.ecl_stage1", "预期信用损失 · 阶段一", "Expected credit loss · stage 1"),
    ("report.ecl_stage2", "预期信用损失 · 阶段二", "Expected credit loss · stage 2"),
    ("report.ecl_stage3", "预期信用损失 · 阶段三", "Expected credit loss · stage 3"),
    ("report.bucket_title", "剩余本金按逾期阶段分布", "Principal balance by bucket"),
    ("report.bucket", "逾期阶段", "Bucket"),
    ("report.balance_millions", "剩余本金（百万元）", "Principal balance (¥ millions)"),
    ("report.trend_title", "近13个月逾期率（按余额）", "Delinquency over 13 month-ends (by balance)"),
    ("report.month_end", "月末", "Month-end"),
    ("report.rate_by_balance", "逾期率（余额口径）", "Rate by balance"),
    ("report.threshold", "逾期口径", "Threshold"),
    ("report.roll_title", "迁移率（按余额）：{start} → {end}", "Roll rates by balance: {start} → {end}"),
    ("report.footer", "口径见 DESIGN.md §4：逾期x+ 指逾期天数 ≥ x；已核销贷款不计入在贷。",
     "Definitions as in DESIGN.md §4: x+ means DPD >= x; charged-off loans are not active."),
    # employment types
    ("employment.salaried", "受薪", "Salaried"),
    ("employment.self_employed", "个体经营", "Self-employed"),
    ("employment.gig_worker", "灵活就业", "Gig worker"),
    ("employment.civil_servant", "公务员", "Civil servant"),
    ("employment.freelancer", "自由职业", "Freelancer"),
)


def _build(entries) -> dict[str, dict[str, str]]:
    catalog: dict[str, dict[str, str]] = {}
    for key, zh, en in entries:
        if key in catalog:
            raise ValueError(f"duplicate catalog key {key!r}")
        catalog[key] = {"zh": zh, "en": en}
    return catalog


CATALOG: dict[str, dict[str, str]] = _build(_ENTRIES)


def t(key: str, lang: str, **fmt) -> str:
    """The text of `key` in `lang`, with `{placeholders}` filled from `fmt`. Unknown keys raise KeyError."""
    text = CATALOG[key][lang]
    return text.format(**fmt) if fmt else text


def label(kind: str, value: str, lang: str) -> str:
    """The display label of a stored value, e.g. label("status", "charged_off", "zh") == "已核销"."""
    return t(f"{kind}.{value}", lang)
