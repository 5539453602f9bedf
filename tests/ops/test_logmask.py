"""ИИН and БИН are masked in every application log record."""

import io
import logging

from osms.core.logmask import MaskIinFilter, mask_iins

IIN = "871008401427"


def test_twelve_digit_numbers_keep_four_and_two_digits():
    assert mask_iins(f"person {IIN} paid") == "person 8710******27 paid"
    assert mask_iins(f"БИН 120340012345, ИИН {IIN}.") == (
        "БИН 1203******45, ИИН 8710******27.")
    # not a part of a longer number, nor a shorter one
    assert mask_iins("account 1234567890123 and 12345678901") == (
        "account 1234567890123 and 12345678901")


def _handler(with_filter=True):
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(levelname)s %(message)s"))
    if with_filter:
        handler.addFilter(MaskIinFilter())
    return handler, stream


def test_the_filter_masks_arguments_and_tracebacks():
    logger = logging.getLogger("tests.logmask.filter")
    handler, stream = _handler()
    logger.addHandler(handler)
    try:
        logger.warning("import row %s: ИИН %s rejected", 7, IIN)
        try:
            raise ValueError(f"no person {IIN}")
        except ValueError:
            logger.exception("failed for %s", IIN)
    finally:
        logger.removeHandler(handler)
    text = stream.getvalue()
    assert IIN not in text
    assert "ИИН 8710******27 rejected" in text
    assert "ValueError: no person 8710******27" in text


def test_records_are_masked_even_on_handlers_without_the_filter():
    """Celery's and gunicorn's handlers are not configured by settings.LOGGING."""
    logger = logging.getLogger("tests.logmask.factory")
    handler, stream = _handler(with_filter=False)
    logger.addHandler(handler)
    try:
        logger.error("payment for %(iin)s", {"iin": IIN})
    finally:
        logger.removeHandler(handler)
    assert stream.getvalue() == "ERROR payment for 8710******27\n"


def test_the_configured_console_handler_carries_the_filter(settings):
    assert settings.LOGGING["handlers"]["console"]["filters"] == ["mask_iin"]
    assert settings.LOGGING["filters"]["mask_iin"]["()"] == "osms.core.logmask.MaskIinFilter"
