"""segments.values_of: every segment's values in one pass, the same as each segment's own DISTINCT over the loans and
their customers (the demo book; a loan without a customer row gives no value)."""

from __future__ import annotations

from monitor import segments


def test_all_segments_in_one_pass_equal_each_segments_own(demo_con):
    together = segments.values_of(demo_con)
    assert set(together) == set(segments.SEGMENTS)
    for name, expression in segments.SEGMENTS.items():
        alone = [row[0] for row in demo_con.execute(
            f"SELECT DISTINCT {expression} AS v FROM loans l LEFT JOIN customers c USING (customer_id) "
            "WHERE v IS NOT NULL ORDER BY 1").fetchall()]
        assert together[name] == alone, name
        assert segments.values(demo_con, name) == alone
    assert len(together["channel"]) >= 3 and len(together["cohort"]) >= 24


def test_a_subset_of_segments(demo_con):
    assert set(segments.values_of(demo_con, ("product", "city_tier"))) == {"product", "city_tier"}
