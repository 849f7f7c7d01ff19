"""Catalog entries (key, zh, en) for simulator loan text; see monitor.i18n for the key conventions.

simulator_loan.source.* fill their placeholders from monitor.simulate.assumptions' Assumption.basis (format
specs inside the braces)."""

ENTRIES: tuple[tuple[str, str, str], ...] = (
    ("nav.simulator_loan", "重组模拟", "What-if: loan"),
    ("simulator_loan.title", "单笔贷款重组模拟", "What-if for one loan"),
    ("simulator_loan.caption",
     "截至 {as_of} 日终，比较一笔在贷贷款的各种处置方案：新的还款计划、月供收入比、总利息、预期回款、净现值"
     "及相对“不采取措施”的净现值差，以及盈亏平衡的再违约率。所有假设均可修改，默认值由数据估计。",
     "Compare what can be done with one active loan at the end of {as_of}: the new schedule, payment-to-income, "
     "total interest, expected cash, NPV and ΔNPV against doing nothing, and the break-even re-default rate. "
     "Every assumption is editable; its default is estimated from the data."),
    ("simulator_loan.loan_input", "贷款编号", "Loan ID"),
    ("simulator_loan.loan_input_help", "输入贷款编号后按回车。带 ?loan=贷款编号 的链接会直接打开该贷款。",
     "Type a loan ID and press Enter. A link with ?loan=<ID> opens that loan."),
    ("simulator_loan.loan_placeholder", "例如 1024", "e.g. 1024"),
    ("simulator_loan.defaulted", "未指定贷款：显示 {as_of} 日终逾期最严重的在贷贷款。",
     "No loan chosen: showing the most delinquent loan active at the end of {as_of}."),
    ("simulator_loan.unknown", "没有编号为 {loan_id} 的贷款。", "There is no loan {loan_id}."),
    ("simulator_loan.not_yet", "贷款 {loan_id} 在 {as_of} 尚未发放。", "Loan {loan_id} was not yet made on {as_of}."),
    ("simulator_loan.not_active", "贷款 {loan_id} 在 {as_of} 日终已不在贷（{status}），无需模拟重组方案。",
     "Loan {loan_id} is not active at the end of {as_of} ({status}): there is nothing to restructure."),
    ("simulator_loan.open_account", "在账户视图中查看", "Open in the Account view"),
    ("simulator_loan.loan_heading", "贷款 {loan_id}：{bucket}，逾期 {dpd} 天",
     "Loan {loan_id}: {bucket}, {dpd} days past due"),
    ("simulator_loan.balance", "本金余额", "Principal balance"),
    ("simulator_loan.arrears", "逾期金额", "Overdue amount"),
    ("simulator_loan.arrears_charges", "其中逾期息费", "Overdue charges"),
    ("simulator_loan.remaining_term", "剩余期数", "Installments left"),
    ("simulator_loan.apr", "年化利率", "APR"),
    # options
    ("simulator_loan.option.nothing", "不采取措施", "Do nothing"),
    ("simulator_loan.option.extension", "展期", "Extension"),
    ("simulator_loan.option.reinstallment", "再分期", "Re-installment"),
    ("simulator_loan.option.rate_cut", "降息", "Rate cut"),
    ("simulator_loan.option.waiver", "减免逾期息费", "Interest and fee waiver"),
    ("simulator_loan.option.holiday", "还款假期", "Payment holiday"),
    ("simulator_loan.option.settlement", "折扣结清", "Discounted settlement"),
    ("simulator_loan.option.legal", "诉讼", "Legal action"),
    # the table
    ("simulator_loan.options", "方案比较", "The options side by side"),
    ("simulator_loan.options_caption",
     "按净现值从高到低排列，★ 为净现值最高的方案。净现值 = (1 − "
     "再违约率) × 新计划现金流现值 + 再违约率 × 再违约后回收现值；"
     "“不采取措施”为 治愈率 × 原合同现金流（含逾期）现值 + (1 − 治愈率) × 核销后回收现值。",
     "Sorted by NPV, highest first; ★ marks the best. NPV = (1 − re-default) × PV(new schedule) + re-default × "
     "PV(recovery after re-default); doing nothing: cure × PV(contract incl. arrears) + (1 − cure) × "
     "PV(recovery after charge-off)."),
    ("simulator_loan.col.option", "方案", "Option"),
    ("simulator_loan.col.term", "期数", "Months"),
    ("simulator_loan.col.payment", "月供（元）", "Payment (¥)"),
    ("simulator_loan.col.pti", "月供收入比", "Payment-to-income"),
    ("simulator_loan.col.total_interest", "总利息（元）", "Total interest (¥)"),
    ("simulator_loan.col.p_redefault", "再违约率", "Re-default rate"),
    ("simulator_loan.col.expected_cash", "预期回款（元）", "Expected cash (¥)"),
    ("simulator_loan.col.npv", "净现值（元）", "NPV (¥)"),
    ("simulator_loan.col.delta_npv", "净现值差（元）", "ΔNPV (¥)"),
    ("simulator_loan.col.break_even", "盈亏平衡再违约率", "Break-even re-default"),
    ("simulator_loan.break_even.below", "低于 {p}", "below {p}"),
    ("simulator_loan.break_even.above", "高于 {p}", "above {p}"),
    ("simulator_loan.break_even.always", "总是更优", "always better"),
    ("simulator_loan.break_even.never", "总是更差", "never better"),
    ("simulator_loan.break_even.none", "不适用", "n/a"),
    ("simulator_loan.break_even_help",
     "再违约率低于（或高于）该值时，此方案的净现值高于“不采取措施”。",
     "The option beats doing nothing while its re-default rate is below (or above) this value."),
    ("simulator_loan.best", "净现值最高的方案：{option}，净现值 {npv}，比不采取措施多 {delta}。",
     "Best by NPV: {option}, NPV {npv}, {delta} against doing nothing."),
    # charts
    ("simulator_loan.schedules", "各方案还款计划", "The options' schedules"),
    ("simulator_loan.schedules_caption", "每月应还金额（履约情形）；第 0 月为当下。",
     "The payment due each month if the customer performs; month 0 is now."),
    ("simulator_loan.npv_chart", "净现值与净现值差", "NPV and ΔNPV"),
    ("simulator_loan.chart.month", "月份", "Month"),
    ("simulator_loan.chart.payment", "月供（元）", "Payment (¥)"),
    ("simulator_loan.chart.balance", "剩余本金（元）", "Balance (¥)"),
    ("simulator_loan.chart.measure", "指标", "Measure"),
    ("simulator_loan.chart.amount", "金额（元）", "Amount (¥)"),
    ("simulator_loan.chart.npv", "净现值", "NPV"),
    ("simulator_loan.chart.delta_npv", "净现值差", "ΔNPV"),
    # break-even
    ("simulator_loan.break_even", "盈亏平衡再违约率", "Break-even re-default rates"),
    ("simulator_loan.break_even_caption",
     "净现值随再违约率线性变化；图中为各方案净现值与再违约率的关系，虚线为“不采取措施”的净现值。",
     "NPV is linear in the re-default rate: each option's NPV against it, the dashed line is doing nothing's NPV."),
    ("simulator_loan.chart.p", "再违约率", "Re-default rate"),
    # assumptions
    ("simulator_loan.assumptions", "假设", "Assumptions"),
    ("simulator_loan.assumptions_caption", "修改任一假设后，方案比较即时重算。“默认”为数据估计值，下方为来源。",
     "Change any assumption and the options are recomputed at once. The default is estimated from the data; "
     "its source is below each input."),
    ("simulator_loan.default", "默认 {value}", "default {value}"),
    ("simulator_loan.reset", "恢复默认值", "Reset to defaults"),
    ("simulator_loan.assumption.cure_rate", "治愈率（不采取措施）", "Cure rate (doing nothing)"),
    ("simulator_loan.assumption.redefault_rate", "再违约率（各重组方案默认）",
     "Re-default rate (each option's default)"),
    ("simulator_loan.assumption.redefault_months", "再违约发生月数", "Months to re-default"),
    ("simulator_loan.assumption.recovery_rate", "核销后回收率", "Recovery rate after charge-off"),
    ("simulator_loan.assumption.recovery_months", "核销后回收月数", "Months from charge-off to recovery"),
    ("simulator_loan.assumption.legal_recovery_rate", "诉讼回收率", "Legal recovery rate"),
    ("simulator_loan.assumption.legal_months", "诉讼回收月数", "Months from lawsuit to recovery"),
    ("simulator_loan.assumption.legal_cost", "诉讼费用（元）", "Legal cost (¥)"),
    ("simulator_loan.assumption.discount_rate", "年折现率", "Annual discount rate"),
    ("simulator_loan.assumption.monthly_income", "月收入（元）", "Monthly income (¥)"),
    ("simulator_loan.redefault_by_option", "各方案再违约率", "Re-default rate by option"),
    ("simulator_loan.redefault_by_option_help", "默认均为上方的再违约率；结清方案指约定款项未能支付的概率。",
     "Each defaults to the re-default rate above; for settlement it is the chance the lump sum is not paid."),
    # sources, in words
    ("simulator_loan.source.cure",
     "数据：{first} 至 {last} 各月末处于 {bucket} 的 {loans:,}"
     " 笔贷款中，{performing:,} 笔在 {horizon} 个月内回到 M0 或结清。",
     "Data: of the {loans:,} loans in {bucket} at the month-ends {first} to {last}, {performing:,} were back in M0 "
     "or paid off within {horizon} months."),
    ("simulator_loan.source.cure_m0",
     "数据：{first} 至 {last} 各月末处于 M0 的 {loans:,} 笔贷款"
     "中，{performing:,} 笔在 {horizon} 个月内未逾期 90 天以上、"
     "未核销、未协商结清。",
     "Data: of the {loans:,} loans in M0 at the month-ends {first} to {last}, {performing:,} did not reach DPD 90+, "
     "charge-off or settlement within {horizon} months."),
    ("simulator_loan.source.cure_pd", "1 − 该贷款 {day} 的预警违约概率 {pd:.2%}。",
     "1 − the loan's early-warning PD of {day} ({pd:.2%})."),
    ("simulator_loan.source.redefault_pd", "该贷款 {day} 的预警违约概率（评分表）。",
     "The loan's early-warning PD of {day} (scores table)."),
    ("simulator_loan.source.redefault",
     "数据：{loans:,} 笔重组后贷款中，{redefaulted:,} 笔在 12 个月内逾期 30 天以上、核销或协商结清。",
     "Data: of {loans:,} loans born of a restructuring, {redefaulted:,} reached DPD 30+, charge-off or settlement "
     "within 12 months."),
    ("simulator_loan.source.redefault_months",
     "数据：{redefaulted:,} 笔再违约的重组贷款从重组到首次逾期 30 天以上的平均月数。",
     "Data: the mean months from restructuring to the first DPD 30+ month-end of the {redefaulted:,} "
     "restructured loans that re-defaulted."),
    ("simulator_loan.source.recovery",
     "数据：{charged_off_by} 前核销的 {loans:,} 笔贷款，核销时本金余额 ¥{balance:,.2f}，其后回收 ¥{recovered:,.2f}。",
     "Data: {loans:,} loans charged off by {charged_off_by}, ¥{balance:,.2f} principal at charge-off, "
     "¥{recovered:,.2f} recovered since."),
    ("simulator_loan.source.recovery_months",
     "数据：{charged_off_by} 前核销的 {loans:,} 笔贷款，核销后回收款按金额加权的平均月数。",
     "Data: the amount-weighted mean months from charge-off to recovery, {loans:,} loans charged off by "
     "{charged_off_by}."),
    ("simulator_loan.source.legal",
     "数据：{loans:,} 笔被起诉贷款，起诉日本金余额 ¥{balance:,.2f}，其后诉讼渠道回款 ¥{recovered:,.2f}。",
     "Data: {loans:,} loans sued, ¥{balance:,.2f} principal on the day of the lawsuit, ¥{recovered:,.2f} paid "
     "through the legal channel since."),
    ("simulator_loan.source.legal_months",
     "数据：{loans:,} 笔被起诉贷款，起诉后诉讼渠道回款按金额加权的平均月数。",
     "Data: the amount-weighted mean months from the lawsuit to payments through the legal channel, "
     "{loans:,} loans sued."),
    ("simulator_loan.source.legal_cost", "政策常数 ¥{value:,.2f}（数据中没有诉讼费用记录）。",
     "Policy constant ¥{value:,.2f} (the data records no legal costs)."),
    ("simulator_loan.source.discount", "该贷款的年化利率 {rate:.2%}：按此折现，正常履约的合同价值等于其余额。",
     "The loan's APR, {rate:.2%}: discounted at it, a performing contract is worth its balance."),
    ("simulator_loan.source.income", "客户资料中的月收入。", "The customer's monthly income on record."),
    ("simulator_loan.source.policy", "政策常数 {value:g}（数据中没有可用于估计的记录）。",
     "Policy constant {value:g} (the data holds nothing to estimate it from)."),
    # option parameters
    ("simulator_loan.params", "方案参数", "Option parameters"),
    ("simulator_loan.param.extension_months", "展期月数", "Extension: months added"),
    ("simulator_loan.param.new_term", "再分期期数", "Re-installment: new term (months)"),
    ("simulator_loan.param.rate_cut", "降息幅度（年化）", "Rate cut (APR points)"),
    ("simulator_loan.param.waiver_share", "逾期息费减免比例", "Share of overdue interest and fees waived"),
    ("simulator_loan.param.holiday_months", "还款假期月数", "Payment holiday: months"),
    ("simulator_loan.param.holiday_capitalize", "假期利息计入本金", "Holiday interest capitalized"),
    ("simulator_loan.param.holiday_capitalize_help",
     "勾选：假期内利息按月计入本金（复利）；不勾选：假期内利息免除。",
     "On: the holiday's interest is added to the balance each month (compound). Off: it is forgiven."),
    ("simulator_loan.param.settlement_discount", "结清折扣（减免比例）", "Settlement discount (share forgiven)"),
    ("simulator_loan.input_error", "输入有误：{message}", "Input error: {message}"),
    ("simulator_loan.how", "计算方法", "How it is computed"),
    ("simulator_loan.how_text",
     "逾期利息和费用计入新本金（减免方案扣除减免部分），按原还款方式重新计算还款计划（等"
     "额本息：P r / (1 − (1 + r)^−n)，r = 年化利率 / 12）。"
     "再违约情形：按新计划还款至再违约月，之后剩余本金在核销（再违约后约 6 个月）并经回收月数后按回收率回收。"
     "结清：当下一次性支付（本金余额 + 逾期息费）×（1 − 折扣）。诉讼"
     "：诉讼回收率 × 本金余额，于诉讼回收月数后到账，减去当下的诉讼费用。"
     "现金流按年折现率 / 12 逐月折现。",
     "Overdue interest and fees are added to the balance (less the waived share) and the balance is re-amortized "
     "with the loan's repayment method (level payment P r / (1 − (1 + r)^−n), r = APR / 12). On re-default the "
     "new schedule is paid up to the re-default month, then the balance left is recovered at the recovery rate "
     "after charge-off (about 6 months after re-default) plus the recovery delay. Settlement: (principal balance "
     "+ overdue charges) × (1 − discount) paid now. Legal action: legal recovery rate × principal balance after "
     "the legal months, less the legal cost now. Cash flows are discounted monthly at the annual rate / 12."),
)
