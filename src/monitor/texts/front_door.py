"""Catalog entries (key, zh, en) of the front door (进件与审批, issue 18): applications, approval rate and the
application score's PSI by month (monitor.origination.front_door), on the Executive summary and Model monitoring
pages. The PSI's bands read verdict.* (texts.scoring)."""

ENTRIES: tuple[tuple[str, str, str], ...] = (
    ("front_door.heading", "进件与审批", "Front door: applications and approvals"),
    ("front_door.none", "截至 {as_of} 账上没有申请记录，暂无进件与审批数据。",
     "The book holds no application by {as_of}: no front-door figures yet."),
    # the executive summary's block
    ("front_door.applications_to_date", "本月进件量（截至 {day}）", "Applications this month (to {day})"),
    ("front_door.applications_month", "进件量（{month}）", "Applications ({month})"),
    ("front_door.approval_rate_to_date", "本月通过率（截至 {day}）", "Approval rate this month (to {day})"),
    ("front_door.approval_rate_month", "通过率（{month}）", "Approval rate ({month})"),
    ("front_door.vs_same_days", "较上月同期", "vs same days last month"),
    ("front_door.vs_last_month", "较上月", "vs last month"),
    ("front_door.applications_help",
     "按申请时间计的申请笔数（通过与拒绝）。",
     "Applications by the time they were made, approved and declined."),
    ("front_door.approval_rate_help",
     "通过率 = 获批申请 / 全部申请（含信贷人员在分数线以下特批的申请）。",
     "Approval rate = approved applications / all applications (overrides below the cut-off included)."),
    ("front_door.compared_to_date",
     "{month} 1–{days} 日与 {previous} 同期（1–{days} 日）比较；上月同期 {previous_applications} 笔申请，"
     "通过率 {previous_rate}。本月特批 {overrides} 笔，平均申请评分 {score}。",
     "{month} days 1–{days} against the same days of {previous}: {previous_applications} applications then, "
     "approval rate {previous_rate}. Overrides this month: {overrides}; mean application score {score}."),
    ("front_door.compared_month",
     "{month} 与 {previous} 整月比较；上月 {previous_applications} 笔申请，通过率 {previous_rate}。"
     "本月特批 {overrides} 笔，平均申请评分 {score}。",
     "{month} against the whole of {previous}: {previous_applications} applications then, approval rate "
     "{previous_rate}. Overrides: {overrides}; mean application score {score}."),
    ("front_door.compared_first",
     "{month} 是账上第一个有申请的月份，没有上月可比。本月特批 {overrides} 笔，平均申请评分 {score}。",
     "{month} is the book's first month of applications: there is no month before to compare. Overrides: "
     "{overrides}; mean application score {score}."),
    ("front_door.trend", "进件量与通过率（按申请月份）", "Applications and approval rate by month applied"),
    # the model monitoring page's section
    ("front_door.model_heading", "申请评分与准入（进件）", "Application score at the front door"),
    ("front_door.psi_title", "申请评分 PSI（按申请月份，对比基准期）",
     "Application score PSI by month, against the reference"),
    ("front_door.psi_caption",
     "基准期（灰底）：{first} 至 {last} 的全部申请，即账上最早的 {months} 个完整自然月。申请评分由贷款机构在账外开发，"
     "数据中没有开发样本，因此以评分最早面对的申请作为基准。分箱为基准期评分的十分位，"
     "某箱为空时按 0.0001 计（与预警模型的 PSI 相同）。",
     "Reference (shaded): every application from {first} to {last}, the book's first {months} full calendar "
     "months. The lender's application score was built outside the book and the data holds no development "
     "sample, so the applications the score met first stand in for it. Bins are the reference's score deciles; "
     "an empty bin counts as 0.0001 (as in the early-warning PSI)."),
    ("front_door.psi_latest", "{month} 的 PSI 为 {psi}：{verdict}。", "PSI of {month}: {psi}, {verdict}."),
    ("front_door.no_reference",
     "还没有基准期：需要账上最早的 {months} 个完整自然月都已结束（首笔申请于 {first}），之后才计算 PSI。",
     "No reference yet: the PSI waits until the book's first {months} full calendar months have ended (first "
     "application on {first})."),
    ("front_door.channel_title", "各渠道通过率（按申请月份）", "Approval rate by channel and month applied"),
    ("front_door.channel_caption",
     "各渠道获批申请占全部申请的比例；本月为截至 {as_of} 的数据。",
     "Approved applications over all applications of each channel; this month to {as_of}."),
    # charts: axes, legends and tooltips
    ("front_door.chart.month", "申请月份", "Month applied"),
    ("front_door.chart.month_to_date", "{month}（至今）", "{month} (MTD)"),
    ("front_door.chart.applications", "申请笔数", "Applications"),
    ("front_door.chart.approved", "获批笔数", "Approved"),
    ("front_door.chart.declined", "拒绝笔数", "Declined"),
    ("front_door.chart.overrides", "特批笔数", "Overrides"),
    ("front_door.chart.approval_rate", "通过率", "Approval rate"),
    ("front_door.chart.mean_score", "平均申请评分", "Mean application score"),
    ("front_door.chart.psi", "PSI 值", "PSI"),
    ("front_door.chart.band", "判断", "Band"),
    ("front_door.chart.reference", "基准期", "Reference"),
    ("front_door.chart.in_reference", "属于基准期", "In the reference"),
    ("front_door.chart.yes", "是", "Yes"),
    ("front_door.chart.no", "否", "No"),
    ("front_door.chart.channel", "渠道", "Channel"),
    ("front_door.chart.watch_line", "关注 0.1", "Watch 0.1"),
    ("front_door.chart.act_line", "处理 0.25", "Act 0.25"),
)
