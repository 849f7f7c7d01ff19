"""Catalog entries (key, zh, en) for simulator loan text; see monitor.i18n for the key conventions.

simulator_loan.source.* fill their placeholders from monitor.simulate.assumptions' Assumption.basis (format
specs inside the braces); simulator_loan.reason.* from monitor.simulate.loan_whatif.reason_text."""

ENTRIES: tuple[tuple[str, str, str], ...] = (
    ("nav.simulator_loan", "重组模拟", "What-if: loan"),
    ("simulator_loan.title", "单笔贷款重组模拟", "What-if for one loan"),
    ("simulator_loan.caption",
     "截至 {as_of} 日终，比较一笔在贷贷款的各种处置方案：新的还款计划、月供收入比、总利息、预期回款、净现值"
     "及相对“不采取措施”的净现值差，以及盈亏平衡的再违约率。所有假设均可修改，默认值由本账簿的历史估计或为既定政策值。",
     "Compare what can be done with one active loan at the end of {as_of}: the new schedule, payment-to-income, "
     "total interest, expected cash, NPV and ΔNPV against doing nothing, and the break-even re-default rate. "
     "Every assumption is editable; its default is estimated from the book's own history or set by a stated policy."),
    ("simulator_loan.loan_input", "贷款编号", "Loan ID"),
    ("simulator_loan.loan_input_help", "输入贷款编号后按回车。带 ?loan=贷款编号 的链接会直接打开该贷款。",
     "Type a loan ID and press Enter. A link with ?loan=<ID> opens that loan."),
    ("simulator_loan.loan_placeholder", "例如 1024", "e.g. 1024"),
    ("simulator_loan.defaulted", "未指定贷款：显示 {as_of} 日终逾期最严重的在贷贷款。",
     "No loan chosen: showing the most delinquent loan active at the end of {as_of}."),
    ("simulator_loan.unknown", "没有编号为 {loan_id} 的贷款。", "There is no loan {loan_id}."),
    ("simulator_loan.not_yet", "贷款 {loan_id} 在 {as_of} 尚未发放。", "Loan {loan_id} was not yet made on {as_of}."),
    ("simulator_loan.no_schedule", "贷款 {loan_id} 尚无还款计划（还款计划尚未导入），暂无法模拟重组方案。",
     "Loan {loan_id} has no schedule yet (its installments have not been loaded): there is nothing to simulate."),
    ("simulator_loan.not_active", "贷款 {loan_id} 在 {as_of} 日终已不在贷（{status}），无需模拟重组方案。",
     "Loan {loan_id} is not active at the end of {as_of} ({status}): there is nothing to restructure."),
    ("simulator_loan.open_account", "在账户视图中查看", "Open in the Account view"),
    ("simulator_loan.loan_heading", "贷款 {loan_id}：{bucket}，逾期 {dpd} 天",
     "Loan {loan_id}: {bucket}, {dpd} days past due"),
    ("simulator_loan.balance", "本金余额", "Principal balance"),
    ("simulator_loan.arrears", "逾期金额", "Overdue amount"),
    ("simulator_loan.arrears_charges", "其中逾期息费", "Overdue charges"),
    ("simulator_loan.remaining_term", "剩余期数", "Installments left"),
    ("simulator_loan.remaining_term_help", "按当日的合同计算：在该日及以后到期、尚未还清的期数。",
     "Under the contract as it stood that day: the installments due on or after it and not yet paid."),
    ("simulator_loan.apr", "年化利率", "APR"),
    # options
    ("simulator_loan.option.do_nothing", "不采取措施", "Do nothing"),
    ("simulator_loan.option.extension", "展期", "Extension"),
    ("simulator_loan.option.reinstallment", "再分期", "Re-installment"),
    ("simulator_loan.option.rate_cut", "降息", "Rate cut"),
    ("simulator_loan.option.waiver", "减免逾期息费", "Interest and fee waiver"),
    ("simulator_loan.option.payment_holiday", "还款假期", "Payment holiday"),
    ("simulator_loan.option.settlement", "协商结清", "Discounted settlement"),
    ("simulator_loan.option.legal", "诉讼", "Legal action"),
    # why an option does not apply
    ("simulator_loan.not_applicable", "不适用", "n/a"),
    ("simulator_loan.not_applicable_heading", "不适用的方案及原因：", "Options that do not apply, and why:"),
    ("simulator_loan.reason.nothing_to_pay", "该贷款已无应还款项。", "nothing is left to pay."),
    ("simulator_loan.reason.legal_dpd", "逾期 {dpd} 天，未达到考虑诉讼的 {min_dpd} 天。",
     "DPD {dpd} is below {min_dpd}, the DPD from which legal action is considered."),
    ("simulator_loan.reason.nothing_to_waive", "没有可减免的逾期利息或费用。",
     "there is no overdue interest or fee to waive."),
    ("simulator_loan.reason.no_rate_cut", "没有可降的利率。", "there is no rate to cut."),
    ("simulator_loan.reason.no_income", "客户资料中没有月收入，无法判断能否负担。",
     "no monthly income on record, so affordability cannot be judged."),
    ("simulator_loan.reason.unaffordable", "最高月供为月收入的 {pti:.0%}，超过 {limit:.0%} 的上限。",
     "the highest payment is {pti:.0%} of monthly income, above the {limit:.0%} ceiling."),
    # the table
    ("simulator_loan.options", "方案比较", "The options side by side"),
    ("simulator_loan.options_caption",
     "★ 为最优方案，列在最前：适用方案中净现值最高者，但须比不采取措施至少多 ¥1（更小的差额只是分位取整），"
     "否则为不采取措施；其余适用方案按净现值从高到低排列，不适用的方案列在最后，原因见表下。"
     "每个方案要么正常履约，要么失败（12 个月内逾期 90 天以上、核销或协商结清）。净现值 = (1 − p) × "
     "按计划全额还款的现金流现值 + p × 失败后回收的现值；p 为该方案的再违约率（“不采取措施”为 1 − 治愈率）。"
     "失败后不再有任何还款：逾期达到 {charge_off_dpd} 天时核销，核销时本金余额 × 回收率、扣除催收成本后，"
     "于核销后的回收月数到账。月供为方案中最高的一期月供。",
     "★ marks the best, listed first: the option that applies with the highest NPV, if it beats doing nothing by "
     "at least ¥1 (less is the rounding of fen), else doing nothing; the other options that apply follow by NPV, "
     "those that do not come last, marked n/a, with the reason below the table. Each option either performs or "
     "fails (DPD 90+, charge-off or settlement within 12 months). NPV = (1 − p) × PV(its schedule paid in full) + "
     "p × PV(the recovery after failure), p the option's re-default rate (doing nothing: 1 − the cure rate). A plan "
     "that fails pays nothing more: the loan is charged off at DPD {charge_off_dpd} and recovery rate × its "
     "principal balance then, less the collection cost, comes in the recovery months after. Payment is the plan's "
     "highest monthly payment."),
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
    ("simulator_loan.best", "适用方案中净现值最高的是：{option}，净现值 {npv}，比不采取措施多 {delta}。",
     "Best by NPV of the options that apply: {option}, NPV {npv}, {delta} against doing nothing."),
    ("simulator_loan.best_do_nothing", "适用方案中，不采取措施的净现值（{npv}）最高。",
     "Of the options that apply, doing nothing has the highest NPV ({npv})."),
    # charts
    ("simulator_loan.schedules", "各方案还款计划", "The options' schedules"),
    ("simulator_loan.schedules_caption", "适用方案每月应还金额（履约情形）；第 0 月为当下。",
     "The payment due each month if the customer performs, for the options that apply; month 0 is now."),
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
     "净现值随再违约率线性变化；图中为各适用方案净现值与再违约率的关系，虚线为“不采取措施”的净现值。",
     "NPV is linear in the re-default rate: each applicable option's NPV against it; the dashed line is doing "
     "nothing's NPV."),
    ("simulator_loan.chart.p", "再违约率", "Re-default rate"),
    # assumptions
    ("simulator_loan.assumptions", "假设", "Assumptions"),
    ("simulator_loan.assumptions_caption", "修改任一假设后，方案比较即时重算。“默认”为数据估计值或政策值，下方为来源。",
     "Change any assumption and the options are recomputed at once. The default is estimated from the data or "
     "set by policy; its source is below each input."),
    ("simulator_loan.default", "默认 {value}", "default {value}"),
    ("simulator_loan.assumption.cure_rate", "治愈率（不采取措施）", "Cure rate (doing nothing)"),
    ("simulator_loan.assumption.redefault_rate", "再违约率（各重组方案默认）",
     "Re-default rate (each option's default)"),
    ("simulator_loan.assumption.recovery_rate", "核销后回收率", "Recovery rate after charge-off"),
    ("simulator_loan.assumption.recovery_months", "核销后回收月数", "Months from charge-off to recovery"),
    ("simulator_loan.assumption.collection_cost", "催收成本（占回收额）", "Collection cost (share of recoveries)"),
    ("simulator_loan.assumption.legal_recovery_rate", "诉讼回收率", "Legal recovery rate"),
    ("simulator_loan.assumption.legal_months", "诉讼回收月数", "Months from lawsuit to recovery"),
    ("simulator_loan.assumption.legal_cost", "诉讼费用（元）", "Legal cost (¥)"),
    ("simulator_loan.assumption.legal_min_dpd", "考虑诉讼的最低逾期天数", "Legal action from DPD"),
    ("simulator_loan.assumption.max_payment_to_income", "月供收入比上限", "Payment-to-income ceiling"),
    ("simulator_loan.assumption.discount_rate", "年折现率", "Annual discount rate"),
    ("simulator_loan.assumption.monthly_income", "月收入（元）", "Monthly income (¥)"),
    ("simulator_loan.redefault_by_option", "各方案再违约率", "Re-default rate by option"),
    ("simulator_loan.redefault_by_option_help", "默认均为上方的再违约率；协商结清方案指约定款项未能支付的概率。",
     "Each defaults to the re-default rate above; for settlement it is the chance the lump sum is not paid."),
    # sources, in words
    ("simulator_loan.source.cure",
     "数据：1 − {bucket} 的 12 个月违约率 {rate:.2%}：{first} 月末处于 {bucket} 的 {loans:,} 笔贷款中，{defaulted:,} 笔"
     "在 {last} 前某月末逾期 90 天以上、核销或协商结清，与既定先验值 {prior:.0%}（按 {weight} 笔贷款计权）合并。",
     "Data: 1 − the 12-month default rate of {bucket}, {rate:.2%}: of the {loans:,} loans in {bucket} at the "
     "month-end {first}, {defaulted:,} reached DPD 90+ at a month-end, were charged off or settled by {last}; "
     "pooled with the stated prior {prior:.0%} counted as {weight} loans."),
    ("simulator_loan.source.score",
     "违约率再乘以该贷款的相对风险 {factor:.2f}：其 {day} 的预警违约概率 {pd:.2%}，除以当日 {bucket} "
     "中 {scored:,} 笔被评分贷款的平均违约概率 {mean:.2%}（最高 100%）。",
     "The default rate is multiplied by the loan's relative risk, {factor:.2f}: its early-warning PD of {day}, "
     "{pd:.2%}, over the mean PD of the {scored:,} loans scored in {bucket} that day, {mean:.2%} (at most 100%)."),
    ("simulator_loan.source.score_other_bucket",
     "该贷款 {day} 的预警违约概率（{pd:.2%}）未使用：评分时它处于 {then}，而非现在的 {bucket}。",
     "The loan's early-warning PD of {day} ({pd:.2%}) is not used: it was scored in {then}, not in {bucket} "
     "where it is now."),
    ("simulator_loan.source.score_stale",
     "该贷款 {day} 的预警违约概率（{pd:.2%}）未使用：它不是当日前 35 天内最近一次评分的结果。",
     "The loan's early-warning PD of {day} ({pd:.2%}) is not used: it is not from the latest score run within "
     "35 days of the day."),
    ("simulator_loan.source.redefault",
     "数据：从 {bucket} 重组的贷款 {loans:,} 笔，其新贷款中 {defaulted:,} 笔在重组后 12 个月内逾期 90 天以上、"
     "核销或协商结清（生存表估计 {observed:.2%}）；与先验值 {prior:.2%}（{bucket} 不采取措施的违约率）"
     "合并，先验按 {weight} 笔贷款计权。",
     "Data: {loans:,} loans were restructured out of {bucket}; {defaulted:,} of their new loans reached DPD 90+, "
     "charge-off or settlement within 12 months (life table: {observed:.2%}), pooled with the prior {prior:.2%} "
     "(doing nothing's default rate in {bucket}) counted as {weight} loans."),
    ("simulator_loan.source.redefault_prior",
     "没有从 {bucket} 重组的贷款：取先验值，即 {bucket} 不采取措施的 12 个月违约率 {prior:.2%}"
     "（在数据证明重组有效之前，视其不改变结果）。",
     "No loan was restructured out of {bucket}: the prior, doing nothing's 12-month default rate in {bucket}, "
     "{prior:.2%} (a plan is taken to change nothing until the book shows that it does)."),
    ("simulator_loan.source.recovery",
     "数据：{charged_off_by} 前核销的 {loans:,} 笔贷款，核销时本金余额 ¥{balance:,.2f}，其后回收 ¥{recovered:,.2f}"
     "（1 − 其违约损失率）。",
     "Data: {loans:,} loans charged off by {charged_off_by}, ¥{balance:,.2f} principal at charge-off, "
     "¥{recovered:,.2f} recovered since (1 − their loss given default)."),
    ("simulator_loan.source.recovery_months",
     "数据：{charged_off_by} 前核销的贷款，核销后回收款按金额加权的平均月数。",
     "Data: the amount-weighted mean months from charge-off to recovery, loans charged off by {charged_off_by}."),
    ("simulator_loan.source.collection_cost",
     "政策常数 {value:.0%}：回收款中用于催收的比例（委外佣金）；数据中没有催收成本记录。",
     "Policy constant {value:.0%}: the share of recovered cash spent collecting it (agency commission); the data "
     "records no collection costs."),
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
    ("simulator_loan.source.legal_min_dpd", "政策：逾期 {value} 天（三期未还）起考虑诉讼。",
     "Policy: legal action is considered from DPD {value} (three installments missed)."),
    ("simulator_loan.source.affordability", "政策：最高月供超过客户月收入 {value:.0%} 的方案视为无力负担。",
     "Policy: a plan whose highest monthly payment is above {value:.0%} of the customer's monthly income is not "
     "affordable."),
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
    ("simulator_loan.param.settlement_discount", "协商结清折扣（减免比例）", "Settlement discount (share forgiven)"),
    ("simulator_loan.input_error", "输入有误：{message}", "Input error: {message}"),
    ("simulator_loan.how", "计算方法", "How it is computed"),
    ("simulator_loan.how_text",
     "失败的定义对所有方案相同：12 个月内某月末逾期 90 天以上、核销或协商结清。“不采取措施”的失败概率为该贷款"
     "所在逾期阶段的 12 个月违约率（与预期信用损失的既定先验值合并，先验按 20 笔贷款计权）；各重组方案的再违约率为"
     "从同一逾期阶段重组的贷款在 12 个月内的违约情况（生存表），与该阶段不采取措施的违约率合并"
     "（同样按 20 笔贷款计权）。"
     "若该贷款有当前逾期阶段内的最新预警评分，两者都乘以其相对风险。\n\n"
     "重组方案：逾期利息和费用计入新本金（减免方案扣除减免部分），按原还款方式重新计算还款计划（等额本息："
     "P r / (1 − (1 + r)^−n)，r = 年化利率 / 12）。协商结清：当下一次性支付（本金余额 + 逾期息费）×（1 − 折扣），"
     "未支付时按“不采取措施”的失败处理。诉讼：诉讼回收率 × 本金余额，于诉讼回收月数后到账，减去当下的诉讼费用；"
     "逾期未达诉讼起点时不适用。\n\n"
     "失败后不再有任何还款：已逾期的合同在逾期天数达到核销逾期天数时核销，"
     "新计划在首期到期后再经核销逾期天数（按每月 30 天）"
     "核销；核销时本金余额 × 回收率 ×（1 − 催收成本）于其后的回收月数到账。现金流按年折现率 / 12 逐月折现。"
     "最高月供超过月收入上限比例的方案、没有逾期息费时的减免、无应还款项时的任何方案，均列为不适用，不参与最优选择。",
     "Failing means the same for every option: DPD 90+ at a month-end, charge-off or settlement within 12 months. "
     "Doing nothing fails at the 12-month default rate of the loan's bucket (pooled with ECL's stated prior counted "
     "as 20 loans); an option's re-default rate is what became of the loans restructured out of the same bucket "
     "within 12 months (a life table), pooled with doing nothing's default rate in the bucket, likewise counted as "
     "20 loans. Where the loan has a current early-warning score made in its bucket, both are multiplied by its "
     "relative risk.\n\n"
     "Plans: overdue interest and fees are added to the balance (less the waived share) and the balance is "
     "re-amortized with the loan's repayment method (level payment P r / (1 − (1 + r)^−n), r = APR / 12). "
     "Settlement: (principal balance + overdue charges) × (1 − discount) paid now; if it is not paid, the loan "
     "fails as under doing nothing. Legal action: legal recovery rate × principal balance after the legal months, "
     "less the legal cost now; not applicable below its DPD.\n\n"
     "A plan that fails pays nothing more: a contract in arrears is charged off when its DPD reaches the charge-off "
     "DPD, a new plan that many days (in 30-day months) after its first installment; recovery rate × (1 − "
     "collection cost) × the principal balance then comes in the recovery months after. Cash flows are discounted "
     "monthly at the annual rate / 12. A plan whose highest payment is above the payment-to-income ceiling, a waiver "
     "with no overdue charges and any option on a loan with nothing left to pay are not applicable, and never best."),
)
