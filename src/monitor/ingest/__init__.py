"""Loading files (DESIGN.md §8): reading, validation, quarantine and idempotent, all-or-nothing loads.

The public face: preview (what a file would do, nothing written), load_bytes (land it as one batch),
recent_batches and quarantined (what was loaded and rejected; the rows as read masked, and only on request),
purge_raw and raw_days (the rows as read are kept quarantine_raw_days days), FileError (a file that cannot be used)."""

from monitor.ingest.load import Outcome, load_bytes, preview, purge_raw, quarantined, raw_days, recent_batches
from monitor.ingest.read import FileError
from monitor.ingest.rules import RULES

__all__ = ["RULES", "FileError", "Outcome", "load_bytes", "preview", "purge_raw", "quarantined", "raw_days",
           "recent_batches"]
