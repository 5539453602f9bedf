"""The worklist's actions: one keyword-only, atomic function per action, audited.

Every change locks the discrepancy, checks the acting user's region scope,
returns early when nothing changes, and writes a ``DiscrepancyEvent`` with the
old value, the new value and who did it (Zulip's ``do_*`` pattern).
"""

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from osms.core.bounds import MAX_LONG_TEXT, text_problem
from osms.core.scoping import object_in_scope
from payers.selectors import organisations_by_id, persons_by_id

from .models import Discrepancy, DiscrepancyEvent, DiscrepancyType, EmployerNotice

Status = Discrepancy.Status
OPEN = (Status.NEW, Status.NOTIFIED)
# The types whose positive amount the employer still owes the Fund.
OWED_TYPES = (
    DiscrepancyType.DECLARED_NOT_PAID,
    DiscrepancyType.UNDERPAID,
    DiscrepancyType.RATE_MISAPPLIED,
    DiscrepancyType.CROSS_TAX,
)
TRANSITIONS = {
    Status.NEW: {Status.NOTIFIED, Status.RESOLVED, Status.WRITTEN_OFF},
    Status.NOTIFIED: {Status.RESOLVED, Status.WRITTEN_OFF},
    Status.RESOLVED: set(),
    Status.WRITTEN_OFF: set(),
}


def natural_key(discrepancy):
    d = discrepancy
    return f"{d.period:%Y-%m}/{d.employer_bin}/{d.iin}/{d.kind}/{d.type}"


def _locked(discrepancy, acting_user):
    locked = Discrepancy.objects.select_for_update().get(pk=discrepancy.pk)
    if acting_user is not None and not object_in_scope(locked, acting_user, "change"):
        raise PermissionDenied(_("You may only change discrepancies of your own region."))
    return locked


def _event(discrepancy, *, action, acting_user, old="", new="", note=""):
    return DiscrepancyEvent.objects.create(
        discrepancy=discrepancy, natural_key=natural_key(discrepancy), action=action,
        old_value=str(old)[:200], new_value=str(new)[:200], note=note, acting_user=acting_user,
    )


def status_check(*, discrepancy, status, note=""):
    """The workflow rule: new → notified → resolved / written off; writing off needs a reason.

    The admin form and the API ask this same function (through the services below).
    """
    if not status or status == discrepancy.status:
        return
    if status not in TRANSITIONS[discrepancy.status]:
        raise ValidationError(
            {"status": _("A discrepancy cannot go from “%(old)s” to “%(new)s”.")
             % {"old": Status(discrepancy.status).label, "new": Status(status).label}}
        )
    if status == Status.WRITTEN_OFF and not (note or "").strip():
        raise ValidationError({"notes": _("Writing off needs a reason in the note.")})


def assignee_check(*, discrepancy, assignee):
    """An assignee works in the discrepancy's region (head-office users anywhere)."""
    if assignee is not None and assignee.region_id is not None and (
        assignee.region_id != discrepancy.region_id
    ):
        raise ValidationError(
            {"assignee": _("The assignee works in another region than the discrepancy.")}
        )


def note_check(*, note):
    problem = text_problem(note, label=_("The note"), max_length=MAX_LONG_TEXT)
    if problem:
        raise ValidationError({"notes": problem})


def update_check(*, discrepancy, status, assignee, note=""):
    """Every rule of a worklist edit (status, assignee, note) at once, for a form."""
    errors = {}
    for check in (lambda: status_check(discrepancy=discrepancy, status=status, note=note),
                  lambda: assignee_check(discrepancy=discrepancy, assignee=assignee),
                  lambda: note_check(note=note)):
        try:
            check()
        except ValidationError as exc:
            exc.update_error_dict(errors)
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def discrepancy_set_status(*, discrepancy, status, acting_user, note=""):
    """Move along new → notified → resolved / written off (writing off needs a reason)."""
    d = _locked(discrepancy, acting_user)
    if d.status == status:
        return d
    status_check(discrepancy=d, status=status, note=note)
    note_check(note=note)
    old = d.status
    d.status = status
    d.updated_at = timezone.now()
    d.save(update_fields=["status", "updated_at"])
    _event(d, action=DiscrepancyEvent.Action.STATUS, acting_user=acting_user, old=old,
           new=status, note=note)
    return d


@transaction.atomic
def discrepancy_assign(*, discrepancy, assignee, acting_user):
    d = _locked(discrepancy, acting_user)
    if d.assignee_id == (assignee.pk if assignee else None):
        return d
    assignee_check(discrepancy=d, assignee=assignee)
    old = d.assignee.get_username() if d.assignee_id else ""
    d.assignee = assignee
    d.updated_at = timezone.now()
    d.save(update_fields=["assignee", "updated_at"])
    _event(d, action=DiscrepancyEvent.Action.ASSIGN, acting_user=acting_user, old=old,
           new=assignee.get_username() if assignee else "")
    return d


@transaction.atomic
def discrepancy_add_note(*, discrepancy, note, acting_user):
    note = note.strip()
    if not note:
        raise ValidationError({"notes": _("The note is empty.")})
    note_check(note=note)
    d = _locked(discrepancy, acting_user)
    stamp = timezone.localtime().strftime("%Y-%m-%d %H:%M")
    who = acting_user.get_username() if acting_user else "system"
    d.notes = f"{d.notes}\n[{stamp} {who}] {note}".strip()
    d.updated_at = timezone.now()
    d.save(update_fields=["notes", "updated_at"])
    _event(d, action=DiscrepancyEvent.Action.NOTE, acting_user=acting_user, note=note)
    return d


@transaction.atomic
def discrepancy_update(*, discrepancy, status, assignee, note, acting_user):
    """An operator's edit of the worklist row: assignee, a note, then the status."""
    d = _locked(discrepancy, acting_user)
    note = (note or "").strip()
    update_check(discrepancy=d, status=status, assignee=assignee, note=note)
    d = discrepancy_assign(discrepancy=d, assignee=assignee, acting_user=acting_user)
    if note:
        d = discrepancy_add_note(discrepancy=d, note=note, acting_user=acting_user)
    if status:
        d = discrepancy_set_status(discrepancy=d, status=status, acting_user=acting_user,
                                   note=note)
    return d


def _notice_line(d):
    return {
        "id": d.pk,
        "iin": d.iin,
        "person": d.person.full_name if d.person_id else "",
        "kind": d.kind,
        "type": d.type,
        "income": str(d.income) if d.income is not None else "",
        "declared": str(d.declared_amount) if d.declared_amount is not None else "",
        "paid": str(d.paid_amount) if d.paid_amount is not None else "",
        "expected": str(d.expected_amount) if d.expected_amount is not None else "",
        "amount": str(d.amount),
        "other_period": f"{d.other_period:%Y-%m}" if d.other_period else "",
    }


def notice_targets(discrepancies):
    """(employer, period) of the open discrepancies among ``discrepancies``, once each."""
    pairs = sorted(set(discrepancies.filter(employer__isnull=False, status__in=OPEN)
                       .values_list("employer_id", "period")))
    employers = organisations_by_id(employer for employer, _period in pairs)
    return [(employers[employer], period) for employer, period in pairs]


@transaction.atomic
def notice_issue(*, employer, period, acting_user):
    """A notice listing the employer's open discrepancies of ``period``; marks them notified."""
    open_items = list(
        Discrepancy.objects.select_for_update()
        .filter(employer=employer, period=period, status__in=OPEN)
        .order_by("iin", "kind", "type")
    )
    if acting_user is not None:
        allowed = set(
            Discrepancy.objects.for_user(acting_user, "change")
            .filter(pk__in=[d.pk for d in open_items]).values_list("pk", flat=True)
        )
        if len(allowed) != len(open_items):
            raise PermissionDenied(_("You may only notify employers of your own region."))
    if not open_items:
        raise ValidationError(
            _("%(employer)s has no open discrepancies for %(period)s.")
            % {"employer": employer.name, "period": f"{period:%m.%Y}"}
        )
    persons = {d.person_id for d in open_items if d.person_id}
    names = persons_by_id(persons)
    for d in open_items:
        d.person = names.get(d.person_id)
    sequence = EmployerNotice.objects.filter(employer=employer, period=period).count() + 1
    total = sum(
        (d.amount for d in open_items if d.type in OWED_TYPES and d.amount > 0), Decimal("0.00")
    )
    notice = EmployerNotice.objects.create(
        number=f"{period:%Y%m}-{employer.bin}-{sequence}",
        employer=employer, region_id=employer.region_id, period=period,
        lines=[_notice_line(d) for d in open_items], total=total, created_by=acting_user,
    )
    for d in open_items:
        _event(d, action=DiscrepancyEvent.Action.NOTICE, acting_user=acting_user,
               new=notice.number)
        if d.status == Status.NEW:
            discrepancy_set_status(discrepancy=d, status=Status.NOTIFIED, acting_user=acting_user,
                                   note=_("Notice %(n)s") % {"n": notice.number})
    return notice
