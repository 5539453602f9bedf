"""The SQL of the case import, each statement named (what it does and why it is SQL).

The rows of a file are COPYed into a temporary table of text columns, checked there with
one UPDATE per kind of problem (a set-based pass instead of a Python loop per row), and
the good rows inserted with one INSERT … SELECT that skips cases already loaded (the
unique (provider, case number) key: re-loading a file is a no-op).
"""

from django.utils.translation import gettext_lazy as _

from .readers import COLUMNS

STAGING = "monitoring_case_staging"

# CREATE_STAGING: a temporary table (dropped at commit) holding the file as text; line_no
# numbers the rows in file order (COPY keeps it), so a reject names its line.
CREATE_STAGING = f"""
CREATE TEMP TABLE {STAGING} (
    line_no bigint GENERATED ALWAYS AS IDENTITY,
    {", ".join(f"{c} text" for c in COLUMNS)},
    field text, reason text,
    provider_id bigint, region_id bigint, care_type_id bigint, care_form text,
    person_id bigint, admitted date, discharged date, served date, period date,
    tariff_value numeric(14,2), amount_value numeric(14,2), severity_value int
) ON COMMIT DROP
"""

DATE_ISO = r"^\d{4}-\d{2}-\d{2}$"
DATE_RU = r"^\d{2}\.\d{2}\.\d{4}$"


def _date_sql(col):
    """An expression turning ``col`` (YYYY-MM-DD or DD.MM.YYYY) into a date, NULL when it
    is not a calendar date (make_date is only reached with a valid day of the month)."""
    y = f"(CASE WHEN {col} ~ '{DATE_ISO}' THEN substr({col},1,4) ELSE substr({col},7,4) END)::int"
    m = f"(CASE WHEN {col} ~ '{DATE_ISO}' THEN substr({col},6,2) ELSE substr({col},4,2) END)::int"
    d = f"(CASE WHEN {col} ~ '{DATE_ISO}' THEN substr({col},9,2) ELSE substr({col},1,2) END)::int"
    return (f"(CASE WHEN ({col} ~ '{DATE_ISO}' OR {col} ~ '{DATE_RU}') AND {m} BETWEEN 1 AND 12 "
            f"AND {d} BETWEEN 1 AND extract(day from (make_date({y}, {m}, 1) "
            f"+ interval '1 month - 1 day'))::int AND {y} BETWEEN 1900 AND 2100 "
            f"THEN make_date({y}, {m}, {d}) END)")


NUMBER = r"^\d{1,12}([.,]\d{1,2})?$"
SERVICES = r"^[A-Za-z0-9._-]{1,30}\*[1-9]\d{0,4}(;[A-Za-z0-9._-]{1,30}\*[1-9]\d{0,4})*$"
ICD10 = r"^[A-Z]\d{2}(\.[0-9A-Z]{1,2})?$"


def checks():
    """The named checks, in order: (field, reason, SQL condition on row ``s``). Each becomes
    one ``UPDATE … SET field, reason WHERE reason IS NULL AND <condition>``: the first
    problem of a row is the one reported. ``%(provider)s``: the provider every row must
    belong to (a provider's API submission), or None."""
    return [
        ("provider_bin", _("unknown provider БИН"), "s.provider_id IS NULL"),
        ("provider_bin", _("another provider's case"), "%(provider)s::bigint IS NOT NULL "
         "AND s.provider_id <> %(provider)s::bigint"),
        ("case_number", _("empty case number"), "coalesce(s.case_number, '') = ''"),
        ("case_number", _("case number longer than 40 characters"), "length(s.case_number) > 40"),
        ("care_type", _("unknown type of care"), "s.care_type_id IS NULL"),
        ("form", _("form must be planned or emergency"),
         "coalesce(s.form, '') NOT IN ('planned', 'emergency')"),
        ("iin", _("IIN must be 12 digits"), "coalesce(s.iin, '') !~ '^\\d{12}$'"),
        ("icd10", _("not an ICD-10 code such as I10 or B18.1"),
         f"coalesce(s.icd10, '') !~ '{ICD10}'"),
        ("admitted_on", _("not a date (YYYY-MM-DD)"),
         f"coalesce(s.admitted_on, '') <> '' AND {_date_sql('s.admitted_on')} IS NULL"),
        ("discharged_on", _("not a date (YYYY-MM-DD)"),
         f"coalesce(s.discharged_on, '') <> '' AND {_date_sql('s.discharged_on')} IS NULL"),
        ("service_date", _("not a date (YYYY-MM-DD)"),
         f"coalesce(s.service_date, '') <> '' AND {_date_sql('s.service_date')} IS NULL"),
        ("admitted_on", _("inpatient care needs admission and discharge dates"),
         "s.care_form = 'inpatient' AND (coalesce(s.admitted_on, '') = '' "
         "OR coalesce(s.discharged_on, '') = '')"),
        ("discharged_on", _("a stay needs both admission and discharge dates"),
         "(coalesce(s.admitted_on, '') = '') <> (coalesce(s.discharged_on, '') = '')"),
        ("service_date", _("outpatient care needs a service date"),
         "coalesce(s.admitted_on, '') = '' AND coalesce(s.service_date, '') = ''"),
        ("severity", _("severity must be a whole number 1-9"),
         "coalesce(s.severity, '') <> '' AND s.severity !~ '^[1-9]$'"),
        ("kzg_code", _("a КЗГ needs a severity level"),
         "coalesce(s.kzg_code, '') <> '' AND coalesce(s.severity, '') = ''"),
        ("services", _("services must read CODE*QUANTITY;CODE*QUANTITY"),
         f"coalesce(s.services, '') <> '' AND s.services !~ '{SERVICES}'"),
        ("services", _("outpatient care without a КЗГ or bed profile needs services"),
         "coalesce(s.admitted_on, '') = '' AND coalesce(s.kzg_code, '') = '' "
         "AND coalesce(s.bed_profile, '') = '' AND coalesce(s.services, '') = '' "
         "AND s.care_form <> 'outpatient_capitation'"),
        ("tariff", _("not an amount such as 1234.50"), f"coalesce(s.tariff, '') !~ '{NUMBER}'"),
        ("amount_claimed", _("not an amount such as 1234.50"),
         f"coalesce(s.amount_claimed, '') !~ '{NUMBER}'"),
        ("case_number", _("the case number repeats an earlier line of the file"),
         f"EXISTS (SELECT 1 FROM {STAGING} e WHERE e.provider_id = s.provider_id "
         "AND e.case_number = s.case_number AND e.line_no < s.line_no)"),
    ]


# NORMALISE: resolves provider, region, care type, person by their natural keys with one
# UPDATE … FROM (hash joins over the whole file).
NORMALISE = """
UPDATE {staging} s SET
    case_number = btrim(s.case_number), iin = btrim(s.iin),
    icd10 = upper(btrim(replace(s.icd10, ',', '.'))),
    kzg_code = upper(btrim(coalesce(s.kzg_code, ''))), form = lower(btrim(s.form)),
    services = replace(btrim(coalesce(s.services, '')), ' ', ''),
    provider_id = p.id, region_id = p.region_id
FROM (SELECT s2.line_no, pr.id, pr.region_id FROM {staging} s2
      LEFT JOIN {provider} pr ON pr.bin = btrim(s2.provider_bin)) p
WHERE p.line_no = s.line_no
"""
RESOLVE = """
UPDATE {staging} s SET care_type_id = c.id,
    care_form = CASE WHEN c.code = 'phc' THEN 'outpatient_capitation' ELSE c.form END
FROM {caretype} c WHERE c.code = btrim(s.care_type)
"""
RESOLVE_PERSON = """
UPDATE {staging} s SET person_id = p.id FROM {person} p WHERE p.iin = s.iin
"""
# VALUES: the typed values of the rows that passed (only they are cast).
VALUES = f"""
UPDATE {STAGING} s SET
    admitted = {_date_sql('s.admitted_on')}, discharged = {_date_sql('s.discharged_on')},
    served = coalesce({_date_sql('s.service_date')}, {_date_sql('s.admitted_on')}),
    tariff_value = replace(s.tariff, ',', '.')::numeric,
    amount_value = replace(s.amount_claimed, ',', '.')::numeric,
    severity_value = nullif(s.severity, '')::int
WHERE s.reason IS NULL
"""
PERIOD = """
UPDATE {staging} s SET period = date_trunc('month', coalesce(s.discharged, s.served))::date
WHERE s.reason IS NULL
"""
# POST_CASES: every good row not loaded before, with its contract item (the provider's
# contract of the month's year for the care type, whatever its status: the control
# judges it). ON CONFLICT on the unique key makes a second load a no-op.
POST_CASES = """
INSERT INTO {case} (provider_id, region_id, case_number, contract_item_id, care_type_id,
    is_inpatient, form, iin, person_id, icd10, icd10_secondary, kzg_code, severity,
    bed_profile, admitted_on, discharged_on, service_date, period, tariff, amount_claimed,
    submitted_on, import_run_id, outcome, funding_source, risk_score, risk_reasons)
SELECT s.provider_id, s.region_id, s.case_number,
    (SELECT i.id FROM {item} i JOIN {contract} k ON k.id = i.contract_id
     WHERE k.provider_id = s.provider_id AND k.year = extract(year FROM s.period)::int
       AND i.care_type_id = s.care_type_id LIMIT 1),
    s.care_type_id, s.admitted IS NOT NULL, s.form, s.iin, s.person_id, s.icd10,
    left(coalesce(s.icd10_secondary, ''), 200), s.kzg_code, s.severity_value,
    btrim(coalesce(s.bed_profile, '')), s.admitted, s.discharged, s.served, s.period,
    s.tariff_value, s.amount_value, %(today)s, %(run)s, 'pending', '', 0, '[]'::jsonb
FROM {staging} s
WHERE s.reason IS NULL
ORDER BY s.line_no
ON CONFLICT (provider_id, case_number) DO NOTHING
"""
# POST_SERVICES: the services of the cases this run inserted, split from CODE*QTY;… .
POST_SERVICES = """
INSERT INTO {service} (case_id, code, quantity)
SELECT c.id, split_part(x.part, '*', 1), split_part(x.part, '*', 2)::int
FROM {staging} s
JOIN {case} c ON c.provider_id = s.provider_id AND c.case_number = s.case_number
CROSS JOIN LATERAL unnest(string_to_array(s.services, ';')) AS x(part)
WHERE s.reason IS NULL AND c.import_run_id = %(run)s AND s.services <> ''
"""
REJECTS = """
INSERT INTO {reject} (run_id, row_number, field, reason, raw)
SELECT %(run)s, s.line_no + %(offset)s, s.field, s.reason,
       left(concat_ws(';', {columns}), 2000)
FROM {staging} s WHERE s.reason IS NOT NULL ORDER BY s.line_no
"""
