"""The app's one stylesheet, injected by the shell on every run: what keeps a page readable at every width.

Streamlit lays st.columns side by side down to 640 px and lets a column shrink until its text is cut with an
ellipsis ("¥15,5…", "Download the report (…", "全"); the server never knows the browser's width, so wrapping cannot
be decided in Python. Instead a metric card, a button and a select box refuse to shrink below their content (a
select box below MIN_SELECT): Streamlit's horizontal blocks already wrap (flex-wrap), so a row that no longer fits
puts its last columns on the next line, as many per line as the window has room for.
"""

from __future__ import annotations

import streamlit as st

MIN_SELECT = "8rem"  # a select box shows "全部" / "All" and the arrow with room to spare

# What a column holding one of these may not shrink below (its text would be cut)
HOLDERS = ", ".join(f'[data-testid="{name}"]' for name in ("stMetric", "stButton", "stDownloadButton",
                                                          "stFormSubmitButton", "stSelectbox", "stMultiSelect"))

CSS = f"""<style>
[data-testid="stMain"] [data-testid="stMetric"],
[data-testid="stMain"] [data-testid="stButton"] button,
[data-testid="stMain"] [data-testid="stDownloadButton"] button,
[data-testid="stMain"] [data-testid="stFormSubmitButton"] button {{
    min-width: max-content;
}}
[data-testid="stMain"] [data-testid="stSelectbox"],
[data-testid="stMain"] [data-testid="stMultiSelect"] {{
    min-width: {MIN_SELECT};
}}
[data-testid="stColumn"]:has(:is({HOLDERS})),
[data-testid="stColumn"]:has(:is({HOLDERS})) [data-testid="stVerticalBlock"] {{
    min-width: min-content;
}}
</style>"""


def apply() -> None:
    """The stylesheet for this run (st.html of style alone takes no room on the page)."""
    st.html(CSS)
