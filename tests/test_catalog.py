"""The text catalog: every entry lives in monitor.texts, complete in both languages, and every key the code looks up
exists.

The scan reads the code (app.py, pages/, ui/, src/monitor/) and finds each lookup: t(key, ...), label(kind, ...),
and the few helpers that pass a key or a kind on to them (LOOKUPS). A key written at the call is checked as it
is; an f-string key such as t(f"kpi.{kpi}_help") is checked as the pattern kpi\\..*_help, which at least one key must
match; a label kind must be the kind of at least one key. A key the scan cannot read at the call (a variable) must be
listed in DYNAMIC with where it comes from and the keys it can be, so that a new lookup of that sort fails here until
someone says which keys it needs.
"""

from __future__ import annotations

import ast
import fnmatch
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from monitor import early_warning, list_export, notes, worklists
from monitor.i18n import CATALOG, LANGUAGES, area_entries, build_catalog

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "src" / "monitor"
SCANNED = sorted([ROOT / "app.py", *(ROOT / "pages").rglob("*.py"), *(ROOT / "ui").rglob("*.py"),
                  *(p for p in SOURCE.rglob("*.py") if p != SOURCE / "i18n.py" and SOURCE / "texts" not in p.parents)])

# the functions that look a text up: name -> (position of the argument, what it is: a catalog key or a label kind)
LOOKUPS = {
    "t": (0, "key"),  # monitor.i18n.t(key, lang)
    "label": (0, "kind"),  # monitor.i18n.label(kind, value, lang)
    "value_label": (0, "kind"),  # ui.account_charts.value_label(kind, value, lang)
    "_localize": (0, "kind"),  # ui.tables._localize(kind, column, lang)
    "_localized": (1, "kind"),  # pages/account.py _localized(column, kind)
    "retrain_button": (0, "key"),  # pages/model.py retrain_button(label_key, place)
}

# Lookups whose key or kind is a variable: (file, enclosing function, argument as written) -> (where it comes from,
# the keys it can be; a glob such as "rule.*" stands for a kind, which at least one key must have).
DYNAMIC: dict[tuple[str, str, str], tuple[str, tuple[str, ...]]] = {
    ("src/monitor/cli.py", "cmd_train_application", "key"):
        ("the application scorecard's columns and samples, written beside the call",
         ("application_scorecard.with_inference", "application_scorecard.known_good_bad",
          "application_scorecard.out_of_time", "application_scorecard.training")),
    ("src/monitor/origination/application_training.py", "_error", "key"):
        ("the reasons a book cannot train the application scorecard, named at each call",
         ("application_scorecard.too_short", "application_scorecard.no_applications")),
    ("pages/account.py", "header_section", "key"):
        ("the headings of the figure cards, written beside the call",
         ("col.dpd", "col.bucket", "col.principal_balance", "col.overdue_amount")),
    ("pages/account.py", "links_section", "key"):
        ("account.link_<link>[_plain], link from monitor.account.restructuring_links: parent or child",
         ("account.link_parent", "account.link_parent_plain", "account.link_child", "account.link_child_plain")),
    ("pages/account.py", "recovery_section", "key"):
        ("the recovery cards' headings, written beside the call",
         ("account.recovery_balance.*", "account.recovery_recovered", "account.recovery_net")),
    ("pages/account.py", "_localized", "kind"): ("_localized's kind, checked at each call (LOOKUPS)", ()),
    ("pages/delinquency.py", "early_default_section", "title"):
        ("the section titles, written beside the call", ("delinquency.fpd", "delinquency.entry")),
    ("pages/delinquency.py", "early_default_section", "empty"):
        ("the notices of an empty section, written beside the call", ("delinquency.no_fpd", "delinquency.no_entry")),
    ("pages/early_warning.py", "list_section", "shown_key"):
        ("how many rows are shown, chosen beside the call", ("early_warning.shown", "early_warning.shown_all")),
    ("pages/executive.py", "<module>", "title"):
        ("the titles of the trend charts, written beside the call",
         ("executive.balance_trend", "executive.rate_trend", "executive.nco_trend", "executive.cash_trend")),
    ("pages/model.py", "retrain_button", "label_key"): ("retrain_button's key, checked at each call (LOOKUPS)", ()),
    ("ui/account_charts.py", "value_label", "key"): ("value_label's kind, checked at each call (LOOKUPS)", ()),
    ("ui/tables.py", "_localize", "kind"): ("_localize's kind, checked at each call (LOOKUPS)", ()),
    ("ui/ingest_data.py", "localized", "kind"): ("the kinds of the coded columns, written beside the call",
                                                 ("rule.*", "batch_kind.*", "source.*")),
    ("ui/today_charts.py", "events_table", "k"):
        ("the kinds of the coded columns of each kind of event (ui/today_charts.py _CODES)",
         ("payment_channel.*", "product.*", "loan_channel.*", "action.*", "outcome.*")),
    ("src/monitor/early_warning.py", "export_frame", "key"):
        ("the export's headings, monitor.early_warning.EXPORT_HEADINGS", tuple(early_warning.EXPORT_HEADINGS.values())),
    ("src/monitor/worklists.py", "export_frame", "key"):
        ("the export's headings, monitor.worklists.EXPORT_HEADINGS", tuple(worklists.EXPORT_HEADINGS.values())),
    ("src/monitor/list_export.py", "_csv", "key"):
        ("the exports' headings, monitor.list_export.DELINQUENT_HEADINGS and EVENT_HEADINGS",
         (*list_export.DELINQUENT_HEADINGS.values(),
          *(key for headings in list_export.EVENT_HEADINGS.values() for key in headings.values()))),
    ("src/monitor/notes.py", "segment_value", "kind"):
        ("the kind of each segment's values, monitor.notes.VALUE_KINDS",
         tuple(f"{kind}.*" for kind in notes.VALUE_KINDS.values() if kind is not None)),
    ("src/monitor/report_html.py", "_definitions", "key"):
        ("the report's definitions, written beside the call",
         ("report.definition_dpd", "report.definition_entry", "report.definition_roll", "report.not_computable",
          "report.money")),
    ("src/monitor/alerts/playbooks.py", "step_text", "step"):
        ("a stored step that is a catalog key: the starter playbooks' (monitor.alerts_starter.starter)",
         ("playbook.step.*",)),
    ("src/monitor/simulate/loan_whatif.py", "source_text", "key"):
        ("Assumption.source and .notes of monitor.simulate.assumptions (each one with its basis in "
         "tests/test_simulate_loan_assumptions.py)", ("simulator_loan.source.*",)),
    ("src/monitor/simulate/loan_whatif.py", "reason_text", "reason"):
        ("the reasons monitor.simulate.options.not_applicable returns",
         ("simulator_loan.reason.nothing_to_pay", "simulator_loan.reason.legal_dpd",
          "simulator_loan.reason.nothing_to_waive", "simulator_loan.reason.no_rate_cut",
          "simulator_loan.reason.no_income", "simulator_loan.reason.unaffordable")),
}


@dataclass(frozen=True)
class Lookup:
    """One lookup in the code: the call's argument naming a key (or a label kind), as written."""

    path: str  # relative to the repository
    line: int
    function: str  # the enclosing def, "<module>" at the top level
    what: str  # "key" or "kind"
    argument: ast.expr

    @property
    def written(self) -> str:
        return ast.unparse(self.argument)


def _arguments(argument: ast.expr) -> list[ast.expr]:
    """The argument, or both branches of `a if condition else b`."""
    if isinstance(argument, ast.IfExp):
        return [*_arguments(argument.body), *_arguments(argument.orelse)]
    return [argument]


def lookups(path: Path, root: Path = ROOT) -> list[Lookup]:
    """Every lookup of LOOKUPS in one file."""
    found: list[Lookup] = []
    relative = str(path.relative_to(root))

    def visit(node: ast.AST, function: str) -> None:
        for child in ast.iter_child_nodes(node):
            inside = child.name if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef) else function
            if isinstance(child, ast.Call) and isinstance(child.func, ast.Name) and child.func.id in LOOKUPS:
                position, what = LOOKUPS[child.func.id]
                if len(child.args) > position:
                    found.extend(Lookup(relative, child.lineno, function, what, argument)
                                 for argument in _arguments(child.args[position]))
            visit(child, inside)

    visit(ast.parse(path.read_text()), "<module>")
    return found


def pattern(argument: ast.expr) -> re.Pattern | None:
    """The keys an f-string can give, f"kpi.{kpi}_help" -> kpi\\..*_help; None when it starts with a value (no
    constant prefix to check)."""
    if not (isinstance(argument, ast.JoinedStr) and argument.values and isinstance(argument.values[0], ast.Constant)):
        return None
    return re.compile("".join(re.escape(part.value) if isinstance(part, ast.Constant) else ".*"
                              for part in argument.values))


def problem(lookup: Lookup, catalog: dict[str, dict[str, str]]) -> str | None:
    """What is wrong with a lookup the scan can read (None: nothing); a variable is a problem unless in DYNAMIC."""
    where = f"{lookup.path}:{lookup.line} {lookup.written}"
    argument = lookup.argument
    if isinstance(argument, ast.Constant) and isinstance(argument.value, str):
        if lookup.what == "kind":
            return None if any(key.startswith(f"{argument.value}.") for key in catalog) else f"{where}: no such kind"
        return None if argument.value in catalog else f"{where}: no such key"
    keys = pattern(argument)
    if keys is not None:
        if lookup.what == "kind":
            keys = re.compile(keys.pattern + r"\..+")
        return None if any(keys.fullmatch(key) for key in catalog) else f"{where}: no key matches"
    if (lookup.path, lookup.function, lookup.written) in DYNAMIC:
        return None
    return f"{where}: a key the scan cannot read; list it in DYNAMIC with the keys it can be"


# ------------------------------------------------------------------------------------------------ the catalog


def test_every_entry_is_in_both_languages_and_not_empty():
    for key, texts in CATALOG.items():
        assert set(texts) == set(LANGUAGES), key
        for lang in LANGUAGES:
            assert texts[lang].strip(), f"{key} is empty in {lang}"


def test_the_catalog_is_the_entries_of_the_texts_modules():
    """monitor.i18n holds no entry of its own: every key comes from one module of monitor.texts."""
    areas = area_entries()
    assert {"app", "data", "delinquency", "executive", "tables", "stored_values", "scoring"} <= set(areas)
    assert all(areas.values()), [area for area, entries in areas.items() if not entries]
    assert sum(len(entries) for entries in areas.values()) == len(CATALOG)
    assert not any(isinstance(node, ast.Tuple) and len(node.elts) == 3 and all(
        isinstance(e, ast.Constant) and isinstance(e.value, str) for e in node.elts)
        for node in ast.walk(ast.parse((SOURCE / "i18n.py").read_text())))


def test_a_key_defined_twice_is_an_error():
    entry = ("data.title", "数据", "Data")
    with pytest.raises(ValueError, match=r"'data\.title' in monitor\.texts\.b \(already in monitor\.texts\.a\)"):
        build_catalog({"a": (entry,), "b": (entry,)})
    with pytest.raises(ValueError, match=r"'data\.title' in monitor\.texts\.a"):
        build_catalog({"a": (entry, entry)})
    assert build_catalog({"a": (entry,)}) == {"data.title": {"zh": "数据", "en": "Data"}}


# ------------------------------------------------------------------------------------------------ the scan


def test_the_scan_reads_the_code():
    assert {ROOT / "app.py", ROOT / "pages" / "data.py", ROOT / "ui" / "tables.py", SOURCE / "notes.py"} <= set(SCANNED)
    found = [lookup for path in SCANNED for lookup in lookups(path)]
    assert len(found) > 600, "the scan finds (nearly) no lookup"
    assert {lookup.what for lookup in found} == {"key", "kind"}


def test_the_scan_finds_what_is_missing(tmp_path):
    """The check can fail: a missing key, a missing kind, an f-string no key matches and an unlisted variable."""
    code = tmp_path / "page.py"
    code.write_text("def section(x, key):\n"
                    "    t('data.title', lang)\n"  # exists
                    "    t('data.no_such_text', lang)\n"
                    "    label('status', x, lang)\n"  # exists
                    "    label('no_such_kind', x, lang)\n"
                    "    t(f'kpi.{x}_help', lang)\n"  # exists
                    "    t(f'kpi.{x}_no_such_suffix', lang)\n"
                    "    t('data.title' if x else 'data.not_there', lang)\n"
                    "    t(key, lang)\n")
    problems = [problem(lookup, CATALOG) for lookup in lookups(code, tmp_path)]
    assert [p.split(": ", 1)[1] if p else None for p in problems] == [
        None, "no such key", None, "no such kind", None, "no key matches", None, "no such key",
        "a key the scan cannot read; list it in DYNAMIC with the keys it can be"]


@pytest.mark.parametrize("path", SCANNED, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_key_looked_up_exists(path):
    problems = [p for lookup in lookups(path) if (p := problem(lookup, CATALOG))]
    assert not problems, "\n".join(problems)


def test_every_listed_dynamic_lookup_is_in_the_code():
    """An entry of DYNAMIC whose lookup is gone would check keys nobody looks up any more."""
    found = {(lookup.path, lookup.function, lookup.written) for path in SCANNED for lookup in lookups(path)}
    assert set(DYNAMIC) <= found, set(DYNAMIC) - found


@pytest.mark.parametrize("site", DYNAMIC, ids=lambda site: f"{site[0]}:{site[1]}:{site[2]}")
def test_every_key_a_dynamic_lookup_can_be_exists(site):
    _, keys = DYNAMIC[site]
    missing = [key for key in keys if not fnmatch.filter(CATALOG, key)]
    assert not missing, f"{site}: {missing}"
