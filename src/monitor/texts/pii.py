"""Catalog entries (key, zh, en) for personal data: income bands, the phone reveal on the Account view, the
quarantine's raw rows."""

ENTRIES: tuple[tuple[str, str, str], ...] = (
    # monthly income as a band (monitor.pii.INCOME_BANDS), for a role that does not need the figure
    ("income_band.under_3k", "3千元以下", "under ¥3k"),
    ("income_band.3k_5k", "3千–5千元", "¥3k–5k"),
    ("income_band.5k_8k", "5千–8千元", "¥5k–8k"),
    ("income_band.8k_12k", "8千–1.2万元", "¥8k–12k"),
    ("income_band.12k_20k", "1.2万–2万元", "¥12k–20k"),
    ("income_band.20k_plus", "2万元以上", "¥20k and over"),
    ("pii.income_band", "月收入（区间）", "Monthly income (band)"),
    ("pii.no_income", "无记录", "None on record"),
    ("pii.masked", "姓名、手机号和身份证号已脱敏；月收入按区间显示。",
     "Name, phone and ID number are masked; the monthly income is shown as a band."),
    ("pii.masked_income_shown", "姓名、手机号和身份证号已脱敏；您的角色需要月收入金额，因此显示金额。",
     "Name, phone and ID number are masked; your role needs the monthly income, so it shows the figure."),
    # revealing the full phone (collections), logged
    ("pii.reveal", "查看完整手机号", "Show the full phone"),
    ("pii.reveal_help", "仅催收人员可查看，用于联系客户。每次查看都会连同理由记入审计日志。",
     "For collections, to call the customer. Every reveal is written to the audit log with its reason."),
    ("pii.reveal_reason", "理由", "Reason"),
    ("pii.reveal_note", "说明", "Details"),
    ("pii.reveal_note_help", "选择“其他”时必填，至少 {n} 个字。", "Required with “Other”: at least {n} characters."),
    ("pii.reveal_button", "查看并记录", "Show and log"),
    ("pii.reason.call_to_collect", "致电催收", "Call to collect"),
    ("pii.reason.promise_follow_up", "跟进承诺还款", "Follow up a promise to pay"),
    ("pii.reason.verify_contact", "核实联系方式", "Verify the contact details"),
    ("pii.reason.other", "其他（请说明）", "Other (say why)"),
    ("pii.revealed", "客户 {customer} 的完整手机号：{phone}（已记入审计日志，仅本次显示）",
     "Full phone of customer {customer}: {phone} (logged; shown this time only)"),
    ("pii.reveal_reason_short", "请说明理由（至少 {n} 个字）。", "State a reason (at least {n} characters)."),
    ("pii.reveal_unknown", "没有这笔贷款。", "There is no such loan."),
    # the quarantine's raw rows
    ("pii.raw_hidden", "被拒行的原始内容仅数据管理员可见（已脱敏）。",
     "The rejected rows as read are shown to data stewards only (masked)."),
    ("pii.raw_kept", "原始内容保留 {days} 天，之后只保留文件、行号、规则和说明。",
     "The rows as read are kept {days} days; after that only the file, row, rule and message stay."),
)
