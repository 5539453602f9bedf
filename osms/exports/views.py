"""Admin views of the exports: confirm an export, poll progress, download a file.

They are mounted in the admin (login, staff and CSRF as every admin page) by
``BackgroundExportMixin.get_urls`` and ``ExportJobAdmin.get_urls``.
"""

from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponseRedirect, JsonResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from osms.core.paginator import bounded_count

from .changelist import (
    ExportError,
    active_filters,
    build_changelist,
    can_export,
    changelist_request,
    clean_querystring,
)
from .models import ExportJob
from .selectors import export_download_url, export_job_of, export_progress
from .services import export_request
from .tasks import export_queue
from .writers import CSV_CONTENT_TYPE, XLSX_CONTENT_TYPE


def download_centre_url(site_name="admin"):
    return reverse(f"{site_name}:exports_exportjob_changelist")


def export_confirm_view(request, model_admin):
    """GET: what will be exported (rows, filters) and a format choice; POST: start it."""
    if not can_export(model_admin, request):
        raise PermissionDenied
    opts = model_admin.model._meta
    site = model_admin.admin_site.name
    querystring = clean_querystring(request.GET.urlencode())
    list_url = reverse(f"{site}:{opts.app_label}_{opts.model_name}_changelist")
    back_url = f"{list_url}?{querystring}" if querystring else list_url
    if request.method == "POST":
        try:
            job = export_request(
                acting_user=request.user,
                model_admin=model_admin,
                querystring=querystring,
                file_format=request.POST.get("file_format", ExportJob.Format.XLSX),
                path=list_url,
                queue=export_queue,
            )
        except ExportError as exc:
            messages.error(request, str(exc))
            return HttpResponseRedirect(back_url)
        if job.status == ExportJob.Status.DONE:
            messages.success(request, format_html(
                '{} <a href="{}" class="underline font-semibold">{}</a>',
                _("Your export of %(rows)s rows is ready.") % {"rows": job.rows_done},
                export_download_url(job, site),
                _("Download"),
            ))
        elif job.status == ExportJob.Status.FAILED:
            messages.error(request, _("The export failed: %(reason)s") % {"reason": job.error})
        else:
            messages.info(request, _(
                "Your export is being prepared in the background. You can follow its progress "
                "here and download it when it is ready."
            ))
        return HttpResponseRedirect(download_centre_url(site))
    try:
        changelist = build_changelist(
            model_admin, changelist_request(user=request.user, querystring=querystring,
                                            path=list_url)
        )
    except ExportError as exc:
        messages.error(request, str(exc))
        return HttpResponseRedirect(list_url)
    count, exact = bounded_count(changelist.queryset)
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": opts,
        "title": _("Export: %(list)s") % {"list": opts.verbose_name_plural},
        "rows": count,
        "rows_exact": exact,
        "filters": active_filters(changelist),
        "formats": ExportJob.Format.choices,
        "back_url": back_url,
        "runs_in_background": not exact or count > _sync_limit(),
        "download_centre_url": download_centre_url(site),
    }
    return TemplateResponse(request, "exports/confirm.html", context)


def _sync_limit():
    from . import conf

    return conf.sync_max_rows()


@require_GET
def export_progress_view(request):
    """JSON for the download centre's poller: ``?ids=1,2,3`` of the user's own jobs."""
    ids = request.GET.get("ids", "").split(",")
    return JsonResponse({"jobs": export_progress(user=request.user, job_ids=ids)})


@require_GET
def export_download_view(request, pk):
    """The file of one's own finished export; anything else is a 404."""
    job = export_job_of(user=request.user, job_id=pk)
    if job is None or job.status != ExportJob.Status.DONE or not job.file:
        raise Http404(_("No such export."))
    path = Path(settings.MEDIA_ROOT) / job.file.name
    if not path.is_file():
        raise Http404(_("The file of this export is no longer available."))
    content_type = XLSX_CONTENT_TYPE if job.file_format == ExportJob.Format.XLSX else CSV_CONTENT_TYPE
    return FileResponse(
        path.open("rb"), as_attachment=True, filename=path.name, content_type=content_type
    )
