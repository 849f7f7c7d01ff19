"""The front door's figures for the Executive summary and Model monitoring pages: one cached loader on ui.data's
cache (keyed by the database file's version, like every page's data). The Executive summary shows no PSI and asks
for none (monitor.origination.front_door: the PSI brings scikit-learn)."""

from __future__ import annotations

import datetime as dt

from monitor.origination import front_door as figures
from ui.data import load


def front_door(as_of: dt.date, psi: bool = True) -> figures.FrontDoor:
    """monitor.origination.front_door.front_door: applications, approval rate and (with `psi`) the application
    score's PSI by month at the end of `as_of`."""
    return load(figures.front_door, as_of, psi)
