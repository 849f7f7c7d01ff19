"""What a visitor sees when a page fails in a way nobody planned for: a short message with an incident id, while the
traceback (source lines, file paths, values) goes to the server's log under the same id, for whoever runs the
server to find. Streamlit's own report would show all of it in the browser; .streamlit/config.toml sets
client.showErrorDetails = "none" for anything that gets past this handler.

Streamlit's control flow (st.stop, st.rerun, st.switch_page) raises StopException and RerunException, subclasses
of streamlit.runtime.scriptrunner_utils.exceptions.ScriptControlException, which derives from BaseException:
`except Exception` never catches them, so they pass through unchanged (tests/test_page_errors.py checks it).
"""

from __future__ import annotations

import contextlib
import logging
import secrets
from collections.abc import Iterator

import streamlit as st

from monitor import pii
from monitor.i18n import t

log = logging.getLogger(__name__)


class _Masked(logging.Filter):
    """The traceback an incident writes to the log, with phone- and ID-number-like values masked (monitor.pii): an
    exception's text may quote a value of the book. The record keeps its exc_info; its handlers print exc_text,
    which this sets first."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and not record.exc_text:
            record.exc_text = pii.mask_text(logging.Formatter().formatException(record.exc_info))
        record.msg, record.args = pii.mask_text(record.getMessage()), None
        return True


log.addFilter(_Masked())


def new_id() -> str:
    """A short random id (8 hex digits) that names one incident in the page and in the log."""
    return secrets.token_hex(4)


@contextlib.contextmanager
def reported(lang: str) -> Iterator[None]:
    """Run the block; an unexpected exception ends it with the incident message on the page and the traceback in
    the log."""
    try:
        yield
    except Exception:
        incident = new_id()
        log.exception("incident %s: a page failed at %r", incident, st.context.url)
        st.error(t("app.incident", lang, incident=incident), icon=":material/error:")
