"""Risk limits, their evaluation into alert states, the notifications that reach people, and contingency drills
(issue 16; DESIGN.md §10 "Limits and alerts")."""
