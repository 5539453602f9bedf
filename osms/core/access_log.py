"""Who viewed which person's record and status: the personal-data access log.

The Fund holds health and income data on millions of people; the law on personal data
asks that access be traceable. Every view of a person's data — the person page and the
pages of their records, the status API, the eligibility check, the person API, an
export of a list of persons — adds one row per person viewed: who, which person (id and
ИИН), what, when, from which address. The table is append-only (on PostgreSQL a trigger
refuses UPDATE and DELETE) and each view is written by one INSERT: a list export by one
``INSERT … SELECT`` over the exported rows, the status API inside the statement that reads
the status. Auditors read it in the admin (read-only, filterable, exportable).

The pages are recognised by ``osms.core.access_middleware``; this module holds the table
and the writes. It names the person table through the app registry (``payers.Person``),
never by import: core stands below payers.
"""

from django.apps import apps
from django.conf import settings
from django.db import connection, models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

try:  # the proxy-aware client address, where the security work provides it
    from .clientip import client_ip
except ImportError:  # pragma: no cover - until then the connection's address
    def client_ip(request):
        return request.META.get("REMOTE_ADDR") or None


class PersonalDataAccess(models.Model):
    class What(models.TextChoices):
        PERSON_PAGE = "person_page", _("Person record (admin page)")
        PERSON_API = "person_api", _("Person record (API)")
        STATUS_API = "status_api", _("Insured status (API)")
        ELIGIBILITY = "eligibility", _("Eligibility check")
        RECORDS = "records", _("List of the person's records")
        RECORD = "record", _("One record of the person")
        HISTORY = "history", _("Change history of the record")
        EXPORT = "export", _("Export of a list")

    at = models.DateTimeField(_("when"), default=timezone.now)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), null=True, blank=True,
        on_delete=models.DO_NOTHING, db_constraint=False, related_name="+",
    )  # no constraint: the log outlives users, and the name is kept beside it
    username = models.CharField(_("username"), max_length=150, blank=True)
    person_id = models.BigIntegerField(_("person id"), null=True, blank=True)
    iin = models.CharField(_("IIN"), max_length=12, blank=True)
    what = models.CharField(_("what was viewed"), max_length=20, choices=What.choices)
    detail = models.CharField(_("page or export"), max_length=300, blank=True)
    ip = models.GenericIPAddressField(_("address"), null=True, blank=True)

    class Meta:
        verbose_name = _("personal data access")
        verbose_name_plural = _("personal data access log")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["iin", "id"], name="access_iin_idx"),
            models.Index(fields=["person_id", "id"], name="access_person_idx"),
            models.Index(fields=["user", "id"], name="access_user_idx"),
        ]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.username} {self.get_what_display()} {self.iin}"


def _table():
    return connection.ops.quote_name(PersonalDataAccess._meta.db_table)


def _person_table():
    return connection.ops.quote_name(apps.get_model("payers", "Person")._meta.db_table)


COLUMNS = "at, user_id, username, person_id, iin, what, detail, ip"


class Viewer:
    """Who views (user, address), what and where: writes the rows of one view."""

    def __init__(self, *, what, user=None, ip=None, detail=""):
        signed_in = user is not None and user.is_authenticated
        self.user_id = user.pk if signed_in else None
        self.username = user.get_username() if signed_in else ""
        self.ip = ip
        self.what = what
        self.detail = str(detail or "")[:300]

    @classmethod
    def of(cls, request, *, what, detail=None):
        return cls(what=what, user=getattr(request, "user", None), ip=client_ip(request),
                   detail=request.get_full_path() if detail is None else detail)

    def _head(self):
        return [timezone.now(), self.user_id, self.username]

    def iin(self, iin):
        """One view of the person with this ИИН (their id filled in when registered)."""
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {_table()} ({COLUMNS}) SELECT %s, %s, %s, "
                f"(SELECT id FROM {_person_table()} WHERE iin = %s), %s, %s, %s, %s",
                [*self._head(), iin, iin, self.what, self.detail, self.ip])

    def select(self, select_sql, params=()):
        """One row per person whose id ``select_sql`` returns: one INSERT … SELECT."""
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {_table()} ({COLUMNS}) SELECT %s, %s, %s, p.id, p.iin, %s, %s, %s "
                f"FROM {_person_table()} p WHERE p.id IN ({select_sql})",
                [*self._head(), self.what, self.detail, self.ip, *params])

    def person(self, person_id):
        self.select("%s", [person_id])

    def queryset(self, queryset):
        """One row per person of ``queryset`` (persons, or rows that have a person): the
        same query inside one INSERT … SELECT (an export: the list the file came from)."""
        path = person_path(queryset.model)
        if path is None:
            return
        column = "pk" if path == "" else f"{path}_id"
        select_sql, params = queryset.order_by().values(column).query.sql_with_params()
        self.select(select_sql, list(params))

    def cte(self, source="found"):
        """(SQL, params) of a data-modifying CTE writing one row per person of the CTE
        ``source`` (columns id, iin): a read embeds it, so the read and its log row are one
        statement (the status API, ``coverage.stored``)."""
        sql = (f"logged AS (INSERT INTO {_table()} ({COLUMNS}) "
               f"SELECT %(log_at)s, %(log_user)s, %(log_username)s, {source}.id, "
               f"{source}.iin, %(log_what)s, %(log_detail)s, %(log_ip)s FROM {source})")
        return sql, {"log_at": timezone.now(), "log_user": self.user_id,
                     "log_username": self.username, "log_what": self.what,
                     "log_detail": self.detail, "log_ip": self.ip}


def person_path(model):
    """The lookup from ``model`` to the person it belongs to ("" for the person itself),
    or None when the model holds no person's data."""
    if model._meta.label == "payers.Person":
        return ""
    for field in model._meta.concrete_fields:
        if field.is_relation and field.related_model is not None \
                and field.related_model._meta.label == "payers.Person":
            return field.name
    return None
