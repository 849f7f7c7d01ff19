"""Catalog entries (key, zh, en) of a page's own URL values that could not be used (ui.context: url_choice with
say_replaced, url_number, url_flag); the sidebar's and the loan's are in app.py."""

ENTRIES: tuple[tuple[str, str, str], ...] = (
    ("url.replaced.choice", "链接中“{label}”的值“{value}”不在可选范围内，已改为{used}。",
     "The link's “{label}” “{value}” is not one of its choices; showing {used}."),
    ("url.replaced.number", "链接中“{label}”的值“{value}”不可用（须为 {low} 至 {high} 之间的数），已改为 {used}。",
     "The link's “{label}” “{value}” cannot be used (a number from {low} to {high}); showing {used}."),
    ("url.replaced.flag", "链接中“{label}”的值“{value}”不可用（须为 1 或 0），已改为 {used}。",
     "The link's “{label}” “{value}” cannot be used (1 or 0); showing {used}."),
    ("url.no_choice", "无", "none"),
)
