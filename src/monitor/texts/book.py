"""Catalog entries (key, zh, en) of the book file itself: what a command or a page says when the file cannot be used
as asked (not a book, another schema version, read-only, in use, replaced, a full disk), and what a migration did.
The command line prints the English text; a page shows the reader's language (db.DatabaseError.text)."""

ENTRIES: tuple[tuple[str, str, str], ...] = (
    ("book.not_regular", "{path} 不是普通文件（是管道、设备或套接字）；请将 --db / MONITOR_DB 指向账簿文件",
     "{path} is not a regular file (a pipe, a device or a socket); point --db / MONITOR_DB at a book file"),
    ("book.not_duckdb", "{path} 不是监控数据库（不是 DuckDB 文件）；请将 --db / MONITOR_DB 指向由 "
                        "`python -m monitor generate` 生成的账簿",
     "{path} is not a monitor database (not a DuckDB file); point --db / MONITOR_DB at a book made by "
     "`python -m monitor generate`"),
    ("book.no_schema", "{path} 不是监控数据库（DuckDB 文件中没有监控的表结构）；请将 --db / MONITOR_DB 指向由 "
                       "`python -m monitor generate` 生成的账簿",
     "{path} is not a monitor database (a DuckDB file without the monitor's schema); point --db / MONITOR_DB at "
     "a book made by `python -m monitor generate`"),
    ("book.schema_newer", "{path} 的结构版本为 {found}，比本程序的 {current} 更新；请用写入它的程序版本打开",
     "{path} has schema version {found}, newer than this monitor's {current}; open it with the version of the "
     "monitor that wrote it"),
    ("book.schema_older", "{path} 的结构版本为 {found}，比本程序的 {current} 旧，只读连接无法迁移它：请运行 "
                          "`python -m monitor migrate --db {path}`",
     "{path} has schema version {found}, older than this monitor's {current}, and a read-only connection cannot "
     "migrate it: run `python -m monitor migrate --db {path}`"),
    ("book.schema_too_old", "结构版本 {found} 太旧，无法迁移（可迁移的最旧版本为 {oldest}）",
     "schema version {found} is too old to migrate (the oldest known is {oldest})"),
    ("book.migrated", "{path}：结构版本 {current}（本程序的版本）；迁移记录：{steps}",
     "{path}: schema version {current} (this monitor's); migrations: {steps}"),
    ("book.migration_step", "{before} -> {after}（{at}）", "{before} -> {after} on {at}"),
    ("book.no_migration", "无需迁移", "none needed"),
    ("book.file_read_only", "数据库文件为只读：{path}。请将其设为可写（chmod u+w），或将 --db / MONITOR_DB "
                            "指向可写的副本。",
     "database file is read-only: {path}. Make it writable (chmod u+w) or point --db / MONITOR_DB at a writable "
     "copy."),
    ("book.folder_read_only", "数据库所在文件夹为只读：{path}。请将其设为可写（chmod u+w），或将 --db / MONITOR_DB "
                              "指向可写文件夹中的副本。",
     "database folder is read-only: {path}. Make it writable (chmod u+w) or point --db / MONITOR_DB at a copy in "
     "a writable folder."),
    ("book.not_a_file", "{path} 是一个文件夹，不是账簿文件；请为 --db 指定文件路径",
     "{path} is a folder, not a book file; give --db the path of a file"),
    ("book.in_use", "数据库文件正被其他进程使用：{path}。请先停止它（应用、实时数据流、导入），再重试。",
     "database file is in use by another process: {path}. Stop it (the app, the feed, a load) and try again."),
    ("book.exists", "{path} 已存在；generate 只有在明确要求时才会替换账簿：加上 --force 以替换，或选择另一个 --db",
     "{path} already exists; generate replaces a book only when told: add --force to replace it, or choose "
     "another --db"),
    ("book.replaced", "实时数据流运行期间，{path} 被另一个账簿替换；已停止，旧账簿的 {events} 个事件未保存",
     "{path} was replaced by another book while the feed ran; stopped, {events} events of the old book were not "
     "saved"),
    ("book.disk_full", "磁盘已满：{kept}。请释放空间后重新运行。",
     "disk full: {kept}. Free some space and run it again."),
    ("book.kept_old_book", "原有账簿未改变", "the book that was there is unchanged"),
    ("book.kept_nothing", "未写入任何账簿", "no book was written"),
    ("book.kept_derive", "衍生表保持本次 derive 之前的状态", "the derived tables are as they were before this derive"),
    ("book.kept_train", "未登记模型，账簿保持原样", "no model was registered; the book is as it was"),
    ("book.kept_score", "评分保持本次运行之前的结果", "the scores are those of the runs before this one"),
    ("book.kept_ingest", "失败的批次未留下任何数据，之前的批次均已保留",
     "the batch that failed left nothing; the batches before it are kept"),
    ("book.kept_feed", "失败批次之前的所有批次均已保留，失败批次的事件丢失",
     "every batch before the failed one is kept; the events of the failed one were lost"),
)
