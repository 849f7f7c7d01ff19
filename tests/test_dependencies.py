"""The declared dependencies match the code: every third-party import is declared in pyproject.toml (the package's
in [project] dependencies, the app's in the "app" extra, the tests' in the "dev" extra), requirements.in lists the
same direct dependencies, and requirements.txt pins each of them and everything they need, nothing else."""

from __future__ import annotations

import ast
import sys
import tomllib
from importlib.metadata import packages_distributions, requires
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]
FIRST_PARTY = {"monitor", "ui", "pages", "tests", "app"}


def _project() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


def _names(requirements: list[str]) -> set[str]:
    """Distribution names of requirement strings, the project's own extras ("monitor[app]") left out."""
    return {canonicalize_name(Requirement(r).name) for r in requirements} - {"monitor"}


def declared(*extras: str) -> set[str]:
    project = _project()
    names = _names(project["dependencies"])
    for extra in extras:
        names |= _names(project["optional-dependencies"][extra])
    return names


def imported(*paths: Path) -> set[str]:
    """Distributions of the third-party modules imported (anywhere in a file, lazily too) by the .py files under
    `paths`."""
    modules = set()
    for path in paths:
        for file in [path] if path.is_file() else path.rglob("*.py"):
            for node in ast.walk(ast.parse(file.read_text(), str(file))):
                if isinstance(node, ast.Import):
                    modules |= {alias.name.split(".")[0] for alias in node.names}
                elif isinstance(node, ast.ImportFrom) and node.level == 0:
                    modules.add(node.module.split(".")[0])
    third_party = modules - FIRST_PARTY - set(sys.stdlib_module_names)
    by_module = packages_distributions()
    missing = third_party - set(by_module)
    assert not missing, f"imported but not installed: {sorted(missing)}"
    return {canonicalize_name(by_module[m][0]) for m in third_party}


SPARK_ENGINE = ROOT / "src" / "monitor" / "engines" / "spark_engine.py"  # pyspark: the "spark" extra only


def test_the_package_declares_what_it_imports():
    assert imported(*(path for path in (ROOT / "src" / "monitor").rglob("*.py") if path != SPARK_ENGINE)) <= declared()


@pytest.mark.spark
def test_the_spark_engine_declares_what_it_imports_and_requirements_spark_pins_it():
    assert imported(SPARK_ENGINE) <= declared("spark")
    lines = [line.strip() for line in (ROOT / "requirements-spark.txt").read_text().splitlines()]
    pins = {canonicalize_name(line.split("==")[0]) for line in lines if line and not line.startswith("#")}
    assert pins == _closure(_declared_requirements("spark")) - _closure(_declared_requirements())


def test_the_app_declares_what_it_imports():
    assert imported(ROOT / "app.py", ROOT / "ui", ROOT / "pages") <= declared("app")


def test_the_tests_declare_what_they_import():
    assert imported(ROOT / "tests") <= declared("app", "dev")


def test_requirements_in_lists_the_declared_dependencies():
    lines = [line.split("#")[0].strip() for line in (ROOT / "requirements.in").read_text().splitlines()]
    assert _names([line for line in lines if line]) == declared("app", "dev")


def _pins() -> dict[str, str]:
    lines = [line.strip() for line in (ROOT / "requirements.txt").read_text().splitlines()]
    pins = [line.split("==") for line in lines if line and not line.startswith("#")]
    assert all(len(pin) == 2 for pin in pins), "every line of the lock is name==version"
    return {canonicalize_name(name): version for name, version in pins}


def _closure(requirements: list[Requirement]) -> set[str]:
    """The distributions `requirements` name and everything they need, the extras they ask for included
    ("streamlit[auth]" brings Authlib), read from the installed distributions' metadata."""
    seen: set[tuple[str, str]] = set()
    stack = [(canonicalize_name(r.name), extra) for r in requirements for extra in ("", *r.extras)]
    while stack:
        name, extra = stack.pop()
        if (name, extra) in seen:
            continue
        seen.add((name, extra))
        for line in requires(name) or []:
            requirement = Requirement(line)
            if requirement.marker is None or requirement.marker.evaluate({"extra": extra}):
                stack += [(canonicalize_name(requirement.name), e) for e in ("", *requirement.extras)]
    return {name for name, _ in seen}


def _declared_requirements(*extras: str) -> list[Requirement]:
    project = _project()
    lines = project["dependencies"] + [line for extra in extras for line in project["optional-dependencies"][extra]]
    return [r for r in map(Requirement, lines) if canonicalize_name(r.name) != "monitor"]


def test_requirements_txt_pins_the_direct_dependencies_and_what_they_need():
    assert set(_pins()) == _closure(_declared_requirements("app", "dev"))
