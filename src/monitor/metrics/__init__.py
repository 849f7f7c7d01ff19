"""Portfolio metrics, each defined once (DESIGN.md §4) for the pages, the report command and the tests.

Every function takes an open DuckDB connection (reading the source and derived tables) and returns a polars
frame or plain numbers. Segment filters take a segment name from monitor.segments.SEGMENTS and a value.
"""

from monitor.metrics.collection import (
    cash_collected,
    cash_series,
    collection_entry_rate,
    collection_entry_series,
    entry_rate_of,
)
from monitor.metrics.credit_loss import default_rates_by_bucket, expected_credit_loss, loss_given_default
from monitor.metrics.delinquency import (
    BUCKET_ORDER,
    DPD_THRESHOLDS,
    balance_series,
    bucket_distribution,
    bucket_series,
    day_totals,
    delinquent_loans,
    dpd_rate_series,
    dpd_rates,
    largest_movers,
    segment_movers,
)
from monitor.metrics.losses import net_charge_off_rate, net_charge_off_series
from monitor.metrics.migration import (
    FLOW_STEPS,
    ROLL_TO_STATES,
    cure_rates,
    flow_rate_series,
    implied_loss_rate,
    roll_rate_series,
    roll_rates,
)
from monitor.metrics.vintage import payment_default, payment_default_by_cohort, vintage_comparison, vintages

__all__ = [
    "BUCKET_ORDER", "DPD_THRESHOLDS", "FLOW_STEPS", "ROLL_TO_STATES", "balance_series", "bucket_distribution",
    "bucket_series", "cash_collected", "cash_series", "collection_entry_rate", "collection_entry_series",
    "cure_rates", "day_totals", "default_rates_by_bucket", "delinquent_loans", "dpd_rate_series", "dpd_rates",
    "entry_rate_of",
    "expected_credit_loss", "flow_rate_series", "implied_loss_rate", "largest_movers", "loss_given_default",
    "net_charge_off_rate", "net_charge_off_series", "payment_default", "payment_default_by_cohort",
    "roll_rate_series", "roll_rates", "segment_movers", "vintage_comparison", "vintages",
]
