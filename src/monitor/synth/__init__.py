"""The synthetic lender: a deterministic, realistic consumer-finance book for demos, tests and benchmarks."""
