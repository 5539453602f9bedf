"""``registry_import``: load a persons or organisations file (docs/formats/registry.md).

The admin upload keeps the file (``osms.core.uploads``) and queues a run; the worker:

1. reads the file as a stream (``osms.core.uploads.open_table``), checks each row
   (``registry_rows``) and COPYs batches into a TEMP staging table, the rejects with their
   field and reason; the run's progress is written as it goes;
2. in one transaction merges the staging table set-based (``registry_sql``): repeated keys
   and rows of another region rejected, new rows inserted, changed rows updated, one history
   row each, rejects stored, counts written. Nothing is loaded when anything fails.

Re-running the same file changes nothing (every row is ``unchanged``).
"""

import logging
import os

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from osms.core import bounds, uploads
from osms.core.changes import change_lock
from osms.core.locks import xact_lock
from osms.core.models import Region
from osms.core.runs import file_sha256
from osms.core.staging import Staging

from ..models import Organisation, Person, RegistryImportReject, RegistryImportRun
from . import registry_sql
from .registry_rows import ORGANISATIONS, PERSONS, Reject

BATCH = 5000
STAGING = "registry_import_staging"
INTERNAL = _lazy("An internal error stopped the import; nothing was loaded. The details "
                 "are in the server log.")
SPECS = {RegistryImportRun.Kind.PERSONS: (PERSONS, Person),
         RegistryImportRun.Kind.ORGANISATIONS: (ORGANISATIONS, Organisation)}


def registry_import_run_create(*, kind, upload, acting_user, source=RegistryImportRun.Source.ADMIN
                               ) -> RegistryImportRun:
    """A pending run that keeps the uploaded file (private storage) for the worker."""
    run = RegistryImportRun(kind=kind, file_name=upload.name[:255], size=upload.size,
                            source=source, created_by=acting_user,
                            region_id=getattr(acting_user, "region_id", None)
                            if acting_user is not None and not acting_user.is_superuser
                            else None)
    run.file = upload
    run.save()
    return run


def _stage(run, spec, path):
    """Read, check and stage every row; returns the staging table."""
    staging = Staging(STAGING, [("row_no", "bigint"), *spec.staged, ("action", "text"),
                                ("field", "text"), ("reason", "text"), ("raw", "text")],
                      indexes=(spec.key,))
    regions = dict(Region.objects.values_list("kato", "id"))
    today = bounds.today()
    empty = (None,) * len(spec.staged)
    table = uploads.open_table(path)
    try:
        positions = uploads.header_positions(table.header, columns=spec.columns,
                                             required=spec.required)
        batch = []
        for line, cells in table.rows():
            values = uploads.pick(cells, positions)
            try:
                staged = spec.values(values, regions=regions, scope_region_id=run.region_id,
                                     today=today)
                batch.append((line, *staged, None, None, None, None))
            except Reject as reject:
                raw = ";".join(uploads.cell_text(c) for c in cells)[:2000]
                batch.append((line, *empty, None, reject.field, reject.reason, raw))
            if len(batch) >= BATCH:
                staging.write(batch)
                batch = []
                run.mark_progress(progress=90 * table.share)
        staging.write(batch)
    finally:
        table.close()
    staging.loaded()
    return staging


def region_name_column():
    """The regions' column of names in the active language (Russian by default)."""
    lang = (get_language() or "ru")[:2]
    return f"name_{lang}" if lang in ("ru", "kk", "en") else "name_ru"


def other_region_texts(key):
    """The reject reason of a row registered in another region, split around the region's
    name (the SQL puts the name of each row's region between them)."""
    if key == "iin":
        text = _("This person is already registered in the region «%(region)s»: ask the "
                 "head-office operators or the branch of that region to transfer them "
                 "(«Request a transfer» on the person form).")
    else:
        text = _("This record is registered in the region «%(region)s»; only its branch or "
                 "head office may change it.")
    before, after = (text % {"region": "\x00"}).split("\x00")
    return {"other_before": before, "other_after": after}


def _merge(run, spec, model, staging, acting_user):
    history = model.history.model._meta.db_table
    columns = [c for c, _type in spec.staged]
    params = {"run": run.pk, "now": timezone.now(), "region": run.region_id,
              "user": getattr(acting_user, "pk", None), "reason": _("File import"),
              "key_name": spec.key,
              "duplicate": _("The same %(key)s is already in row ") % {"key": spec.key.upper()},
              **other_region_texts(spec.key)}
    with transaction.atomic(), connection.cursor() as cursor:
        xact_lock("registry_import")
        change_lock("registry")
        return registry_sql.merge(
            cursor, staging=staging.name, target=model._meta.db_table, history=history,
            rejects=RegistryImportReject._meta.db_table, key=spec.key, columns=columns,
            compared=spec.compared, params=params, regions=Region._meta.db_table,
            region_name=region_name_column())


def registry_import(*, run, path=None) -> RegistryImportRun:
    """Load the run's file; returns the finished (or failed) run."""
    spec, model = SPECS[run.kind]
    path = path or run.file.path
    run.mark_running(_("Reading and checking rows"))
    run._write(size=os.path.getsize(path), checksum=file_sha256(path), error="")
    acting_user = run.created_by
    staging = None
    try:
        uploads.check_size(path, kind=run.kind, name=run.file_name)
        staging = _stage(run, spec, path)
        run.mark_progress(phase=_("Merging into the registry"), progress=90)
        inserted, updated, unchanged, rejected = _merge(run, spec, model, staging, acting_user)
        run.mark_done(rows_total=staging.rows, rows_rejected=rejected, inserted=inserted,
                      updated=updated, unchanged=unchanged)
    except uploads.FileError as exc:
        run.mark_failed(exc)
    except Exception:  # shown on the run page: no traceback, no server path
        logging.getLogger("osms.errors").exception("registry import #%s failed", run.pk)
        run.mark_failed(INTERNAL)
    finally:
        if staging is not None:
            staging.drop()
    return run
