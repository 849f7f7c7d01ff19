"""Catalog entries (key, zh, en) of the app shell (title, sidebar, errors) and of formatting shared by every
page; see monitor.i18n for the key conventions."""

ENTRIES: tuple[tuple[str, str, str], ...] = (
    # app shell
    ("app.title", "逾期监控", "Delinquency monitor"),
    ("sidebar.language", "语言 / Language", "语言 / Language"),
    ("sidebar.as_of", "截至日期", "As of"),
    ("sidebar.as_of_help", "各页面均按所选日期日终的贷款状态计算。",
     "Every page shows the book as it stood at the end of this day."),
    ("error.database", "无法读取数据库：{message}", "Cannot read the database: {message}"),
    ("app.incident", "页面出错，未能显示。请稍后重试；问题持续时请把事件编号 {incident} 告知系统管理员。",
     "This page failed and could not be shown. Try again later; if it keeps failing, give the administrator the "
     "incident number {incident}."),
    ("error.no_data", "数据库中还没有贷款数据，请先导入或生成数据。",
     "The database holds no loans yet. Load or generate a book first."),
    # a URL value that could not be used (ui.context.show_url_notices)
    ("url.replaced.lang", "链接中的语言“{value}”无法识别，已改用{used}。",
     "The link's language “{value}” is not one we know; showing {used}."),
    ("url.replaced.as_of", "链接中的日期“{value}”不可用（不是日期，或不在数据范围内），已改为 {used}。",
     "The link's date “{value}” cannot be used (not a date, or outside the data); showing {used}."),
    ("url.replaced.loan", "链接中的贷款编号“{value}”不是有效编号，已改为 {used}。",
     "The link's loan number “{value}” is not a loan number; showing {used}."),
    ("url.no_loan", "无贷款", "no loan"),
    # formatting
    ("fmt.pp", "{value}个百分点", "{value} pp"),
    ("fmt.list_separator", "、", ", "),
)
