"""Masking of personal data (DESIGN.md §3: name, phone and ID number are shown masked), as SQL expressions,
so that the clear values never leave the database on their way to a page or an export."""

from __future__ import annotations


def masked_name(column: str) -> str:
    """张三丰 -> 张**: the first character, a star for each of the rest."""
    return f"left({column}, 1) || repeat('*', length({column}) - 1)"


def masked_phone(column: str) -> str:
    """13812345678 -> 138****5678, the form Chinese lenders print on statements."""
    return f"left({column}, 3) || '****' || right({column}, 4)"


def masked_id_number(column: str) -> str:
    """110101199001011234 -> 110101********1234: the region code and the last four characters."""
    return f"left({column}, 6) || repeat('*', length({column}) - 10) || right({column}, 4)"
