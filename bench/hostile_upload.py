"""Hostile uploads against a real server: a Parquet decompression bomb, then many previews (issue 13).

On a copy of a demo book, start a real Streamlit server, open the Data page in headless Chromium and:
1. upload a small Parquet file that holds 20,000,000 rows (one value repeated, zstd): time from the upload until
   the page shows its verdict, and the server's resident memory before and its peak after (VmRSS, VmHWM of the
   server process, from /proc);
2. preview `--previews` different all-rejected CSV files of `--preview-kb` each, one after the other (upload, wait
   for the verdict, remove the file), and the server's resident memory after a warm-up of 10 previews and after
   all of them.
Prints one JSON object and, with --write, puts it under its heading in bench/RESULTS.md.

    .venv/bin/python bench/hostile_upload.py [--source data/monitor.duckdb] [--previews 1000] [--write]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

import polars as pl

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.results import replace_section  # noqa: E402
from bench.run import machine  # noqa: E402
from monitor.i18n import t  # noqa: E402
from tests.test_browser import CHROMIUM, CHROMIUM_ARGS, RUN_TIMEOUT_MS, _open, serve  # noqa: E402

HEADING = "## Hostile uploads (issue 13)"
# glibc's malloc arenas for the server, as `make run` starts it: Streamlit runs each script run on a new thread, and
# with glibc's default (8 arenas a core) the freed memory of a preview stays spread over per-thread arenas.
SERVER_MALLOC_ARENA_MAX = "2"
BOMB_ROWS = 20_000_000
UPLOAD_INPUT = '[data-testid="stFileUploaderDropzoneInput"]'
DELETE_BUTTON = '[data-testid="stFileChipDeleteBtn"] button, button[data-testid="stFileChipDeleteBtn"]'
# The page's verdict on a file: an error box (refused, unusable) or the preview's counts.
VERDICT = '[data-testid="stAlertContentError"], [data-testid="stAlertContentWarning"], .st-key-ingest_land'


def bomb(folder: Path) -> Path:
    """20,000,000 identical payment rows in one small Parquet file."""
    path = folder / "bomb.parquet"
    pl.select(payment_id=pl.repeat(1, BOMB_ROWS, dtype=pl.Int64), loan_id=pl.lit(1, pl.Int64),
              paid_at=pl.lit("2026-11-20 10:00:00"), amount=pl.lit("-1.00"), channel=pl.lit("app")
              ).write_parquet(path, compression="zstd", row_group_size=BOMB_ROWS)
    return path


def rejected_csv(kilobytes: int, k: int) -> bytes:
    """An all-rejected payments file (negative amounts) of about `kilobytes`, different for each k."""
    line = f"{k},1,2026-11-20 10:00:00,-1.00,app\n"
    return ("payment_id,loan_id,paid_at,amount,channel\n" + line * max(1, kilobytes * 1024 // len(line))).encode()


def memory_mb(pid: int) -> dict[str, float]:
    """The process's resident memory now (VmRSS) and at its peak (VmHWM), MB."""
    fields = dict(line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines())
    return {key: int(fields[key].split()[0]) / 1024 for key in ("VmRSS", "VmHWM")}


def _server_pid(url: str) -> int:
    """The pid of the Streamlit server listening on `url`'s port (tests.test_browser.serve started it)."""
    port = url.rsplit(":", 1)[1]
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            args = cmdline.read_bytes().split(b"\0")
        except OSError:
            continue
        if b"streamlit" in b" ".join(args) and port.encode() in args:
            return int(cmdline.parent.name)
    raise RuntimeError(f"no Streamlit server on port {port}")


def _section(r: dict) -> str:
    rows = [
        (f"Parquet bomb: {r['bomb_rows']:,} rows in {r['bomb_file_kb']:,} KB, upload to the page's verdict",
         f"{r['bomb_verdict_s']:.2f} s"),
        ("server memory before the bomb / its peak after",
         f"{r['rss_before_mb']:.0f} MB / {r['peak_after_bomb_mb']:.0f} MB"),
        (f"{r['previews']:,} previews of all-rejected {r['preview_kb']:,} KB files, one after the other",
         f"{r['previews_s']:.0f} s"),
        (f"server memory after 10 warm-up previews / after all {r['previews']:,}",
         f"{r['rss_after_warmup_mb']:.0f} MB / {r['rss_after_previews_mb']:.0f} MB"),
        ("server's peak memory over the run", f"{r['peak_mb']:.0f} MB"),
        ("server memory after each 100 previews", ", ".join(f"{mb} MB" for _, mb in r["rss_every_100_mb"])),
        ("MALLOC_ARENA_MAX of the server", r["malloc_arena_max"] or "not set (glibc's default)"),
    ]
    table = "\n".join(f"| {what} | {figure} |" for what, figure in rows)
    return f"""Measured {r["date"]} on {r["machine"]}, by `.venv/bin/python bench/hostile_upload.py --write`: a real
Streamlit server on a copy of the demo book, its Data page in headless Chromium, memory of the server process
from /proc (VmRSS now, VmHWM its peak).

| what | figure |
|---|---|
{table}
"""


def upload(page, name: str, data: bytes, mime: str) -> float:
    """Upload one file, wait for the page's verdict, remove the file; seconds to the verdict."""
    started = time.perf_counter()
    page.locator(UPLOAD_INPUT).set_input_files(files=[{"name": name, "mimeType": mime, "buffer": data}])
    page.locator(VERDICT).first.wait_for(timeout=RUN_TIMEOUT_MS)
    seconds = time.perf_counter() - started
    page.locator(DELETE_BUTTON).first.click()
    page.locator(VERDICT).first.wait_for(state="detached", timeout=RUN_TIMEOUT_MS)
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", default=str(ROOT / "data" / "monitor.duckdb"))
    parser.add_argument("--previews", type=int, default=1000)
    parser.add_argument("--preview-kb", type=int, default=1024)
    parser.add_argument("--write", action="store_true", help="write the result into bench/RESULTS.md")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    os.environ.setdefault("MALLOC_ARENA_MAX", SERVER_MALLOC_ARENA_MAX)  # serve() passes the environment on
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        book = folder / "book.duckdb"
        shutil.copyfile(args.source, book)
        bomb_file = bomb(folder)
        bomb_kb = round(bomb_file.stat().st_size / 1024, 1)
        with serve(book, folder) as url, sync_playwright() as api:
            server_pid = _server_pid(url)
            browser = api.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            _, page = _open(browser, f"{url}/data?lang=en", t("nav.data", "en"))
            before = memory_mb(server_pid)
            bomb_seconds = upload(page, bomb_file.name, bomb_file.read_bytes(), "application/octet-stream")
            after_bomb = memory_mb(server_pid)
            for k in range(10):
                upload(page, f"warm_{k}.csv", rejected_csv(args.preview_kb, k), "text/csv")
            warm = memory_mb(server_pid)
            started = time.perf_counter()
            series = []  # (previews done, server's resident MB)
            for k in range(args.previews):
                upload(page, f"payments_{k}.csv", rejected_csv(args.preview_kb, 1000 + k), "text/csv")
                if (k + 1) % 100 == 0:
                    series.append((k + 1, round(memory_mb(server_pid)["VmRSS"])))
                    print(json.dumps({"previews": k + 1, "rss_mb": series[-1][1]}), flush=True)
            previews_seconds = time.perf_counter() - started
            end = memory_mb(server_pid)
            browser.close()
    result = {"machine": machine(), "date": time.strftime("%Y-%m-%d %H:%M"), "bomb_file_kb": bomb_kb,
              "bomb_rows": BOMB_ROWS, "bomb_verdict_s": bomb_seconds,
              "rss_before_mb": before["VmRSS"], "peak_after_bomb_mb": after_bomb["VmHWM"],
              "previews": args.previews, "preview_kb": args.preview_kb, "previews_s": previews_seconds,
              "rss_after_warmup_mb": warm["VmRSS"], "rss_after_previews_mb": end["VmRSS"],
              "peak_mb": end["VmHWM"], "rss_every_100_mb": series,
              "malloc_arena_max": os.environ.get("MALLOC_ARENA_MAX")}
    print(json.dumps(result))
    if args.write:
        replace_section(HEADING, _section(result))


if __name__ == "__main__":
    main()
