"""Collections compliance (issue 17): the China Banking Association's 2026 collection guideline as rules over the
collection actions, the violations they find and the check before a call. The rates and the agency scorecard the
Compliance page shows are monitor.conduct's.

- rules: each rule a set-oriented SQL check with its provision; its parameters are book settings;
- violations: the violations table, rebuilt by derive and kept current by every writer of actions;
- contact_check: may_contact, the same rules asked of one contact at one moment (for a dialer);
- contacts: how a contact id is made from a phone number or an address (hashed).
"""
