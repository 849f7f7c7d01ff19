"""The file uploader speaks the page's language (issue 15 item 5): Streamlit's own English words on it ("Upload",
"100MB per file • CSV, PARQUET") are hidden and the catalog's drawn in their place (ui.uploader), read back here as
the browser renders them. Screenshots: tests/artifacts/uploader-<lang>.png."""

from __future__ import annotations

import pytest

from monitor.i18n import LANGUAGES, t
from ui import navigation

from .test_browser import (
    ARTIFACTS,
    _assert_healthy,
    _open,
    browser,  # noqa: F401 - the fixture, shared
    server,  # noqa: F401 - the fixture, shared
)

pytestmark = pytest.mark.browser

DROPZONE = '[data-testid="stFileUploaderDropzone"]'
AFTER = "e => getComputedStyle(e, '::after').content"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_uploader_speaks_the_page_s_language(server, browser, lang):  # noqa: F811 - the fixtures
    context, page = _open(browser, f"{server}/{navigation.url_path('data')}?lang={lang}", t("data.title", lang))
    try:
        _assert_healthy(page)
        zone = page.locator(DROPZONE)
        shown = zone.inner_text()
        for english in ("Upload", "per file", "PARQUET", "Drag and drop files here"):
            assert english not in shown, shown
        button = zone.locator('button [data-testid="stMarkdownContainer"]')
        assert button.evaluate(AFTER) == f'"{t("uploader.browse", lang)}"'
        limit = zone.locator('[data-testid="stFileUploaderDropzoneInstructions"]').evaluate(AFTER)
        assert limit == '"' + t("uploader.limit", lang, mb=100, types=t("uploader.types", lang)) + '"'
        assert zone.locator('[data-testid="stFileUploaderDropzoneInput"]').count() == 1  # still a file input
        ARTIFACTS.mkdir(exist_ok=True)
        page.locator('[data-testid="stFileUploader"]').screenshot(path=ARTIFACTS / f"uploader-{lang}.png")
    finally:
        context.close()
