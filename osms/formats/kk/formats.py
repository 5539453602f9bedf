"""Kazakh: the same formats as Russian (03.12.2026, 17:05, 1 045 500,00)."""

from osms.formats.ru.formats import *  # noqa: F403
