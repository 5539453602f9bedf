"""Partner feed files of category memberships (format: docs/formats/categories.md).

A CSV (UTF-8 or Windows-1251, ``;`` or ``,``) or xlsx file with the header
``iin,category,starts_on,ends_on,document``. The admin upload keeps the file and queues a
run (``category_feed_run_create`` → task → ``category_feed_run_process``); the command and
``category_feed_import`` run it at once. Either way:

1. the rows are read as a stream (``osms.core.uploads``), each checked (ИИН, category and
   partner, dates within bounds, document length) and COPYed into a TEMP staging table;
2. one transaction merges them set-based (``feeds_sql``): unknown ИИН and repeated rows
   rejected, new memberships inserted, changed ones (same person, category and start date:
   a new end date or document) updated, one history row each, rejects stored.

The file's SHA-256 makes a re-import a no-op; a crash leaves nothing half-loaded.
"""

import datetime
import logging
import os
import shutil
import tempfile

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from osms.core import bounds, uploads
from osms.core.changes import change_lock
from osms.core.locks import xact_lock
from osms.core.runs import file_sha256
from osms.core.staging import Staging
from payers.validators import iin_problem

from . import feeds_sql
from .models import BenefitCategory, CategoryFeedRun

COLUMNS = ("iin", "category", "starts_on", "ends_on", "document")
REQUIRED = ("iin", "category", "starts_on")
BATCH = 5000
DOCUMENT_MAX = 300
STAGING = "category_feed_staging"
STARTS, ENDS = gettext_lazy("The start date"), gettext_lazy("The end date")  # for messages
INTERNAL = ("An internal error stopped the import; nothing was loaded. The details are in "
            "the server log.")


class FeedError(uploads.FileError):
    """The file as a whole cannot be read (no header, wrong columns)."""


class Reject(Exception):
    def __init__(self, field, reason):
        super().__init__(reason)
        self.field, self.reason = field, str(reason)


def parse_date(value: str) -> datetime.date:
    value = value.strip()
    for fmt in ("%Y-%m-%d", "%d.%m.%Y"):
        try:
            return datetime.datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    raise ValueError(_("“%(value)s” is not a date (YYYY-MM-DD or DD.MM.YYYY).") % {
        "value": value[:40]})


def _date(values, field, label, years_ahead):
    try:
        day = parse_date(values[field])
    except ValueError as exc:
        raise Reject(field, exc) from None
    problem = bounds.date_problem(day, label=label, years_ahead=years_ahead)
    if problem:
        raise Reject(field, problem)
    return day


def check_row(values, *, partner, categories):
    """(iin, category id, starts, ends, document) of a row, or ``Reject(field, reason)``."""
    iin = values.get("iin", "")
    problem = iin_problem(iin)
    if problem:
        raise Reject("iin", problem)
    code = values.get("category", "")
    category = categories.get(code)
    if category is None:
        raise Reject("category", _("Unknown category code “%(code)s”.") % {"code": code[:40]})
    if partner not in category["partners"]:
        raise Reject("category", _("Category “%(code)s” is not confirmed by this partner.")
                     % {"code": code})
    starts = _date(values, "starts_on", STARTS, bounds.MAX_START_YEARS_AHEAD)
    ends = None
    if values.get("ends_on"):
        ends = _date(values, "ends_on", ENDS, bounds.MAX_YEARS_AHEAD)
        if ends < starts:
            raise Reject("ends_on", _("The end date is before the start date."))
    document = values.get("document", "")
    if len(document) > DOCUMENT_MAX:
        raise Reject("document", _("The document is longer than %(n)d characters.") % {
            "n": DOCUMENT_MAX})
    return iin, category["id"], starts, ends, document


def _categories():
    return {c.code: {"id": c.id, "partners": {t.partner for t in c.terms.all()}}
            for c in BenefitCategory.objects.prefetch_related("terms")}


def _stage(run, path):
    staging = Staging(STAGING, [
        ("row_no", "bigint"), ("iin", "text"), ("category_id", "bigint"), ("starts_on", "date"),
        ("ends_on", "date"), ("document", "text"), ("person_id", "bigint"), ("action", "text"),
        ("field", "text"), ("reason", "text"), ("raw", "text")], indexes=("iin",))
    categories = _categories()
    table = uploads.open_table(path)
    try:
        positions = uploads.header_positions(table.header, columns=COLUMNS, required=REQUIRED)
        batch = []
        for line, cells in table.rows():
            values = uploads.pick(cells, positions)
            try:
                clean = check_row(values, partner=run.partner, categories=categories)
                batch.append((line, *clean, None, None, None, None, None))
            except Reject as reject:
                raw = ";".join(values.get(c, "") for c in COLUMNS)[:2000]
                batch.append((line, None, None, None, None, None, None, None, reject.field,
                              reject.reason[:2000], raw))
            if len(batch) >= BATCH:
                staging.write(batch)
                batch = []
                _write(run, progress=int(90 * table.share))
        staging.write(batch)
    finally:
        table.close()
    staging.loaded()
    return staging


def _write(run, **fields):
    for name, value in fields.items():
        setattr(run, name, value)
    CategoryFeedRun.objects.filter(pk=run.pk).update(**fields)


def category_feed_run_process(run, *, path=None) -> CategoryFeedRun:
    """Load the run's file (a pending run); returns it done or failed."""
    path = path or run.file.path
    _write(run, status=CategoryFeedRun.Status.RUNNING, phase=_("Reading and checking rows"),
           progress=0, error="")
    staging = None
    try:
        uploads.check_size(path, kind="categories", name=run.file_name)
        staging = _stage(run, path)
        _write(run, phase=_("Merging into the memberships"), progress=90)
        params = {"run": run.pk, "now": timezone.now(), "user": run.acting_user_id,
                  "reason": _("Partner feed"),
                  "unknown": _("No person with this IIN in the registry."),
                  "duplicate": _("The same person, category and start date appear earlier "
                                 "in the file.")}
        with transaction.atomic():
            xact_lock("category_feed")
            change_lock("memberships")  # bulk writes: held until the feed commits
            with transaction.get_connection().cursor() as cursor:
                loaded, unchanged, rejected = feeds_sql.merge(cursor, staging=staging.name,
                                                              params=params)
            _write(run, status=CategoryFeedRun.Status.DONE, phase="", progress=100,
                   rows_total=staging.rows, rows_loaded=loaded, rows_unchanged=unchanged,
                   rows_rejected=rejected, finished_at=timezone.now())
    except uploads.FileError as exc:
        _write(run, status=CategoryFeedRun.Status.FAILED, error=str(exc),
               finished_at=timezone.now())
    except Exception:  # shown on the run page: no traceback, no server path
        logging.getLogger("osms.errors").exception("category feed #%s failed", run.pk)
        _write(run, status=CategoryFeedRun.Status.FAILED, error=_(INTERNAL),
               finished_at=timezone.now())
    finally:
        if staging is not None and not transaction.get_connection().needs_rollback:
            staging.drop()
    return run


def category_feed_run_create(*, sha, file_name, partner, acting_user=None, file=None):
    """(run, already loaded): a pending run for the file, or the done run of the same file."""
    known = CategoryFeedRun.objects.filter(sha256=sha, status=CategoryFeedRun.Status.DONE).first()
    if known is not None:
        return known, True
    CategoryFeedRun.objects.filter(sha256=sha).exclude(status=CategoryFeedRun.Status.DONE).delete()
    run = CategoryFeedRun(partner=partner, file_name=file_name[:300], sha256=sha,
                          acting_user=acting_user, status=CategoryFeedRun.Status.PENDING)
    if file is not None:
        run.file = file
    run.save()
    return run, False


def category_feed_import(*, stream=None, path=None, file_name, partner, acting_user=None
                         ) -> CategoryFeedRun:
    """Load a partner file now (a path, or a binary stream spooled to a temporary file);
    returns its run (the earlier one for a file loaded before)."""
    spooled = None
    if path is None:
        spooled = tempfile.NamedTemporaryFile(suffix=".feed", delete=False)
        with spooled:
            shutil.copyfileobj(stream, spooled, 1 << 20)
        path = spooled.name
    try:
        run, known = category_feed_run_create(sha=file_sha256(path), file_name=file_name,
                                              partner=partner, acting_user=acting_user)
        return run if known else category_feed_run_process(run, path=path)
    finally:
        if spooled is not None:
            os.unlink(spooled.name)
