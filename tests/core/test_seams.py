"""The seams between apps, checked over the source (CONTRIBUTING: "the one way of doing each
thing"): effective-dated rows are looked up through ``osms.core.dated`` only, and raw SQL
names another app's table through that app's model (``Model._meta.db_table``), never as a
literal, so a renamed table or a moved model cannot leave a statement behind."""

import ast
import re
from pathlib import Path

from django.apps import apps

ROOT = Path(__file__).resolve().parents[2]
DATED = ROOT / "osms" / "core" / "dated.py"
# A filter on the dates of effective-dated rows, written by hand (also through a relation).
HAND_DATED = re.compile(r"\b\w*(?:valid_from__lte|valid_to__gte)\b")
SQL_WORDS = re.compile(r"\b(?:SELECT|INSERT|UPDATE|DELETE|FROM|JOIN|COPY|TRUNCATE|ANALYZE|"
                       r"TABLE)\b")
IDENTIFIER = re.compile(r"\b[a-z][a-z0-9_]*\b")


def _our_apps():
    """(app label, package directory) of every app of the project, deepest first."""
    ours = [(config.label, Path(config.path)) for config in apps.get_app_configs()
            if Path(config.path).is_relative_to(ROOT)]
    return sorted(ours, key=lambda item: len(item[1].parts), reverse=True)


def _sources():
    """(app label, path) of every Python module of the apps, migrations left out."""
    seen = set()
    for label, directory in _our_apps():
        for path in sorted(directory.rglob("*.py")):
            if path in seen or "migrations" in path.parts:
                continue
            seen.add(path)
            yield label, path


def _strings(tree):
    """(line, text) of every string constant, the literal parts of f-strings included."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            yield node.lineno, node.value


def _tables():
    """{table name: app label} of every model of every installed app (history and m2m too)."""
    tables = {}
    for model in apps.get_models(include_auto_created=True):
        tables[model._meta.db_table] = model._meta.app_label
    return tables


def test_the_sources_are_found():
    labels = {label for label, _path in _sources()}
    assert {"core", "payers", "coverage", "packages", "purchasing", "reconciliation",
            "exports"} <= labels


def test_no_module_filters_on_effective_dates_by_hand():
    """``valid_on`` / ``latest_on`` / ``in_force_q`` of ``osms.core.dated``, nothing else."""
    found = []
    for _label, path in _sources():
        if path == DATED:
            continue
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            if HAND_DATED.search(line):
                found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert not found, "\n".join(found)


def test_the_dated_check_catches_a_hand_written_filter():
    assert HAND_DATED.search('rows.filter(valid_from__lte=on)')
    assert HAND_DATED.search('Q(version__valid_to__gte=on)')
    assert not HAND_DATED.search('rows.valid_on(on)')


def _foreign_tables(label, source, tables):
    found = []
    for number, text in _strings(ast.parse(source)):
        if tables.get(text, label) != label:  # a table's name kept for later use in SQL
            found.append((number, text))
            continue
        if not SQL_WORDS.search(text):
            continue
        for name in IDENTIFIER.findall(text):
            owner = tables.get(name)
            if owner is not None and owner != label:
                found.append((number, name))
    return found


def test_no_sql_names_another_apps_table():
    tables = _tables()
    found = [
        f"{path.relative_to(ROOT)}:{number}: {name}"
        for label, path in _sources()
        for number, name in _foreign_tables(label, path.read_text(), tables)
    ]
    assert not found, "\n".join(found)


def test_the_table_check_catches_a_literal():
    tables = _tables()
    assert _foreign_tables("coverage", 'Q = "SELECT id FROM payers_person"', tables) == [
        (1, "payers_person")]
    assert _foreign_tables("payers", 'Q = "SELECT id FROM payers_person"', tables) == []
    assert _foreign_tables("coverage", 'Q = f"SELECT id FROM {PERSON} p"', tables) == []
    assert _foreign_tables("coverage", 'PERSON = "payers_person"', tables) == [
        (1, "payers_person")]
