"""Who viewed which person's record and status: the personal-data access log.

The Fund holds health and income data on millions of people; the law on personal data
asks that access be traceable. Every view of a person's data — the person page and the
pages of their records, the status API, the eligibility check, the person API — adds one
row per person viewed: who, which person (id and ИИН), what, when, from which address. An
export of a list adds one row for the file and its persons in blocks
(``ExportedPersons``: the ids of each block of ``BLOCK`` consecutive person ids in the file),
so a file of 3 M persons writes ≈ 5 000 rows into a small index instead of 3 M rows into
the log's person indexes (docs/scale.md). Both tables are append-only (on PostgreSQL a
trigger refuses UPDATE and DELETE) and each view is written by one INSERT (an export: the
log row, then one ``INSERT … SELECT`` over the exported rows, in one transaction); the
status API writes inside the statement that reads the status. Auditors read it in the
admin (read-only, filterable, exportable); a search by ИИН finds the exports that held
the person too (``accesses_of``).

The pages are recognised by ``osms.core.access_middleware``; this module holds the table
and the writes. It names the person table through the app registry (``payers.Person``),
never by import: core stands below payers.
"""

from django.apps import apps
from django.conf import settings
from django.db import connection, models, transaction
from django.db.models import BooleanField, F, Func, OuterRef, Q, Subquery, Sum
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce
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


# Person ids per block of ``ExportedPersons``: a block's row holds at most this many ids.
BLOCK = 1024


class ExportedPersons(models.Model):
    """The persons of one logged export, by block of person ids: one row per block of
    ``BLOCK`` consecutive ids that holds a person of the file, with those ids. Whether an
    export held person X is one index probe (the block of X) and a look into one array."""

    access = models.ForeignKey(
        PersonalDataAccess, verbose_name=_("access"), on_delete=models.PROTECT,
        related_name="exported_blocks",
    )
    block = models.BigIntegerField(_("block of person ids"))
    person_ids = models.JSONField(_("person ids"))

    class Meta:
        verbose_name = _("persons of an export")
        verbose_name_plural = _("persons of exports")
        indexes = [models.Index(fields=["block", "access"], name="access_export_block_idx")]

    def __str__(self):
        return f"{self.access_id}: {self.block}"


def _table(model=None):
    return connection.ops.quote_name((model or PersonalDataAccess)._meta.db_table)


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
        same query inside one INSERT … SELECT (a page of one record of a person)."""
        select = _person_ids_sql(queryset)
        if select is not None:
            self.select(*select)

    def export(self, queryset):
        """An export of ``queryset`` (persons, or rows that have a person): one log row for
        the file, and its persons by block (``ExportedPersons``) from the same query inside
        one INSERT … SELECT; both or neither. Returns the log row (None: no person data)."""
        select = _person_ids_sql(queryset)
        if select is None:
            return None
        select_sql, params = select
        if connection.vendor == "postgresql":
            ids = "jsonb_agg(p.id ORDER BY p.id)"
        else:
            ids = "json_group_array(p.id)"
        with transaction.atomic():
            entry = PersonalDataAccess.objects.create(
                at=self._head()[0], user_id=self.user_id, username=self.username,
                what=self.what, detail=self.detail, ip=self.ip)
            with connection.cursor() as cursor:
                cursor.execute(
                    f"INSERT INTO {_table(ExportedPersons)} (access_id, block, person_ids) "
                    f"SELECT %s, p.id / {BLOCK}, {ids} FROM {_person_table()} p "
                    f"WHERE p.id IN ({select_sql}) GROUP BY p.id / {BLOCK}",
                    [entry.pk, *params])
        return entry

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


def _person_ids_sql(queryset):
    """(SQL, params) selecting the person id of each row of ``queryset``; None when its
    model holds no person's data."""
    path = person_path(queryset.model)
    if path is None:
        return None
    column = "pk" if path == "" else f"{path}_id"
    select_sql, params = queryset.order_by().values(column).query.sql_with_params()
    return select_sql, list(params)


def _holds(person_id):
    """SQL true when a block's ``person_ids`` hold ``person_id``."""
    if connection.vendor == "postgresql":
        return RawSQL("person_ids @> to_jsonb(%s::bigint)", [person_id],
                      output_field=BooleanField())
    return RawSQL("EXISTS (SELECT 1 FROM json_each(person_ids) WHERE json_each.value = %s)",
                  [person_id], output_field=BooleanField())


def accesses_of(iin):
    """The log rows of views of the person with this ИИН: their own rows and the exports
    whose file held them."""
    person_id = (apps.get_model("payers", "Person").objects.filter(iin=iin)
                 .values_list("id", flat=True).first())
    if person_id is None:
        return Q(iin=iin)
    exports = ExportedPersons.objects.filter(_holds(person_id), block=person_id // BLOCK)
    return Q(iin=iin) | Q(pk__in=exports.values("access_id"))


def _ids_length():
    """The number of ids in a block's ``person_ids``."""
    name = "jsonb_array_length" if connection.vendor == "postgresql" else "json_array_length"
    return Func(F("person_ids"), function=name, output_field=models.BigIntegerField())


def exported_counts():
    """An annotation for log rows: how many persons the row's export held (0 for a view),
    one index probe per row (the admin list of the log)."""
    blocks = (ExportedPersons.objects.filter(access=OuterRef("pk")).values("access")
              .annotate(persons=Sum(_ids_length())).values("persons"))
    return Coalesce(Subquery(blocks), 0)


def exported_count(entry):
    """How many persons a logged export's file held."""
    return ExportedPersons.objects.filter(access=entry).aggregate(
        persons=Coalesce(Sum(_ids_length()), 0))["persons"]


def exported_person_ids(entry):
    """The ids of the persons in a logged export's file, ascending."""
    blocks = ExportedPersons.objects.filter(access=entry).order_by("block")
    return [pid for ids in blocks.values_list("person_ids", flat=True) for pid in sorted(ids)]


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
