"""Streamlit's file uploader in the reader's language.

Streamlit (1.67) writes the dropzone's button ("Upload") and its limit ("100MB per file • CSV, PARQUET") in English
whatever the page's language, and st.file_uploader takes no text for them (a pull request that would have added
them, streamlit/streamlit#10042, was closed unmerged). So the page hides Streamlit's two texts and draws its own in
their place, by CSS on the uploader's test ids (stFileUploaderDropzone, stFileUploaderDropzoneInstructions): the
button keeps its icon, its click and its keyboard focus; only the words change. tests/test_browser_words.py reads
them back in the browser, so an upgrade of Streamlit that moves them fails there, not silently.
"""

from __future__ import annotations

import streamlit as st

from monitor.i18n import t


def _css_string(text: str) -> str:
    """`text` as a CSS string: quotes and backslashes escaped, and `<` written as its code so that the text cannot
    close the style element."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("<", "\\3c ").replace("\n", " ") + '"'


def localize(key: str, lang: str) -> None:
    """Write the uploader whose key starts with `key` in `lang`: its button and its limit (the server's
    server.maxUploadSize, the types the page takes)."""
    scope = f'[class*="st-key-{key}"] [data-testid="stFileUploaderDropzone"]'
    limit = t("uploader.limit", lang, mb=st.get_option("server.maxUploadSize"), types=t("uploader.types", lang))
    st.html(f"""<style>
{scope} button [data-testid="stMarkdownContainer"] p {{ display: none; }}
{scope} button [data-testid="stMarkdownContainer"]::after {{ content: {_css_string(t("uploader.browse", lang))}; }}
{scope} [data-testid="stFileUploaderDropzoneInstructions"] > * {{ display: none; }}
{scope} [data-testid="stFileUploaderDropzoneInstructions"]::after {{
  content: {_css_string(limit)}; font-size: 0.875rem; color: rgba(49, 51, 63, 0.6); }}
</style>""")
