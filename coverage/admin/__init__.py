"""Coverage admin: policy data, memberships and feeds, statuses, runs, reports.

The person page's coverage section is ``panel.py`` (``payers.extensions.PERSON_PANELS``).
"""

from . import computed, policy, reports  # noqa: F401  (registers the model admins)
