"""Catalog entries (key, zh, en) for collections compliance (催收合规): the rules' names and provisions, the check
before a call (monitor.compliance.contact_check), the Compliance page and its agency scorecard; see monitor.i18n for
the key conventions."""

ENTRIES: tuple[tuple[str, str, str], ...] = (
    # the rules (monitor.compliance.rules)
    ("compliance.rule.quiet_hours", "夜间催收", "Contact in quiet hours"),
    ("compliance.rule.attempts", "拨打次数超限", "Too many attempts"),
    ("compliance.rule.third_party_reachable", "本人可联系时联系无关第三人", "Third party while debtor reachable"),
    ("compliance.rule.do_not_contact", "第三人要求不再联系后仍联系", "Contact after a do-not-contact request"),
    ("compliance.rule_about.quiet_hours",
     "未经债务人同意，{quiet_start}:00 至次日 {quiet_end}:00 进行电话、短信、智能语音或外访催收。",
     "A call, message, IVR call or visit from {quiet_start}:00 to {quiet_end}:00 without the debtor's consent."),
    ("compliance.rule_about.attempts",
     "当天已对同一联系方式拨打 {max_unanswered} 次未接通后，再次拨打。",
     "A call to a number after {max_unanswered} unanswered attempts to it that day."),
    ("compliance.rule_about.third_party_reachable",
     "债务人在此前 {reachable_days} 天内接听过催收联系（并非失联），却联系债务无关第三人。",
     "An unrelated third party contacted while the debtor had answered a contact in the {reachable_days} days "
     "before (not out of reach)."),
    ("compliance.rule_about.do_not_contact",
     "第三人明确要求不再联系后，再次联系该第三人。",
     "A third party contacted again after asking not to be."),
    ("compliance.provision",
     "依据：中国银行业协会《金融机构个人消费类贷款催收工作指引（试行）》（2026 年 1 月 30 日）催收行为规范。"
     "规则中的时段、次数和天数为账簿设置，管理员可在“系统管理”页修改，修改后全部催收记录重新判定。",
     "Source: the China Banking Association's 《金融机构个人消费类贷款催收工作指引（试行）》 (30 January 2026), "
     "rules of collection conduct. The rules' hours, attempts and days are book settings an admin changes on the "
     "Admin page; a change judges every collection action again."),
    # the check before a call
    ("compliance.check.allowed", "允许联系（{hour}）。", "Allowed ({hour})."),
    ("compliance.check.blocked.quiet_hours",
     "禁止：{hour} 处于 {quiet_start}:00 至 {quiet_end}:00 的禁催时段，且无债务人同意",
     "Blocked: {hour} is within the quiet hours {quiet_start}:00-{quiet_end}:00 and the debtor has not consented"),
    ("compliance.check.blocked.attempts",
     "禁止：今天已对该联系方式拨打 {unanswered_today} 次未接通（上限 {max_unanswered} 次）",
     "Blocked: {unanswered_today} unanswered attempts to this contact today (the limit is {max_unanswered})"),
    ("compliance.check.blocked.third_party_reachable",
     "禁止：债务人于 {last_reached} 接听过联系，未失联，不得联系债务无关第三人",
     "Blocked: the debtor answered on {last_reached}, so an unrelated third party may not be contacted"),
    ("compliance.check.blocked.do_not_contact",
     "禁止：该联系人已于 {asked_at} 要求不再联系",
     "Blocked: this contact asked on {asked_at} not to be contacted again"),
    # the rules' settings on the Admin page
    ("admin.setting.compliance_quiet_start_hour", "禁催时段开始（时）", "Quiet hours start (hour)"),
    ("admin.setting_help.compliance_quiet_start_hour",
     "从该整点起（当地时间）未经债务人同意不得催收，{low} 至 {high}。修改后重新判定全部催收记录。",
     "No collection contact from this hour (local time) without the debtor's consent, {low} to {high}. A change "
     "judges every collection action again."),
    ("admin.setting.compliance_quiet_end_hour", "禁催时段结束（时）", "Quiet hours end (hour)"),
    ("admin.setting_help.compliance_quiet_end_hour",
     "禁催时段持续到次日该整点，{low} 至 {high}。修改后重新判定全部催收记录。",
     "The quiet hours last until this hour of the next morning, {low} to {high}. A change judges every collection "
     "action again."),
    ("admin.setting.compliance_max_unanswered_attempts", "每日未接通拨打上限", "Unanswered attempts a day"),
    ("admin.setting_help.compliance_max_unanswered_attempts",
     "同一联系方式当天未接通达到该次数后不得再拨打，{low} 至 {high}。修改后重新判定全部催收记录。",
     "After this many unanswered attempts to one contact in a day, no further call that day, {low} to {high}. A "
     "change judges every collection action again."),
    ("admin.setting.compliance_debtor_reachable_days", "本人可联系判定天数", "Days a debtor counts as reachable"),
    ("admin.setting_help.compliance_debtor_reachable_days",
     "债务人在此前该天数内接听过联系即视为可联系，此时不得联系债务无关第三人，{low} 至 {high}。修改后重新判定全部催收"
     "记录。",
     "A debtor who answered a contact in this many days before is reachable, and no unrelated third party may then "
     "be contacted, {low} to {high}. A change judges every collection action again."),
    ("admin.setting.compliance_agency_max_violations_per_1000", "委外机构违规上限（每千次联系）",
     "Agency violation limit (per 1,000 contacts)"),
    ("admin.setting_help.compliance_agency_max_violations_per_1000",
     "当月每千次联系违规次数超过该值的委外机构不再分配新案件，{low} 至 {high}。",
     "An outside agency above this many violations per 1,000 contacts in a month is allocated no new accounts, "
     "{low} to {high}."),
    ("admin.setting.compliance_agency_max_complaints_per_10000", "委外机构投诉上限（每万户）",
     "Agency complaint limit (per 10,000 accounts)"),
    ("admin.setting_help.compliance_agency_max_complaints_per_10000",
     "当月每万户在催账户投诉超过该值的委外机构不再分配新案件，{low} 至 {high}。",
     "An outside agency above this many complaints per 10,000 accounts in a month is allocated no new accounts, "
     "{low} to {high}."),
    # the Compliance page
    ("nav.compliance", "催收合规", "Collections compliance"),
    ("compliance.title", "催收合规", "Collections compliance"),
    ("compliance.caption",
     "自有催收员与委外机构是否遵守催收规范：每千次联系的违规次数、每万户在催账户的投诉，以及委外机构评分卡。数据截至 "
     "{as_of} 日终。",
     "Whether the lender's collectors and its outside agencies keep the collection rules: violations per 1,000 "
     "contacts, complaints per 10,000 accounts in collection, and the agency scorecard. Data to the end of {as_of}."),
    ("compliance.month", "月份", "Month"),
    ("compliance.month_to_date", "{month}（截至 {day}）", "{month} (to {day})"),
    ("compliance.section", "查看", "Show"),
    ("compliance.section.conduct", "违规", "Violations"),
    ("compliance.section.complaints", "投诉", "Complaints"),
    ("compliance.section.scorecard", "委外机构评分卡", "Agency scorecard"),
    ("compliance.violations_per_1000", "每千次联系违规", "Violations per 1,000 contacts"),
    ("compliance.complaints_per_10000", "每万户投诉", "Complaints per 10,000 accounts"),
    ("compliance.kpi_violations_help",
     "本月 {violations} 次违规（一次联系违反两条规则计两次）；变化与 {previous} 同期比较。",
     "{violations} violations this month (a contact that breaks two rules counts twice); the change is against "
     "{previous}."),
    ("compliance.kpi_complaints_help",
     "本月收到 {complaints} 件投诉，除以本月有催收记录的账户数；变化与 {previous} 比较。",
     "{complaints} complaints received this month, over the accounts with a collection action this month; the "
     "change is against {previous}."),
    ("compliance.by_rule", "按规则", "By rule"),
    ("compliance.by_agency", "按机构", "By agency"),
    ("compliance.by_agent", "违规最多的催收员", "Agents with the most violations"),
    ("compliance.trend", "近 12 个月各机构每千次联系违规", "Violations per 1,000 contacts by agency, last 12 months"),
    ("compliance.in_house", "自有催收", "In-house"),
    ("compliance.no_contacts", "{month} 没有催收联系。", "No collection contact in {month}."),
    ("compliance.no_accounts", "{month} 没有在催账户。", "No account in collection in {month}."),
    ("compliance.no_violations", "{month} 没有违规。", "No violation in {month}."),
    ("compliance.actions_title", "违规明细", "The actions behind a figure"),
    ("compliance.drill", "显示", "Show the actions of"),
    ("compliance.drill_help", "点击上方表格中的一行也可选择。", "Or choose a row in a table above."),
    ("compliance.drill_all", "本月全部违规", "Every violation of the month"),
    ("compliance.drill_rule", "规则：{value}", "Rule: {value}"),
    ("compliance.drill_agency", "机构：{value}", "Agency: {value}"),
    ("compliance.drill_agent", "催收员：{value}", "Agent: {value}"),
    ("compliance.actions_caption",
     "最近的 {shown} 条（最多 500 条），客户姓名已脱敏；点击一行打开账户视图。导出包含全部并记入审计日志。",
     "The newest {shown} (500 at most), customers masked; a row opens the account view. The export holds every one "
     "and is written to the audit log."),
    ("compliance.download", "导出违规明细", "Export the violations"),
    ("compliance.download_help", "CSV，客户姓名脱敏，记入审计日志。",
     "CSV, customers masked, written to the audit log."),
    ("compliance.by_category", "按投诉类别（每万户在催账户）", "By category (per 10,000 accounts in collection)"),
    ("compliance.complaint_trend", "近 12 个月每万户投诉", "Complaints per 10,000 accounts, last 12 months"),
    ("compliance.scorecard", "委外机构评分卡", "Agency scorecard"),
    ("compliance.scorecard_caption",
     "分配金额为本月前一日日终的本金余额；回收为该机构本月首次联系后的还款；成本为佣金加按天折算的月费。"
     "每千次联系违规不超过 {violations} 且每万户投诉不超过 {complaints} 的机构，按净回收率排名并按比例分配下月案件；"
     "超限机构列为待审查，不分配。",
     "Balance assigned: the principal balance at the end of the day before the month; cash recovered: payments "
     "after the agency's first contact of the month; cost: commission and the monthly fee for the days. Agencies "
     "within {violations} violations per 1,000 contacts and {complaints} complaints per 10,000 accounts are ranked "
     "by net recovery and share next month's accounts in proportion; an agency over a limit is under review and "
     "gets none."),
    ("compliance.within_limits", "合规", "Within limits"),
    ("compliance.review", "待审查", "Under review"),
    ("compliance.not_allocated", "自有（不参与分配）", "In-house (not allocated)"),
    ("compliance.col_rule", "规则", "Rule"),
    ("compliance.col_party", "联系对象", "Party"),
    ("compliance.col_agency", "机构", "Agency"),
    ("compliance.col_contact_id", "联系方式编号（哈希）", "Contact id (hashed)"),
    ("compliance.col_contacts", "联系次数", "Contacts"),
    ("compliance.col_violations", "违规次数", "Violations"),
    ("compliance.col_violations_per_1000", "每千次联系违规", "Per 1,000 contacts"),
    ("compliance.col_complaints", "投诉", "Complaints"),
    ("compliance.col_complaints_per_10000", "每万户投诉", "Complaints per 10,000"),
    ("compliance.col_accounts", "在催账户", "Accounts in collection"),
    ("compliance.col_category", "投诉类别", "Category"),
    ("compliance.col_rank", "排名", "Rank"),
    ("compliance.col_standing", "状态", "Standing"),
    ("compliance.col_allocation_share", "下月分配占比", "Next month's share"),
    ("compliance.col_balance_assigned", "分配本金余额", "Balance assigned"),
    ("compliance.col_cash_recovered", "回收金额", "Cash recovered"),
    ("compliance.col_recovery_rate", "回收率", "Recovery rate"),
    ("compliance.col_cure_rate", "治愈率", "Cure rate"),
    ("compliance.col_promises_kept_rate", "承诺兑现率", "Promises kept"),
    ("compliance.col_cost_per_yuan", "每元回收成本", "Cost per yuan recovered"),
    ("compliance.col_net_recovery_rate", "净回收率", "Net recovery rate"),
)
