"""What the application scorecard reads of an application: only what the lender knew when it decided, from the
`applications` table (issue 18).

Features: channel, product, amount asked, term_months, monthly_income, employment_type, city_tier (a category),
age, bureau_score (NULL: no credit file, which the scorecard bins on its own as "missing"), burden = amount /
term_months / monthly_income (the share of the monthly income one month's principal takes) and the lender's own
application_score. The outcome of a booked application is not here: monitor.origination.outcomes defines it.
"""

from __future__ import annotations

import duckdb
import polars as pl

NUMERIC = ("amount", "term_months", "monthly_income", "age", "bureau_score", "burden", "application_score")
CATEGORICAL = ("channel", "product", "employment_type", "city_tier")
FEATURES = (*CATEGORICAL, *NUMERIC)

FEATURES_SQL = """
    SELECT application_id, CAST(applied_at AS DATE) AS applied_on, decision, loan_id,
           channel, product, employment_type, CAST(city_tier AS VARCHAR) AS city_tier,
           CAST(amount AS DOUBLE) AS amount, CAST(term_months AS DOUBLE) AS term_months,
           CAST(monthly_income AS DOUBLE) AS monthly_income, CAST(age AS DOUBLE) AS age,
           CAST(bureau_score AS DOUBLE) AS bureau_score,
           CAST(amount AS DOUBLE) / term_months / CAST(monthly_income AS DOUBLE) AS burden,
           CAST(application_score AS DOUBLE) AS application_score
    FROM applications"""


def application_features(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """Every application: application_id, applied_on, decision, loan_id (null unless booked) and the FEATURES
    (numeric as Float64 with null, categories as String), in application_id order."""
    return con.sql(FEATURES_SQL + " ORDER BY application_id").pl()
