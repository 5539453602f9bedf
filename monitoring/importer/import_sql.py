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
    {", ".join(f"{c} text" for c in COLUMNS)}
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


# Counted repetitions (``\d{12}``, ``{1,30}``) make PostgreSQL's regular expressions
# several times slower per row: the patterns below use ``+`` and the lengths are checked
# apart (NUMBER: at most 12 digits before the separator; SERVICES: codes of at most 30
# characters, quantities of at most 5 digits).
NUMBER = r"^[0-9]+([.,][0-9][0-9]?)?$"
NUMBER_LENGTH = "length(split_part(translate({col}, ',', '.'), '.', 1)) <= 12"
SERVICES = r"^[A-Za-z0-9._-]+\*[1-9][0-9]*(;[A-Za-z0-9._-]+\*[1-9][0-9]*)*$"
SERVICES_TOO_LONG = r"\*[0-9]{6}|(^|;)[A-Za-z0-9._-]{31}"
ICD10 = r"^[A-Z][0-9][0-9](\.[0-9A-Z][0-9A-Z]?)?$"


def checks():
    """The named checks, in order: (field, reason, SQL condition on the normalised row
    ``s``). They become one CASE in ``CHECKED``: the first problem of a row is the one
    reported. ``%(provider)s``: the provider every row must belong to (a provider's API
    submission), or None."""
    return [
        ("provider_bin", _("unknown provider БИН"), "s.provider_id IS NULL"),
        ("provider_bin", _("another provider's case"), "%(provider)s::bigint IS NOT NULL "
         "AND s.provider_id <> %(provider)s::bigint"),
        ("case_number", _("empty case number"), "coalesce(s.case_number, '') = ''"),
        ("case_number", _("case number longer than 40 characters"), "length(s.case_number) > 40"),
        ("care_type", _("unknown type of care"), "s.care_type_id IS NULL"),
        ("form", _("form must be planned or emergency"),
         "coalesce(s.form, '') NOT IN ('planned', 'emergency')"),
        ("iin", _("IIN must be 12 digits"),
         "NOT (length(s.iin) = 12 AND s.iin ~ '^[0-9]+$') OR s.iin IS NULL"),
        ("icd10", _("not an ICD-10 code such as I10 or B18.1"),
         f"coalesce(s.icd10, '') !~ '{ICD10}'"),
        ("admitted_on", _("not a date (YYYY-MM-DD)"),
         "coalesce(s.admitted_on, '') <> '' AND s.admitted_d IS NULL"),
        ("discharged_on", _("not a date (YYYY-MM-DD)"),
         "coalesce(s.discharged_on, '') <> '' AND s.discharged_d IS NULL"),
        ("service_date", _("not a date (YYYY-MM-DD)"),
         "coalesce(s.service_date, '') <> '' AND s.served_d IS NULL"),
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
         f"coalesce(s.services, '') <> '' AND (s.services !~ '{SERVICES}' "
         f"OR (length(s.services) > 7 AND s.services ~ '{SERVICES_TOO_LONG}'))"),
        ("services", _("outpatient care without a КЗГ or bed profile needs services"),
         "coalesce(s.admitted_on, '') = '' AND coalesce(s.kzg_code, '') = '' "
         "AND coalesce(s.bed_profile, '') = '' AND coalesce(s.services, '') = '' "
         "AND s.care_form <> 'outpatient_capitation'"),
        ("tariff", _("not an amount such as 1234.50"),
         f"coalesce(s.tariff, '') !~ '{NUMBER}' OR NOT {NUMBER_LENGTH.format(col='s.tariff')}"),
        ("amount_claimed", _("not an amount such as 1234.50"),
         f"coalesce(s.amount_claimed, '') !~ '{NUMBER}' "
         f"OR NOT {NUMBER_LENGTH.format(col='s.amount_claimed')}"),
        ("case_number", _("the case number repeats an earlier line of the file"),
         "s.nth > 1"),
    ]


CHECKED_TABLE = "monitoring_case_checked"


def checked_sql():
    """CHECKED: the file's rows normalised (trimmed, codes upper-cased), their provider,
    region, care type, patient and contract item resolved by hash joins, the number of the
    first check they fail (``problem``, NULL when none) and their typed values: one pass
    over the staging table, written once (no UPDATE per check rewriting every row)."""
    problems = " ".join(f"WHEN {condition} THEN {n}"
                        for n, (_field, _reason, condition) in enumerate(checks(), start=1))
    return f"""
CREATE TEMP TABLE {CHECKED_TABLE} ON COMMIT DROP AS
WITH s0 AS MATERIALIZED (
  SELECT s.line_no, btrim(s.case_number) AS case_number, btrim(s.iin) AS iin,
         upper(btrim(replace(s.icd10, ',', '.'))) AS icd10,
         left(coalesce(s.icd10_secondary, ''), 200) AS icd10_secondary,
         upper(btrim(coalesce(s.kzg_code, ''))) AS kzg_code, lower(btrim(s.form)) AS form,
         btrim(coalesce(s.severity, '')) AS severity,
         btrim(coalesce(s.bed_profile, '')) AS bed_profile,
         btrim(coalesce(s.admitted_on, '')) AS admitted_on,
         btrim(coalesce(s.discharged_on, '')) AS discharged_on,
         btrim(coalesce(s.service_date, '')) AS service_date,
         replace(btrim(coalesce(s.services, '')), ' ', '') AS services,
         btrim(coalesce(s.tariff, '')) AS tariff,
         btrim(coalesce(s.amount_claimed, '')) AS amount_claimed,
         pr.id AS provider_id, pr.region_id, ct.id AS care_type_id,
         CASE WHEN ct.code = 'phc' THEN 'outpatient_capitation' ELSE ct.form END AS care_form,
         row_number() OVER (PARTITION BY pr.id, btrim(s.case_number) ORDER BY s.line_no) AS nth
  FROM {{staging}} s
  LEFT JOIN {{provider}} pr ON pr.bin = btrim(s.provider_bin)
  LEFT JOIN {{caretype}} ct ON ct.code = btrim(s.care_type)
), d AS MATERIALIZED (  -- each distinct date text parsed once (a month has ~60)
  SELECT x.v, {_date_sql('x.v')} AS day
  FROM (SELECT admitted_on FROM s0 UNION SELECT discharged_on FROM s0
        UNION SELECT service_date FROM s0) x(v)
), r AS (  -- OFFSET 0: the problem is computed once per row, not once per use
  SELECT s.*, CASE {problems} END AS problem
  FROM (SELECT s0.*, a.day AS admitted_d, b.day AS discharged_d, c.day AS served_d
        FROM s0 LEFT JOIN d a ON a.v = s0.admitted_on LEFT JOIN d b ON b.v = s0.discharged_on
        LEFT JOIN d c ON c.v = s0.service_date) s
  OFFSET 0
), t AS (
  SELECT r.*,
    CASE WHEN r.problem IS NULL THEN r.admitted_d END AS admitted,
    CASE WHEN r.problem IS NULL THEN r.discharged_d END AS discharged,
    CASE WHEN r.problem IS NULL THEN coalesce(r.served_d, r.admitted_d) END AS served,
    CASE WHEN r.problem IS NULL THEN replace(r.tariff, ',', '.')::numeric END AS tariff_value,
    CASE WHEN r.problem IS NULL THEN replace(r.amount_claimed, ',', '.')::numeric
         END AS amount_value,
    CASE WHEN r.problem IS NULL THEN nullif(r.severity, '')::int END AS severity_value
  FROM r
)
SELECT t.*, date_trunc('month', coalesce(t.discharged, t.served))::date AS period,
       p.id AS person_id
FROM t LEFT JOIN {{person}} p ON p.iin = t.iin AND t.problem IS NULL
"""


# ITEMS: the contract items by (provider, year, care type), to join to the good rows.
ITEMS = """
CREATE TEMP TABLE monitoring_case_items ON COMMIT DROP AS
SELECT k.provider_id, k.year, i.care_type_id, min(i.id) AS item_id
FROM {item} i JOIN {contract} k ON k.id = i.contract_id
GROUP BY k.provider_id, k.year, i.care_type_id
"""

# POST_CASES: every good row not loaded before, with its contract item (the provider's
# contract of the month's year for the care type, whatever its status: the control
# judges it). ON CONFLICT on the unique key makes a second load a no-op. The same
# statement inserts the services of the cases it inserted (split from CODE*QTY;…), joined
# by hash on (provider, case number) to the checked rows, and answers how many it inserted.
POST_CASES = """
WITH new AS (
  INSERT INTO {case} (provider_id, region_id, case_number, contract_item_id, care_type_id,
      is_inpatient, form, iin, person_id, icd10, icd10_secondary, kzg_code, severity,
      bed_profile, admitted_on, discharged_on, service_date, period, tariff, amount_claimed,
      submitted_on, import_run_id)
  SELECT s.provider_id, s.region_id, s.case_number, it.item_id,
      s.care_type_id, s.admitted IS NOT NULL, s.form, s.iin, s.person_id, s.icd10,
      s.icd10_secondary, s.kzg_code, s.severity_value, s.bed_profile, s.admitted,
      s.discharged, s.served, s.period, s.tariff_value, s.amount_value, %(today)s, %(run)s
  FROM monitoring_case_checked s
  LEFT JOIN monitoring_case_items it ON it.provider_id = s.provider_id
    AND it.year = extract(year FROM s.period)::int AND it.care_type_id = s.care_type_id
  WHERE s.problem IS NULL
  ORDER BY s.line_no
  ON CONFLICT (provider_id, case_number) DO NOTHING
  RETURNING id, provider_id, case_number
), services AS (
  INSERT INTO {service} (case_id, code, quantity)
  SELECT n.id, split_part(x.part, '*', 1), split_part(x.part, '*', 2)::int
  FROM new n
  JOIN monitoring_case_checked s ON s.provider_id = n.provider_id
   AND s.case_number = n.case_number AND s.problem IS NULL
  CROSS JOIN LATERAL unnest(string_to_array(nullif(s.services, ''), ';')) AS x(part)
)
SELECT count(*) FROM new
"""
REJECTS = """
INSERT INTO {reject} (run_id, row_number, field, reason, raw)
SELECT %(run)s, s.line_no + %(offset)s, (%(fields)s::text[])[c.problem],
       (%(reasons)s::text[])[c.problem], left(concat_ws(';', {columns}), 2000)
FROM {staging} s JOIN monitoring_case_checked c ON c.line_no = s.line_no
WHERE c.problem IS NOT NULL ORDER BY s.line_no
"""
