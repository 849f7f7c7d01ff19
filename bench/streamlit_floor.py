"""The yardstick of bench/browser_pages.py: what a page switch costs in Streamlit and headless Chromium on this machine
with no data at all, so that a page's time can be read against the same work done by nothing but the framework.

A throwaway app of three pages (st.navigation, as app.py) on a real Streamlit server, timed exactly as
browser_pages.py times its warm views (the same COMPLETE_JS and watcher, from the click in the menu until the page is
complete and has stayed so): "text", a title and a line of text; "charts", nine small Altair charts (a 78-point
line chart eight times in two columns, and a heatmap), as the Delinquency page drew before it was split into
sections; "concat", the same nine views as one concatenated chart. Each page is opened through the menu after the
text page, --repeats times; prints one JSON line per view and the median and max per page.

    .venv/bin/python bench/streamlit_floor.py [--repeats 10]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from browser_pages import COMPLETE_JS, MENU_LINKS, POLL_MS, WATCH_JS, _complete_since  # noqa: E402

from tests.test_browser import CHROMIUM, CHROMIUM_ARGS, VIEWPORT, _free_port, _wait_until_healthy  # noqa: E402

DATA = """df = pl.DataFrame({"x": list(range(13)) * 6, "y": [i * 0.1 for i in range(78)],
                   "s": [str(i // 13) for i in range(78)]})
"""
PAGES = {
    "text": "st.title('text page')\nst.write('hello')\n",
    "charts": DATA + textwrap.dedent("""\
        st.title('charts page')
        for _ in range(4):
            for column in st.columns(2):
                column.altair_chart(alt.Chart(df).mark_line().encode(x="x:Q", y="y:Q", color="s:N"), width="stretch")
        st.altair_chart(alt.Chart(df).mark_rect().encode(x="x:O", y="s:O", color="y:Q"), width="stretch")
        """),
    "concat": DATA + textwrap.dedent("""\
        st.title('concat page')
        line = alt.Chart(df).mark_line().encode(x="x:Q", y="y:Q", color="s:N").properties(width=500, height=250)
        heat = alt.Chart(df).mark_rect().encode(x="x:O", y="s:O", color="y:Q").properties(width=1000)
        st.altair_chart(alt.vconcat(*(alt.hconcat(line, line) for _ in range(4)), heat))
        """),
}


def write_app(folder: Path) -> Path:
    """The three-page app in `folder` (its pages in views/, not pages/, which Streamlit would list by itself)."""
    (folder / "views").mkdir()
    (folder / ".streamlit").mkdir()
    (folder / ".streamlit" / "config.toml").write_text("[browser]\ngatherUsageStats = false\n")
    for name, body in PAGES.items():
        (folder / "views" / f"{name}.py").write_text("import altair as alt\nimport polars as pl\n"
                                                     "import streamlit as st\n\n" + body)
    app = folder / "app.py"
    app.write_text("import streamlit as st\n\nst.set_page_config(layout='wide')\nst.navigation(["
                   + ", ".join(f"st.Page('views/{name}.py', title='{name}')" for name in PAGES) + "]).run()\n")
    return app


def measure(server: str, repeats: int) -> list[dict]:
    from playwright.sync_api import sync_playwright

    views = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport=VIEWPORT)
        context.add_init_script(COMPLETE_JS + "window.__title = 'text page';" + WATCH_JS.replace("POLL", str(POLL_MS)))
        page = context.new_page()
        page.goto(server)
        _complete_since(page, 0.0)
        for repeat in range(repeats):
            for name in ("charts", "text", "concat", "text"):
                started = page.evaluate(f"""() => {{ window.__title = '{name} page'; window.__ranOnce = false;
                    window.__completeSince = null; return performance.now(); }}""")
                page.locator(MENU_LINKS).filter(has_text=name).first.click()
                row = {"page": name, "repeat": repeat, "seconds": _complete_since(page, started)}
                print(json.dumps(row), flush=True)
                views.append(row)
        browser.close()
    return views


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=10)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="streamlit_floor_") as folder:
        app, port = write_app(Path(folder)), _free_port()
        server = subprocess.Popen([sys.executable, "-m", "streamlit", "run", app.name, "--server.port", str(port),
                                   "--server.address", "127.0.0.1", "--server.headless", "true"],
                                  cwd=folder, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        try:
            url = f"http://127.0.0.1:{port}"
            _wait_until_healthy(url, server)
            views = measure(url, args.repeats)
        finally:
            server.terminate()
            server.wait(timeout=10)
    for name in PAGES:
        seconds = [v["seconds"] for v in views if v["page"] == name]
        print(f"{name}: median {statistics.median(seconds):.2f} s, max {max(seconds):.2f} s over {len(seconds)} views")


if __name__ == "__main__":
    main()
