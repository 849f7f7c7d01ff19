"""Loading files (DESIGN.md §8): reading, validation, quarantine and idempotent, all-or-nothing loads."""
