"""Catalog entries (key, zh, en) of the loan lists' exports and their click-to-account (the Delinquency page's
delinquent loans, the Today page's events: monitor.list_export, ui.loan_list); see monitor.i18n for the key
conventions. The shared column headings (col.*) live in monitor.texts.tables."""

ENTRIES: tuple[tuple[str, str, str], ...] = (
    # export headings: money in yuan, to the fen
    ("list_export.col_phone", "手机号（已脱敏）", "Phone (masked)"),
    ("list_export.col_balance_yuan", "剩余本金（元）", "Principal balance (¥)"),
    ("list_export.col_overdue_yuan", "逾期金额（元）", "Overdue amount (¥)"),
    ("list_export.col_amount_yuan", "金额（元）", "Amount (¥)"),
    ("list_export.col_principal_yuan", "放款本金（元）", "Principal (¥)"),
    ("list_export.col_ptp_amount_yuan", "承诺还款金额（元）", "Promised amount (¥)"),
    # the pages
    ("list_export.open_hint", "点击一行（左侧勾选框）打开该贷款的账户视图。",
     "Click a row (the box on its left) to open the loan's account view."),
    ("list_export.download", "导出（CSV）", "Export (CSV)"),
    ("list_export.delinquent_help",
     "{scope}的全部 {total} 笔逾期贷款（不限于显示的行），客户姓名和手机号已脱敏，金额精确到分。",
     "All {total} delinquent loans of {scope} (not only the rows shown), names and phones masked, money to the "
     "fen."),
    ("list_export.events_help",
     "{day} 的全部 {total} 条「{kind}」记录（不限于显示的行），客户姓名已脱敏，金额精确到分。",
     "{kind}: all {total} of {day} (not only the rows shown), customer names masked, money to the fen."),
    # the Today page's events table, drawn anew on the user's demand only
    ("today.show_newer.one", "有 1 条新事件，点击显示", "1 newer event: show it"),
    ("today.show_newer.other", "有 {n} 条新事件，点击显示", "{n} newer events: show them"),
)
