"""Partner feed files of category memberships (format: docs/formats/categories.md).

A CSV file (UTF-8, ``;`` or ``,``) with the header ``iin,category,starts_on,ends_on,document``
is read as a stream in batches. Each row either creates a membership, closes or
corrects one (same person, category and start date: new end date or document),
is already known (unchanged), or is rejected with its row number, the field
and the reason. The file's SHA-256 makes a re-import a no-op; the whole file is
loaded in one transaction, so a crash leaves nothing half-loaded.
"""

import codecs
import csv
import datetime
import hashlib
from itertools import islice

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from osms.core.changes import change_lock
from payers.selectors import person_ids_by_iin
from payers.validators import iin_problem

from .models import (
    BenefitCategory,
    CategoryFeedReject,
    CategoryFeedRun,
    CategoryMembership,
    MembershipSource,
)

COLUMNS = ("iin", "category", "starts_on", "ends_on", "document")
REQUIRED = ("iin", "category", "starts_on")
BATCH = 5000


class FeedError(ValueError):
    """The file as a whole cannot be read (no header, wrong columns)."""


def file_sha256(stream) -> str:
    digest = hashlib.sha256()
    for block in iter(lambda: stream.read(1 << 20), b""):
        digest.update(block)
    stream.seek(0)
    return digest.hexdigest()


def parse_date(value: str) -> datetime.date:
    value = value.strip()
    for fmt in ("%Y-%m-%d", "%d.%m.%Y"):
        try:
            return datetime.datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    raise ValueError(_("“%(value)s” is not a date (YYYY-MM-DD or DD.MM.YYYY).") % {"value": value})


def _reader(stream):
    text = codecs.getreader("utf-8-sig")(stream)
    header = text.readline()
    if not header.strip():
        raise FeedError(_("The file is empty."))
    delimiter = ";" if header.count(";") > header.count(",") else ","
    names = [h.strip().lower() for h in next(csv.reader([header], delimiter=delimiter))]
    missing = [c for c in REQUIRED if c not in names]
    if missing:
        raise FeedError(_("The file lacks required columns: %(cols)s. Expected header: "
                          "%(header)s.") % {"cols": ", ".join(missing), "header": ",".join(COLUMNS)})
    return csv.DictReader(text, fieldnames=names, delimiter=delimiter)


class _Batch:
    def __init__(self, run, partner, categories):
        self.run, self.partner, self.categories = run, partner, categories
        self.seen = set()
        self.rejects = []

    def reject(self, number, field, reason, row):
        raw = ";".join(str(row.get(c) or "") for c in COLUMNS)
        self.rejects.append(CategoryFeedReject(run=self.run, row_number=number, field=field,
                                               reason=str(reason), raw=raw[:2000]))

    def check(self, number, row):
        """A clean (iin, category, starts, ends, document) tuple, or None after a reject."""
        iin = (row.get("iin") or "").strip()
        problem = iin_problem(iin)
        if problem:
            return self.reject(number, "iin", problem, row)
        code = (row.get("category") or "").strip()
        category = self.categories.get(code)
        if category is None:
            return self.reject(number, "category",
                               _("Unknown category code “%(code)s”.") % {"code": code}, row)
        if self.partner not in category["partners"]:
            return self.reject(number, "category", _(
                "Category “%(code)s” is not confirmed by this partner.") % {"code": code}, row)
        try:
            starts = parse_date(row.get("starts_on") or "")
        except ValueError as exc:
            return self.reject(number, "starts_on", exc, row)
        ends = None
        if (row.get("ends_on") or "").strip():
            try:
                ends = parse_date(row["ends_on"])
            except ValueError as exc:
                return self.reject(number, "ends_on", exc, row)
            if ends < starts:
                return self.reject(number, "ends_on",
                                   _("The end date is before the start date."), row)
        key = (iin, code, starts)
        if key in self.seen:
            return self.reject(number, "iin", _("The same person, category and start date "
                                                "appear earlier in the file."), row)
        self.seen.add(key)
        return iin, category["id"], starts, ends, (row.get("document") or "").strip()[:300]


def _load_batch(batch, rows, acting_user):
    """Apply one batch of clean rows; returns (created, updated, unchanged)."""
    persons = person_ids_by_iin(r[1][0] for r in rows)
    clean = []
    for number, (iin, category_id, starts, ends, document), raw in rows:
        if iin not in persons:
            batch.reject(number, "iin", _("No person with this IIN in the registry."), raw)
        else:
            clean.append((persons[iin], category_id, starts, ends, document))
    existing = {
        (m.person_id, m.category_id, m.starts_on): m
        for m in CategoryMembership.objects.filter(
            person_id__in={c[0] for c in clean}, category_id__in={c[1] for c in clean})
    }
    new, changed, unchanged = [], [], 0
    for person_id, category_id, starts, ends, document in clean:
        current = existing.get((person_id, category_id, starts))
        if current is None:
            new.append(CategoryMembership(
                person_id=person_id, category_id=category_id, starts_on=starts, ends_on=ends,
                document=document, source=MembershipSource.FEED, feed_run=batch.run))
        elif current.ends_on != ends or (document and current.document != document):
            current.ends_on, current.feed_run = ends, batch.run
            current.document = document or current.document
            current.changed_at = timezone.now()
            changed.append(current)
        else:
            unchanged += 1
    if new:
        bulk_create_with_history(new, CategoryMembership, batch_size=BATCH,
                                 default_user=acting_user)
    if changed:
        bulk_update_with_history(changed, CategoryMembership,
                                 ["ends_on", "document", "feed_run", "changed_at"],
                                 batch_size=BATCH, default_user=acting_user)
    return len(new), len(changed), unchanged


def category_feed_import(*, stream, file_name, partner, acting_user=None) -> CategoryFeedRun:
    """Load a partner file of memberships; returns its run (the earlier one for a known file)."""
    sha = file_sha256(stream)
    known = CategoryFeedRun.objects.filter(sha256=sha, status=CategoryFeedRun.Status.DONE).first()
    if known is not None:
        return known
    CategoryFeedRun.objects.filter(sha256=sha).exclude(status=CategoryFeedRun.Status.DONE).delete()
    categories = {}
    for category in BenefitCategory.objects.prefetch_related("terms"):
        categories[category.code] = {"id": category.id,
                                     "partners": {t.partner for t in category.terms.all()}}
    try:
        with transaction.atomic():
            change_lock("memberships")  # bulk writes: held until the feed commits
            run = CategoryFeedRun.objects.create(partner=partner, file_name=file_name,
                                                 sha256=sha, acting_user=acting_user)
            batch = _Batch(run, partner, categories)
            rows = enumerate(_reader(stream), start=2)
            while chunk := list(islice(rows, BATCH)):
                checked = []
                for number, row in chunk:
                    run.rows_total += 1
                    clean = batch.check(number, row)
                    if clean is not None:
                        checked.append((number, clean, row))
                created, updated, unchanged = _load_batch(batch, checked, acting_user)
                run.rows_loaded += created + updated
                run.rows_unchanged += unchanged
            CategoryFeedReject.objects.bulk_create(batch.rejects, batch_size=BATCH)
            run.rows_rejected = len(batch.rejects)
            run.status = CategoryFeedRun.Status.DONE
            run.finished_at = timezone.now()
            run.save()
    except FeedError as exc:
        return CategoryFeedRun.objects.create(
            partner=partner, file_name=file_name, sha256=sha, acting_user=acting_user,
            status=CategoryFeedRun.Status.FAILED, error=str(exc), finished_at=timezone.now())
    return run
