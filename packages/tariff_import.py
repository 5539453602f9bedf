"""Import a tariff file (xlsx or CSV): all rows or none, every error by row and column.

The admin upload keeps the file and queues a run (``TariffImportRun``); the command and
``tariff_import`` run it at once. Either way (``tariff_import_run_process``):

1. the rows are read as a stream (``osms.core.uploads``), each checked (``tariff_rows``:
   numbers, dates, codes) and COPYed into a TEMP staging table;
2. set-based (``tariff_sql``): a key and start date repeated in the file, and periods
   overlapping another row of the file or a stored row of the same key, are rejected;
3. with any rejected row nothing is saved (the run fails and lists them); otherwise one
   transaction inserts the new rows, updates the changed ones and writes their history.

Rows are matched by their key and ``valid_from``: a re-import changes nothing.
"""

import logging
import os
import tempfile
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from osms.core import uploads
from osms.core.locks import xact_lock
from osms.core.models import Region
from osms.core.runs import file_sha256
from osms.core.staging import Staging

from . import tariff_sql
from .models import CareType, TariffImportReject, TariffImportRun
from .tariff_rows import SPECS, Reject

RESOURCES = SPECS  # the kinds, as the command lists them
BATCH = 5000
STAGING = "tariff_import_staging"
INTERNAL = ("An internal error stopped the import; nothing was loaded. The details are in "
            "the server log.")


@dataclass
class RowError:
    row: int | None
    field: str
    message: str

    def __str__(self):
        where = _("row %(n)s") % {"n": self.row} if self.row else _("file")
        return f"{where}, {self.field or '—'}: {self.message}"


@dataclass
class ImportOutcome:
    errors: list
    new: int
    updated: int
    skipped: int
    run: TariffImportRun | None = None

    @property
    def ok(self):
        return not self.errors


def _stage(run, spec, path):
    staging = Staging(STAGING, [("row_no", "bigint"),
                                *[(c.staged, c.sql_type) for c in spec.columns],
                                ("action", "text"), ("field", "text"), ("reason", "text"),
                                ("raw", "text")], indexes=(spec.key[0],))
    refs = {"care_types": dict(CareType.objects.values_list("code", "id")),
            "regions": dict(Region.objects.values_list("kato", "id"))}
    empty = (None,) * len(spec.columns)
    table = uploads.open_table(path)
    try:
        positions = uploads.header_positions(table.header, columns=spec.names,
                                             required=spec.required)
        batch = []
        for line, cells in table.rows():
            values = {c: cells[i] if i < len(cells) else "" for c, i in positions.items()}
            try:
                batch.append((line, *spec.row(values, refs), None, None, None, None))
            except Reject as reject:
                raw = ";".join(uploads.cell_text(c) for c in cells)[:2000]
                batch.append((line, *empty, None, reject.field, reject.reason, raw))
            if len(batch) >= BATCH:
                staging.write(batch)
                batch = []
                run.mark_progress(progress=80 * table.share)
        staging.write(batch)
    finally:
        table.close()
    staging.loaded()
    return staging


def _merge(run, spec, staging):
    model = spec.model
    names = tariff_sql.names(
        staging=staging.name, target=model._meta.db_table,
        history=model.history.model._meta.db_table, rejects=TariffImportReject._meta.db_table,
        key=spec.key, columns=spec.staged,
        nullable=[c for c in spec.key if model._meta.get_field(c.removesuffix("_id")).null])
    params = {"run": run.pk, "now": timezone.now(), "user": run.created_by_id,
              "reason": _("Tariff import"), "first_key": spec.columns[0].name,
              "duplicate": _("The same key and start date are already in row "),
              "file_overlap": _("Overlaps the period of row "),
              "stored_overlap": _("Overlaps the stored rate of the same key valid from ")}
    with transaction.atomic(), connection.cursor() as cursor:
        xact_lock("tariff_import")
        inserted, updated, unchanged, rejected = tariff_sql.check(cursor, names, params)
        if rejected:
            tariff_sql.store_rejects(cursor, names, params)
            return None, rejected
        if not run.dry_run:
            tariff_sql.write(cursor, names, params)
        return (inserted, updated, unchanged), 0


def tariff_import_run_process(run, *, path=None) -> TariffImportRun:
    """Load (or only check, ``run.dry_run``) the run's file; returns the finished run."""
    spec = SPECS[run.kind]
    path = path or run.file.path
    run.mark_running(_("Reading and checking rows"))
    run._write(size=os.path.getsize(path), checksum=file_sha256(path), error="")
    staging = None
    try:
        uploads.check_size(path, kind="tariffs", name=run.file_name)
        staging = _stage(run, spec, path)
        run.mark_progress(phase=_("Checking periods and merging"), progress=80)
        counts, rejected = _merge(run, spec, staging)
        if counts is None:
            run.mark_failed(_("%(n)d rows have errors; nothing was saved.") % {"n": rejected})
            run._write(rows_total=staging.rows, rows_rejected=rejected)
        else:
            run.mark_done(rows_total=staging.rows, rows_rejected=0, inserted=counts[0],
                          updated=counts[1], unchanged=counts[2])
    except uploads.FileError as exc:
        run.mark_failed(exc)
    except Exception:  # shown on the run page: no traceback, no server path
        logging.getLogger("osms.errors").exception("tariff import #%s failed", run.pk)
        run.mark_failed(_(INTERNAL))
    finally:
        if staging is not None:
            staging.drop()
    return run


def outcome_of(run):
    if run.status == TariffImportRun.Status.DONE:
        return ImportOutcome([], run.inserted, run.updated, run.unchanged, run)
    errors = [RowError(r.row_number, r.field, r.reason) for r in run.rejects.all()]
    return ImportOutcome(errors or [RowError(None, "", run.error)], 0, 0, 0, run)


def tariff_import(*, kind, content=None, path=None, file_format=None, acting_user=None,
                  dry_run=False, file_name=None) -> ImportOutcome:
    """Import a whole file (a path, or bytes) now, or nothing; ``file_format`` is read from
    the file itself. Row numbers are the spreadsheet's (the header is row 1)."""
    spooled = None
    if path is None:
        spooled = tempfile.NamedTemporaryFile(suffix=".tariff", delete=False)
        with spooled:
            spooled.write(content.encode() if isinstance(content, str) else content)
        path = spooled.name
    try:
        run = TariffImportRun.objects.create(
            kind=kind, dry_run=dry_run, file_name=(file_name or os.path.basename(path))[:255],
            source=TariffImportRun.Source.COMMAND, created_by=acting_user)
        return outcome_of(tariff_import_run_process(run, path=path))
    finally:
        if spooled is not None:
            os.unlink(spooled.name)
