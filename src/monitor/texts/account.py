"""Catalog entries (key, zh, en) for account text; see monitor.i18n for the key conventions.

The labels of stored values this page shows (status.*, product.*, loan_channel.*, payment_channel.*,
action.*, party.*, outcome.*, restructuring.*, repayment.*, employment.*) live in monitor.texts.stored_values;
tier.*, treatment.* and reason.* in monitor.texts.scoring."""

ENTRIES: tuple[tuple[str, str, str], ...] = (
    ("nav.account", "账户视图", "Account"),
    ("account.title", "账户视图", "Account view"),
    ("account.caption",
     "单笔贷款截至 {as_of} 日终的全貌：贷款与客户（已脱敏）、还款计划与实际还款、逾期天数历史、"
     "催收与承诺还款、预警评分。",
     "One loan at the end of {as_of}: the loan and its customer (masked), the schedule against the payments, "
     "the DPD history, collection actions and promises to pay, early-warning scores."),
    # choosing the loan
    ("account.loan_input", "贷款编号", "Loan ID"),
    ("account.loan_input_help", "输入贷款编号后按回车。带 ?loan=贷款编号 的链接会直接打开该贷款。",
     "Type a loan ID and press Enter. A link with ?loan=<ID> opens that loan."),
    ("account.loan_placeholder", "例如 1024", "e.g. 1024"),
    ("account.defaulted", "未指定贷款：显示 {as_of} 日终逾期最严重的在贷贷款。输入贷款编号可查看其他贷款。",
     "No loan chosen: showing the most delinquent active loan at the end of {as_of}. Type a loan ID to see "
     "another."),
    ("account.unknown", "没有编号为 {loan_id} 的贷款，请检查贷款编号。",
     "There is no loan with ID {loan_id}. Check the loan ID."),
    ("account.not_yet", "贷款 {loan_id} 在 {as_of} 日终尚未发放，请选择更晚的截至日期。",
     "Loan {loan_id} had not been made by the end of {as_of}. Pick a later as-of date."),
    # header
    ("account.heading", "贷款 {loan_id} · {product} · {as_of} 日终", "Loan {loan_id} · {product} · end of {as_of}"),
    ("account.closed", "该贷款已于 {closed_date} 结束（{status}），以下为结束前的记录。",
     "The loan left the book on {closed_date} ({status}); below is its record up to then."),
    ("account.closed_figure_help", "贷款已结束，不再计算逾期天数和余额。",
     "The loan has left the book: DPD and balances are no longer computed."),
    ("account.no_schedule",
     "贷款 {loan_id} 尚无还款计划：放款数据已导入，还款计划尚未导入，因此暂不计算逾期天数和余额。",
     "Loan {loan_id} has no schedule yet: the loan has landed, its installments not yet, so DPD and balances are "
     "not computed."),
    ("account.no_schedule_figure_help", "尚无还款计划，无法计算。", "No schedule yet: nothing to compute from."),
    ("account.no_schedule_timeline", "尚无还款计划。", "No schedule yet."),
    ("account.status_help", "截至日日终的贷款状态。", "The loan's status at the end of the as-of day."),
    ("account.dpd_help", "最早一期未结清且已过应还日的分期，距截至日的天数；应还日当天为 0。",
     "Days since the due date of the earliest installment unsettled at the end of the day; 0 on the due date."),
    # facts
    ("account.facts", "贷款与客户", "Loan and customer"),
    ("account.loan_facts", "贷款信息", "Loan"),
    ("account.customer_facts", "客户信息", "Customer"),
    ("account.fact", "项目", "Item"),
    ("account.value", "内容", "Value"),
    ("account.no_score", "无", "None"),
    ("account.mob", "账龄（月）", "Months on book"),
    # restructuring links
    ("account.links", "重组关联", "Restructuring"),
    ("account.link_parent", "本贷款由贷款 {loan_id} 于 {date} 重组（{kind}）而来，资本化欠款 {amount}。",
     "This loan replaced loan {loan_id} on {date} ({kind}), with {amount} of arrears capitalized."),
    ("account.link_parent_plain", "本贷款于 {date} 由贷款 {loan_id} 重组而来。",
     "This loan replaced loan {loan_id} on {date}."),
    ("account.link_child", "本贷款于 {date} 重组（{kind}）为贷款 {loan_id}，资本化欠款 {amount}。",
     "This loan was replaced by loan {loan_id} on {date} ({kind}), with {amount} of arrears capitalized."),
    ("account.link_child_plain", "本贷款于 {date} 重组为贷款 {loan_id}。",
     "This loan was replaced by loan {loan_id} on {date}."),
    ("account.open_loan", "查看贷款 {loan_id}", "Open loan {loan_id}"),
    ("account.open_simulator", "在重组模拟中打开", "Open in the what-if simulator"),
    # schedule and payments
    ("account.timeline", "还款计划与实际还款", "Schedule and payments"),
    ("account.timeline_caption",
     "短横线为各期应还金额（按应还日期），柱为实际还款（按还款日期，同日多笔叠加）；竖虚线为截至日。"
     "将鼠标悬停在图上可查看各期的结清情况和还款渠道。",
     "Dashes: each installment's amount due, on its due date; bars: the payments, on the day they were made "
     "(stacked when a day has several); the dashed vertical line is the as-of date. Hover for each "
     "installment's state and each payment's channel."),
    ("account.timeline_caption_closed",
     "短横线为各期应还金额（按应还日期），柱为实际还款（按还款日期，同日多笔叠加），含贷款结束后的回收。"
     "将鼠标悬停在图上可查看各期的结清情况和还款渠道。",
     "Dashes: each installment's amount due, on its due date; bars: the payments, on the day they were made "
     "(stacked when a day has several), recoveries after the loan closed included. Hover for each "
     "installment's state and each payment's channel."),
    ("account.due_series", "应还金额", "Amount due"),
    ("account.paid_series", "实际还款", "Payment"),
    ("account.schedule_table", "还款计划明细（{n} 期）", "Installments ({n})"),
    ("account.payments_table", "还款流水（{n} 笔）", "Payments ({n})"),
    ("account.no_payments", "截至 {as_of} 日终没有还款记录。", "No payment up to the end of {as_of}."),
    ("account.state", "截至日状态", "State at as-of"),
    ("account.days_late", "逾期 / 迟还天数", "Days late"),
    ("account.installment_settled", "已结清", "Settled"),
    ("account.installment_overdue", "逾期未还", "Overdue"),
    ("account.installment_upcoming", "未到期", "Not yet due"),
    ("account.installment_closed", "未还（贷款已结束）", "Unpaid when the loan closed"),
    ("account.installment_no", "期次", "Installment"),
    ("account.as_of_rule", "截至日", "As of"),
    ("account.overdue_yuan", "逾期金额（元）", "Overdue amount (¥)"),
    # DPD history
    ("account.dpd_history", "逾期天数历史", "DPD history"),
    ("account.dpd_caption",
     "放款至 {end} 每日日终的逾期天数；色带为逾期阶段（M1 为 1–30 天，依此类推，{co} 天核销）。",
     "Days past due at the end of each day from origination to {end}; the bands are the buckets (M1 is DPD "
     "1–30, and so on; charge-off at DPD {co})."),
    ("account.no_history", "该贷款没有在贷的日子（放款当日即结束）。",
     "The loan was never active at a day's end (it closed on the day it was made)."),
    # collections
    ("account.collections", "催收记录与承诺还款", "Collection actions and promises to pay"),
    ("account.collections_caption",
     "承诺还款：自承诺之时至承诺日日终的还款合计达到承诺金额即为已兑现；承诺日在截至日之后且尚未还足的为待兑现。",
     "A promise to pay is kept when the payments from the moment it was made to the end of its date add up to "
     "the promised amount; one whose date is after the as-of date and not yet paid is pending."),
    ("account.no_actions", "截至 {as_of} 日终没有催收记录。", "No collection action up to the end of {as_of}."),
    ("account.promises_kept", "已兑现承诺", "Promises kept"),
    ("account.promises_broken", "未兑现承诺", "Promises broken"),
    ("account.promises_pending", "待兑现承诺", "Promises pending"),
    ("account.promise", "承诺兑现", "Promise"),
    ("account.promise_kept", "已兑现", "Kept"),
    ("account.promise_broken", "未兑现", "Broken"),
    ("account.promise_pending", "待兑现", "Pending"),
    ("account.ptp_paid", "承诺期内已还", "Paid toward it"),
    # scores
    ("account.scores", "预警评分历史", "Early-warning score history"),
    ("account.scores_caption",
     "预警模型对该贷款各评分日的违约概率（未来3个月内逾期30+或核销）、评分、风险等级和主要原因。模型版本：{models}。",
     "The early-warning model's probability of default (30+ DPD or charge-off within 3 months), score points, "
     "risk tier and top reasons on each day the loan was scored. Model version: {models}."),
    ("account.no_scores", "该贷款在 {as_of} 之前没有预警评分。", "The loan was not scored on or before {as_of}."),
    ("account.score_day", "评分日", "Scored on"),
    ("account.pd", "违约概率", "PD"),
    ("account.points", "评分", "Score points"),
    ("account.tier", "风险等级", "Risk tier"),
    ("account.reasons", "主要原因", "Top reasons"),
    ("account.treatment", "建议处置", "Recommended treatment"),
)
