"""Reconciliation admin: imports, worklist, notices, summaries (thin, over services)."""

from . import imports, summaries, worklist  # noqa: F401
