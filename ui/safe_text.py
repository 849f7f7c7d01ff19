"""Text from outside (a URL, an uploaded file's name, a code or name stored in the book, an error message) shown in
Streamlit's markdown as the characters it holds, never as markup.

Streamlit renders GitHub-flavoured markdown in st.markdown, captions, alerts, titles, metric and widget labels and
help tooltips, and adds its own syntax: colour and other directives (`:red[...]`, `:small[...]`), Material icons
(`:material/icon:`), emoji shortcodes (`:smile:`) and LaTeX between `$`s. CommonMark lets any ASCII punctuation be
escaped with a backslash and shows it as itself, so escaping all of it turns off every one of these constructs
without a list that a new Streamlit version could outgrow: no `[`/`(` link or image, no `:` directive or icon, no
`$` formula, no `<` tag or `<http://x>` link, no `#` heading. Line breaks and other control characters (a new
paragraph or list item could start after one) and the Unicode direction overrides (text shown in another order
than it is stored) become a space.

GitHub's bare links (`www.x.com`, `http://x.com`, `a@x.com`) are found afterwards, in the text with its escapes
resolved (Chromium shows an escaped www address as a link), so a word joiner (U+2060, invisible) goes inside
each: after `www`, after the `:` of `://` and before `@`.
"""

from __future__ import annotations

import re

_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")  # every ASCII punctuation character
# C0 and C1 controls (newlines and tabs included), line and paragraph separators, bidirectional embeddings,
# overrides and isolates
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]+")


WORD_JOINER = "\u2060"
_BARE_LINK = re.compile(r"(?i)(?<=www)(?=\.)|(?<=:)(?=//)|(?=@)")  # where GitHub's bare links would start


def escape(value: object) -> str:
    """`value` as text that Streamlit's markdown shows exactly as written (on one line)."""
    text = _BARE_LINK.sub(WORD_JOINER, _CONTROL.sub(" ", str(value)))
    return _PUNCTUATION.sub(r"\\\1", text)


def escape_all(params: dict) -> dict:
    """Each value of catalog placeholders escaped: for a message whose every parameter comes from outside."""
    return {name: escape(value) for name, value in params.items()}
