"""Collections compliance (issue 17): the China Banking Association's 2026 collection guideline as rules over the
collection actions, the violations they find, the check before a call, and the rates and agency scorecard the
Compliance page shows.

- rules: each rule a set-oriented SQL check with its provision; its parameters are book settings;
- violations: the violations table, rebuilt by derive and kept current by every writer of actions;
- contact_check: may_contact, the same rules asked of one contact at one moment (for a dialer);
- contacts: how a contact id is made from a phone number or an address (hashed);
- rates: violations per 1,000 contacts and complaints per 10,000 accounts, by rule, agency, agent and month;
- scorecard: each agency's results and conduct, ranked for the next month's allocation.
"""
