"""Where application scorecards live: as the early-warning models do (monitor.scoring.store), the estimator in a
pickle beside the database, in models/<database name>/<version>.pkl with <version>.json for a person to read,
and its metadata in the database's `application_models` table. The live application scorecard is the newest one.
Only files this module wrote are unpickled (pickle runs code: never load a model file from elsewhere)."""

from __future__ import annotations

import datetime as dt
import json
import pickle
from pathlib import Path

import duckdb
import polars as pl
import sklearn

from monitor import db
from monitor.origination.application_training import ApplicationModel
from monitor.scoring.store import ModelError, models_dir, read_model_file, write_atomically

TRAIN_COMMAND = "python -m monitor train-application --db {path}"


def write_files(db_path: str | Path, model: ApplicationModel) -> Path:
    """Write the model's pickle and its metadata's JSON beside the database (each whole, then renamed into
    place); the pickle's path. The metadata gains the scikit-learn version the model needs."""
    folder = models_dir(db_path)
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    path = folder / f"{model.version}.pkl"
    model.metadata = {**model.metadata, "sklearn_version": sklearn.__version__}
    write_atomically(path, pickle.dumps(model, protocol=pickle.HIGHEST_PROTOCOL))
    write_atomically(path.with_suffix(".json"), json.dumps(model.metadata, indent=2, ensure_ascii=False).encode())
    return path


def register(con: duckdb.DuckDBPyConnection, model: ApplicationModel, path: Path) -> None:
    """The model's row in `application_models` (`con` writable)."""
    db.create_schema(con)  # a book made before the table existed
    db.run(con, "INSERT INTO application_models VALUES ($version, $created_at, $path, $metadata)",
           {"version": model.version, "created_at": dt.datetime.fromisoformat(model.metadata["created_at"]),
            "path": path.name, "metadata": json.dumps(model.metadata)})


def registry(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """Every application scorecard, newest (the live one) first: model_version, created_at, path, metadata (JSON
    text)."""
    return con.sql("""SELECT model_version, created_at, path, CAST(metadata AS VARCHAR) AS metadata
                      FROM application_models ORDER BY created_at DESC, model_version DESC""").pl()


def metadata(con: duckdb.DuckDBPyConnection, version: str | None = None) -> dict | None:
    """The metadata of `version`, or of the live (newest) model; None when there is none."""
    models = registry(con)
    if version is not None:
        models = models.filter(pl.col("model_version") == version)
    return json.loads(models["metadata"][0]) if models.height else None


def load(con: duckdb.DuckDBPyConnection, db_path: str | Path, version: str | None = None) -> ApplicationModel:
    """The model `version`, or the live one, with a clear ModelError when it cannot be used."""
    models = registry(con)
    command = TRAIN_COMMAND.format(path=db_path)
    if models.height == 0:
        raise ModelError(f"no application scorecard has been trained for {db_path}; run `{command}`")
    if version is not None:
        models = models.filter(pl.col("model_version") == version)
        if models.height == 0:
            raise ModelError(f"no application scorecard {version!r} is registered in {db_path}")
    row = models.row(0, named=True)
    return read_model_file(models_dir(db_path) / row["path"], f"application scorecard {row['model_version']}",
                           command)
