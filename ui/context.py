"""The sidebar state every page reads: the language and the as-of date.

Both live in st.session_state (the widget keys) and are mirrored into the URL (?lang=..&as_of=..) on
every run, so a copied link restores them. Streamlit clears the query string when the user switches
pages; the next run writes it back. The URL is read only when a session starts: afterwards the widgets
are the truth. (Streamlit's own `bind="query-params"` drops a value equal to the widget's default from
the URL, so a link would not carry a language that matched the sender's browser.)

A page's own choices live in the URL the same way (url_choice, url_multiselect, url_number, url_flag, url_loan), kept
for the session across page switches; a URL value that cannot be used is replaced and said in one line
(show_url_notices). The sidebar's date field gets a small script (_DATE_SCRIPT): a typed date applies on Enter.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import runpy
from collections.abc import Callable, Sequence
from pathlib import Path

import streamlit as st

from monitor.i18n import LANGUAGE_NAMES, LANGUAGES, t
from ui import safe_text

LANG_KEY = "lang"
AS_OF_KEY = "as_of"
_LATEST_KEY = "_latest_data_date"
_SHELL_KEY = "_shell_ran"
_CHOICE_KEY = "choice.{}"  # a page widget restored from the URL: its widget key
_KEPT_KEY = "_kept.{}"     # ... and its value and scope, kept for the session across page switches
_NOTICES_KEY = "_url_notices"  # what this run replaced in the URL, shown once (show_url_notices)
MAX_SHOWN_URL_VALUE = 40       # characters of a replaced URL value quoted in its notice
APP = Path(__file__).resolve().parents[1] / "app.py"


def _browser_language() -> str:
    """Chinese unless the browser asks for another language (st.context.locale is navigator.language)."""
    locale = st.context.locale
    return "zh" if not locale or locale.lower().startswith("zh") else "en"


def _replaced(param: str, value: str, used: object, kind: str | None = None, **more: object) -> None:
    """Note that the URL's `param`=`value` could not be used and `used` was shown instead (show_url_notices), in the
    catalog's url.replaced.<kind> (the param's own text unless given) with `more` of its parameters."""
    shown = value if len(value) <= MAX_SHOWN_URL_VALUE else value[:MAX_SHOWN_URL_VALUE] + "…"
    st.session_state.setdefault(_NOTICES_KEY, []).append((kind or param, {"value": shown, "used": str(used), **more}))


def show_url_notices(lang: str, box=st) -> None:
    """One line in `box` for each URL value this run could not use, saying what is shown instead; then forget them.
    A page whose own widgets read the URL calls it after drawing them (into a box above them)."""
    for kind, params in st.session_state.pop(_NOTICES_KEY, []):
        box.info(t(f"url.replaced.{kind}", lang, **{name: safe_text.escape(str(v)) for name, v in params.items()}),
                 icon=":material/link_off:")


def language() -> str:
    """The chosen language: the selector's value, or at the start of a session ?lang= or the browser's."""
    if LANG_KEY not in st.session_state:
        requested = st.query_params.get(LANG_KEY)
        st.session_state[LANG_KEY] = requested if requested in LANGUAGES else _browser_language()
        if requested is not None and requested not in LANGUAGES:
            _replaced(LANG_KEY, requested, LANGUAGE_NAMES[st.session_state[LANG_KEY]])
    return st.session_state[LANG_KEY]


HTML_LANG = {"zh": "zh-CN", "en": "en"}  # <html lang>: screen readers, fonts and translate offers follow it


def mark_document_language(lang: str) -> None:
    """Set the page's <html lang> to the chosen language (Streamlit leaves it "en"). A script-only st.html takes no
    space on the page."""
    st.html(f"<script>document.documentElement.lang = {json.dumps(HTML_LANG[lang])};</script>",
            unsafe_allow_javascript=True)


def select_language() -> str:
    """Draw the language selector in the sidebar and return the chosen language."""
    lang = st.sidebar.radio(t("sidebar.language", language()), LANGUAGES, key=LANG_KEY,
                            format_func=LANGUAGE_NAMES.get, horizontal=True)
    st.query_params[LANG_KEY] = lang
    return lang


def _parse_date(text: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text) if text else None
    except ValueError:
        return None


# Streamlit 1.67's date field applies a typed date only when the focus leaves it for another element, and sends that
# rerun a moment after the click that took the focus: a click on another page in the menu went out first, and the
# field's rerun, naming the page the app was on, took it back there (the click was swallowed). This script applies a
# typed date on Enter (it moves the focus from the field to the widget around it), and holds a click on a link or
# button that takes the focus from a date field for HOLD_CLICK_MS, long enough for the field's rerun to go out first,
# then clicks again. Installed once per browser tab.
HOLD_CLICK_MS = 120
_DATE_SCRIPT = """<script>(() => {
  if (window.monitorDateInput) return;
  window.monitorDateInput = true;
  const FIELD = '[data-testid="stDateInputField"]';
  const DATE_PARTS = `${FIELD}, [data-testid="stDateInputCalendar"], [data-testid="stDateInputQuickSelectPopover"]`;
  document.addEventListener("keydown", (event) => {
    const box = event.target.closest?.(FIELD)?.closest('[data-testid="stDateInput"]');
    if (event.key !== "Enter" || event.isComposing || !box) return;
    event.preventDefault();
    event.stopPropagation();
    box.tabIndex = -1;  // the focus goes to the widget around the field (a blur to nowhere keeps the typed date)
    box.style.outline = "none";
    box.focus({preventScroll: true});
  }, true);
  let leaving = false;  // this pointer press takes the focus from a date field (or its calendar) elsewhere
  document.addEventListener("pointerdown", (event) => {
    leaving = Boolean(document.activeElement?.closest?.(DATE_PARTS)) && !event.target.closest?.(DATE_PARTS);
  }, true);
  document.addEventListener("click", (event) => {
    const held = leaving && event.isTrusted && event.target.closest?.("a[href], button");
    leaving = false;
    if (!held) return;
    event.preventDefault();
    event.stopImmediatePropagation();
    setTimeout(() => event.target.dispatchEvent(new MouseEvent("click", event)), HOLD_MS);
  }, true);
})();</script>""".replace("HOLD_MS", str(HOLD_CLICK_MS))


def select_as_of(first: dt.date, latest: dt.date) -> dt.date:
    """Draw the as-of date input, bounded by the data, defaulting to its latest day.

    A user who was on the latest day stays on the latest day when new data arrives."""
    previous_latest = st.session_state.get(_LATEST_KEY)
    st.session_state[_LATEST_KEY] = latest
    chosen = st.session_state.get(AS_OF_KEY)
    if chosen is None:
        requested = st.query_params.get(AS_OF_KEY)
        chosen = _parse_date(requested) or latest
        if requested is not None and (_parse_date(requested) is None or not first <= chosen <= latest):
            _replaced(AS_OF_KEY, requested, min(max(chosen, first), latest).isoformat())
    elif chosen == previous_latest:
        chosen = latest
    st.session_state[AS_OF_KEY] = min(max(chosen, first), latest)
    lang = language()
    as_of = st.sidebar.date_input(t("sidebar.as_of", lang), key=AS_OF_KEY, min_value=first, max_value=latest,
                                  format="YYYY-MM-DD", help=t("sidebar.as_of_help", lang))
    st.html(_DATE_SCRIPT, unsafe_allow_javascript=True)
    st.query_params[AS_OF_KEY] = as_of.isoformat()
    return as_of


def run_page(page: st.Page) -> None:
    """Run the page st.navigation chose, after a line for each URL value the shell could not use; app.py's last
    step."""
    show_url_notices(language())
    st.session_state[_SHELL_KEY] = True
    page.run()


def start_page() -> tuple[str, dt.date]:
    """The first call of every page file: the language and as-of date chosen in the sidebar.

    Because the page files live in a folder named pages/, Streamlit 1.67 may run a page file by itself,
    without app.py (its legacy multipage mode, in force until a run calls st.navigation): on the first
    run of a server process opened at a page's URL, and on every AppTest run after switch_page(). The
    page then runs app.py, which draws the sidebar and runs this page through st.navigation, and ends
    its own run.
    """
    if not st.session_state.pop(_SHELL_KEY, False):
        runpy.run_path(str(APP), run_name="__main__")
        st.stop()
    return st.session_state[LANG_KEY], st.session_state[AS_OF_KEY]



def _held_choice(param: str, options: list, default, scope, keep_unknown: bool) -> tuple:
    """The value a url_choice widget shows on this run, its options (with a kept unknown value), and the URL's value
    when it was read and could not be used (else None)."""
    key, kept = _CHOICE_KEY.format(param), _KEPT_KEY.format(param)
    options = list(options)
    held_value, held_scope = st.session_state.get(kept, (None, None))
    from_url = key not in st.session_state and kept not in st.session_state
    if key in st.session_state:
        value = st.session_state[key]
    elif kept in st.session_state:
        value = held_value
    else:
        value = st.query_params.get(param)
    unusable = None
    if value not in options:
        from_url_or_same_scope = kept not in st.session_state or held_scope == scope
        if keep_unknown and value and from_url_or_same_scope:
            options.append(value)
        else:
            unusable = value if from_url else None
            value = default if default in options else (options[0] if options else None)
    return value, options, unusable


def held_choice(param: str, options: Sequence[str], default: str | None = None) -> str | None:
    """The value the url_choice of `param` will show on this run, for a page that needs it before the
    widget is drawn (further down the page)."""
    return _held_choice(param, list(options), default, None, False)[0]


def url_choice(widget: Callable, label: str, options: Sequence[str], *, param: str, default: str | None = None,
               scope: str | None = None, keep_unknown: bool = False, say_replaced: bool = False, **kwargs):
    """Draw a page's choice widget (st.selectbox, st.radio, or a column's) whose value lives in the URL as
    ?<param>=, the way the sidebar keeps the language and date: read from the URL when a session starts,
    kept for the session (also across page switches, when Streamlit forgets a widget that is not drawn),
    and written back to the URL on every run, so a copied link reproduces the view.

    A value that is not among `options` falls back to `default` (else the first option), unless
    `keep_unknown`: then a value from the URL stays, and keeps staying while `scope` (what the options
    depend on, e.g. the segment whose values they are) is unchanged. The page then says the value has no
    data, instead of silently showing another one. With `say_replaced`, a value from the URL that is replaced is
    said (show_url_notices; the page calls it after its widgets). Returns the chosen option (None when there is
    none)."""
    key, kept = _CHOICE_KEY.format(param), _KEPT_KEY.format(param)
    value, options, unusable = _held_choice(param, list(options), default, scope, keep_unknown)
    if unusable is not None and say_replaced:
        shown = kwargs.get("format_func", str)(value) if value is not None else t("url.no_choice", language())
        _replaced(param, unusable, shown, "choice", label=label)
    st.session_state[key] = value
    chosen = widget(label, options, key=key, **kwargs)
    st.session_state[kept] = (chosen, scope)
    if chosen is None:
        drop_choice(param)
    else:
        st.query_params[param] = str(chosen)
    return chosen


def url_multiselect(box, label: str, options: Sequence[str], *, param: str, **kwargs) -> list[str]:
    """A multiselect drawn in `box` (st, a column, the sidebar) whose choice lives in the URL as repeated
    parameters (?tier=D&tier=E), kept as url_choice keeps a single choice; values not among `options` are
    dropped. Returns the chosen options (empty: none chosen)."""
    key, kept = _CHOICE_KEY.format(param), _KEPT_KEY.format(param)
    if key in st.session_state:
        held = st.session_state[key]
    else:
        held = st.session_state.get(kept, st.query_params.get_all(param))
    st.session_state[key] = [value for value in held if value in options]
    chosen = box.multiselect(label, options, key=key, **kwargs)
    st.session_state[kept] = chosen
    if chosen:
        st.query_params[param] = chosen
    else:
        drop_choice(param)
    return chosen


def _url_value(param: str, scope, default, parse: Callable[[str], object | None]):
    """The value a url_number or url_flag widget shows on this run: the widget's, else the value kept for the session
    (both only while `scope` is the one they were chosen in; otherwise `default`), else at the start of a session the
    URL's when `parse` takes it (else `default`); and the URL's text when it was read and could not be used."""
    key, kept = _CHOICE_KEY.format(param), _KEPT_KEY.format(param)
    if kept in st.session_state:
        held, held_scope = st.session_state[kept]
        if held_scope != scope:
            return default, None
        return st.session_state.get(key, held), None
    text = st.query_params.get(param)
    value = None if text is None else parse(text)
    return (default, text) if value is None else (value, None)


def _kept_in_url(param: str, chosen, scope, default, write_default: bool, text: str) -> None:
    st.session_state[_KEPT_KEY.format(param)] = (chosen, scope)
    if write_default or chosen != default:
        st.query_params[param] = text
    else:
        drop_choice(param)


def url_number(box, label: str, *, param: str, default: float, min_value: float, max_value: float | None = None,
               kind: type = float, scope: object = None, write_default: bool = True, **kwargs):
    """A number input drawn in `box` whose value lives in the URL as ?<param>=, kept the way url_choice keeps a
    choice: read from the URL when a session starts, kept for the session across page switches while `scope` (what
    `default` depends on, e.g. the loan and day) is unchanged, and written back on every run. A URL value that is
    not a number from `min_value` to `max_value` (None: no bound) takes `default`, and is said (show_url_notices).
    Without `write_default` the URL holds the value only when it differs from `default` (an edit)."""
    low, high = kind(min_value), None if max_value is None else kind(max_value)

    def parse(text: str):
        try:
            value = kind(text)
        except (TypeError, ValueError):
            return None
        return value if math.isfinite(value) and low <= value and (high is None or value <= high) else None

    value, unusable = _url_value(param, scope, kind(default), parse)
    if unusable is not None:
        written = kwargs.get("format", "%d" if kind is int else "%g").__mod__  # as the input shows a number
        _replaced(param, unusable, written(value), "number", label=label, low=written(low),
                  high=written(high) if high is not None else "∞")
    if not (low <= value and (high is None or value <= high)):
        value = kind(default)
    st.session_state[_CHOICE_KEY.format(param)] = kind(value)
    chosen = box.number_input(label, min_value=low, max_value=high, key=_CHOICE_KEY.format(param), **kwargs)
    _kept_in_url(param, chosen, scope, kind(default), write_default, str(chosen))
    return chosen


FLAG_TEXT = {True: "1", False: "0"}  # a yes/no choice in the URL


def url_flag(box, label: str, *, param: str, default: bool, scope: object = None, write_default: bool = True,
             **kwargs) -> bool:
    """A checkbox drawn in `box` whose value lives in the URL as ?<param>=1 or 0, kept as url_number keeps a number;
    another URL value takes `default` and is said."""
    value, unusable = _url_value(param, scope, default,
                                 {text: flag for flag, text in FLAG_TEXT.items()}.get)
    if unusable is not None:
        _replaced(param, unusable, FLAG_TEXT[value], "flag", label=label)
    st.session_state[_CHOICE_KEY.format(param)] = value
    chosen = box.checkbox(label, key=_CHOICE_KEY.format(param), **kwargs)
    _kept_in_url(param, chosen, scope, default, write_default, FLAG_TEXT[chosen])
    return chosen


LOAN_PARAM = "loan"
MAX_LOAN_ID = 2**53 - 1  # the largest integer a browser's number input holds exactly


def _parse_loan(text: str | None) -> int | None:
    """A loan ID from the URL; None when it is not one."""
    try:
        value = int(text)
    except (TypeError, ValueError):
        return None
    return value if 1 <= value <= MAX_LOAN_ID else None


def url_loan(box, label: str, *, key: str, default: Callable[[], int | None], **kwargs) -> tuple[int | None, bool]:
    """Draw a loan-number input in `box` whose value lives in the URL as ?loan=, the way the account view and the
    loan simulator open a loan from a link or from another page (st.switch_page(..., query_params={"loan": id})).

    The URL is read when it holds another loan than the one this input wrote there: at the start of a session and
    when another page switched here with ?loan=. Otherwise the input is the truth; the loan is kept for the session
    (across page switches) and written back to the URL on every run. With no loan chosen, `default()` gives one,
    and a loan the page chose itself follows it (e.g. the as-of date). Returns the loan (None: none) and whether
    the page chose it."""
    shown, in_url, defaulted = f"_{key}.shown", f"_{key}.in_url", f"_{key}.default"
    url = st.query_params.get(LOAN_PARAM)
    unusable = None  # a ?loan= that is not a loan number: replaced, and said so
    if url is not None and url != st.session_state.get(in_url):
        value = _parse_loan(url)
        st.session_state.pop(defaulted, None)
        unusable = url if value is None else None
    elif key in st.session_state:
        value = st.session_state[key]
    else:
        value = st.session_state.get(shown)
    if value is None or value == st.session_state.get(defaulted):
        value = default()
        st.session_state[defaulted] = value
    if unusable is not None:
        _replaced(LOAN_PARAM, unusable, value if value is not None else t("url.no_loan", language()))
    st.session_state[key] = value
    chosen = box.number_input(label, min_value=1, max_value=MAX_LOAN_ID, step=1, format="%d", value=None, key=key,
                              **kwargs)
    st.session_state[shown] = chosen
    if chosen is None:
        drop_choice(LOAN_PARAM)
        st.session_state.pop(in_url, None)
    else:
        st.query_params[LOAN_PARAM] = str(chosen)
        st.session_state[in_url] = str(chosen)
    return chosen, chosen is not None and chosen == st.session_state.get(defaulted)


def open_loan(key: str, loan_id: int) -> None:
    """Button callback: show another loan in the url_loan input `key` (before it is drawn on the next run)."""
    st.session_state[key] = loan_id
    st.session_state.pop(f"_{key}.default", None)


def drop_choice(param: str) -> None:
    """Take `param` out of the URL (a choice that does not apply to the current view); the session keeps it."""
    if param in st.query_params:
        del st.query_params[param]


def choice_key(param: str) -> str:
    """The widget key of a url_choice, for tests and for reading it elsewhere on the page."""
    return _CHOICE_KEY.format(param)
