"""Reads of the package: the version in force, the catalogue, tariffs on a date.

One function per kind of effective-dated data (docs/CONTRIBUTING.md): callers never filter
by year themselves.
"""

from decimal import ROUND_HALF_UP, Decimal

from .models import (
    CareType,
    PackageVersion,
    TariffBedDay,
    TariffCaseRate,
    TariffPhcCoefficient,
    TariffPhcNorm,
    TariffServicePrice,
)

CENT = Decimal("0.01")


def version_on(*, on):
    """The published package version in force on ``on``, or None."""
    return PackageVersion.objects.filter(is_published=True).latest_on(on)


def care_type_list(*, active_only=True):
    queryset = CareType.objects.all()
    return queryset.filter(is_active=True) if active_only else queryset


def phc_norm_on(*, on, region=None):
    """The region's own PHC norm if it has one, else the national norm, or None."""
    rows = TariffPhcNorm.objects.valid_on(on)
    if region is not None:
        own = rows.filter(region=region).first()
        if own is not None:
            return own
    return rows.filter(region__isnull=True).first()


def phc_coefficient(*, kind, on, region=None, age=None, sex=""):
    """The correction coefficient that applies, or 1 when none is set."""
    rows = TariffPhcCoefficient.objects.filter(kind=kind).valid_on(on)
    if kind == TariffPhcCoefficient.Kind.DENSITY:
        row = rows.filter(region=region).first()
    else:
        rows = rows.filter(age_from__lte=age, age_to__gte=age)
        # A sex-specific row wins over a row for both sexes.
        row = rows.filter(sex=sex).first() or rows.filter(sex="").first()
    return row.value if row is not None else Decimal(1)


def phc_density_coefficient(*, on, region):
    """The region's population-density coefficient of the PHC norm, or 1 when none is set."""
    return phc_coefficient(kind=TariffPhcCoefficient.Kind.DENSITY, on=on, region=region)


def phc_capitation(*, on, region, age, sex):
    """₸ per attached person per month: norm × density coefficient × age/sex coefficient."""
    norm = phc_norm_on(on=on, region=region)
    if norm is None:
        return None
    density = phc_density_coefficient(on=on, region=region)
    age_sex = phc_coefficient(kind=TariffPhcCoefficient.Kind.AGE_SEX, on=on, age=age, sex=sex)
    return (norm.amount * density * age_sex).quantize(CENT, rounding=ROUND_HALF_UP)


def case_rate_on(*, code, severity, on, care_type=None):
    rows = TariffCaseRate.objects.filter(code=code, severity=severity).valid_on(on)
    if care_type is not None:
        rows = rows.filter(care_type=care_type)
    return rows.select_related("care_type").first()


def service_price_on(*, code, on):
    return TariffServicePrice.objects.filter(code=code).valid_on(on).first()


def bed_day_rate_on(*, profile, on):
    return TariffBedDay.objects.filter(profile=profile).valid_on(on).first()


# Cyrillic letters an operator types for their Latin twins on a Russian keyboard (В18 → B18).
_LATIN_TWINS = str.maketrans("АВЕКМНОРСТХ", "ABEKMHOPCTX")
ICD10_SUGGESTIONS = 20


def icd10_suggestions(term, *, limit=ICD10_SUGGESTIONS):
    """ICD-10 codes an operator may enter (categories and subcategories) for what they typed:
    codes starting with it (I10, b18.1, В18 typed in Cyrillic), then codes whose Russian or
    Kazakh name contains it (гипертенз), in the classification's order; at most ``limit``."""
    from django.db.models import Case, IntegerField, Q, Value, When

    from .models import Icd10Code

    text = str(term or "").strip()
    if not text:
        return Icd10Code.objects.none()
    key = text.upper().translate(_LATIN_TWINS).replace(".", "").replace(",", "")
    by_code = Q(sort_key__startswith=key) if key.isalnum() and key.isascii() else Q(pk__in=[])
    by_name = Q(name_ru__icontains=text) | Q(name_kk__icontains=text)
    return (Icd10Code.objects
            .filter(kind__in=(Icd10Code.Kind.CATEGORY, Icd10Code.Kind.SUBCATEGORY))
            .filter(by_code | by_name)
            .annotate(by_code=Case(When(by_code, then=Value(0)), default=Value(1),
                                   output_field=IntegerField()))
            .order_by("by_code", "position")
            .only("code", "name_ru", "name_kk", "name_en")[:limit])


def icd10_chapters():
    """[(chapter code, name in the current language, first category, last category)] of the
    ICD-10 reference table in its order (``I``, ``A00``, ``B99``, …): the chapters and the
    span of their blocks, for filters by chapter (22 chapters, a few hundred blocks)."""
    from .models import Icd10Code

    chapters = list(Icd10Code.objects.filter(kind=Icd10Code.Kind.CHAPTER).order_by("position"))
    spans = {}
    blocks = (Icd10Code.objects.filter(kind=Icd10Code.Kind.BLOCK, parent__in=chapters)
              .order_by("position").values_list("parent_id", "code"))
    for parent_id, code in blocks:
        first, _dash, last = code.partition("-")
        low, high = spans.get(parent_id, (first, last or first))
        spans[parent_id] = (min(low, first), max(high, last or first))
    return [(chapter.code, chapter.name, *spans[chapter.pk])
            for chapter in chapters if chapter.pk in spans]


def icd10_prefix(text):
    """The start of an ICD-10 code as cases hold it (upper case, a dot after the category)
    from what an operator typed (``j18``, ``J189``, ``В18,9`` in Cyrillic); None when it
    cannot be the start of a code."""
    key = str(text or "").strip().upper().translate(_LATIN_TWINS).replace(",", ".")
    key = key.replace(".", "")
    if not key or len(key) > 8 or not (key.isascii() and key.isalnum()) or not key[0].isalpha():
        return None
    return key if len(key) <= 3 else f"{key[:3]}.{key[3:]}"
