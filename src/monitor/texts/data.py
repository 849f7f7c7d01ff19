"""Catalog entries (key, zh, en) of the Data page (freshness, policy, the table of tables and its kinds) and of
the notice, on every page that shows month-end figures, that they wait for derive (derived.*); see monitor.i18n for
the key conventions. The names of tables and columns live in monitor.texts.tables, the upload's entries in
monitor.texts.ingest."""

ENTRIES: tuple[tuple[str, str, str], ...] = (
    ("nav.data", "数据", "Data"),
    # data page
    ("data.title", "数据", "Data"),
    ("data.caption", "数据库中各表的规模、时效和口径设置。",
     "What the database holds, how fresh it is and the policy settings behind the numbers."),
    ("data.latest", "最新数据日期", "Latest data date"),
    ("data.latest_help", "放款、还款和催收记录中最晚的日期。",
     "The newest day in loans, payments and collection actions."),
    ("data.age", "距今天数", "Days since latest data"),
    ("data.age_help", "按数据库时区（{timezone}）的今天计算。",
     "Counted to today in the book's time zone ({timezone})."),
    ("data.derived_as_of", "派生表截至", "Derived tables as of"),
    ("data.derived_help", "月末快照等派生表计算到的日期。",
     "The day the derived tables (month-end snapshots) were built up to."),
    ("data.not_built", "未生成", "Not built"),
    ("data.derived_completed",
     "派生表的数据有效至 {valid}；此后至 {latest} 的月末状态和结清日由源表补算，与完整重算结果一致，直到下次 derive。",
     "The derived tables hold through {valid}; the month-ends and settlements after it, up to {latest}, are computed "
     "from the source tables (the figures equal a full derive) until the next derive."),
    ("data.schema_version", "数据库结构版本", "Schema version"),
    ("data.policy", "核销政策", "Charge-off policy"),
    ("data.policy_value", "逾期 {dpd} 天", "DPD {dpd}"),
    ("data.policy_help", "逾期 {dpd} 天当日核销。设置表中的说明：{description}",
     "Charged off at DPD {dpd}: on the day a loan reaches it. From the settings table: {description}"),
    ("data.tables", "数据表", "Tables"),
    ("data.buckets", "{as_of} 日终逾期阶段分布", "Loans by bucket at the end of {as_of}"),
    ("data.no_active", "{as_of} 日终没有在贷贷款，请选择其他截至日期。",
     "No loans were active at the end of {as_of}. Pick another as-of date."),
    # table of tables
    ("summary.table", "数据表", "Table"),
    ("summary.kind", "类别", "Kind"),
    ("summary.rows", "行数", "Rows"),
    ("summary.date_column", "日期字段", "Date column"),
    ("summary.first_date", "最早日期", "First date"),
    ("summary.last_date", "最晚日期", "Last date"),
    ("kind.source", "源数据", "Source"),
    ("kind.derived", "派生", "Derived"),
    ("kind.synthetic", "演示数据（生成器的真值）", "Synthetic book (the generator's truth)"),
    # month-end figures waiting for derive (monitor.notes.derived_waiting)
    ("derived.waiting",
     "月末指标等待重算：{since} 载入的数据改动了衍生表所依据的 {built_through} 及以前的数据，趋势、迁移率、账龄和首逾等"
     "月末指标仍为上次重算的结果。请运行 `python -m monitor derive`。",
     "Month-end figures are waiting for `derive`: data loaded at {since} changed days up to {built_through} that the "
     "derived tables were built from, so trends, roll rates, vintages and FPD still show the last derive. Run "
     "`python -m monitor derive`."),
    ("derived.since_unknown", "上次重算之后", "some time after the last derive"),
)
