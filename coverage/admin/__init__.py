"""Coverage admin: policy data, memberships and feeds, statuses, runs, reports."""

from . import computed, policy, reports  # noqa: F401
from .panel import person_coverage_panel  # noqa: F401
