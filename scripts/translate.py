"""Fill Russian and Kazakh translations into a catalogue: ``scripts/translate.py APP FILE``.

FILE is a small Python or JSON mapping ``{msgid: [ru, kk]}`` (``APP`` is an app folder, or
``.`` for the project catalogue in ``locale/``). Each entry is written into both
catalogues (a fuzzy guess is replaced and its flag cleared); then run
``./scripts/messages --compile``. ``scripts/translate.py APP --missing`` lists what is still
untranslated or fuzzy.
"""

import ast
import json
import sys
from pathlib import Path

import polib


def catalogue(app, lang):
    return Path(app) / "locale" / lang / "LC_MESSAGES" / "django.po"


def missing(app):
    for lang in ("ru", "kk"):
        po = polib.pofile(str(catalogue(app, lang)))
        for entry in po.untranslated_entries() + po.fuzzy_entries():
            print(f"{lang}\t{entry.msgid!r}")


def fill(app, mapping):
    for index, lang in enumerate(("ru", "kk")):
        path = catalogue(app, lang)
        po = polib.pofile(str(path), wrapwidth=79)
        for entry in po:
            if entry.msgid in mapping:
                text = mapping[entry.msgid][index]
                if entry.msgid_plural:
                    forms = text if isinstance(text, list) else [text]
                    entry.msgstr_plural = {i: forms[min(i, len(forms) - 1)]
                                           for i in range(len(entry.msgstr_plural) or 1)}
                else:
                    entry.msgstr = text
                if "fuzzy" in entry.flags:
                    entry.flags.remove("fuzzy")
        po.save(str(path))


def main(argv):
    app, source = argv[1], argv[2]
    if source == "--missing":
        missing(app)
        return
    text = Path(source).read_text(encoding="utf-8")
    mapping = json.loads(text) if source.endswith(".json") else ast.literal_eval(text)
    fill(app, mapping)


if __name__ == "__main__":
    main(sys.argv)
