"""Catalog entries (key, zh, en) of the notifications that reach people (monitor.alerts.notify, contacts, messages):
the messages a contact point receives, and what is wrong with a contact point; see monitor.i18n for the key
conventions."""

ENTRIES: tuple[tuple[str, str, str], ...] = (
    ("notify.failure.no_contact", "没有名为 {contact} 的联系点", "no contact point named {contact}"),
    ("notify.failure.kind_changed", "联系点 {contact} 现为 {kind}；此消息是按 {made_for} 生成的",
     "contact point {contact} is {kind} now; this message was made for {made_for}"),
    ("notify.failure.http_error", "接收方答复 HTTP {status} {reason}", "HTTP {status} {reason}"),
    ("notify.failure.http_status", "接收方答复 HTTP {status}", "HTTP {status}"),
    ("notify.failure.unreachable", "无法连接 {url}：{reason}", "cannot reach {url}: {reason}"),
    ("notify.failure.robot_answer", "机器人的答复不是其 JSON：{answer}",
     "the robot's answer is not its JSON: {answer}"),
    ("notify.failure.robot_refused", "机器人拒收：errcode {errcode}：{errmsg}",
     "refused by the robot: errcode {errcode}: {errmsg}"),
    ("notify.failure.smtp_port", "MONITOR_SMTP_PORT 须为端口号，而非 {port}",
     "MONITOR_SMTP_PORT must be a port number, not {port}"),
    ("notify.failure.smtp", "邮件服务器 {server}：{reason}", "SMTP {server}: {reason}"),
    # the message: a title, one line per state change, and the delivery's id for the receiver to drop a repeat
    ("notify.title.one", "【风险限额】1 个限额状态变化", "[Risk limits] 1 limit changed state"),
    ("notify.title.other", "【风险限额】{n} 个限额状态变化", "[Risk limits] {n} limits changed state"),
    ("notify.line", "{name}：{from_state} → {to_state}，当前值 {value}，阈值 {level}，数据截至 {as_of}",
     "{name}: {from_state} → {to_state}, value {value} against level {level}, as of {as_of}"),
    ("notify.more", "……另有 {n} 项，请在「限额与预警」页查看", "… and {n} more: see the Limits and alerts page"),
    ("notify.footer", "投递编号 {delivery_id}（重复收到同一编号时请忽略）",
     "Delivery {delivery_id} (ignore a repeat of the same id)"),
    ("notify.no_value", "无", "none"),
    ("notify.hours", "{value} 小时", "{value} h"),
    ("notify.state.ok", "正常", "ok"),
    ("notify.state.amber", "黄色预警", "amber"),
    ("notify.state.red", "红色预警", "red"),
    ("notify.state.resolved", "已解除", "resolved"),
    # a contact point refused: the field and the rule
    ("notify.contact_error.name", "联系点名称不能为空，且不超过 {max} 个字符：{value!r}",
     "contact point name: give 1 to {max} characters, not {value!r}"),
    ("notify.contact_error.kind", "联系点类型 {value!r} 无效，可选：{kinds}",
     "contact point kind: {value!r} is not one of {kinds}"),
    ("notify.contact_error.url",
     "联系点 {name} 的目标必须是 http(s) 地址（如 https://example.com/hook），而不是 {value!r}",
     "contact point {name}: the target of a webhook is an http(s) URL (https://example.com/hook), not {value!r}"),
    ("notify.contact_error.email",
     "联系点 {name} 的目标必须是一个或多个邮箱地址（以逗号分隔），{value!r} 不是邮箱地址",
     "contact point {name}: the target of an e-mail contact is one or more addresses separated by commas; "
     "{value!r} is not an address"),
    ("notify.contact_error.exists", "联系点 {name} 已存在，请修改它或换一个名称",
     "contact point {name} exists already: change it, or choose another name"),
    ("notify.contact_error.missing", "没有名为 {name} 的联系点", "there is no contact point named {name}"),
    ("notify.contact_error.who", "联系点的修改人不能为空（--by）", "who changes a contact point must be named (--by)"),
)
