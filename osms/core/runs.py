"""One shape for every import run and its rejected rows (payments, category feeds,
declarations, tariffs, …): what came in, who started it, how far it got, what it refused.

A run row is created when the file arrives (``pending``), a worker takes it (``running``,
``phase`` and ``progress`` written as it goes, in their own short transactions so the admin
sees them), and it ends ``done`` or ``failed``. The work itself is all-or-nothing per file
or records each refused row in the app's reject model (a subclass of ``RejectBase``).
Re-loading the same file (same SHA-256) is refused or is a no-op, never a second posting.
"""

import hashlib

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class RunStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed, nothing loaded")


class RunSource(models.TextChoices):
    COMMAND = "command", _("Management command")
    ADMIN = "admin", _("Admin upload")
    TASK = "task", _("Background task")
    API = "api", _("API")


def import_upload_path(instance, filename):
    """Uploads are kept per app and model, by month: ``imports/<app>/<model>/YYYY/MM/name``."""
    meta = instance._meta
    return f"imports/{meta.app_label}/{meta.model_name}/{timezone.now():%Y/%m}/{filename}"


def file_sha256(path, *, block=1 << 20):
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(block):
            digest.update(chunk)
    return digest.hexdigest()


class ImportRunBase(models.Model):
    """The common columns of an import run; apps add their own counters."""

    Status = RunStatus
    Source = RunSource

    file = models.FileField(_("file"), upload_to=import_upload_path, blank=True, max_length=300)
    file_name = models.CharField(_("file name"), max_length=255)
    checksum = models.CharField(_("SHA-256"), max_length=64, blank=True, db_index=True)
    size = models.BigIntegerField(_("size, bytes"), default=0)
    source = models.CharField(_("source"), max_length=10, choices=RunSource.choices,
                              default=RunSource.COMMAND)
    status = models.CharField(_("status"), max_length=10, choices=RunStatus.choices,
                              default=RunStatus.PENDING)
    phase = models.CharField(_("phase"), max_length=100, blank=True)
    progress = models.PositiveSmallIntegerField(_("progress, %"), default=0)
    rows_total = models.BigIntegerField(_("rows"), default=0)
    rows_rejected = models.BigIntegerField(_("rows rejected"), default=0)
    error = models.TextField(_("error"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("started by"),
                                   null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        abstract = True
        ordering = ["-id"]

    def __str__(self):
        return f"#{self.pk} {self.file_name} ({self.get_status_display()})"

    @property
    def duration(self):
        """Wall time from start to finish (or to now while running), or None."""
        if self.started_at is None:
            return None
        return (self.finished_at or timezone.now()) - self.started_at

    @property
    def is_finished(self):
        return self.status in (RunStatus.DONE, RunStatus.FAILED)

    def _write(self, **fields):
        """Write ``fields`` at once with an UPDATE (visible to the admin while the run goes on)."""
        for name, value in fields.items():
            setattr(self, name, value)
        type(self)._base_manager.filter(pk=self.pk).update(**fields)

    def mark_running(self, phase=""):
        self._write(status=RunStatus.RUNNING, phase=phase, started_at=timezone.now())

    def mark_progress(self, *, phase=None, progress=None):
        fields = {}
        if phase is not None:
            fields["phase"] = phase
        if progress is not None:
            fields["progress"] = max(0, min(100, int(progress)))
        if fields:
            self._write(**fields)

    def mark_done(self, **counters):
        self._write(status=RunStatus.DONE, progress=100, phase="", finished_at=timezone.now(),
                    **counters)

    def mark_failed(self, error):
        self._write(status=RunStatus.FAILED, error=str(error)[:5000], finished_at=timezone.now())


class RejectBase(models.Model):
    """A file row that was not loaded: its number in the file, the field, the reason, the row.

    Subclasses add ``run = ForeignKey(<their run>, related_name="rejects")``.
    """

    row_number = models.BigIntegerField(_("row"))
    field = models.CharField(_("field"), max_length=40, blank=True)
    reason = models.CharField(_("reason"), max_length=300)
    raw = models.TextField(_("row as read"), blank=True)

    class Meta:
        abstract = True
        ordering = ["run", "row_number"]

    def __str__(self):
        return f"#{self.row_number} {self.field}: {self.reason}"
