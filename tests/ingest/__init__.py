"""Loading files: one test file per bad-input rule (DESIGN.md §8), idempotency, atomicity, the Data page."""
