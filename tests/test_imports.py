"""A command imports what it needs when it needs it: scikit-learn (2.6 s on a quiet machine, through the model
store), the simulator, the generator, the loaders, the live feed and the chart libraries are imported by the
commands that use them, not by `python -m monitor` on its way to every command.

Each check runs in a fresh interpreter and reads its sys.modules after the import or the command."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

SCORING = ("sklearn", "scipy", "monitor.scoring")
WRITERS = ("monitor.synth", "monitor.ingest", "monitor.live", "monitor.simulate")
CHARTS = ("altair", "vl_convert", "pandas")


def loaded_after(code: str, folder: Path) -> set[str]:
    """The modules loaded in a fresh interpreter after running `code`."""
    listing = folder / "modules.json"
    script = f"{code}\nimport json, sys\nopen({str(listing)!r}, 'w').write(json.dumps(sorted(sys.modules)))\n"
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return set(json.loads(listing.read_text()))


def among(modules: set[str], packages: tuple[str, ...]) -> set[str]:
    """The modules of `modules` that are one of `packages` or inside one."""
    return {m for m in modules if any(m == p or m.startswith(p + ".") for p in packages)}


def run_command(*args: str) -> str:
    """Python code running `python -m monitor ARGS` in-process (its output to /dev/null), as __main__ does."""
    return ("import contextlib, os\nfrom monitor.cli import main\n"
            "with open(os.devnull, 'w') as sink, contextlib.redirect_stdout(sink), contextlib.redirect_stderr(sink):\n"
            f"    assert main({list(args)!r}) == 0\n")


def test_importing_the_command_line_loads_no_command(tmp_path):
    modules = loaded_after("import monitor.cli", tmp_path)
    assert among(modules, SCORING + WRITERS + CHARTS) == set()


def test_importing_the_package_and_the_database_module_is_light(tmp_path):
    modules = loaded_after("import monitor, monitor.db", tmp_path)
    assert among(modules, SCORING + WRITERS + CHARTS + ("polars", "monitor.status", "monitor.metrics")) == set()


def test_status_imports_neither_scikit_learn_nor_charts(demo_db, tmp_path):
    modules = loaded_after(run_command("status", "--db", str(demo_db), "--as-of", "2026-11-29"), tmp_path)
    assert "monitor.status" in modules  # the command did run
    assert among(modules, SCORING + WRITERS + CHARTS) == set()


def test_the_json_report_imports_neither_scikit_learn_nor_charts(demo_db, tmp_path):
    modules = loaded_after(run_command("report", "--db", str(demo_db), "--as-of", "2026-11-29"), tmp_path)
    assert "monitor.report" in modules
    assert among(modules, SCORING + WRITERS + CHARTS) == set()


def test_no_command_help_loads_a_command(tmp_path):
    code = ("import contextlib, io\nfrom monitor.cli import COMMANDS, main\n"
            "for command in COMMANDS:\n"
            "    with contextlib.redirect_stdout(io.StringIO()):\n"
            "        try:\n"
            "            main([command, '--help'])\n"
            "        except SystemExit as done:\n"
            "            assert done.code == 0, command\n")
    assert among(loaded_after(code, tmp_path), SCORING + WRITERS + CHARTS) == set()
