"""Monitoring admin: rules as data, cases (read-only, written by the import and the
control), import and control runs, and the expert's review worklist (``reviews.py``)."""

from . import data, reviews, runs  # noqa: F401
