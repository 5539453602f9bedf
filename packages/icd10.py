"""ICD-10 codes and code ranges: parsing, normalising, matching (WHO ICD-10, 2019).

A code is a letter, two digits and optionally a dot with one or two characters
(``I10``, ``B18.1``). A range is ``START-END`` inclusive (``I20-I25``,
``B18.0-B18.2``) or one code; a category includes its subcategories, so
``I20-I25`` covers ``I25.9``. Ranges are compared through a sort key in which
a category's end is padded after every subcategory.
"""

import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

CODE_RE = re.compile(r"^[A-Z][0-9]{2}(?:\.[0-9A-Z]{1,2})?$")
_AFTER_ALL = "~"  # sorts after digits and letters


class Icd10FormatError(ValueError):
    """A malformed ICD-10 code or range; the message says which and why."""


def normalize_code(raw):
    """``" i10 "`` → ``"I10"``, ``"b181"`` → ``"B18.1"``; raises Icd10FormatError."""
    value = str(raw or "").strip().upper().replace(",", ".")
    if len(value) in (4, 5) and "." not in value and value[:3].isalnum():
        value = f"{value[:3]}.{value[3:]}"
    if value.endswith("."):
        value = value[:-1]
    if not CODE_RE.match(value):
        raise Icd10FormatError(
            _("%(code)r is not an ICD-10 code: expected a letter, two digits and an optional "
              "dot with one or two characters, e.g. I10 or B18.1.") % {"code": str(raw)}
        )
    return value


def sort_key(code):
    """The comparable key of a normalised code: ``B18.1`` → ``B181``."""
    return code.replace(".", "")


@dataclass(frozen=True)
class CodeRange:
    start: str
    end: str

    @property
    def start_key(self):
        return sort_key(self.start)

    @property
    def end_key(self):
        key = sort_key(self.end)
        return key + _AFTER_ALL if len(key) == 3 else key

    def contains(self, code):
        return self.start_key <= sort_key(code) <= self.end_key

    def __str__(self):
        return self.start if self.start == self.end else f"{self.start}-{self.end}"


def parse_range(text):
    parts = [p for p in re.split(r"\s*[-–—]\s*", str(text).strip()) if p]
    if len(parts) not in (1, 2):
        raise Icd10FormatError(_("%(text)r is not a code range such as I20-I25.") % {"text": text})
    start = normalize_code(parts[0])
    end = normalize_code(parts[-1])
    if sort_key(end) < sort_key(start):
        raise Icd10FormatError(
            _("The range %(text)r ends before it starts.") % {"text": text}
        )
    return CodeRange(start, end)


def parse_ranges(text):
    """``"I10-I15; I20-I25, B18.0-B18.2"`` → a tuple of CodeRange (at least one)."""
    pieces = [p for p in re.split(r"[;,\n]+", str(text or "")) if p.strip()]
    if not pieces:
        raise Icd10FormatError(_("Give at least one ICD-10 code or range."))
    return tuple(parse_range(piece) for piece in pieces)


def format_ranges(ranges):
    return "; ".join(str(r) for r in ranges)


def in_ranges(code, ranges):
    return any(r.contains(code) for r in ranges)
