"""Early warning (DESIGN.md §5): features known at a month-end, labels three months on, the scorecard and
its challenger, and their validation."""
