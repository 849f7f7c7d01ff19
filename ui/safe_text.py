"""Text from outside (a URL, an uploaded file's name, a code or name stored in the book, an error message) shown in
Streamlit's markdown as the characters it holds, never as markup.

Streamlit renders GitHub-flavoured markdown in st.markdown, captions, alerts, titles, metric and widget labels and
help tooltips, and adds its own syntax: colour and other directives (`:red[...]`, `:small[...]`), Material icons
(`:material/icon:`), emoji shortcodes (`:smile:`), LaTeX between `$`s, and links found in bare text
(`www.x.com`, `http://x`). CommonMark lets any ASCII punctuation be escaped with a backslash and shows it as
itself, so escaping all of it turns off every one of these constructs without a list that a new Streamlit
version could outgrow: no `[`/`(` link or image, no `:` directive or icon, no `$` formula, no `<` tag, no
`.`/`:` in an autolink. Line breaks and other control characters (a new paragraph, a heading or a list
item could start after one) and the Unicode direction overrides (text shown in another order than it is stored)
become a space.
"""

from __future__ import annotations

import re

_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")  # every ASCII punctuation character
# C0 and C1 controls (newlines and tabs included), line and paragraph separators, bidirectional embeddings,
# overrides and isolates
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]+")


def escape(value: object) -> str:
    """`value` as text that Streamlit's markdown shows exactly as written (on one line)."""
    return _PUNCTUATION.sub(r"\\\1", _CONTROL.sub(" ", str(value)))


def escape_all(params: dict) -> dict:
    """Each value of catalog placeholders escaped: for a message whose every parameter comes from outside."""
    return {name: escape(value) for name, value in params.items()}
