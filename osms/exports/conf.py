"""Settings of the exports app, with their defaults (all optional, see docs/exports.md)."""

from django.conf import settings

# Excel's hard limit is 1,048,576 rows per sheet, the header row included.
EXCEL_MAX_ROWS = 1_048_576


def sync_max_rows():
    """Lists with at most this many rows are exported inside the request."""
    return getattr(settings, "EXPORTS_SYNC_MAX_ROWS", 5000)


def expire_hours():
    """A finished file is kept this many hours, then deleted by the cleanup task."""
    return getattr(settings, "EXPORTS_EXPIRE_HOURS", 72)


def max_rows_per_sheet():
    """Rows per xlsx sheet, header included; past it the export continues on a new sheet."""
    return min(getattr(settings, "EXPORTS_XLSX_MAX_ROWS_PER_SHEET", EXCEL_MAX_ROWS), EXCEL_MAX_ROWS)


def progress_every():
    """The job row's progress is written after every this many rows."""
    return getattr(settings, "EXPORTS_PROGRESS_EVERY", 20000)


def chunk_size():
    """Rows fetched per round trip from the server-side cursor."""
    return getattr(settings, "EXPORTS_CHUNK_SIZE", 2000)


def xlsx_compress_level():
    """Deflate level of the xlsx zip (1 fast … 9 small)."""
    return getattr(settings, "EXPORTS_XLSX_COMPRESS_LEVEL", 3)


def csv_delimiter():
    return getattr(settings, "EXPORTS_CSV_DELIMITER", ",")


def stale_after_hours():
    """A running job without a progress write for this long is marked failed."""
    return getattr(settings, "EXPORTS_STALE_AFTER_HOURS", 6)


def directory():
    """Sub-directory of MEDIA_ROOT that holds the files."""
    return getattr(settings, "EXPORTS_DIRECTORY", "exports")
