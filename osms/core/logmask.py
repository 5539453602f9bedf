"""ИИН and БИН masked in every application log record: ``871008401427`` → ``8710******27``.

An ИИН is personal data; logs are copied, shipped and read by people who may not see it.
Any run of exactly 12 digits (not part of a longer number) is masked, keeping the first
four digits and the last two (enough to tell two records apart while reading a log),
in the message, its arguments, the exception's traceback and the stack.

Two ways in, one function: ``MaskIinFilter`` on the handlers of ``settings.LOGGING``, and
``install_record_factory()`` (called when Django starts) for records that reach handlers
Django does not configure — Celery's worker logging, gunicorn's.
"""

import logging
import re

IIN_RE = re.compile(r"(?<!\d)(\d{4})\d{6}(\d{2})(?!\d)")


def mask_iins(text: str) -> str:
    return IIN_RE.sub(r"\1******\2", text)


def mask_record(record: logging.LogRecord) -> logging.LogRecord:
    if getattr(record, "_iins_masked", False):
        return record
    try:
        message = record.getMessage()
    except Exception:  # a malformed call: let the handler report it as usual
        return record
    record.msg, record.args = mask_iins(message), ()
    if record.exc_info and not record.exc_text:
        record.exc_text = logging.Formatter().formatException(record.exc_info)
    if record.exc_text:
        record.exc_text = mask_iins(record.exc_text)
    if record.stack_info:
        record.stack_info = mask_iins(record.stack_info)
    record._iins_masked = True
    return record


class MaskIinFilter(logging.Filter):
    """A handler filter: masks, never drops."""

    def filter(self, record):
        mask_record(record)
        return True


_installed = False


def install_record_factory():
    """Mask every record the process creates, whatever handler it goes to (idempotent)."""
    global _installed
    if _installed:
        return
    previous = logging.getLogRecordFactory()

    def factory(*args, **kwargs):
        return mask_record(previous(*args, **kwargs))

    logging.setLogRecordFactory(factory)
    _installed = True
