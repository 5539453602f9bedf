"""The base of every management command: common options, progress, errors, exit codes.

A command is thin: it parses its arguments, calls one service, prints the result. What the
base adds, the same for every command:

- ``--acting-user USERNAME``: whose name goes into the history and the run record;
- ``--progress``: print the service's progress lines (also with ``-v 2``);
- exit codes: 0 done, 1 bad input or refused by the rules (``CommandError`` with the reason,
  no traceback), 2 bad arguments (argparse), 3 another run holds the job's lock;
- ``ValidationError``, ``PermissionDenied`` and file errors become one readable line.
"""

import datetime

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError

from .errors import error_text
from .periods import first_of_month

EXIT_FAILED = 1
EXIT_LOCKED = 3


class JobLocked(CommandError):
    """Another run of the same job is in progress."""

    def __init__(self, message):
        super().__init__(message, returncode=EXIT_LOCKED)


def parse_date(value, *, option):
    try:
        return datetime.date.fromisoformat(value)
    except (TypeError, ValueError):
        raise CommandError(f"{option} must be a date as YYYY-MM-DD, got {value!r}.") from None


def parse_period(value, *, option):
    """A month as YYYY-MM (or MM.YYYY) → its first day."""
    text = (value or "").strip()
    for fmt in ("%Y-%m", "%m.%Y", "%Y-%m-%d"):
        try:
            return first_of_month(datetime.datetime.strptime(text, fmt).date())
        except ValueError:
            continue
    raise CommandError(f"{option} must be a month as YYYY-MM, got {value!r}.")


class OsmsCommand(BaseCommand):
    """Subclasses implement ``run(**options)`` instead of ``handle``."""

    def add_arguments(self, parser):
        parser.add_argument("--acting-user", metavar="USERNAME",
                            help="Record this user as the one who ran the job.")
        parser.add_argument("--progress", action="store_true",
                            help="Print progress while the job runs.")

    def acting_user(self, options):
        username = options.get("acting_user")
        if not username:
            return None
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"--acting-user: no user {username!r}.")
        return user

    def progress(self, options):
        """A callable printing one progress line, or None when progress is not asked for."""
        if not (options.get("progress") or options.get("verbosity", 1) > 1):
            return None

        def report(message):
            self.stdout.write(str(message))

        return report

    def handle(self, *args, **options):
        try:
            return self.run(**options)
        except CommandError:
            raise
        except (ValidationError, PermissionDenied) as exc:
            raise CommandError(error_text(exc), returncode=EXIT_FAILED) from None
        except (FileNotFoundError, IsADirectoryError, PermissionError, UnicodeDecodeError) as exc:
            raise CommandError(str(exc), returncode=EXIT_FAILED) from None

    def run(self, **options):  # pragma: no cover - every command implements it
        raise NotImplementedError
