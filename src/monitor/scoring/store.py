"""Where trained models live: the estimator in a pickle file beside the database (never in git), its metadata in
the database's `models` table, so that pages read a model's health like any other data.

Files: <database folder>/models/<database name>/<version>.pkl, and <version>.json with the same metadata for a
person to read. The `models` row keeps the pickle's file name; it is looked up in the database's models folder, so
a database and its models folder can move (or be copied under a new name, with the folder) together. Only files
this module wrote are unpickled (pickle runs code: never load a model file from elsewhere).

A model is saved as a candidate (promoted_at NULL) or promoted at once; `promote` makes a candidate live. The live
model, the one `load` and `metadata` pick when no version is named (and so the scores and the monitoring), is the
newest promoted one: a retrain on the Model page never changes what the early-warning list uses until an admin has
seen the candidate's figures and promoted it (issue 14).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import pickle
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import polars as pl
import sklearn

from monitor import db


class ModelError(Exception):
    """A model that cannot be used as asked; the message says what to do."""


@dataclass
class ModelBundle:
    """What `score` needs: the champion estimator, the feature columns it takes, and a sample of the training
    population (those columns and its points) that PSI and CSI compare the scored population with."""

    version: str
    estimator: object
    features: tuple[str, ...]
    reference: pl.DataFrame
    metadata: dict = field(default_factory=dict)


def models_dir(db_path: str | Path) -> Path:
    db_path = Path(db_path)
    return db_path.parent / "models" / db_path.stem


def new_version(created_at: dt.datetime) -> str:
    return f"scorecard-{created_at:%Y%m%d-%H%M%S}"


def save(con: duckdb.DuckDBPyConnection, db_path: str | Path, bundle: ModelBundle, *, promote: bool) -> Path:
    """Write the pickle and its JSON beside the database (each written whole, then renamed into place), then
    register the model in `models`: live at once when `promote`, else a candidate. `con` must be writable."""
    folder = models_dir(db_path)
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    path = folder / f"{bundle.version}.pkl"
    metadata = {**bundle.metadata, "sklearn_version": sklearn.__version__}
    bundle.metadata = metadata
    write_atomically(path, pickle.dumps(bundle, protocol=pickle.HIGHEST_PROTOCOL))
    write_atomically(path.with_suffix(".json"), json.dumps(metadata, indent=2, ensure_ascii=False).encode())
    db.create_schema(con)  # a database made before the models table existed
    db.run(con, """INSERT INTO models (model_version, created_at, path, metadata, promoted_at)
                   VALUES ($version, $created_at, $path, $metadata,
                           CASE WHEN $promote THEN current_localtimestamp() END)""",
           {"version": bundle.version, "created_at": dt.datetime.fromisoformat(metadata["created_at"]),
            "path": path.name, "metadata": json.dumps(metadata), "promote": promote})
    return path


def promote(con: duckdb.DuckDBPyConnection, version: str) -> None:
    """Make the registered model `version` the live one (ModelError when there is none of that name). `con` must be
    writable."""
    if not con.execute("SELECT count(*) FROM models WHERE model_version = ?", [version]).fetchall()[0][0]:
        raise ModelError(f"no model {version!r} is registered; nothing was promoted")
    db.run(con, "UPDATE models SET promoted_at = current_localtimestamp() WHERE model_version = ?", [version])


def write_atomically(path: Path, payload: bytes) -> None:
    """Write `payload` whole beside `path`, readable by its owner only whatever the umask (the metadata names the
    book's data range, the pickle holds a sample of its training rows), then rename it into place."""
    partial = path.with_name(path.name + ".partial")
    partial.unlink(missing_ok=True)
    with os.fdopen(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as handle:
        handle.write(payload)
    os.replace(partial, path)


def registry(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """Every registered model, newest first: model_version, created_at, path, metadata (JSON text), promoted_at
    (null: a candidate never made live) and live (the newest promoted one)."""
    if not db.table_exists(con, "models"):
        return pl.DataFrame(schema={"model_version": pl.String, "created_at": pl.Datetime, "path": pl.String,
                                    "metadata": pl.String, "promoted_at": pl.Datetime, "live": pl.Boolean})
    return con.sql("""SELECT model_version, created_at, path, CAST(metadata AS VARCHAR) AS metadata, promoted_at,
                             coalesce(model_version = (SELECT model_version FROM models WHERE promoted_at IS NOT NULL
                                                       ORDER BY promoted_at DESC, model_version DESC LIMIT 1),
                                      false) AS live
                      FROM models ORDER BY created_at DESC, model_version DESC""").pl()


def live_version(con: duckdb.DuckDBPyConnection) -> str | None:
    """The live model's version: the newest promoted one (None when none was ever promoted)."""
    live = registry(con).filter("live")
    return live["model_version"][0] if live.height else None


def candidate_version(con: duckdb.DuckDBPyConnection) -> str | None:
    """The newest model made after the live one and never promoted: the one waiting for an admin (None: none)."""
    models = registry(con)
    live = models.filter("live")
    waiting = models.filter(pl.col("promoted_at").is_null())
    if live.height:
        waiting = waiting.filter(pl.col("created_at") > live["created_at"][0])
    return waiting["model_version"][0] if waiting.height else None


def metadata(con: duckdb.DuckDBPyConnection, version: str | None = None) -> dict | None:
    """The metadata of `version`, or of the live model; None when there is none."""
    models = registry(con)
    models = models.filter(pl.col("model_version") == version) if version is not None else models.filter("live")
    return json.loads(models["metadata"][0]) if models.height else None


def load(con: duckdb.DuckDBPyConnection, db_path: str | Path, version: str | None = None) -> ModelBundle:
    """The bundle of `version`, or of the live model, with a clear ModelError when it cannot be used."""
    models = registry(con)
    if models.height == 0:
        raise ModelError(f"no model has been trained for {db_path}; run `python -m monitor train --db {db_path}`")
    if version is None:
        models = models.filter("live")
        if models.height == 0:
            raise ModelError(f"no model of {db_path} is live: promote one on the Model page, or train one with "
                             f"`python -m monitor train --db {db_path}` (the command promotes what it trains)")
    else:
        models = models.filter(pl.col("model_version") == version)
        if models.height == 0:
            raise ModelError(f"no model {version!r} is registered in {db_path}; "
                             f"the models there are {', '.join(registry(con)['model_version'])}")
    row = models.row(0, named=True)
    return read_model_file(models_dir(db_path) / row["path"], f"model {row['model_version']}",
                           f"python -m monitor train --db {db_path}")


def read_model_file(path: Path, what: str, command: str):
    """The object pickled at `path` (a file this module's writers made), with a ModelError naming `what` and the
    `command` that trains it again when it is missing, unreadable or made with another scikit-learn."""
    if not path.exists():
        raise ModelError(f"the file of {what} is missing ({path}); train again with `{command}`")
    try:
        with path.open("rb") as handle:
            model = pickle.load(handle)  # noqa: S301 - our own file, see the module docstring
    except (pickle.UnpicklingError, EOFError, AttributeError, ModuleNotFoundError) as exc:
        raise ModelError(f"model file {path} cannot be read ({exc}); train again with `{command}`") from exc
    trained_with = model.metadata.get("sklearn_version")
    if trained_with != sklearn.__version__:
        raise ModelError(f"{what} was trained with scikit-learn {trained_with}, this is {sklearn.__version__}; "
                         f"train again with `{command}`")
    return model
