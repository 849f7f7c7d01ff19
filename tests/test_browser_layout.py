"""Every page at the three screen sizes the app is read at (a large laptop 1440x900, a small one 1280x720, a narrow
window 800 px wide), in both languages: nothing a reader needs is cut. A metric's value, label or delta, a button's
label, a select box's shown value, a chart's width: each must fit its box once the page is complete.

One server (the scored demo book, so Early warning and Model monitoring have data) and one browser; each test opens
every page in turn at one size and language and fails listing every cut it found. Screenshots land in
tests/artifacts/layout/<page>-<width>-<lang>.png (git-ignored) for a human to look at.
"""

from __future__ import annotations

import pytest

from monitor import day_status, db
from monitor.i18n import LANGUAGES, t
from ui import navigation

from .conftest import DEMO_AS_OF
from .test_browser import (
    ARTIFACTS,
    FINISHED,
    LOADING,
    MAIN_TITLE,
    RUN_TIMEOUT_MS,
    _assert_healthy,
    _screenshot,
    browser,  # noqa: F401 - the fixture, shared
    scored_server,  # noqa: F401 - the fixture, shared
)
from .test_pages_apptest import SECTIONED

pytestmark = pytest.mark.browser

SIZES = ((1440, 900), (1280, 720), (800, 900))
SHOTS = ARTIFACTS / "layout"

# What a reader would see cut, as "<kind> "<its text>" (<the box> <needed px> > <had px>)", one line each.
# A text is cut when an element of the box is narrower than its content (an ellipsis, or text clipped by
# overflow: hidden) or the box reaches past its column (drawn over the next), an input when its value (or its
# placeholder) is wider than the room inside it, a chart when
# what it drew reaches past its own box or the column holding it (Vega draws a fixed-width chart whole, the page
# clips it: the bucket chart lost M6).
CUTS = """() => {
    const main = document.querySelector('[data-testid="stMain"]');
    const cuts = [];
    const text = el => (el.innerText || el.textContent || '').trim().replace(/\\s+/g, ' ').slice(0, 60);
    const shown = el => el.getClientRects().length > 0;
    const ruler = document.createElement('canvas').getContext('2d');
    const inputCut = input => {
        const style = getComputedStyle(input);
        const words = input.value || input.placeholder;
        if (!words) return 0;
        ruler.font = `${style.fontStyle} ${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
        const room = input.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
        const needed = Math.ceil(ruler.measureText(words).width);
        return needed > room + 1 ? `${needed}>${room}` : 0;
    };
    const check = (kind, selector) => main.querySelectorAll(selector).forEach(box => {
        if (!shown(box)) return;
        const room = box.parentElement.closest('[data-testid="stVerticalBlock"]').getBoundingClientRect();
        const right = box.getBoundingClientRect().right;
        if (right > room.right + 1) {  // wider than its column, over the next one
            cuts.push(`${kind} "${text(box)}" (past its column by ${Math.round(right - room.right)} px)`);
            return;
        }
        for (const el of [box, ...box.querySelectorAll('*')]) {
            const tip = el.closest('[data-testid="stTooltipIcon"]');
            if (tip && box.contains(tip)) continue;  // a help icon's hover target, not the text
            const cut = el.tagName === 'INPUT' ? inputCut(el)
                : el.clientWidth > 0 && el.scrollWidth > el.clientWidth + 1 && `${el.scrollWidth}>${el.clientWidth}`;
            if (cut) {
                const words = el.tagName === 'INPUT' ? (el.value || el.placeholder) : text(box);
                cuts.push(`${kind} "${words}" (${el.tagName.toLowerCase()} ${cut})`);
                return;
            }
        }
    });
    check('metric value', '[data-testid="stMetricValue"]');
    check('metric label', '[data-testid="stMetricLabel"]');
    check('metric delta', '[data-testid="stMetricDelta"]');
    check('button', '[data-testid="stButton"] button, [data-testid="stDownloadButton"] button, '
                    + '[data-testid="stFormSubmitButton"] button, [data-testid="stPageLink"] a');
    check('select', '[data-testid="stSelectbox"] [data-testid="stWidgetLabel"] ~ div, '
                    + '[data-testid="stMultiSelect"] [data-testid="stWidgetLabel"] ~ div');
    main.querySelectorAll('[data-testid="stVegaLiteChart"]').forEach((chart, i) => {
        const drawn = chart.querySelector('svg.marks, canvas');
        if (!drawn || !shown(chart)) return;
        const box = chart.getBoundingClientRect(), marks = drawn.getBoundingClientRect();
        const column = chart.closest('[data-testid="stVerticalBlock"]').getBoundingClientRect();
        const right = Math.min(box.right, column.right);
        if (marks.right > right + 1) {
            const room = Math.round(right - marks.left);
            cuts.push(`chart ${i + 1} (wider than its box: ${Math.round(marks.width)}>${room})`);
        }
    });
    return cuts;
}"""


@pytest.fixture(scope="module")
def loan_id(scored_db) -> int:
    """The delinquent loan with the largest principal balance: the longest money the Account view shows."""
    con = db.connect(scored_db, read_only=True)
    try:
        loans = day_status.status_as_of(con, DEMO_AS_OF)
        return int(loans.filter(loans["dpd"] > 0).sort("principal_balance", descending=True)["loan_id"][0])
    finally:
        con.close()


def page_views() -> list[tuple[str, str]]:
    """Every page, and each section of the pages shown in sections: (page stem, the query that opens the view)."""
    return [(stem, view) for stem, _ in navigation.PAGES
            for view in ([f"{SECTIONED[stem][0]}={s}" for s in SECTIONED[stem][1]] if stem in SECTIONED else [""])]


def _wait_complete(page, title: str) -> None:
    """Until the page titled `title` has run to its end and every element and chart has drawn."""
    page.locator(MAIN_TITLE).filter(has_text=title).wait_for(timeout=RUN_TIMEOUT_MS)
    page.wait_for_selector(FINISHED, timeout=RUN_TIMEOUT_MS)
    page.wait_for_selector(LOADING, state="detached", timeout=RUN_TIMEOUT_MS)
    charts = page.locator('[data-testid="stVegaLiteChart"]')
    for i in range(charts.count()):
        charts.nth(i).locator("svg.marks, canvas").first.wait_for(timeout=RUN_TIMEOUT_MS)
    page.evaluate("document.fonts.ready")


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize(("width", "height"), SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
def test_nothing_is_cut(scored_server, browser, loan_id, width, height, lang):  # noqa: F811 - the fixtures
    context = browser.new_context(locale="en-US", viewport={"width": width, "height": height})
    page = context.new_page()
    SHOTS.mkdir(parents=True, exist_ok=True)
    cuts = []
    try:
        for stem, view in page_views():
            query = f"lang={lang}" + (f"&loan={loan_id}" if stem == "account" else "") + (f"&{view}" if view else "")
            page.set_viewport_size({"width": width, "height": height})
            page.goto(f"{scored_server}/{navigation.url_path(stem)}?{query}")
            _wait_complete(page, t(f"{stem}.title", lang))
            _assert_healthy(page)
            name = stem + (f"-{view.partition('=')[2]}" if view else "")
            cuts += [f"{name}: {cut}" for cut in page.evaluate(CUTS)]
            _screenshot(page, SHOTS / f"{name}-{width}-{lang}.png")
    finally:
        context.close()
    assert not cuts, "\n".join(cuts)
