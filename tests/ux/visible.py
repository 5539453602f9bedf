"""What an operator reads on a page, and what in it is not Russian/Kazakh.

``visible_text`` keeps the text nodes a browser shows (no tags, scripts, styles, comments or
attribute values) plus the tooltips' absence: codes kept in a ``title`` are fine. The checks
return findings as short strings; the crawler (test_crawler.py) collects them per page.
"""

import re
from functools import cache
from html.parser import HTMLParser

from django.apps import apps

# Not read as text: scripts and styles, and codes shown as codes (<code>: the column names a
# file must carry, a checksum), which are meant to be typed or compared, not read.
HIDDEN = {"script", "style", "noscript", "svg", "head", "textarea", "code"}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param",
        "source", "track", "wbr"}


def _hidden(tag, attrs):
    """Tags a browser does not show as text; icon ligatures (Material Symbols) and elements
    marked hidden or for screen readers only."""
    attrs = dict(attrs)
    classes = (attrs.get("class") or "").split()
    # Text marked as another language on purpose (lang="en": a WHO ICD-10 name the Russian
    # edition does not give) is that language's, not an untranslated string.
    foreign = attrs.get("lang") not in (None, "", "ru", "kk")
    # A record's own code on its detail page (where the issue wants codes kept).
    own_code = "field-code" in classes
    return (tag in HIDDEN or "hidden" in attrs or attrs.get("aria-hidden") == "true" or foreign
            or own_code
            or any(c.startswith("material-symbols") for c in classes))


class _Text(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack, self.nodes = [], []  # stack: (tag, hidden)

    def handle_starttag(self, tag, attrs):
        if tag not in VOID:
            hidden = _hidden(tag, attrs) or (self.stack and self.stack[-1][1])
            self.stack.append((tag, bool(hidden)))

    def handle_endtag(self, tag):
        if any(t == tag for t, _h in self.stack):
            while self.stack and self.stack.pop()[0] != tag:
                pass

    def handle_data(self, data):
        if self.stack and self.stack[-1][1]:
            return
        text = data.strip()
        if text:
            self.nodes.append(text)


def visible_text(html):
    """The page's visible text nodes, in order."""
    parser = _Text()
    parser.feed(html)
    parser.close()
    return parser.nodes


# Latin words an operator may meet in the Russian/Kazakh UI: file formats, standards and
# proper names. Anything else Latin is English left untranslated (or a code shown raw).
ALLOWED_LATIN = {
    "PDF", "XLSX", "CSV", "XLS", "JSON", "ZIP", "API", "URL", "ID", "ICD", "MKB",
    "Excel", "Word", "Celery", "OK", "UTC", "SHA-256", "UTF-8", "xlsx", "csv",
    # keys named by Django's own translated hint for multiple selection
    "Control", "Command", "Mac",
    # the language menu: each language in its own name with its code, and the Esc key hint
    "English", "ru", "kk", "en", "esc",
}
# Data made by the test factories: region markers (QZALM00012), provider accounts
# (qzalmprov81) and the users' names.
DATA = re.compile(r"^(Q[Zz][A-Za-z]{3}(prov)?\d*|qz[a-z]{3}(prov)?\d*|[Mm]atrix_\w+|user\d+|\w*@example\.kz"
                  r"|[Mm]x[oa]\w*|L-mx[oa]\w*|DOC-\d+|[\w-]+\.(csv|xlsx)|Excess)$")
# Document numbers (75-2026-phc-1) and Roman numerals (группы I, II) are not words.
NOT_WORDS = re.compile(r"^([\w]+-)*\d+(-[\w]+)*$|^.*\d.*-.*$|^.*-.*\d.*$|^[IVXLC]+$")
_WORD = re.compile(r"[A-Za-z][A-Za-z0-9_'’.@-]*")


def english_words(nodes):
    found = []
    for node in nodes:
        for word in _WORD.findall(node):
            word = word.strip(".'’-")
            letters = re.sub(r"[^A-Za-z]", "", word)
            if len(letters) < 2 or word in ALLOWED_LATIN or DATA.match(word) \
                    or NOT_WORDS.match(word):
                continue
            if re.fullmatch(r"[A-Z]\d+(\.\d+)?", word):  # ICD-10 codes: J45.0
                continue
            found.append(f"{word} in {node[:70]!r}")
    return found


@cache
def choice_codes():
    """{code: label} of every choice of the project's models whose label differs."""
    from osms.core.roles import PROJECT_APPS

    codes = {}
    for model in apps.get_models():
        if model._meta.app_label not in PROJECT_APPS:
            continue
        for field in model._meta.get_fields():
            for code, label in getattr(field, "flatchoices", None) or ():
                if isinstance(code, str) and len(code) > 2 and not code.isdigit() \
                        and str(label) != code and code not in ALLOWED_LATIN:
                    codes[code] = str(label)
    return codes


def raw_codes(nodes):
    codes = choice_codes()
    found = []
    for node in nodes:
        for part in re.split(r"\s*(?:→|->|,|;|/)\s*", node):
            if part in codes:
                found.append(f"{part} (label: {codes[part]}) in {node[:70]!r}")
    return found


_PATTERNS = [
    # 8000.00, 450000,00: a whole part of four or more digits without grouping
    ("ungrouped", re.compile(r"(?<![\d.,\s\u00a0\u202f])\d{4,}[.,]\d+(?![\d.])")),
    # 1,045,500 (English grouping) and 8000.00 (English decimal point)
    ("english grouping", re.compile(r"(?<![\d.,])[1-9]\d{0,2}(?:,\d{3})+(?![\d])")),
    ("decimal point", re.compile(r"(?<![\w.])\d+\.\d{1,2}(?![.\d])")),
    # an integer amount of five or more digits without grouping (ИИН/БИН and КАТО have 9/12)
    ("ungrouped integer", re.compile(r"(?<![\w.,/:#№-])\d{5,8}(?![\w.,/:-])")),
    # 12-hour clock
    ("12-hour time", re.compile(r"\d{1,2}:\d{2}\s*(?:a\.m\.|p\.m\.|AM|PM|т\.д\.|т\.қ\.|д\.п\.)")),
    # «Ақп. 10, 1983»: English date order
    ("date order", re.compile(r"[^\W\d]+\.? \d{1,2}, \d{4}")),
]


def bad_numbers(nodes):
    found = []
    for node in nodes:
        for name, pattern in _PATTERNS:
            for match in pattern.findall(node):
                found.append(f"{name}: {match!r} in {node[:60]!r}")
    return found
