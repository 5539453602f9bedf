"""Commissions, their members, conflict-of-interest declarations, meetings and votes."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from osms.core.formatting import day
from osms.core.models import Region

from .base import RegionRecord, TrackedRecord
from .limits import EVENT, LONG_TEXT
from .rules import CommissionKind


class MemberBody(models.TextChoices):
    """Bodies commission members come from (docs/domain.md §7)."""

    FUND = "fund", _("Social Health Insurance Fund")
    HEALTH_DEPARTMENT = "health_department", _("Regional health department")
    MINISTRY_OF_HEALTH = "ministry_of_health", _("Ministry of Health")
    LOCAL_EXECUTIVE = "local_executive", _("Local executive body (akimat)")
    ATAMEKEN = "atameken", _("National Chamber of Entrepreneurs «Atameken»")
    NGO = "ngo", _("Non-governmental organisation")
    MEDICAL_CONTROL = "medical_control", _("Committee of Medical and Pharmaceutical Control")
    SANITARY_CONTROL = "sanitary_control", _("Sanitary-Epidemiological Control Committee")
    RESEARCH_CENTRE = "research_centre", _("National research centre")


class Commission(TrackedRecord):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Being formed")
        FORMED = "formed", _("Formed")
        DISSOLVED = "dissolved", _("Dissolved")

    kind = models.CharField(_("kind"), max_length=12, choices=CommissionKind.choices)
    region = models.ForeignKey(Region, verbose_name=_("region"), on_delete=models.PROTECT,
                               null=True, blank=True, related_name="commissions",
                               help_text=_("Empty for the republican commission."))
    name = models.CharField(_("name"), max_length=300)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices,
                              default=Status.DRAFT)
    formed_on = models.DateField(_("formed on"), null=True, blank=True)
    composition_report = models.JSONField(_("composition check"), default=list, blank=True)

    region_lookup = "region"
    date_bounds = {"formed_on": EVENT}

    class Meta:
        verbose_name = _("commission")
        verbose_name_plural = _("commissions")
        ordering = ["kind", "region"]

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        if self.kind == CommissionKind.REGIONAL and not self.region_id:
            raise ValidationError({"region": _("A regional commission needs its region.")})
        if self.kind == CommissionKind.REPUBLICAN and self.region_id:
            raise ValidationError({"region": _("The republican commission has no region.")})


class CommissionMember(TrackedRecord):
    class Role(models.TextChoices):
        CHAIR = "chair", _("Chair")
        DEPUTY_CHAIR = "deputy_chair", _("Deputy chair")
        MEMBER = "member", _("Member")
        SECRETARY = "secretary", _("Secretary (does not vote)")

    commission = models.ForeignKey(Commission, verbose_name=_("commission"),
                                   on_delete=models.CASCADE, related_name="members")
    full_name = models.CharField(_("full name"), max_length=200)
    organisation_name = models.CharField(_("organisation"), max_length=300)
    body = models.CharField(_("body represented"), max_length=30, choices=MemberBody.choices)
    position = models.CharField(_("position"), max_length=200, blank=True)
    is_deputy_head_or_above = models.BooleanField(
        _("deputy head of the body or above"), default=False
    )
    role = models.CharField(_("role"), max_length=15, choices=Role.choices, default=Role.MEMBER)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("user account"),
                             on_delete=models.PROTECT, null=True, blank=True,
                             related_name="commission_seats")
    active = models.BooleanField(_("active"), default=True)

    region_lookup = "commission__region"

    class Meta:
        verbose_name = _("commission member")
        verbose_name_plural = _("commission members")
        ordering = ["commission", "role", "full_name"]
        constraints = [models.UniqueConstraint(
            fields=["commission", "user"], condition=models.Q(user__isnull=False),
            name="member_one_seat_per_user")]

    def __str__(self):
        return f"{self.full_name} ({self.get_role_display()})"

    @property
    def can_vote(self):
        return self.role != self.Role.SECRETARY


class ConflictDeclaration(TrackedRecord):
    """A member's tie to a provider: the member cannot vote on that provider's volume."""

    member = models.ForeignKey(CommissionMember, verbose_name=_("member"),
                               on_delete=models.CASCADE, related_name="conflicts")
    provider = models.ForeignKey("purchasing.Provider", verbose_name=_("provider"),
                                 on_delete=models.PROTECT, related_name="conflicts")
    nature = models.TextField(_("nature of the interest"))
    declared_on = models.DateField(_("declared on"))

    region_lookup = "member__commission__region"
    date_bounds = {"declared_on": EVENT}
    text_bounds = {"nature": LONG_TEXT}

    class Meta:
        verbose_name = _("conflict-of-interest declaration")
        verbose_name_plural = _("conflict-of-interest declarations")
        constraints = [models.UniqueConstraint(fields=["member", "provider"],
                                               name="conflict_unique")]

    def __str__(self):
        return f"{self.member.full_name} ↔ {self.provider.name}"


class Meeting(RegionRecord):
    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    commission = models.ForeignKey(Commission, verbose_name=_("commission"),
                                   on_delete=models.PROTECT, related_name="meetings")
    campaign = models.ForeignKey("purchasing.Campaign", verbose_name=_("campaign"),
                                 on_delete=models.PROTECT, related_name="meetings")
    held_on = models.DateField(_("held on"))
    present = models.ManyToManyField(CommissionMember, verbose_name=_("members present"),
                                     related_name="meetings_attended", blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices,
                              default=Status.OPEN)

    history = HistoricalRecords(m2m_fields=[present])
    region_lookup = "commission__region"
    date_bounds = {"held_on": EVENT}

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["-held_on", "-id"]

    def __str__(self):
        return f"{self.commission} {day(self.held_on)}"


class Vote(TrackedRecord):
    class Choice(models.TextChoices):
        FOR = "for", _("For")
        AGAINST = "against", _("Against")
        ABSTAIN = "abstain", _("Abstain")

    meeting = models.ForeignKey(Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE,
                                related_name="votes")
    member = models.ForeignKey(CommissionMember, verbose_name=_("member"),
                               on_delete=models.PROTECT, related_name="votes")
    choice = models.CharField(_("vote"), max_length=10, choices=Choice.choices)
    comment = models.TextField(_("comment"), blank=True)
    cast_at = models.DateTimeField(_("cast at"), auto_now=True)

    region_lookup = "meeting__commission__region"
    text_bounds = {"comment": LONG_TEXT}

    class Meta:
        verbose_name = _("vote")
        verbose_name_plural = _("votes")
        constraints = [models.UniqueConstraint(fields=["meeting", "member"],
                                               name="vote_one_per_member")]

    def __str__(self):
        return f"{self.member.full_name}: {self.get_choice_display()}"
