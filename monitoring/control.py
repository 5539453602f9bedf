"""``month_control``: the format-logical control and the risk score of a month of cases.

One transaction (holding the month's ``case_control`` lock): the month's cases into a
work table, the reference data of the month into small temporary tables (the package
version in force on each service date and its rules, the disease lists' ranges as sort
keys, the diagnosis restrictions), a few set-based passes computing every rule's input
(``monitoring_sql``), all verdicts in one INSERT … SELECT, the outcome, the risk score of
the accepted cases, their decisions (``CaseDecision``, one INSERT of the month) and the
reviews; each pass's time is logged at DEBUG. Re-running a month
decides its cases anew (a case under review keeps its review).
"""

import logging
import time

from django.db import DatabaseError, connection, transaction
from django.db.models import Count
from django.utils import timezone

from coverage.models import CoverageHistory
from osms.core.locks import xact_lock
from osms.core.periods import last_day, month_index
from packages.icd10 import Icd10FormatError, parse_ranges, sort_key
from packages.models import (
    CareType,
    DiseaseListItem,
    Icd10Code,
    PackageRule,
    TariffBedDay,
    TariffCaseRate,
    TariffServicePrice,
)
from packages.selectors import version_on
from payers.models import Person
from purchasing.models import Contract, ContractItem, ProviderLicence

from . import monitoring_sql as q
from .models import (
    Case,
    CaseDecision,
    CaseService,
    CaseVerdict,
    ControlRule,
    ControlRun,
    DiagnosisRestriction,
    Holiday,
    PatientReport,
    Review,
    ReviewShare,
    RiskIndicator,
)

logger = logging.getLogger(__name__)

TABLES = {
    "case": Case, "decision": CaseDecision, "service": CaseService, "verdict": CaseVerdict,
    "review": Review,
    "report": PatientReport, "holiday": Holiday, "caretype": CareType, "person": Person,
    "icd": Icd10Code, "history": CoverageHistory, "caserate": TariffCaseRate,
    "bedday": TariffBedDay, "serviceprice": TariffServicePrice, "item": ContractItem,
    "contract": Contract, "licence": ProviderLicence,
}


def fill(sql, **extra):
    """``sql`` with ``{name}`` replaced by the table names (and ``extra``); no other brace
    is touched (regular expressions keep theirs)."""
    for name, model in TABLES.items():
        sql = sql.replace("{" + name + "}", model._meta.db_table)
    for name, value in extra.items():
        sql = sql.replace("{" + name + "}", value)
    return sql


def _end_key(text):
    key = sort_key(text)
    return key + "~" if len(key) == 3 else key


def _run(cursor, name, sql, params=None):
    """Executes one named statement of ``monitoring_sql``; its time at DEBUG."""
    started = time.perf_counter()
    cursor.execute(sql, params)
    logger.debug("control %s: %.2f s, %s rows", name, time.perf_counter() - started,
                 cursor.rowcount)


def _reference_tables(cursor, period):
    """mon_days (the month's service dates), mon_day (service date → package version),
    mon_rule, mon_range, mon_restriction."""
    cursor.execute("CREATE TEMP TABLE mon_days (day date) ON COMMIT DROP")
    cursor.execute("CREATE TEMP TABLE mon_day (day date, version_id bigint) ON COMMIT DROP")
    cursor.execute("INSERT INTO mon_days SELECT DISTINCT service_date FROM mon_cc "
                   "RETURNING day")
    days = [row[0] for row in cursor.fetchall()]
    versions = {day: version_on(on=day) for day in days}
    cursor.executemany("INSERT INTO mon_day VALUES (%s, %s)",
                       [(d, v.pk) for d, v in versions.items() if v is not None])
    cursor.execute("CREATE TEMP TABLE mon_rule (version_id bigint, care_type_id bigint, "
                   "ord int, list_id bigint, entitlement text, funding text) ON COMMIT DROP")
    ids = {v.pk for v in versions.values() if v is not None}
    rules = PackageRule.objects.filter(version_id__in=ids, care_type__is_active=True,
                                       version__is_published=True)
    cursor.executemany("INSERT INTO mon_rule VALUES (%s, %s, %s, %s, %s, %s)", [
        (r.version_id, r.care_type_id, r.order, r.disease_list_id, r.entitlement,
         r.funding_source) for r in rules])
    cursor.execute("CREATE TEMP TABLE mon_range (list_id bigint, lo text COLLATE \"C\", "
                   "hi text COLLATE \"C\") ON COMMIT DROP")
    ranges = []
    lists = {r.disease_list_id for r in rules if r.disease_list_id}
    for item in DiseaseListItem.objects.filter(disease_list_id__in=lists):
        try:
            parsed = parse_ranges(item.icd10_ranges)
        except Icd10FormatError:
            continue
        ranges += [(item.disease_list_id, r.start_key, r.end_key) for r in parsed]
    cursor.executemany("INSERT INTO mon_range VALUES (%s, %s, %s)", ranges)
    cursor.execute("CREATE TEMP TABLE mon_restriction (lo text COLLATE \"C\", "
                   "hi text COLLATE \"C\", sex text, age_min int, age_max int) ON COMMIT DROP")
    restrictions = [(sort_key(r.icd10_from), _end_key(r.icd10_to), r.sex, r.age_min, r.age_max)
                    for r in DiagnosisRestriction.objects.all()]
    cursor.executemany("INSERT INTO mon_restriction VALUES (%s, %s, %s, %s, %s)", restrictions)
    cursor.execute("ANALYZE mon_days; ANALYZE mon_day; ANALYZE mon_rule; ANALYZE mon_range")


def _control(cursor, run, period, today):
    end = last_day(period)
    rules = {r.code: r for r in ControlRule.objects.valid_on(end)}
    run.rules = sorted(rules)
    params = {"period": period, "end": end}
    _run(cursor, "history", fill(q.MON_HISTORY), params)
    _run(cursor, "cases", fill(q.MON_CC), params)
    cursor.execute(q.MON_CC_INDEX)
    _reference_tables(cursor, period)
    for name, statement in (("combos", q.FUNDING_COMBOS), ("funding", q.FUNDING),
                            ("tariffs", q.PRICES), ("services", q.MON_SVC),
                            ("stays", q.MON_STAY), ("restricted", q.MON_RKEY),
                            ("iin", q.MON_IIN), ("checked", q.MON_CK), ("clear", q.CLEAR)):
        _run(cursor, name, fill(statement), params)
    deadline = rules.get("DATES_INCONSISTENT")
    codes = [code for code in q.VERDICTS if code in rules]  # not in force: nobody fails it
    if codes:
        _run(cursor, "verdicts", fill(q.verdict_sql(codes)), {
            **{f"severity_{c}": rules[c].severity for c in codes},
            "run": run.pk, "today": today, "end": end,
            "deadline_days": int(deadline.parameter or 0) if deadline else 0})
    _run(cursor, "outcome", fill(q.OUTCOME), {"run": run.pk})


def _risk(cursor, run, period):
    end = last_day(period)
    indicators = {}  # the one in force per code (the latest first)
    for indicator in RiskIndicator.objects.valid_on(end):
        if indicator.code in q.RISK:
            indicators.setdefault(indicator.code, indicator)
    indicators = list(indicators.values())
    if indicators:
        params = {}
        for indicator in indicators:
            params[f"weight_{indicator.code}"] = indicator.weight
            params[f"parameter_{indicator.code}"] = (
                indicator.parameter if indicator.parameter is not None else 0)
        _run(cursor, "risk " + ", ".join(i.code for i in indicators),
             fill(q.risk_sql([i.code for i in indicators])), params)
    else:
        cursor.execute(q.NO_RISK)
    share = ReviewShare.objects.latest_on(end)
    _run(cursor, "pick", fill(q.PICK), {"share": share.share if share else 0})
    _run(cursor, "write", fill(q.WRITE), {"run": run.pk, "period": period})
    _run(cursor, "reviews", fill(q.OPEN_REVIEWS), {"now": timezone.now()})


def month_control(*, period, acting_user=None, today=None):
    """Control and score every case of ``period`` (a first-of-month date); the run."""
    today = today or timezone.localdate()
    run = ControlRun.objects.create(period=period, created_by=acting_user)
    started = time.monotonic()
    with connection.cursor() as cursor:
        # A month is controlled soon after it is loaded, before autovacuum has analysed the
        # new cases: on the statistics of an empty month the planner expects a few rows and
        # probes an index per case (the patient, the review) instead of hashing (2-3× the
        # time of the passes over the month). Analysed first, in its own transaction when
        # there is no caller's one (the lock it takes is not held through the control).
        _run(cursor, "analyze", fill("ANALYZE {case}; ANALYZE {service}"))
    try:
        with transaction.atomic(), connection.cursor() as wrapper:
            xact_lock("case_control", sub=month_index(period))
            cursor = wrapper.cursor
            # statements run once over the month: JIT compiling costs more than it saves
            # hash joins of the month to small per-day tables: a merge join would sort the
            # month's wide rows once per table
            cursor.execute("SET LOCAL jit = off; SET LOCAL work_mem = '256MB'; "
                           "SET LOCAL enable_mergejoin = off")
            # dropped at commit; a caller's open transaction (a test) may still hold them
            cursor.execute("DROP TABLE IF EXISTS mon_history, mon_cc, mon_days, mon_day, "
                           "mon_rule, mon_range, mon_restriction, mon_combo, mon_price, "
                           "mon_caserate, mon_bedday, mon_licence, mon_svc_rows, mon_twice, "
                           "mon_svc, mon_stay, "
                           "mon_pair, mon_rkey, mon_iin, mon_ck, mon_risk")
            _control(cursor, run, period, today)
            _risk(cursor, run, period)
    except DatabaseError as exc:
        ControlRun.objects.filter(pk=run.pk).update(status=ControlRun.Status.FAILED,
                                                    error=str(exc)[:5000])
        raise
    counts = dict(CaseDecision.objects.filter(period=period).values_list("outcome")
                  .annotate(n=Count("case_id")).order_by())
    run.cases = Case.objects.filter(period=period).count()
    run.accepted = counts.get("accepted", 0)
    run.rejected = counts.get("rejected", 0)
    run.to_review = counts.get("review", 0)
    run.status = ControlRun.Status.DONE
    run.seconds = round(time.monotonic() - started, 3)
    run.save()
    return run
