"""Writes of coverage: memberships, the temporary status, recomputation (feeds: ``feeds.py``)."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from osms.core.periods import same_day_months_later
from osms.core.services import delete_audited, require_scope, save_audited, update_audited

from . import recompute
from .facts import policy_on
from .models import CategoryMembership, MembershipSource, RecomputeRun


@transaction.atomic
def membership_create(*, person, category, starts_on, ends_on=None, document="",
                      source=MembershipSource.OPERATOR, acting_user=None, reason=""):
    membership = CategoryMembership(person=person, category=category, starts_on=starts_on,
                                    ends_on=ends_on, document=document, source=source)
    require_scope(membership, acting_user, "add")
    return save_audited(membership, acting_user=acting_user, action="add", reason=reason)


@transaction.atomic
def membership_update(*, membership, acting_user=None, reason="", **changes):
    """Change a membership's fields (dates, category, document); no write when none differ.
    Writes hold the memberships' change lock (``CategoryMembership.save``)."""
    return update_audited(CategoryMembership, membership.pk, acting_user=acting_user,
                          reason=reason, changes=changes)


def membership_end(*, membership, ends_on, acting_user=None, reason=""):
    return membership_update(membership=membership, ends_on=ends_on, acting_user=acting_user,
                             reason=reason)


@transaction.atomic
def membership_delete(*, membership, acting_user=None, reason=""):
    """Remove a membership entered by mistake (to end one, set its end date)."""
    return delete_audited(CategoryMembership, membership.pk, acting_user=acting_user,
                          reason=reason)


def temporary_end(starts_on: datetime.date, months: int) -> datetime.date:
    """The last day of a temporary status of ``months`` months starting on ``starts_on``."""
    return same_day_months_later(starts_on, months) - datetime.timedelta(days=1)


@transaction.atomic
def temporary_status_grant(*, person, category, document, starts_on=None, acting_user=None):
    """Insure a person whose category record is missing for the policy's temporary period."""
    starts_on = starts_on or timezone.localdate()
    if not (document or "").strip():
        raise ValidationError({"document": _("A temporary status needs the document noted.")})
    months = policy_on(starts_on).temporary_status_months
    return membership_create(
        person=person, category=category, starts_on=starts_on,
        ends_on=temporary_end(starts_on, months), document=document.strip(),
        source=MembershipSource.TEMPORARY, acting_user=acting_user,
        reason=_("Temporary status while the category record is checked"),
    )


def status_recompute(*, on=None, full=False, rebuild=False, chunk_size=recompute.DEFAULT_CHUNK,
                     acting_user=None, progress=None, on_open=None) -> RecomputeRun:
    """Finish an interrupted run, then run the requested one (unless that was it).

    ``rebuild`` folds the whole ledger again into the paid months (and implies ``full``);
    ``on_open(run)`` is called when a run is opened (e.g. to start helper workers).
    """
    on = on or timezone.localdate()
    options = {"on": on, "full": full, "rebuild": rebuild, "chunk_size": chunk_size,
               "acting_user": acting_user}
    run, resumed = recompute.run_open(**options)
    if on_open is not None:
        on_open(run)
    run = recompute.drain(run, progress=progress)
    if resumed and (run.on != on or rebuild or (full and run.mode != RecomputeRun.Mode.FULL)):
        run, _resumed = recompute.run_open(**options)
        if on_open is not None:
            on_open(run)
        run = recompute.drain(run, progress=progress)
    return run
