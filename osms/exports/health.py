"""What the health check (``osms.core.health``) watches in exports: the hourly clean-up."""

from django.utils.translation import gettext_lazy as _

from osms.core.health import Job

JOBS = [Job("exports.cleanup", _("Export clean-up"), task="exports.exports_cleanup", every="")]
