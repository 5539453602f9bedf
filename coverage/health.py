"""What the health check (``osms.core.health``) watches in coverage: the nightly status
recomputation, the partner feeds, and the status policy, category terms and residency rules
in force today."""

from django.utils.translation import gettext_lazy as _

from osms.core.health import Job, Reference

from .facts import rulebook_on

JOBS = [
    Job("coverage.recompute", _("Status recomputation"), task="coverage.recompute_statuses",
        model="coverage.RecomputeRun"),
    Job("coverage.category_feed", _("Category feeds"), model="coverage.CategoryFeedRun",
        every=""),
]


def _policy(today):
    book = rulebook_on(today)  # raises PolicyMissing when no policy is in force
    return bool(book.terms), {"categories": len(book.terms), "residency_rules": len(book.residency)}


REFERENCES = [Reference("status_policy", _policy)]
