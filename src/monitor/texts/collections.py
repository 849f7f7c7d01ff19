"""Catalog entries (key, zh, en) for the Collections worklists page (催收工作台) and monitor.worklists; see
monitor.i18n for the key conventions. Shared column headings (col.*) live in monitor.texts.tables, the treatments'
labels in monitor.texts.scoring (treatment.not_scored, the worklists' own value, is here)."""

ENTRIES: tuple[tuple[str, str, str], ...] = (
    ("nav.collections", "催收工作台", "Collections worklists"),
    ("collections.title", "催收工作台", "Collections worklists"),
    ("collections.caption",
     "每天早上的催收名单：今天到期的承诺还款、昨天违约的承诺还款、今天进入 M1 的贷款，各附建议处置；以及每日入催"
     "客户的催回率。数据截至 {as_of} 日终。",
     "The morning's worklists: promises to pay due today, promises broken yesterday and loans entering M1 today, "
     "each with its recommended treatment; and the daily cure curve of the loans entering collection. Data to the "
     "end of {as_of}."),
    ("treatment.not_scored", "未评分", "Not scored"),
    ("collections.yes", "是", "Yes"),
    ("collections.no", "否", "No"),
    # the three lists
    ("collections.tab_due_today", "今日到期承诺 {count}", "Promises due today {count}"),
    ("collections.tab_broken_yesterday", "昨日未兑现承诺 {count}", "Promises broken yesterday {count}"),
    ("collections.tab_entering_m1", "今日入 M1 {count}", "Entering M1 today {count}"),
    ("collections.about_due_today",
     "承诺还款日为 {day} 的在贷贷款（同一贷款取最近一次承诺）。「承诺后已还」为承诺之后至 {day} 日终的还款；达到承诺"
     "金额（误差半分以内）即为已履约。",
     "Promises to pay falling due on {day}, of active loans (a loan's latest promise for the day). Paid since "
     "the promise: the payments from the promise to the end of {day}; a promise is kept when they reach the "
     "amount promised (to half a fen)."),
    ("collections.about_broken_yesterday",
     "承诺还款日为 {day}、从承诺时起至当日日终的还款不足承诺金额（误差半分以内）的承诺，仍在贷的贷款。",
     "Promises that fell due on {day} and were not kept: less than the amount promised (to half a fen) paid from "
     "the promise to the end of {day}; loans still active."),
    ("collections.about_entering_m1",
     "{day} 到期的一期在当日日终未结清、此前无逾期（即 {day} 入催），今天仍未还款、逾期 1 天的贷款。",
     "Loans whose installment due on {day} was unsettled at the end of that day with nothing past due before "
     "(they entered collection on {day}) and still unpaid today: DPD 1."),
    ("collections.loans", "贷款笔数", "Loans"),
    ("collections.balance", "剩余本金", "Principal balance"),
    ("collections.empty", "名单为空。", "The list is empty."),
    ("collections.shown", "显示按处理顺序的前 {shown} 笔，共 {total} 笔；导出包含全部。",
     "The first {shown} of {total} loans in working order; the export holds them all."),
    ("collections.masked", "客户姓名和手机号已脱敏。点击一行查看该贷款的账户详情。",
     "Names and phone numbers are masked. Click a row to open the loan's account view."),
    ("collections.download", "下载名单（CSV，已脱敏）", "Download the list (CSV, masked)"),
    ("collections.download_help", "全部 {total} 笔，姓名和手机号已脱敏。",
     "All {total} loans, names and phones masked."),
    ("collections.scored_day",
     "建议处置取自 {day} 的评分（{as_of} 及之前最近一次评分）；名单上没有评分的贷款标为「未评分」。",
     "Treatments are from the scores of {day}, the latest scored day on or before {as_of}; a loan without a score "
     "there reads 'Not scored'."),
    ("collections.no_scores", "{as_of} 及之前没有评分：所有贷款的建议处置均为「未评分」。",
     "No scores on or before {as_of}: every loan's treatment reads 'Not scored'."),
    # columns
    ("collections.col_promised_at", "承诺时间", "Promised at"),
    ("collections.col_paid", "承诺后已还", "Paid since the promise"),
    ("collections.col_kept", "已履约", "Kept"),
    ("collections.col_shortfall", "差额", "Shortfall"),
    # the cure curve
    ("collections.cure_title", "每日催回率（按入催日）", "Daily cure curve (by entry day)"),
    ("collections.cure_caption",
     "某日入催：该日有一期到期且日终未结清、此前无逾期的在贷贷款。催回率：其中在入催后第 1、3、7、15、30 天日终"
     "逾期天数回到 0 的比例（期间提前结清算作催回，重组或协商结清不算）。尚未到达的天数不计（不当作 0）。近 {days} 天，"
     "共 {loans} 笔入催。",
     "Entered collection on a day: active loans with an installment due that day unsettled at its end and nothing "
     "past due before. Cure rate: the share of them back to DPD 0 at the end of day 1, 3, 7, 15 and 30 after "
     "entry (an early payoff in between counts as cured, a restructuring or settlement does not). A day not yet "
     "reached is left out, not counted as 0. The last {days} days: {loans} loans entered."),
    ("collections.cure_none", "近 {days} 天没有贷款入催。", "No loan entered collection in the last {days} days."),
    ("collections.cure_entry_day", "入催日", "Entry day"),
    ("collections.cure_horizon", "入催后天数", "Days after entry"),
    ("collections.cure_horizon_value", "第 {days} 天", "Day {days}"),
    ("collections.cure_rate", "催回率", "Cure rate"),
    ("collections.cure_loans", "入催笔数", "Loans entered"),
)
