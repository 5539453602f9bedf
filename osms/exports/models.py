"""One row per export a user asked for: the run record, its progress and its file.

The row is the audit trail of who exported which list with which filters; the
file itself expires (``EXPORTS_EXPIRE_HOURS``) and is deleted by the cleanup
task, the row stays with status ``expired``.
"""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _


class ExportJob(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")
        EXPIRED = "expired", _("Expired")

    class Format(models.TextChoices):
        XLSX = "xlsx", _("Excel (xlsx)")
        CSV = "csv", _("CSV (UTF-8)")

    ACTIVE = (Status.QUEUED, Status.RUNNING)

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="export_jobs",
    )
    content_type = models.ForeignKey(
        ContentType, verbose_name=_("list of"), on_delete=models.PROTECT, related_name="+"
    )
    admin_site = models.CharField(_("admin site"), max_length=50, default="admin")
    title = models.CharField(_("list"), max_length=200)
    querystring = models.TextField(
        _("filters, search and ordering"),
        blank=True,
        help_text=_("The list's query string when the export was requested."),
    )
    file_format = models.CharField(
        _("format"), max_length=4, choices=Format.choices, default=Format.XLSX
    )
    language = models.CharField(_("language"), max_length=10)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    rows_total = models.BigIntegerField(_("rows in the list"), null=True, blank=True)
    rows_done = models.BigIntegerField(_("rows written"), default=0)
    sheets = models.PositiveSmallIntegerField(_("sheets"), default=0)
    file = models.FileField(_("file"), max_length=500, blank=True)
    file_size = models.BigIntegerField(_("size, bytes"), null=True, blank=True)
    error = models.TextField(_("reason of the failure"), blank=True)
    ran_synchronously = models.BooleanField(_("ran inside the request"), default=False)
    celery_task_id = models.CharField(_("task id"), max_length=50, blank=True)
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    updated_at = models.DateTimeField(_("last progress at"), auto_now=True)
    expires_at = models.DateTimeField(_("file expires at"), null=True, blank=True)

    class Meta:
        verbose_name = _("export")
        verbose_name_plural = _("exports")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["user", "-created_at"], name="exportjob_user_created_idx"),
            models.Index(fields=["status", "expires_at"], name="exportjob_status_expiry_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(rows_done__gte=0), name="exportjob_rows_done_nonnegative"
            ),
        ]

    def __str__(self):
        return f"{self.title} · {self.created_at:%Y-%m-%d %H:%M}" if self.created_at else self.title

    @property
    def is_active(self):
        return self.status in self.ACTIVE

    @property
    def percent(self):
        """Progress 0..100 (100 once done, whatever the estimate said)."""
        if self.status == self.Status.DONE:
            return 100
        if not self.rows_total:
            return 0
        return min(99, int(self.rows_done * 100 / self.rows_total))
