"""Reads of the registry and the ledger: querysets scoped to the user's region, and the
reads other apps make of payers' rows (CONTRIBUTING: through this module, not its models)."""

from django.db import connection
from django.db.models import Max, Min, Q, Sum

from .models import Activity, Employment, Organisation, Payment, Person


def person_list(*, user, filters=None):
    queryset = Person.objects.for_user(user).select_related("region")
    if filters:
        from .filters import PersonFilter

        queryset = PersonFilter(filters, queryset=queryset).qs
    return queryset


def person_by_iin(*, user, iin):
    return person_list(user=user).filter(iin=iin).first()


def registered_person(*, iin, only=None):
    """The registry's person with this ИИН, whatever the region, or None.

    For answers about a person's rights that any caller may ask (eligibility, insured
    status); ``only``: the fields the caller reads, when it needs a few.
    """
    queryset = Person.objects.filter(iin=iin)
    if only:
        queryset = queryset.only(*only)
    return queryset.first()


def organisation_list(*, user, filters=None):
    queryset = Organisation.objects.for_user(user).select_related("region")
    if filters:
        from .filters import OrganisationFilter

        queryset = OrganisationFilter(filters, queryset=queryset).qs
    return queryset


def persons_by_id(ids):
    """{id: Person} of the given ids (those that exist)."""
    return Person.objects.in_bulk(set(ids))


def organisations_by_id(ids):
    """{id: Organisation} of the given ids (those that exist)."""
    return Organisation.objects.in_bulk(set(ids))


def person_ids_by_iin(iins):
    """{ИИН: person id} of the given ИИН that are in the registry."""
    return dict(Person.objects.filter(iin__in=set(iins)).values_list("iin", "id"))


def person_id_bounds():
    """{"lo": the lowest person id, "hi": the highest} (both None for an empty registry)."""
    return Person.objects.aggregate(lo=Min("id"), hi=Max("id"))


def employments_on(*, on):
    """Employments in force on ``on``."""
    return Employment.objects.valid_on(on)


def activities_on(*, on):
    """Registered activities (ИП, private practice) in force on ``on``."""
    return Activity.objects.valid_on(on)


def contribution_months(*, person, excluded_kinds=()):
    """[(period, first day a positive payment for it was made)] of the months whose net sum
    of the person's payments (kinds in ``excluded_kinds`` left out) is positive, in order."""
    months = (
        Payment.objects.filter(person=person)
        .exclude(kind__in=excluded_kinds)
        .values("period")
        .annotate(total=Sum("amount"), first_paid_on=Min("paid_on", filter=Q(amount__gt=0)))
        .filter(total__gt=0)
        .order_by("period")
    )
    return [(m["period"], m["first_paid_on"]) for m in months]


def last_payment_id():
    """The highest id of the ledger (0 when empty); ``payers.ledger.settled_payment_watermark``
    when every lower id must be committed."""
    return Payment.objects.aggregate(m=Max("id"))["m"] or 0


# The last id the ledger's sequence issued (0 before the first), if it issues them one at a
# time: a sequence that hands each session a cache of ids may issue a lower id later.
ISSUED_PAYMENT_ID = """
SELECT COALESCE(pg_sequence_last_value(s.seqrelid), 0)
FROM pg_sequence s
WHERE s.seqrelid = pg_get_serial_sequence(%s, 'id')::regclass AND s.seqcache = 1
"""


def issued_payment_id():
    """The highest payment id issued so far, committed or not (0 when none): on PostgreSQL
    the ledger's sequence, else (or with a cached sequence) the highest id of the ledger.
    ``payers.ledger.settled_payment_watermark`` reads it with no posting in flight."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(ISSUED_PAYMENT_ID, [Payment._meta.db_table])
            row = cursor.fetchone()
        if row is not None:
            return row[0]
    return last_payment_id()


def payment_periods_since(*, after_id, kinds, not_before):
    """The periods (from ``not_before`` on) of payments of ``kinds`` with an id above
    ``after_id``: the months that received payments since a run that read up to it."""
    return set(
        Payment.objects.filter(id__gt=after_id, kind__in=kinds, period__gte=not_before)
        .values_list("period", flat=True).distinct()
    )


def payers_since(*, after_id, kinds, period):
    """The payer codes of ``period``'s payments of ``kinds`` with an id above ``after_id``."""
    return set(Payment.objects.filter(id__gt=after_id, kind__in=kinds, period=period)
               .values_list("payer_code", flat=True).distinct())


def persons_paid_since(*, after_id):
    """The ids of the persons with payments of an id above ``after_id`` (the ledger's
    index on the id: one partition probe each)."""
    return list(Payment.objects.filter(id__gt=after_id).values_list("person_id", flat=True)
                .distinct())


def person_rows(*fields):
    """Every person as a tuple of ``fields``, by id (for set-based generators: the demo)."""
    return Person.objects.order_by("id").values_list(*fields)


def iin_search(queryset, term, *, person_field="person", also=None):
    """Rows of a big table of the person with exactly this ИИН, found through the registry's
    unique ИИН index and the table's index on the person (never a scan of the big table);
    ``also`` (a ``Q``) is OR-ed in (an indexed alternative, e.g. the employer BIN). A term that
    is not 12 digits finds nothing: ``None`` is returned so the caller may say so."""
    term = (term or "").strip()
    if not (term.isdigit() and len(term) == 12):
        return None
    # The ids first (one probe): a literal list lets an OR-ed alternative combine with it
    # in a bitmap of two index scans, where a subquery would make the planner scan.
    ids = list(Person.objects.filter(iin=term).values_list("id", flat=True))
    condition = Q(**{f"{person_field}__in": ids})
    return queryset.filter(condition | also if also is not None else condition)


def organisation_ids_with_bin(bin_code):
    """The ids of the organisation with exactly this БИН (its unique index), as a list."""
    return list(Organisation.objects.filter(bin=bin_code).values_list("id", flat=True))
