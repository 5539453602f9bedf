"""The documentation stays true to the code and stands on its own.

- the README lists every management command of the project and every environment
  variable the settings read (and nothing that is not read);
- the repository never points outside itself (machine paths, documents kept elsewhere);
- every repository path the README and ``docs/`` name exists;
- no text a user sees (translatable strings, model help texts) points to a repository file.
"""

import functools
import re
import shlex
import subprocess
from pathlib import Path

import polib
import pytest
from django.apps import apps
from django.core.management import get_commands, load_command_class

from osms.core.roles import PROJECT_APPS

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
DOCS = sorted((ROOT / "docs").rglob("*.md")) + [ROOT / "README.md", ROOT / "bench" / "README.md"]


@functools.cache
def tracked_files():
    listed = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True,
                            check=True).stdout.split()
    return tuple(ROOT / name for name in listed if (ROOT / name).is_file())


def project_commands():
    labels = {apps.get_app_config(label).name for label in PROJECT_APPS}
    return sorted(name for name, app in get_commands().items() if app in labels)


def test_the_readme_lists_every_management_command():
    table = set(re.findall(r"^\| `([a-z_0-9]+)[ `]", README, flags=re.M))
    assert project_commands(), "no project command found"
    assert sorted(set(project_commands()) - table) == []
    assert sorted(table - set(get_commands())) == []  # and none that does not exist


def _command_rows():
    """(command, example) of each row of the README's command table."""
    section = README.split("### Management commands", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"^\| `([a-z_0-9]+)[^|]*\|[^\n]*\| `(manage\.py [^`]+)` \|$", section,
                      flags=re.M)


def test_every_command_has_an_example_that_its_parser_takes():
    """The example column runs as written: the command of its row, arguments the command's
    own parser accepts, and files that are in the repository (issue 18.9)."""
    rows = _command_rows()
    assert sorted(name for name, _example in rows) == project_commands()
    commands = get_commands()
    for name, example in rows:
        words = shlex.split(example)
        assert words[:2] == ["manage.py", name], example
        parser = load_command_class(commands[name], name).create_parser("manage.py", name)
        parser.parse_args(words[2:])  # a CommandError names what is wrong
        for word in words[2:]:
            if "/" in word:
                assert (ROOT / word).is_file(), f"{example}: {word} is not in the repository"


def test_the_readme_lists_every_environment_variable_the_settings_read():
    source = (ROOT / "osms" / "settings.py").read_text(encoding="utf-8")
    read = set(re.findall(r'env(?:\.\w+)?\(\s*"([A-Z][A-Z0-9_]+)"', source))
    section = README.split("### Environment variables", 1)[1].split("\n### ", 1)[0]
    first_cells = re.findall(r"^\| ([^|]+) \|", section, flags=re.M)
    listed = {name for cell in first_cells for name in re.findall(r"`([A-Z][A-Z0-9_]+)`", cell)}
    assert sorted(read - listed) == []
    assert sorted(listed - read) == []


FOREIGN = re.compile(r"(?<![\w.-])(?:/work/|/home/|/root/|\.\./shared\b|shared/DOMAIN|DOMAIN\.md"
                     r"|STYLE\.md)")


def test_no_file_points_outside_the_repository():
    found = []
    for path in tracked_files():
        if path.suffix in {".mo", ".xlsx", ".png", ".ttf", ".gz", ".pdf"} or path == Path(__file__):
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        found += [f"{path.relative_to(ROOT)}: {m.group(0)}" for m in FOREIGN.finditer(text)]
    assert found == []


@pytest.mark.parametrize("path", DOCS, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_repository_path_the_docs_name_exists(path):
    text = path.read_text(encoding="utf-8")
    assert re.findall(r"\]\((?:https?:)?//[^)]*\)", text) == []  # no link outside the repository
    named = set(re.findall(r"\]\(([^)#]+)\)", text))  # markdown links, relative to the file
    missing = [n for n in named if not (path.parent / n).exists()]
    # `top/folder/file.ext` in code spans, relative to the repository
    roots = {f.relative_to(ROOT).parts[0] for f in tracked_files() if len(f.relative_to(ROOT).parts) > 1}
    for candidate in re.findall(r"`([A-Za-z_.]+/[^`\s…*<>]+)`", text):
        candidate = candidate.rstrip("/")
        if candidate.split("/")[0] in roots and not any(ch in candidate for ch in "{}|"):
            if not _exists(candidate):
                missing.append(candidate)
    assert missing == []


def _exists(candidate):
    """A path, a path's prefix (``coverage/migrations/0002``) or a migration (``payers/0007``)."""
    app, _, rest = candidate.partition("/")
    if re.fullmatch(r"\d{4}", rest):
        return any((ROOT / app / "migrations").glob(f"{rest}_*.py"))
    path = ROOT / candidate
    return path.exists() or any(path.parent.glob(path.name + "*"))


def test_no_user_visible_text_points_to_a_repository_file():
    pointer = re.compile(r"docs/|\b[\w-]+\.md\b")
    found = []
    for po_path in ROOT.glob("**/locale/*/LC_MESSAGES/django.po"):
        if ".venv" in po_path.parts:
            continue
        for entry in polib.pofile(str(po_path)):
            if not entry.obsolete and pointer.search(entry.msgid):
                found.append(f"{po_path.relative_to(ROOT)}: {entry.msgid}")
    for model in apps.get_models():
        if model._meta.app_label not in PROJECT_APPS:
            continue
        for field in model._meta.get_fields():
            text = str(getattr(field, "help_text", "") or "")
            if pointer.search(text):
                found.append(f"{model._meta.label}.{field.name}: {text}")
    assert found == []
