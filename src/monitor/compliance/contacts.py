"""Contact ids: the phone number or address an action reached, hashed, so that the rules can count attempts to one
contact and honour a request not to be contacted without the data holding the number itself.

One definition serves the generator, the live feed and whoever writes actions: SQL expressions over a phone number,
a customer (their address) or a loan and a slot (a third party the book knows only through the loan).
"""

from __future__ import annotations


def phone_contact(phone: str) -> str:
    """SQL: the contact id of a phone number (the debtor's)."""
    return f"'p' || substr(md5('phone:' || {phone}), 1, 16)"


def address_contact(customer_id: str) -> str:
    """SQL: the contact id of a customer's address (a field visit)."""
    return f"'a' || substr(md5('address:' || CAST({customer_id} AS VARCHAR)), 1, 16)"


def third_party_contact(loan_id: str, party: str, slot: str) -> str:
    """SQL: the contact id of a third party reached about a loan (`slot` tells two of them apart)."""
    return (f"'t' || substr(md5('third:' || CAST({loan_id} AS VARCHAR) || ':' || {party} || ':' "
            f"|| CAST({slot} AS VARCHAR)), 1, 16)")


def action_contact(party: str, action_type: str, loan_id: str, customer_id: str, phone: str, slot: str) -> str:
    """SQL: the contact id of an action: the debtor's phone, or their address for a visit; a third party's id."""
    return f"""CASE WHEN {party} <> 'debtor' THEN {third_party_contact(loan_id, party, slot)}
                    WHEN {action_type} IN ('field_visit', 'letter', 'legal_notice', 'lawsuit')
                    THEN {address_contact(customer_id)}
                    ELSE {phone_contact(phone)} END"""
