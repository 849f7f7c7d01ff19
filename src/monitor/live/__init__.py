"""The live book (DESIGN.md §7): the real-time feed of the synthetic lender and what happened today."""
