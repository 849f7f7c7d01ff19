"""A derived folder's build record (BUILD_FILE): what `derive --engine ... --to DIR` built, through which day, by which
engine, and monitor.freshness's record of the source data it read, which `attach` writes into the book's settings so
that the dashboard knows, as after its own derive, whether the rows still hold."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path

BUILD_FILE = "_build.json"


class NoBuildRecord(FileNotFoundError):
    """A folder that no derive finished writing."""


@dataclass(frozen=True)
class Build:
    as_of: dt.date
    charge_off_dpd: int
    engine: str
    seconds: float
    rows: dict[str, int]
    settings: list[tuple[str, str, str]]  # monitor.freshness.build_record


def write(folder: Path, build: Build) -> None:
    """Written last, so that a folder with a record holds every table whole."""
    record = {"as_of": build.as_of.isoformat(), "charge_off_dpd": build.charge_off_dpd, "engine": build.engine,
              "seconds": round(build.seconds, 1), "rows": build.rows, "settings": build.settings}
    (folder / BUILD_FILE).write_text(json.dumps(record, indent=1, ensure_ascii=False), encoding="utf-8")


def read(folder: Path) -> Build:
    path = folder / BUILD_FILE
    if not path.exists():
        raise NoBuildRecord(f"{folder}: no {BUILD_FILE}; it is not a finished derive's folder "
                            "(python -m monitor derive --engine ... --to DIR writes one)")
    record = json.loads(path.read_text(encoding="utf-8"))
    return Build(dt.date.fromisoformat(record["as_of"]), int(record["charge_off_dpd"]), record["engine"],
                 float(record["seconds"]), dict(record["rows"]), [tuple(item) for item in record["settings"]])


def clear(folder: Path) -> None:
    """Before a derive writes into `folder`: until it ends, the folder is not a finished build."""
    (folder / BUILD_FILE).unlink(missing_ok=True)
