"""Catalog entries (key, zh, en) of the bounds a file must keep (monitor.limits: size, rows, decompressed size, plain
columns) as the Data page's upload shows them, and of its preview, which checks a file's first rows only."""

ENTRIES: tuple[tuple[str, str, str], ...] = (
    ("ingest.error.too_large", "{file}：文件超过 {limit_mb} MB 的上限（MONITOR_MAX_FILE_MB），请拆分后再导入。",
     "{file}: is over the limit of {limit_mb} MB (MONITOR_MAX_FILE_MB); split the file."),
    ("ingest.error.too_many_rows",
     "{file}：有 {rows} 行，超过 {limit} 行的上限（MONITOR_MAX_FILE_ROWS），请拆分后再导入。",
     "{file}: holds {rows} rows, over the limit of {limit} rows (MONITOR_MAX_FILE_ROWS); split the file."),
    ("ingest.error.parquet_too_large",
     "{file}：解压后为 {size_mb} MB，超过 {limit_mb} MB 的上限（MONITOR_MAX_PARQUET_MB），未读取任何数据行。",
     "{file}: decompresses to {size_mb} MB, over the limit of {limit_mb} MB (MONITOR_MAX_PARQUET_MB); no row was "
     "read."),
    ("ingest.error.nested_column", "{file}：包含嵌套列 {columns}（列表、结构或映射），每列只能是一个普通值。",
     "{file}: has nested column(s) {columns} (lists, structs or maps); each column must hold one plain value."),
    ("ingest.error.setting", "{file}：未检查：服务器的上限设置有误：{message}",
     "{file}: not checked: a limit setting of the server is wrong: {message}"),
    ("ingest.preview_sample", "预览只读取并检查每个文件的前 {rows} 行；导入时检查全部行。",
     "The preview reads and checks the first {rows} rows of each file; loading checks every row."),
    ("ingest.counts_sample",
     "共 {total} 行；前 {checked} 行中：{accepted} 行将入库，{rejected} 行被拒，{duplicates} 行与库中记录相同将跳过。",
     "{total} rows; of the first {checked}: {accepted} will land, {rejected} are rejected, {duplicates} are already "
     "in the book and will be skipped."),
)
