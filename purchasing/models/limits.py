"""Plausible dates and lengths of purchasing records (``osms.core.bounds``), named once.

Each model's ``clean`` checks its fields with ``check_fields``, so the admin form, the
services (``save_audited`` validates) and the API refuse the same values with the same reason.
"""

from osms.core.bounds import EARLIEST_PAYMENT_DATE, MAX_LONG_TEXT, MAX_START_YEARS_AHEAD

# Something the Fund's purchasing did on a day (signed, announced, formed, held, paid):
# not before the Fund's contributions began, at most a year ahead (a contract dated for
# the first days of the next year).
EVENT = {"earliest": EARLIEST_PAYMENT_DATE, "years_ahead": 1}
# A deadline or a planned month: as far ahead as a plan may look.
PLANNED = {"earliest": EARLIEST_PAYMENT_DATE, "years_ahead": MAX_START_YEARS_AHEAD}
# Something that happened outside the Fund (a licence issued, beds approved): not ahead.
HAPPENED = {"not_future": True}
# An end of validity (a licence, an accreditation): the wide default range.
VALID_UNTIL = {}
YEAR = {}
LONG_TEXT = MAX_LONG_TEXT
