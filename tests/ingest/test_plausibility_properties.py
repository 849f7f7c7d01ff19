"""Hypothesis properties of the file rules (issue 13): whatever text a cell holds, a row either lands with a value
that is exactly what was written (no rounding, no dropped zone or character) or is rejected with a message naming
the column; nothing outside the rules' bounds reaches the typed frame. Only the file stage runs (check_file): no
book is needed, so many examples are cheap."""

import datetime as dt
import unicodedata
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from monitor import db
from monitor.ingest import load, plausibility
from tests.ingest.test_plausibility import LOANS_HEADER, loan_row

PROPERTY = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def checked(**changes: str):
    text = f"{LOANS_HEADER}\n{loan_row(**changes)}\n"
    result = load.check_file(text.encode(), "loans.csv")
    return result.typed, dict(zip(result.file_violations["rule"], result.file_violations["message"], strict=False))


@PROPERTY
@given(st.decimals(min_value=Decimal("0.01"), max_value=Decimal("99999999"), places=5))
def test_a_principal_lands_exactly_or_is_rejected(value):
    typed, violations = checked(principal=str(value))
    exact = value == value.quantize(Decimal("0.01"))
    if exact:
        assert "too_many_decimals" not in violations, (value, violations)
        assert typed["principal"][0] == value
    else:
        assert violations.get("too_many_decimals", "").startswith("column principal:"), (value, violations)


@PROPERTY
@given(st.decimals(min_value=Decimal("0"), max_value=Decimal("0.24"), places=7))
def test_a_rate_lands_exactly_or_is_rejected(value):
    typed, violations = checked(annual_rate=str(value))
    if value == value.quantize(Decimal("0.0001")):
        assert "too_many_decimals" not in violations, (value, violations)
        assert typed["annual_rate"][0] == value
    else:
        assert "too_many_decimals" in violations, value


@PROPERTY
@given(st.integers(min_value=-(2 ** 63), max_value=2 ** 63 - 1))
def test_an_id_lands_only_from_1_to_2_53(value):
    typed, violations = checked(loan_id=str(value))
    if 1 <= value < plausibility.ID_LIMIT:
        assert typed["loan_id"][0] == value and not violations
    else:
        assert violations["out_of_range"].startswith(f"column loan_id: '{value}' must be"), violations


@PROPERTY
@given(st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9999, 12, 31)))
def test_a_date_before_2000_never_reaches_the_frame(day):
    typed, violations = checked(origination_date=day.isoformat())
    if day >= plausibility.EARLIEST:
        assert typed["origination_date"][0] == day
    else:
        assert typed["origination_date"][0] is None
        assert violations["out_of_range"] == f"column origination_date: '{day.isoformat()}' is before 2000-01-01"


@PROPERTY
@given(st.datetimes(min_value=dt.datetime(2001, 1, 1), max_value=dt.datetime(2090, 1, 1)),
       st.integers(min_value=-12 * 60, max_value=14 * 60).map(lambda m: m - m % 15))
def test_a_zoned_time_lands_as_the_same_instant_in_shanghai(moment, offset_minutes):
    moment = moment.replace(microsecond=0)
    zone = dt.timezone(dt.timedelta(minutes=offset_minutes))
    text = moment.replace(tzinfo=zone).isoformat()
    result = load.check_file(f"payment_id,loan_id,paid_at,amount,channel\n1,1,{text},10,app\n".encode(), "p.csv")
    assert result.file_violations.height == 0, (text, result.file_violations)
    expected = moment.replace(tzinfo=zone).astimezone(plausibility.BOOK_ZONE).replace(tzinfo=None)
    assert result.typed["paid_at"][0] == expected, text


@PROPERTY
@given(st.sampled_from(db.PAYMENT_CHANNELS), st.characters(codec="utf-8", exclude_characters=",\"\r\n\x00"),
       st.integers(min_value=0, max_value=20))
def test_a_code_with_any_foreign_character_is_rejected_and_named(code, char, at):
    """A code never lands changed: with a character added, it is the code as written or a rejected row."""
    at = min(at, len(code))
    value = code[:at] + char + code[at:]
    result = load.check_file(f"payment_id,loan_id,paid_at,amount,channel\n1,1,2026-01-01,10,{value}\n".encode(),
                             "p.csv")
    messages = result.file_violations["message"].to_list()
    if result.file_violations.height == 0:
        assert result.typed["channel"][0] == value.strip(" ") and value.strip(" ") in db.PAYMENT_CHANNELS
        return
    assert len(messages) == 1 and messages[0].startswith("column channel:"), messages
    if " " <= char <= "~":
        return  # a printable ASCII character: the code is simply not one of the list
    assert f"U+{ord(char):04X}" in messages[0], (value, messages)
    invisible = unicodedata.category(char) in ("Cf", "Cc", "Zs", "Zl", "Zp")
    assert ("invisible character" in messages[0]) == invisible, messages
