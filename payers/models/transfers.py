"""A regional operator's request to move a person registered in another region to theirs.

A regional operator sees only their own region's persons; one who meets a person registered
elsewhere («ИИН уже существует») asks for a transfer, and a head-office operator approves it
(the person's region is changed through ``payers.services.person_update``, its history
naming the request and its reason) or rejects it with a note. At most one request per
person waits at a time (a partial unique index).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from osms.core.models import Region
from osms.core.scoping import RegionScopedQuerySet

from .registry import Person


class PersonTransferRequest(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for a decision")
        APPROVED = "approved", _("Approved, person transferred")
        REJECTED = "rejected", _("Rejected")
        CANCELLED = "cancelled", _("Cancelled by the requester")

    person = models.ForeignKey(Person, verbose_name=_("person"), on_delete=models.CASCADE,
                               related_name="transfer_requests")
    from_region = models.ForeignKey(Region, verbose_name=_("from region"),
                                    on_delete=models.PROTECT, related_name="+")
    to_region = models.ForeignKey(Region, verbose_name=_("to region"),
                                  on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(_("reason for the transfer"))
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("requested by"),
                                     null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices,
                              default=Status.PENDING)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("decided by"),
                                   null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)

    history = HistoricalRecords()
    objects = RegionScopedQuerySet.as_manager()
    region_lookup = "to_region"

    class Meta:
        verbose_name = _("person transfer request")
        verbose_name_plural = _("person transfer requests")
        ordering = ["-requested_at", "-id"]
        permissions = [("decide_persontransferrequest",
                        _("Can approve or reject person transfer requests"))]
        constraints = [
            models.UniqueConstraint(fields=["person"], condition=Q(status="pending"),
                                    name="transfer_one_pending_per_person",
                                    violation_error_message=_(
                                        "A transfer of this person is already requested and "
                                        "waits for a decision.")),
            models.CheckConstraint(condition=~Q(from_region=models.F("to_region")),
                                   name="transfer_between_regions",
                                   violation_error_message=_(
                                       "The person is already registered in this region.")),
        ]
        indexes = [models.Index(fields=["status", "-requested_at"], name="transfer_status_idx")]

    def __str__(self):
        return _("Transfer request №%(n)s") % {"n": self.pk or "—"}

    @staticmethod
    def region_scope(user, region_id):
        """A regional user sees the requests they made and those into or out of their region."""
        return Q(requested_by=user) | Q(to_region_id=region_id) | Q(from_region_id=region_id)
