"""What the health check (``osms.core.health``) watches in packages: the ICD-10 codes the
eligibility check needs, the package version in force today and the care catalogue."""

from osms.core.health import Reference

from .models import CareType, Icd10Code
from .selectors import version_on

# The WHO ICD-10 (2019) has 12 000+ codes; a partial load (a test subset) is not enough.
ICD10_AT_LEAST = 10_000


def _icd10(today):
    codes = Icd10Code.objects.filter(kind__in=("category", "subcategory")).count()
    return codes >= ICD10_AT_LEAST, {"codes": codes}


def _package(today):
    version = version_on(on=today)
    care_types = CareType.objects.filter(is_active=True).count()
    return version is not None and care_types > 0, {
        "version": version.code if version else None, "care_types": care_types}


REFERENCES = [Reference("icd10", _icd10), Reference("package_version", _package)]
