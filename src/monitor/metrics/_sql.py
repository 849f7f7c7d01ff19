"""The metric modules' segment filter: a WHERE fragment on loan_segment with its bound value."""

from __future__ import annotations

from monitor import segments


def segment_filter(segment: str | None, value: str | None, alias: str = "s") -> tuple[str, dict]:
    """A WHERE fragment on loan_segment restricting to one segment value (bound), and its parameters."""
    if segment is None:
        return "TRUE", {}
    return f"{alias}.{segments.column(segment)} = $segment_value", {"segment_value": str(value)}
