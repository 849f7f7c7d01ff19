"""Catalog entries (key, zh, en) of the credit-policy what-if's assumptions' sources (policy_source.*: every
placeholder is in the Assumption's detail, monitor.origination.whatif_assumptions) and of `python -m monitor policy`
(policy_cli.*, monitor.origination.policy_command)."""

_FIGURES = (
    ("applications", "申请笔数", "Applications"),
    ("approved", "通过笔数", "Approved"),
    ("approval_rate", "通过率", "Approval rate"),
    ("amount", "放款金额（元）", "Volume (yuan)"),
    ("expected_bad_rate", "预期坏账率", "Expected bad rate"),
    ("expected_loss", "预期损失（元）", "Expected loss (yuan)"),
    ("interest_income", "利息收入（元）", "Interest income (yuan)"),
    ("fee_income", "手续费收入（元）", "Fee income (yuan)"),
    ("funding_cost", "资金成本（元）", "Funding cost (yuan)"),
    ("operating_cost", "运营成本（元）", "Operating cost (yuan)"),
    ("expected_profit", "预期利润（元）", "Expected profit (yuan)"),
)
_BACKTEST_ROWS = (
    ("loans", "贷款笔数", "Loans"),
    ("bad_rate", "坏账率", "Bad rate"),
    ("loss", "损失（元）", "Loss (yuan)"),
    ("interest", "利息收入（元）", "Interest (yuan)"),
)
_ASSUMPTIONS = (
    ("lgd", "违约损失率（LGD）", "Loss given default (LGD)"),
    ("ead_share", "违约风险敞口占授信金额比例", "Exposure at default, share of the amount"),
    ("funding_rate", "资金成本（年化）", "Funding rate (a year)"),
    ("operating_cost", "单笔运营成本（元）", "Operating cost per loan (yuan)"),
    ("fee_rate", "月手续费率（占本金）", "Monthly fee rate (of the principal)"),
    ("default_share", "坏账中最终违约的比例", "Share of bads that default"),
)

ENTRIES: tuple[tuple[str, str, str], ...] = (
    # where each assumption's default comes from
    ("policy_source.lgd_observed",
     "来自数据：1 − 已回收 ¥{recovered:,.2f} / 违约前一日本金余额 ¥{balance:,.2f}（截至 {charged_off_by} 的 "
     "{loans:,} 笔核销及协商结清贷款）。",
     "From the data: 1 − ¥{recovered:,.2f} recovered / ¥{balance:,.2f} principal balance the day before default, "
     "over {loans:,} charge-offs and discounted settlements up to {charged_off_by}."),
    ("policy_source.lgd_prior",
     "既定值：预期信用损失的先验违约损失率，因为截至 {charged_off_by}（评估日前 12 个月）账簿中没有核销或协商结清"
     "可供观察。",
     "Stated: the expected credit loss's prior LGD, for the book has no charge-off or discounted settlement up to "
     "{charged_off_by} (12 months before the as-of day) to observe it from."),
    ("policy_source.default_share_observed",
     "来自数据：{seasoned_by} 前放款的 {bads:,} 笔坏账贷款（逾期 30 天以上）中，{defaulted:,} 笔已核销或协商结清；"
     "按申请评分每 {band_width} 分一段计算（{bands} 段各有至少 {min_bads} 笔，其余用合计比例）。",
     "From the data: of the {bads:,} bad loans (30+ DPD) booked by {seasoned_by}, {defaulted:,} were charged off or "
     "settled at a discount; by application-score band of {band_width} points ({bands} bands with {min_bads} or "
     "more, the others at the pooled share)."),
    ("policy_source.default_share_none",
     "既定值：100%，每笔坏账都按违约计，预期损失因此是上限"
     "（{seasoned_by} 前放款的贷款中还没有坏账可以看出其中多少会违约）。",
     "Stated: 100%, every bad counts as a default, so the expected loss is a ceiling (no bad loan booked by "
     "{seasoned_by} shows yet how many default)."),
    ("policy_source.ead_observed",
     "来自数据：截至 {as_of} 的 {loans:,} 笔坏账贷款，首次在月末逾期 30 天以上时的本金余额 ¥{balance:,.2f}，"
     "占其放款本金 ¥{principal:,.2f} 的比例。",
     "From the data: of the {loans:,} bad loans by {as_of}, the principal balance at the first month-end at which "
     "each was 30+ days past due (¥{balance:,.2f}) over their principal lent (¥{principal:,.2f})."),
    ("policy_source.ead_prior",
     "既定值：{value:.0%}，因为截至 {as_of} 还没有坏账贷款在月末逾期 30 天以上。",
     "Stated: {value:.0%}, for no bad loan had been 30+ days past due at a month-end by {as_of}."),
    ("policy_source.fee_observed",
     "来自数据：{start} 至 {end} 放款的 {loans:,} 笔贷款，按产品计算的每元本金每月应收手续费。",
     "From the data: the fees due per yuan of principal per month of term, by product, of the {loans:,} loans "
     "booked from {start} to {end}."),
    ("policy_source.fee_none",
     "既定值：不收手续费，因为 {start} 至 {end} 没有放款可供读取手续费。",
     "Stated: no fee, for no loan was booked from {start} to {end} to read fees from."),
    ("policy_source.funding_stated",
     "既定值：按平均在贷余额年化 {value:.1%}（账簿中没有资金成本数据），请改为资金部门的资金成本。",
     "Stated: {value:.1%} a year on the average balance outstanding (the book holds no funding data); set it to the "
     "treasury's cost of funds."),
    ("policy_source.operating_stated",
     "既定值：每笔通过的贷款 ¥{value:,.0f}（账簿中没有成本数据），请改为本机构的实际成本。",
     "Stated: ¥{value:,.0f} per approved loan (the book holds no cost data); set it to the lender's own."),
    ("policy_source.edited", "已修改（默认值 {default:g}）", "Edited (the default was {default:g})"),
    # python -m monitor policy
    ("policy_cli.heading",
     "{as_of} 授信策略模拟：{first} 至 {last} 的 {applications:,} 笔申请（通过与拒绝），违约概率来自申请评分。",
     "Credit policy what-if at {as_of}: the {applications:,} applications (approved and declined) from {first} to "
     "{last}, their PDs from the application scores."),
    ("policy_cli.figure", "项目", "Figure"),
    ("policy_cli.today", "现行策略", "Today"),
    ("policy_cli.chosen", "所选策略", "Chosen"),
    ("policy_cli.change", "变化", "Change"),
    ("policy_cli.none", "无", "n/a"),
    ("policy_cli.points", "{points} 个百分点", "{points} pp"),
    ("policy_cli.any", "任意", "any"),
    ("policy_cli.recorded",
     "数据中记录的决策（含人工超权限审批与旧策略）：通过率 {rate}。",
     "Decisions recorded in the data (overrides and older policies included): approval rate {rate}."),
    ("policy_cli.cutoffs", "分数线：{cutoffs}", "Cut-offs: {cutoffs}"),
    ("policy_cli.lines", "额度系数：{lines}", "Line multipliers: {lines}"),
    ("policy_cli.no_lines", "额度系数：无（均为 1.0）", "Line multipliers: none (1.0 throughout)"),
    ("policy_cli.swap_in",
     "换入（所选策略通过、现行策略拒绝）：{count:,} 笔，¥{amount:,.2f}，预期坏账率 {bad_rate}。",
     "Swap-in (approved by the choice, declined today): {count:,} applications, ¥{amount:,.2f}, expected bad rate "
     "{bad_rate}."),
    ("policy_cli.swap_out",
     "换出（现行策略通过、所选策略拒绝）：{count:,} 笔，¥{amount:,.2f}，预期坏账率 {bad_rate}。",
     "Swap-out (approved today, declined by the choice): {count:,} applications, ¥{amount:,.2f}, expected bad rate "
     "{bad_rate}."),
    ("policy_cli.by_channel", "按渠道与产品：", "By channel and product:"),
    ("policy_cli.col.today_approval_rate", "现行通过率", "Approval today"),
    ("policy_cli.col.chosen_approval_rate", "所选通过率", "Approval chosen"),
    ("policy_cli.col.today_bad_rate", "现行预期坏账率", "Bad rate today"),
    ("policy_cli.col.chosen_bad_rate", "所选预期坏账率", "Bad rate chosen"),
    ("policy_cli.channel", "渠道", "Channel"),
    ("policy_cli.product", "产品", "Product"),
    ("policy_cli.backtest",
     "回测：{first} 至 {last} 申请并放款、截至 {as_of} 已观察满 6 个月的 {booked:,} 笔贷款中，"
     "所选策略会拒绝的部分（换出）：",
     "Backtest: of the {booked:,} loans applied for from {first} to {last} and booked, each observed 6 months by "
     "{as_of}, those the chosen policy would have declined (swap-out):"),
    ("policy_cli.backtest_empty", "所选策略不会拒绝其中任何一笔：无可回测。",
     "The chosen policy would have declined none of them: nothing to backtest."),
    ("policy_cli.projected", "预测", "Projected"),
    ("policy_cli.actual", "实际", "Actual"),
    ("policy_cli.error", "误差", "Error"),
    ("policy_cli.backtest_note",
     "预测利息为截至评估日已到期各期的预期利息；实际损失为截至评估日的核销本金减回收，年轻贷款的损失仍会增加。",
     "Projected interest: that of the installments due by the as-of day; actual loss: principal charged off less "
     "recoveries so far (a young loan's loss is still growing)."),
    ("policy_cli.assumptions", "假设：", "Assumptions:"),
    ("policy_cli.compare", "已保存策略的比较（各自保存时的假设）：", "Saved policies side by side (each with its saved "
                                                           "assumptions):"),
    ("policy_cli.saved", "已保存策略“{name}”。", "Saved the policy {name}."),
    ("policy_cli.no_scores",
     "申请还没有违约概率（application_scores 为空）：先运行 `python -m monitor train-application --db {path}`。",
     "the applications have no PD yet (application_scores is empty): run `python -m monitor train-application "
     "--db {path}` first"),
    ("policy_cli.no_derive",
     "派生表尚未生成（贷款的逾期结果需要它们）：先运行 `python -m monitor derive --db {path}`。",
     "the derived tables were never built (the loans' outcomes read them): run `python -m monitor derive --db {path}` "
     "first"),
    ("policy_cli.no_applications", "{first} 至 {last} 没有已评分的申请。",
     "no scored application was made from {first} to {last}; choose another --as-of"),
    *((f"policy_cli.row.{key}", zh, en) for key, zh, en in _FIGURES),
    *((f"policy_cli.backtest_row.{key}", zh, en) for key, zh, en in _BACKTEST_ROWS),
    *((f"policy_cli.assumption.{key}", zh, en) for key, zh, en in _ASSUMPTIONS),
)
