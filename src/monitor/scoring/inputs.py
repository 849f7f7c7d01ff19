"""What the scoring estimators take in, checked once for all of them (as scikit-learn's utils.validation is):
a pandas or polars DataFrame (or an array, whose columns are then x0, x1, ...), numeric columns read as float64
with NaN, the others as polars String with null (None, NaN and null all count as missing); a 0/1 target whose
class 1 is the bad outcome."""

from __future__ import annotations

import numpy as np
import polars as pl
from sklearn.utils.multiclass import type_of_target
from sklearn.utils.validation import check_array, column_or_1d


def _is_polars(X) -> bool:
    return isinstance(X, pl.DataFrame)


def _is_pandas(X) -> bool:
    return type(X).__module__.split(".")[0] == "pandas" and hasattr(X, "iloc")


def as_frame(X, fitted=None):
    """A pandas or polars DataFrame as it is (matched by column name later: extra columns, a loan id say, are
    ignored); anything else goes through scikit-learn's check_array and becomes a polars frame with columns
    x0, x1, ... which, having no names, must have exactly the fitted number of columns."""
    if _is_pandas(X) and not all(isinstance(c, str) for c in X.columns):
        return X.rename(columns=str)
    if _is_polars(X) or _is_pandas(X):
        return X
    if isinstance(X, pl.LazyFrame):
        return X.collect()
    arr = check_array(X, dtype=None, ensure_all_finite=False, accept_sparse=False)
    if fitted is not None and arr.shape[1] != fitted.n_features_in_:
        raise ValueError(
            f"X has {arr.shape[1]} features, but {type(fitted).__name__} is expecting {fitted.n_features_in_} "
            "features as input."
        )
    return pl.DataFrame({f"x{j}": arr[:, j] for j in range(arr.shape[1])}, strict=False)


def column_names(X) -> list[str]:
    return [str(c) for c in X.columns]


def _polars_column(X, name: str) -> pl.Series:
    s = X[name]
    if s.dtype == pl.Object:  # python objects (numbers and None, say): let polars infer the type
        s = pl.Series(name, s.to_list(), strict=False)
    return s


def is_numeric(X, name: str) -> bool:
    if _is_polars(X):
        dtype = _polars_column(X, name).dtype
        return dtype.is_numeric() or dtype == pl.Boolean
    import pandas as pd

    s = X[name]
    if s.dtype == object:  # python objects: numeric if all the non-missing values are numbers
        return pd.api.types.infer_dtype(s, skipna=True) in ("floating", "integer", "mixed-integer-float", "boolean")
    return bool(pd.api.types.is_numeric_dtype(s.dtype) or pd.api.types.is_bool_dtype(s.dtype))


def numeric_values(X, name: str) -> np.ndarray:
    """float64, missing as NaN."""
    if _is_polars(X):
        s = _polars_column(X, name).cast(pl.Float64)
        return s.fill_null(np.nan).to_numpy().astype(np.float64, copy=False)
    s = X[name]
    return s.to_numpy(dtype=np.float64, na_value=np.nan)


def _format_number(v: float) -> str:
    """A number used as a category: 3.0 and 3 both read "3", whichever frame library carried it."""
    return str(int(v)) if float(v).is_integer() else repr(float(v))


def category_values(X, name: str, numeric: bool) -> pl.Series:
    """polars String, missing as null; numbers used as categories written the same way from pandas and polars."""
    if numeric:
        x = numeric_values(X, name)
        return pl.Series(name, [None if np.isnan(v) else _format_number(v) for v in x], dtype=pl.String)
    if _is_polars(X):
        return _polars_column(X, name).cast(pl.String)
    import pandas as pd

    s = X[name]
    mask = pd.isna(s).to_numpy()
    values = s.to_numpy(dtype=object)
    return pl.Series(name, [None if m else str(v) for v, m in zip(values, mask, strict=True)], dtype=pl.String)


def check_columns(X, names) -> None:
    have = set(column_names(X))
    missing = [c for c in names if c not in have]
    if missing:
        raise ValueError(f"X lacks the columns the model was fitted on: {missing}")


def binary_target(y) -> tuple[np.ndarray, np.ndarray]:
    """(classes, y as 0/1) with classes[1] the event (bad)."""
    if y is None:
        raise ValueError("requires y to be passed, but the target y is None")
    if hasattr(y, "to_numpy"):
        y = y.to_numpy()
    y = column_or_1d(y, warn=True)
    y_type = type_of_target(y, input_name="y", raise_unknown=True)
    if y_type not in ("binary", "multiclass"):
        raise ValueError(f"Unknown label type: {y_type}; y must be 0/1 (good/bad)")
    if y_type != "binary":
        raise ValueError(f"Only binary classification is supported. The type of the target is {y_type}.")
    classes, yy = np.unique(y, return_inverse=True)
    if classes.size != 2:
        raise ValueError(f"y has {classes.size} class; the model needs both goods and bads")
    return classes, yy.astype(np.int64)



class TabularClassifierMixin:
    """scikit-learn tags shared by the scorecard and its challenger: binary classifiers of frames whose
    columns may be strings (categories) and may hold missing values."""

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True
        tags.input_tags.string = True
        tags.input_tags.categorical = True
        tags.target_tags.required = True
        tags.classifier_tags.multi_class = False  # good or bad
        return tags
