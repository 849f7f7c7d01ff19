"""Checks of what a user types into a simulator, each failing with a message that names the field and the rule.

SimulationInputError is a ValueError, so callers that already catch ValueError keep working."""

from __future__ import annotations

import math

MAX_APR = 0.24  # the lender's cap on the annual rate (DESIGN.md §3: annual_rate at most 0.24)
MAX_TERM = 360


class SimulationInputError(ValueError):
    """A simulator input breaks a rule; the message names the field and the rule."""


def _number(name: str, value) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise SimulationInputError(f"{name} must be a number, got {value!r}") from None
    if math.isnan(number) or math.isinf(number):
        raise SimulationInputError(f"{name} must be a finite number, got {value!r}")
    return number


def check_apr(value, name: str = "annual_rate") -> float:
    """An annual rate (APR) between 0 and 24%."""
    rate = _number(name, value)
    if not 0.0 <= rate <= MAX_APR:
        raise SimulationInputError(f"{name} must be between 0 and {MAX_APR:.0%} (APR cap), got {rate:.4g}")
    return rate


def check_term(value, name: str = "months") -> int:
    """A whole number of months, 1 to MAX_TERM."""
    number = _number(name, value)
    if number != int(number) or not 1 <= number <= MAX_TERM:
        raise SimulationInputError(f"{name} must be a whole number of months from 1 to {MAX_TERM}, got {value!r}")
    return int(number)


def check_share(name: str, value) -> float:
    """A share (rate, probability, discount) between 0 and 1 (0% to 100%)."""
    share = _number(name, value)
    if not 0.0 <= share <= 1.0:
        raise SimulationInputError(f"{name} must be between 0 and 1 (0% to 100%), got {share:.4g}")
    return share


def check_non_negative(name: str, value) -> float:
    """An amount or a duration that cannot be negative."""
    number = _number(name, value)
    if number < 0:
        raise SimulationInputError(f"{name} must not be negative, got {number:.4g}")
    return number


def check_positive(name: str, value) -> float:
    """An amount that must be above zero (a principal)."""
    number = _number(name, value)
    if number <= 0:
        raise SimulationInputError(f"{name} must be above 0, got {number:.4g}")
    return number
