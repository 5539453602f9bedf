"""Is this care covered for this person on this date, and from which source?

``check_eligibility`` finds the published package version in force on the
date, then tries that version's rules for the care type in order: the first
rule whose condition (any, or a disease list holding the ICD-10 code) and
entitlement (everyone, residents, citizens and kandases, insured only) match
decides the funding source. The trace lists every rule tried and why it did or
did not apply, so an operator can see the reasoning (docs/domain.md §5–6).
"""

from dataclasses import asdict, dataclass, field
from datetime import date

from django.utils.translation import gettext as _

from osms.core.dated import in_force_q
from osms.core.formatting import day
from osms.core.scoping import user_has_model_permission
from payers.models import Citizenship
from payers.selectors import registered_person
from payers.validators import iin_problem

from .icd10 import Icd10FormatError, normalize_code
from .models import CareType, Entitlement, Icd10Code, PackageRule, PackageVersion
from .selectors import version_on

RESIDENTS = {
    Citizenship.CITIZEN, Citizenship.KANDAS, Citizenship.FOREIGN_PERMANENT, Citizenship.STATELESS,
}
CITIZENS_KANDASES = {Citizenship.CITIZEN, Citizenship.KANDAS}


class EligibilityError(ValueError):
    """Bad input: the request cannot be answered. ``field`` names the culprit."""

    def __init__(self, field_name, message):
        super().__init__(message)
        self.field = field_name
        self.message = message


@dataclass
class TraceStep:
    order: int
    rule: str  # in words, for an operator
    funding_source: str
    applied: bool
    reason: str
    code: str = ""  # the rule in codes (#50 consultative_diagnostic [list] → GOBMP)


@dataclass
class EligibilityResult:
    covered: bool
    funding_source: str | None
    package_version: str
    insured: bool
    insured_explanation: str
    residency: str | None
    care_type: str
    icd10: str
    trace: list[TraceStep] = field(default_factory=list)

    def as_dict(self):
        return asdict(self)


def _resolve_care_type(care_type):
    if isinstance(care_type, CareType):
        return care_type
    code = str(care_type or "").strip()
    found = CareType.objects.filter(code=code, is_active=True).first()
    if found is None:
        raise EligibilityError(
            "care_type",
            _("Unknown type of care %(code)r; see GET /api/v1/packages/care-types/.")
            % {"code": code},
        )
    return found


def _resolve_icd10(icd10):
    try:
        code = normalize_code(icd10)
    except Icd10FormatError as exc:
        raise EligibilityError("icd10", str(exc)) from exc
    known = Icd10Code.objects.filter(
        code=code, kind__in=(Icd10Code.Kind.CATEGORY, Icd10Code.Kind.SUBCATEGORY)
    ).exists()
    if not known:
        raise EligibilityError(
            "icd10", _("%(code)s is not a code of the WHO ICD-10 classification.") % {"code": code}
        )
    return code


def _insured_on(iin, on):
    # Imported here: coverage builds on packages' neighbours, not the other way round.
    from coverage.selectors import coverage_on

    status = coverage_on(iin=iin, on=on)
    if status is None:
        return False, _("The IIN is not in the registry: not insured.")
    return bool(status.insured), str(getattr(status, "explanation", "") or "")


def _entitled(rule, *, residency, insured):
    """(applies?, reason) for the rule's entitlement."""
    entitlement = rule.entitlement
    if entitlement == Entitlement.EVERYONE:
        return True, _("open to everyone, insured or not")
    if entitlement == Entitlement.INSURED:
        if insured:
            return True, _("the person is insured")
        return False, _("only for the insured; the person is not insured on this date")
    allowed = RESIDENTS if entitlement == Entitlement.RESIDENTS else CITIZENS_KANDASES
    label = Entitlement(entitlement).label
    if residency is None:
        return False, _("%(who)s only; the IIN is not in the registry, residency unknown") % {
            "who": label}
    if residency in allowed:
        return True, _("%(who)s: the person is %(status)s") % {
            "who": label, "status": Citizenship(residency).label}
    return False, _("%(who)s only; the person is %(status)s") % {
        "who": label, "status": Citizenship(residency).label}


def _condition(rule, code):
    """(applies?, reason) for the rule's condition on the ICD-10 code."""
    if rule.disease_list_id is None:
        return True, _("any condition")
    item = rule.disease_list.matching_item(code)
    if item is None:
        return False, _("%(code)s is not in the list «%(list)s»") % {
            "code": code, "list": rule.disease_list.name}
    return True, _("%(code)s is in the list «%(list)s», item %(no)s «%(item)s» (%(ranges)s)") % {
        "code": code, "list": rule.disease_list.name, "no": item.number, "item": item.name,
        "ranges": item.icd10_ranges}


def evaluate_rules(rules, *, code, residency, insured):
    """Try the rules in order; returns (the rule that applied or None, trace)."""
    trace = []
    for rule in rules:
        ok_condition, why_condition = _condition(rule, code)
        if ok_condition:
            ok_entitled, why_entitled = _entitled(rule, residency=residency, insured=insured)
        else:
            ok_entitled, why_entitled = False, ""
        reason = why_condition if not why_entitled else f"{why_condition}; {why_entitled}"
        applied = ok_condition and ok_entitled
        trace.append(TraceStep(order=rule.order, rule=str(rule),
                               funding_source=rule.funding_source, applied=applied,
                               reason=reason, code=rule.code_line))
        if applied:
            return rule, trace
    return None, trace


def rules_in_force(*, care_code, on):
    """The rules of the published version in force on ``on`` for one care type, in order
    (one query, plus one for the disease lists' items)."""
    return list(
        PackageRule.objects.filter(
            in_force_q(PackageVersion, on, through="version"),
            care_type__code=care_code, care_type__is_active=True,
            version__is_published=True,
        )
        .select_related("version", "care_type", "disease_list")
        .prefetch_related("disease_list__items")
        .order_by("order")
    )


def may_check_eligibility(user):
    """The answer tells whether a person is insured, why, and their citizenship: whoever asks
    needs the package view permission and the coverage one, as for the status API."""
    from coverage.models import CoverageStatus

    return (user_has_model_permission(user, PackageVersion, "view")
            and user_has_model_permission(user, CoverageStatus, "view"))


def subject_in_scope(*, user, iin):
    """Is the person with this ИИН one whose status ``user`` may learn (registered, in the
    user's region)? The status API's rule: another region and "not registered" look alike."""
    from coverage.selectors import person_for_status

    return person_for_status(user=user, iin=str(iin or "").strip()) is not None


def check_eligibility(*, iin, on, care_type, icd10, insured=None):
    """Answer one eligibility question; raises EligibilityError on bad input."""
    iin = str(iin or "").strip()
    problem = iin_problem(iin)
    if problem:
        raise EligibilityError("iin", problem)
    if not isinstance(on, date):
        raise EligibilityError("date", _("A date is required."))
    care_code = care_type.code if isinstance(care_type, CareType) else str(care_type or "").strip()
    rules = rules_in_force(care_code=care_code, on=on)
    if rules:
        care, version = rules[0].care_type, rules[0].version
    else:
        # Nothing matched: say why (unknown care type, no version), else answer "not covered".
        care = _resolve_care_type(care_code)
        version = version_on(on=on)
        if version is None:
            raise EligibilityError(
                "date", _("No published package version is in force on %(date)s.") % {"date": on}
            )
    if str(icd10 or "").strip():
        code = _resolve_icd10(icd10)
    elif any(rule.disease_list_id for rule in rules):
        raise EligibilityError("icd10", _("The rules for this type of care depend on the "
                                          "diagnosis: give the ICD-10 code."))
    else:
        code = ""  # emergency care and the like: the diagnosis decides nothing
    person = registered_person(iin=iin, only=("citizenship", "death_date"))
    residency = person.citizenship if person is not None else None
    if insured is None:
        insured, insured_explanation = _insured_on(iin, on)
    else:
        insured_explanation = _("Insured status given by the caller.")
    if person is not None and person.death_date and person.death_date < on:
        rule, trace = None, [TraceStep(
            order=0, rule=_("registry"), funding_source="", applied=False,
            reason=_("The person died on %(date)s.") % {"date": day(person.death_date)})]
    else:
        rule, trace = evaluate_rules(rules, code=code, residency=residency,
                                     insured=bool(insured))
    return EligibilityResult(
        covered=rule is not None,
        funding_source=rule.funding_source if rule is not None else None,
        package_version=version.code,
        insured=bool(insured),
        insured_explanation=insured_explanation,
        residency=residency,
        care_type=care.code,
        icd10=code,
        trace=trace,
    )
