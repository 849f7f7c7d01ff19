"""Reading altair chart specs (chart.to_dict()) in tests."""

from __future__ import annotations


def chart_titles(spec) -> list[str]:
    """Every axis, legend, tooltip and chart title in a spec."""
    found = []
    if isinstance(spec, dict):
        for key, value in spec.items():
            if key == "title" and isinstance(value, str):
                found.append(value)
            else:
                found += chart_titles(value)
    elif isinstance(spec, list):
        for item in spec:
            found += chart_titles(item)
    return found
