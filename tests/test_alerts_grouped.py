"""The values of one segment read together (catalog.read_values, one query per metric and segment: the speed of
50 limits on a 1M-loan book) equal the readings one value at a time, on the demo book."""

from __future__ import annotations

import pytest

from monitor import segments
from monitor.alerts import catalog
from tests.conftest import DEMO_AS_OF

GROUPED = [name for name, metric in catalog.METRICS.items() if metric.read_by is not None]


def test_the_metrics_read_by_segment():
    assert set(GROUPED) >= {"dpd30_balance", "dpd1_count", "roll_m1_m2", "fpd30_newest", "entry_rate_mtd",
                            "segment_share"}


@pytest.mark.parametrize("metric", GROUPED)
@pytest.mark.parametrize("segment", ["channel", "score_band", "cohort"])
def test_read_values_equals_read_value_by_value(demo_con, metric, segment):
    values = [*segments.values(demo_con, segment), "no such value"]
    together = catalog.read_values(demo_con, metric, DEMO_AS_OF, segment, values)
    for value in values:
        alone = catalog.read(demo_con, metric, DEMO_AS_OF, segment, value)
        assert together[value].why == alone.why, value
        if alone.value is None:
            assert together[value].value is None, value
        else:
            assert together[value].value == pytest.approx(alone.value, rel=1e-12, abs=1e-15), value
