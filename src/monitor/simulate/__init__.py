"""What-if restructuring (DESIGN.md §6): loan-level options with their NPV, and portfolio projections under
policies and stress."""

from monitor.simulate.amortize import amortize

__all__ = ["amortize"]
