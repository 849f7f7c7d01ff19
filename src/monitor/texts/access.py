"""Catalog entries (key, zh, en) of access: sign-in, roles, no access, local mode, the audit trail's verdicts."""

ENTRIES: tuple[tuple[str, str, str], ...] = (
    ("role.executive", "管理层", "Executive"),
    ("role.risk_manager", "风险经理", "Risk manager"),
    ("role.analyst", "分析师", "Analyst"),
    ("role.collections", "催收主管", "Collections"),
    ("role.data_steward", "数据管理员", "Data steward"),
    ("role.admin", "系统管理员", "Admin"),
    ("access.sign_in_title", "请登录", "Please sign in"),
    ("access.sign_in_text", "逾期监控含借款人个人信息，请使用公司账号登录。",
     "The delinquency monitor holds borrowers' personal data: sign in with your company account."),
    ("access.sign_in", "登录", "Sign in"),
    ("access.sign_out", "退出登录", "Sign out"),
    ("access.signed_in_as", "{who}（{roles}）", "{who} ({roles})"),
    ("access.no_role", "无角色", "no role"),
    ("access.local_mode", "本地模式：单一本地用户，拥有全部角色（仅限 127.0.0.1）",
     "Local mode: one local user with every role (127.0.0.1 only)"),
    ("access.no_access", "您没有打开此页面的权限（需要以下角色之一：{roles}）。如需访问，请联系系统管理员。",
     "You have no access to this page (it needs one of these roles: {roles}). Ask an admin if you need it."),
    ("access.no_roles", "您已登录为 {who}，但尚未被授予任何角色，因此无法查看任何页面。请联系系统管理员。",
     "You are signed in as {who} but hold no role, so no page is open to you. Ask an admin to grant one."),
    ("access.denied_action", "您的角色不允许此操作（需要以下角色之一：{roles}）。此次尝试已记入审计日志。",
     "Your roles do not allow this (it needs one of these roles: {roles}). The attempt was written to the audit "
     "log."),
    ("access.refuse_unauthenticated",
     "拒绝服务：服务器绑定在 {address}，但未配置登录（.streamlit/secrets.toml 中没有 [auth]）。"
     "请配置身份提供方（见 README“团队部署”），或仅绑定 127.0.0.1 以本地模式运行。",
     "Refusing to serve: the server is bound to {address} and no sign-in is configured (no [auth] in "
     ".streamlit/secrets.toml). Configure the identity provider (README, 'Deploying for a team') or bind to "
     "127.0.0.1 for local mode."),
    ("audit.verdict.intact", "审计日志完整：第 1 至 {seq} 行均相符；链头哈希 {hash}",
     "The audit log is intact: rows 1 to {seq} all fit; the head's hash is {hash}"),
    ("audit.verdict.empty", "审计日志为空：尚无记录。", "The audit log is empty: nothing was recorded yet."),
    ("audit.verdict.missing", "审计日志被篡改：第 {seq} 行缺失（被删除）；其前 {rows} 行完好",
     "The audit log was tampered with: row {seq} is missing (removed); the {rows} rows before it fit"),
    ("audit.verdict.unlinked", "审计日志被篡改：第 {seq} 行未指向其前一行（前一行被修改或删除）；其前 {rows} 行完好",
     "The audit log was tampered with: row {seq} does not point at the row before it (that row was changed or "
     "removed); the {rows} rows before it fit"),
    ("audit.verdict.changed", "审计日志被篡改：第 {seq} 行在写入后被修改；其前 {rows} 行完好",
     "The audit log was tampered with: row {seq} was changed after it was written; the {rows} rows before it fit"),
)
