"""One way of receiving an import file: a size limit, private storage, rows read as a stream.

- **Size limit** per kind of file (``settings.IMPORT_MAX_MB``): ``ImportFileField(kind=…)``
  refuses a bigger upload on the form, ``check_size`` does the same for a command's file;
  the message names the file, its size and the limit.
- **Private storage**: an upload is kept on the run record's ``FileField`` under
  ``MEDIA_ROOT/imports/`` (``osms.core.runs.import_upload_path``); nothing under
  ``MEDIA_ROOT`` is served (``osms/urls.py``), the worker reads it from there.
- **Streamed rows**: ``open_table(path)`` reads a CSV (UTF-8, UTF-8 with BOM or Windows-1251,
  the separator guessed from the header line) or the first sheet of an xlsx (openpyxl
  read-only, formulas kept as their text) and yields ``(line number, cells)``, one row at a
  time, so memory does not grow with the file. A file that cannot be read as a whole raises
  ``FileError`` with a message that names the line.
"""

import codecs
import csv
import datetime
import hashlib
import io
import os
from decimal import ROUND_HALF_UP, Decimal

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.functional import lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .formatting import number

MB = 1024 * 1024
DEFAULT_LIMIT_MB = 256
SAMPLE = 64 * 1024
MAX_FIELD = 100_000  # characters in one CSV field; longer is a broken file, not data
ZIP = b"PK\x03\x04"
UTF16_BOMS = (codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
DELIMITERS = (";", ",", "\t", "|")
# Bytes that never occur in a text file (everything below a space but tab, LF, CR, FF).
CONTROL = bytes(b for b in range(32) if b not in (9, 10, 12, 13))

csv.field_size_limit(MAX_FIELD)


class FileError(ValueError):
    """The file as a whole cannot be read: nothing of it is loaded."""


# --- size ---------------------------------------------------------------------------------

def limit_bytes(kind):
    return int(getattr(settings, "IMPORT_MAX_MB", {}).get(kind, DEFAULT_LIMIT_MB)) * MB


def _megabytes_now(size):
    """«512 МБ», «1,5 МБ»: the number in the active language, one decimal at most."""
    amount = (Decimal(size) / MB).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return _("%(amount)s MB") % {"amount": number(amount)}


def _megabytes(size):
    return _megabytes_now(size)


def _at_most(kind):
    return _("At most %(limit)s.") % {"limit": _megabytes_now(limit_bytes(kind))}


_at_most_lazy = lazy(_at_most, str)  # help texts are built at import, read in a language


def size_problem(*, name, size, kind):
    """Why a file of ``size`` bytes is refused for ``kind``, or None."""
    limit = limit_bytes(kind)
    if size > limit:
        return _("The file “%(name)s” is %(size)s; files of this kind may be at most "
                 "%(limit)s (setting IMPORT_MAX_MB_%(kind)s).") % {
            "name": name, "size": _megabytes(size), "limit": _megabytes(limit),
            "kind": kind.upper()}
    if size == 0:
        return _("The file “%(name)s” is empty.") % {"name": name}
    return None


def check_size(path, *, kind, name=None):
    """Raise ``FileError`` when the file at ``path`` is over the limit of ``kind`` (or empty)."""
    problem = size_problem(name=name or os.path.basename(path), size=os.path.getsize(path),
                           kind=kind)
    if problem:
        raise FileError(problem)


class ImportFileField(forms.FileField):
    """An upload field that refuses files over the limit of its kind with a clear message."""

    def __init__(self, *, kind, **kwargs):
        self.kind = kind
        kwargs.setdefault("help_text", _at_most_lazy(kind))
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        upload = super().clean(data, initial)
        if upload:
            problem = size_problem(name=upload.name, size=upload.size, kind=self.kind)
            if problem:
                raise ValidationError(problem, code="file_size")
        return upload


def upload_sha256(upload):
    """The SHA-256 of an uploaded file, read in chunks (the file is left at its start)."""
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


# --- a file loaded before ------------------------------------------------------------------

def earlier_run(runs, checksum, *, field="checksum", user=None, only=None):
    """The latest run of the model ``runs`` that read a file with this SHA-256 (within the
    user's region for a region-owned run model; ``only``: more conditions, e.g. no dry
    runs), or None."""
    from .scoping import is_region_scoped, scope_queryset

    queryset = runs._default_manager.filter(**{field: checksum}, **(only or {}))
    if user is not None and is_region_scoped(runs):
        queryset = scope_queryset(queryset, user, "view")
    return queryset.order_by("-pk").first()


def already_loaded_message(run):
    """«Этот файл уже загружен 03.12.2026 14:05 (запуск №12, статус «Готово»).»"""
    from .formatting import moment

    when = getattr(run, "created_at", None) or getattr(run, "started_at", None)
    return _("This file was already loaded on %(when)s (run №%(n)s, status «%(status)s»).") % {
        "when": moment(when), "n": run.pk, "status": run.get_status_display()}


class ImportUploadForm(forms.Form):
    """The upload form of every import: before a run is queued, a file whose SHA-256 an
    earlier run of ``runs`` read is refused with «This file was already loaded …» and a
    checkbox appears; ticking it (with the file chosen again) loads it once more (the imports
    are idempotent: nothing is counted twice). Subclasses declare ``file`` and set ``runs``
    (and ``checksum_field`` when the run model names it otherwise); the view passes
    ``user=`` and calls ``remember_checksum(run)`` on the run it makes."""

    runs = None
    checksum_field = "checksum"
    earlier_only = {}  # conditions on the earlier runs that count (a dry run loaded nothing)
    reload = forms.BooleanField(label=gettext_lazy("Load this file again"), required=False,
                                widget=forms.HiddenInput)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.checksum = None
        self.earlier = None
        self.fields["reload"] = self.fields.pop("reload")  # after the form's own fields

    def clean(self):
        cleaned = super().clean()
        upload = cleaned.get("file")
        if upload is None or self.runs is None:
            return cleaned
        self.checksum = upload_sha256(upload)
        self.earlier = earlier_run(self.runs, self.checksum, field=self.checksum_field,
                                   user=self.user, only=self.earlier_only)
        if self.earlier is not None and not cleaned.get("reload"):
            self.fields["reload"].widget = forms.CheckboxInput()
            self.add_error("reload", " ".join((
                already_loaded_message(self.earlier),
                _("To load it again, tick the box and choose the file once more: rows "
                  "loaded before are recognised and not loaded twice."))))
        return cleaned

    def remember_checksum(self, run):
        """Write the file's SHA-256 on the run made from this form at once (the worker writes
        it too), so that the same file uploaded before the run starts is recognised."""
        if self.checksum and not getattr(run, self.checksum_field, ""):
            type(run)._base_manager.filter(pk=run.pk).update(
                **{self.checksum_field: self.checksum})
            setattr(run, self.checksum_field, self.checksum)
        return run


def queued_message(run):
    """(level, text) to tell the operator after an upload: «queued» only while the run waits;
    a run already finished (a worker as fast as the request, eager tasks) says how it ended."""
    from django.contrib import messages

    status = type(run)._base_manager.filter(pk=run.pk).values_list("status", flat=True).first()
    if status == "done":
        return messages.SUCCESS, _("The file is loaded (run №%(n)s).") % {"n": run.pk}
    if status == "failed":
        return messages.ERROR, _("The import (run №%(n)s) failed and loaded nothing; its page "
                                 "says why.") % {"n": run.pk}
    if status == "running":
        return messages.SUCCESS, _("The file is being loaded (run №%(n)s).") % {"n": run.pk}
    return messages.SUCCESS, _("The file was queued for import.")


# --- reading --------------------------------------------------------------------------------

def is_xlsx(path):
    with open(path, "rb") as handle:
        return handle.read(4) == ZIP


def sniff_encoding(sample):
    """``utf-8-sig``, ``utf-8`` or ``cp1251`` for the first bytes of a text file, or FileError."""
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if sample.startswith(UTF16_BOMS):
        raise FileError(_("The file is UTF-16 or UTF-32 text; save it as CSV in UTF-8 "
                          "(or Windows-1251)."))
    if any(byte in CONTROL for byte in sample):
        raise FileError(_("The file is not a CSV text file (it holds binary data); expected "
                          "CSV in UTF-8 or Windows-1251, or xlsx."))
    try:
        codecs.getincrementaldecoder("utf-8")().decode(sample, final=False)
        return "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        sample.decode("cp1251")
        return "cp1251"
    except UnicodeDecodeError:
        raise FileError(_("The file's text encoding is neither UTF-8 nor Windows-1251; "
                          "save it as CSV in UTF-8.")) from None


def sniff_delimiter(header_line):
    """The separator of a CSV header line: the most frequent of ``; , tab |`` (``,``)."""
    counts = {d: header_line.count(d) for d in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


def cell_text(value):
    """A cell (CSV text or xlsx value) as trimmed text; numbers without a spurious ``.0``."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return format(Decimal(repr(value)), "f")
    return str(value).strip()


class _Counting(io.RawIOBase):
    def __init__(self, handle):
        self.handle, self.bytes_read = handle, 0

    def readable(self):
        return True

    def readinto(self, buffer):
        data = self.handle.read(len(buffer))
        buffer[:len(data)] = data
        self.bytes_read += len(data)
        return len(data)


class CsvTable:
    """A CSV file: ``header`` (lower-cased names), then ``rows()``: (line, [texts])."""

    kind = "csv"

    def __init__(self, path):
        self.size = max(os.path.getsize(path), 1)
        self.handle = open(path, "rb")  # closed by close()
        try:
            self._start()
        except BaseException:
            self.handle.close()
            raise

    def _start(self):
        self.counter = _Counting(self.handle)
        self.encoding = sniff_encoding(self.handle.read(SAMPLE))
        self.handle.seek(0)
        self.text = io.TextIOWrapper(io.BufferedReader(self.counter, 1 << 16),
                                     encoding=self.encoding, newline="")
        self.line = 1
        try:
            first = self.text.readline()
        except UnicodeDecodeError:
            raise self._encoding_error(1) from None
        if not first.strip():
            raise FileError(_("Line 1: the file has no header row."))
        self.delimiter = sniff_delimiter(first)
        try:
            header = next(csv.reader([first], delimiter=self.delimiter), [])
        except csv.Error as exc:
            raise FileError(_("Line 1: %(error)s") % {"error": exc}) from None
        self.header = [h.strip().lower() for h in header]
        self.reader = csv.reader(self.text, delimiter=self.delimiter)

    def _encoding_error(self, line):
        return FileError(_("Line %(line)s: the text is not valid %(encoding)s.") % {
            "line": line, "encoding": "Windows-1251" if self.encoding == "cp1251" else "UTF-8"})

    @property
    def share(self):
        return min(self.counter.bytes_read / self.size, 1.0)

    def rows(self):
        while True:
            line = self.line + 1
            try:
                values = next(self.reader)
            except StopIteration:
                return
            except UnicodeDecodeError:
                raise self._encoding_error(line) from None
            except csv.Error as exc:
                raise FileError(_("Line %(line)s: %(error)s") % {
                    "line": line, "error": exc}) from None
            self.line = self.reader.line_num + 1
            if any("\x00" in v for v in values):  # past the sample that was checked
                raise FileError(_("Line %(line)s: the file holds binary data (a NUL "
                                  "character); expected CSV text.") % {"line": line})
            if values and any(v.strip() for v in values):
                yield line, [v.strip() for v in values]

    def close(self):
        self.handle.close()


class XlsxTable:
    """The first sheet of an xlsx: ``header``, then ``rows()``: (row number, [values])."""

    kind = "xlsx"

    def __init__(self, path):
        from openpyxl import load_workbook

        self.size = max(os.path.getsize(path), 1)
        self.done = 0
        self.handle = self.workbook = None
        try:
            # data_only=False: a formula cell comes as its text (``=HYPERLINK(…)``), never
            # as a value computed by whoever saved the file, and never silently empty.
            # A file object: openpyxl would refuse a path not named .xlsx (a spooled upload).
            self.handle = open(path, "rb")  # closed by close()
            self.workbook = load_workbook(self.handle, read_only=True, data_only=False)
            sheet = self.workbook.worksheets[0]
            self.rows_total = max(int(sheet.max_row or 1), 1)
            self.iterator = sheet.iter_rows(values_only=True)
            header = next(self.iterator, None)
        except Exception as exc:  # openpyxl raises many kinds on a broken file
            self.close()
            raise FileError(_("The xlsx file cannot be read (%(error)s); save it again "
                              "from Excel as .xlsx or as CSV.") % {
                "error": type(exc).__name__}) from None
        if header is None or all(v is None for v in header):
            self.close()
            raise FileError(_("Line 1: the sheet has no header row."))
        self.header = [cell_text(h).lower() for h in header]

    @property
    def share(self):
        return min(self.done / self.rows_total, 1.0)

    def rows(self):
        line = 1
        while True:
            try:
                values = next(self.iterator)
            except StopIteration:
                return
            except Exception as exc:  # a broken sheet part found while streaming
                raise FileError(_("Row %(line)s: the sheet cannot be read (%(error)s).") % {
                    "line": line + 1, "error": type(exc).__name__}) from None
            line += 1
            self.done = line
            if values and any(v is not None and str(v).strip() for v in values):
                yield line, list(values)  # raw values: numbers, dates, texts

    def close(self):
        if self.workbook is not None:
            self.workbook.close()
        if self.handle is not None:
            self.handle.close()


def open_table(path):
    """A ``CsvTable`` or an ``XlsxTable`` (by the file's first bytes, not its name)."""
    return XlsxTable(path) if is_xlsx(path) else CsvTable(path)


def header_positions(header, *, columns, required):
    """{column: index} of the header; FileError naming missing and repeated columns."""
    missing = [c for c in required if c not in header]
    repeated = sorted({c for c in header if c and header.count(c) > 1})
    if missing or repeated:
        raise FileError(
            _("Line 1: the header must have the columns %(expected)s; missing: %(missing)s; "
              "repeated: %(repeated)s.") % {
                "expected": ",".join(columns), "missing": ", ".join(missing) or "—",
                "repeated": ", ".join(repeated) or "—"})
    return {c: header.index(c) for c in columns if c in header}


def pick(values, positions):
    """The cells of ``positions`` ({column: index}) of a row, as texts ('' when short)."""
    return {c: cell_text(values[i]) if i < len(values) else "" for c, i in positions.items()}
