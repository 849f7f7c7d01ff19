"""Collection conduct as the Compliance page (催收合规) reads it: how often the collection rules are broken and how
often collection is complained about, and how the outside agencies perform, built on monitor.compliance's
violations and on the book's actions, payments and status.

- rates: violations per 1,000 contacts and complaints per 10,000 accounts, by rule, agency, agent and month;
- scorecard: each agency's results, conduct and cost, ranked for the next month's allocation;
- view: one section of the page for one month, from one call.
"""
