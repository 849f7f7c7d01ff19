"""The front door (issue 18): credit applications, the cut-off policy that decided them, the application scorecard
and the what-if of another policy."""
