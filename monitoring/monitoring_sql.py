"""The hand-written SQL of monitoring: the format-logical control and the risk score of a
month of cases in a few passes over the whole month (docs/monitoring.md).

Why SQL: a month holds millions of cases; the rules are evaluated over the set (hash
joins) instead of a Python loop calling the registry, the status and the package per
case. Table names come from ``Model._meta.db_table`` (``control.tables``); ``%(name)s``
are parameters. The work table ``mon_ck`` holds one row per case of the month with what
the rules read (the patient, the insured status on the service date, the funding
source, the amount by the tariff, the double-payment flags); ``verdict_sql`` inserts the
verdict rows of every rule in force in one statement.
"""

# -- the work tables ----------------------------------------------------------------------
# A month is read in a few passes, each a CREATE TEMP TABLE … AS SELECT with hash joins
# (no UPDATE rewriting millions of rows, no per-case subquery over the set):
#   mon_history  the status history as intervals [changed_on, next change)
#   mon_cc       the month's cases with the patient, the diagnosis known, the insured status
#   mon_combo    the funding source per distinct (day, care type, code, insured, citizenship)
#   mon_price, mon_caserate, mon_bedday, mon_licence   the tariffs and licences per day
#   mon_svc      per case: Σ price × quantity and "a service billed by an earlier case"
#   mon_stay, mon_pair   the stays near the month; per case: overlaps, services during a stay
#   mon_ck       mon_cc with every rule's input; the verdicts are one INSERT … SELECT of it.

# MON_HISTORY: the status history up to the last service date of the month as intervals:
# a row holds from its change to the next change of the person (the last change on or
# before the day decides, ties by id, as the status API).
MON_HISTORY = """
CREATE TEMP TABLE mon_history ON COMMIT DROP AS
SELECT h.person_id, h.changed_on, h.insured, h.valid_until,
       lead(h.changed_on) OVER (PARTITION BY h.person_id ORDER BY h.changed_on, h.id) AS next_on
FROM {history} h
WHERE h.changed_on <= (SELECT max(c.service_date) FROM {case} c WHERE c.period = %(period)s)
"""

# MON_CC: the month's cases that the control may (re)decide: pending, accepted or
# rejected ones (a case under expert review keeps its review) with the patient's facts,
# whether the main diagnosis is a category or subcategory of WHO ICD-10 (the eligibility
# engine's test) and the insured status on the service date (the history interval holding
# the day says insured and the day is not after its valid-until; no history: not insured).
MON_CC = """
CREATE TEMP TABLE mon_cc ON COMMIT DROP AS
SELECT c.id, c.provider_id, c.care_type_id, ct.code AS care_code, c.is_inpatient, c.form,
       c.iin, p.id AS person_id, p.birth_date, p.sex, p.citizenship, p.death_date,
       c.icd10, replace(c.icd10, '.', '') AS icd_key, c.kzg_code, c.severity, c.bed_profile,
       c.admitted_on, c.discharged_on, c.service_date, c.period, c.amount_claimed,
       c.submitted_on, c.contract_item_id,
       (i.code IS NOT NULL) AS icd_known,
       CASE WHEN p.id IS NOT NULL THEN coalesce(h.insured AND (h.valid_until IS NULL
            OR c.service_date <= h.valid_until), false) END AS insured,
       (ct.code = 'phc') AS capitation,
       (pr.case_id IS NOT NULL) AS reported
FROM {case} c
JOIN {caretype} ct ON ct.id = c.care_type_id
LEFT JOIN {person} p ON p.iin = c.iin COLLATE "C"  -- the case's ИИН is "C" (migration 0009)
LEFT JOIN (SELECT DISTINCT code FROM {icd} WHERE kind IN ('category', 'subcategory')) i
       ON i.code = c.icd10
LEFT JOIN mon_history h ON h.person_id = p.id AND h.changed_on <= c.service_date
       AND (h.next_on IS NULL OR c.service_date < h.next_on)
LEFT JOIN (SELECT DISTINCT case_id FROM {report}) pr ON pr.case_id = c.id
WHERE c.period = %(period)s
  AND NOT EXISTS (SELECT 1 FROM {review} r WHERE r.case_id = c.id)
"""
# The month's work tables are analysed on the columns that join and filter (sampling every
# column of the wide rows cost 0.2-0.3 s a table at 264 361 cases, more than some passes).
MON_CC_INDEX = ("ANALYZE mon_cc (id, iin, service_date, care_type_id, icd_key, kzg_code, "
                "provider_id, is_inpatient)")

# FUNDING: the first rule of the package version in force on the service date (mon_day)
# for the care type whose condition (any, or a disease list holding the code) and
# entitlement match decides the source, as ``packages.eligibility.evaluate_rules``;
# would_if_insured: an insured-only rule's condition matches (uninsured → NOT_INSURED).
# Decided once per distinct (date, care type, code, insured, citizenship) in mon_combo
# (thousands, not millions), then joined to the cases in MON_CK.
_DECIDABLE = ("m.person_id IS NOT NULL AND m.icd_known "
              "AND (m.death_date IS NULL OR m.death_date >= m.service_date)")
FUNDING_COMBOS = f"""
CREATE TEMP TABLE mon_combo ON COMMIT DROP AS
SELECT DISTINCT m.service_date, m.care_type_id, m.icd_key, m.insured, m.citizenship,
       NULL::text AS funding, false AS would_if_insured
FROM mon_cc m WHERE {_DECIDABLE}
"""
_CONDITION = """(r.list_id IS NULL OR EXISTS (
          SELECT 1 FROM mon_range x WHERE x.list_id = r.list_id
            AND m.icd_key COLLATE "C" BETWEEN x.lo AND x.hi))"""
FUNDING = f"""
UPDATE mon_combo m SET
  funding = (
    SELECT r.funding FROM mon_day d JOIN mon_rule r ON r.version_id = d.version_id
    WHERE d.day = m.service_date AND r.care_type_id = m.care_type_id AND {_CONDITION}
      AND (r.entitlement = 'everyone'
           OR (r.entitlement = 'insured' AND m.insured)
           OR (r.entitlement = 'residents' AND m.citizenship IN
               ('citizen', 'kandas', 'foreign_permanent', 'stateless'))
           OR (r.entitlement = 'citizens_kandases' AND m.citizenship IN ('citizen', 'kandas')))
    ORDER BY r.ord LIMIT 1),
  would_if_insured = EXISTS (
    SELECT 1 FROM mon_day d JOIN mon_rule r ON r.version_id = d.version_id
    WHERE d.day = m.service_date AND r.care_type_id = m.care_type_id
      AND r.entitlement = 'insured' AND {_CONDITION});
ANALYZE mon_combo
"""

# The tariffs and licences in force on each service date of the month (mon_days): one row
# per (code, day), the latest valid_from winning; hash-joined to the cases in MON_CK.
PRICES = """
CREATE TEMP TABLE mon_price ON COMMIT DROP AS
SELECT DISTINCT ON (p.code, d.day) p.code, d.day, p.price
FROM {serviceprice} p JOIN mon_days d ON p.valid_from <= d.day
     AND (p.valid_to IS NULL OR p.valid_to >= d.day)
ORDER BY p.code, d.day, p.valid_from DESC;
CREATE TEMP TABLE mon_caserate ON COMMIT DROP AS
SELECT DISTINCT ON (r.code, r.severity, r.care_type_id, d.day)
       r.code, r.severity, r.care_type_id, d.day, r.amount
FROM {caserate} r JOIN mon_days d ON r.valid_from <= d.day
     AND (r.valid_to IS NULL OR r.valid_to >= d.day)
ORDER BY r.code, r.severity, r.care_type_id, d.day, r.valid_from DESC;
CREATE TEMP TABLE mon_bedday ON COMMIT DROP AS
SELECT DISTINCT ON (b.profile, d.day) b.profile, d.day, b.rate
FROM {bedday} b JOIN mon_days d ON b.valid_from <= d.day
     AND (b.valid_to IS NULL OR b.valid_to >= d.day)
ORDER BY b.profile, d.day, b.valid_from DESC;
CREATE TEMP TABLE mon_licence ON COMMIT DROP AS
SELECT DISTINCT l.provider_id, l.care_type_id, d.day
FROM {licence} l JOIN mon_days d ON l.issued_on <= d.day
     AND (l.valid_until IS NULL OR l.valid_until >= d.day);
ANALYZE mon_price; ANALYZE mon_caserate; ANALYZE mon_bedday; ANALYZE mon_licence
"""

# MON_SVC: the services of the month's cases, read once (mon_svc_rows, with the price in
# force on the service date), then: the services (patient, day, code) that two outpatient
# cases or more billed, with the first of those cases (mon_twice: a hash aggregate, a few
# rows; the earlier case may be under review: every outpatient case of that day is in this
# month), and per case Σ price × quantity (NULL when a price is missing) and whether an
# earlier case billed the same service (DUPLICATE_SERVICE). A window over every service of
# the month sorted them all by patient, day and code; the per-case sums are grouped by
# sorting on the case id (a hash of 250 000 groups of numeric sums weighed 127 MB and ran
# slower).
MON_SVC = """
CREATE TEMP TABLE mon_svc_rows ON COMMIT DROP AS
SELECT s.case_id, s.code COLLATE "C" AS code, s.quantity, c.iin, c.service_date,
       c.is_inpatient, p.price
FROM {service} s JOIN {case} c ON c.id = s.case_id
LEFT JOIN mon_price p ON p.code = s.code AND p.day = c.service_date
WHERE c.period = %(period)s;
CREATE TEMP TABLE mon_twice ON COMMIT DROP AS
SELECT x.iin, x.service_date, x.code, min(x.case_id) AS first
FROM mon_svc_rows x WHERE NOT x.is_inpatient
GROUP BY x.iin, x.service_date, x.code HAVING min(x.case_id) <> max(x.case_id);
SET LOCAL enable_hashagg = off;
CREATE TEMP TABLE mon_svc ON COMMIT DROP AS
SELECT x.case_id,
       CASE WHEN bool_and(x.price IS NOT NULL) THEN sum(x.price * x.quantity) END AS amount,
       coalesce(bool_or(NOT x.is_inpatient AND t.first < x.case_id), false) AS duplicate
FROM mon_svc_rows x
LEFT JOIN mon_twice t ON t.iin = x.iin AND t.service_date = x.service_date AND t.code = x.code
GROUP BY x.case_id;
SET LOCAL enable_hashagg = on;
ANALYZE mon_svc
"""

# MON_STAY / MON_PAIR: the stays that can touch a case of the month (discharged in the
# month of the earliest admission of the month's stays or later, admitted by the month's
# end), joined to the month's cases by ИИН: a stay of the patient at another provider
# overlapping a stay that began later (OVERLAPPING_STAY), or holding an outpatient
# service strictly inside it (OUTPATIENT_DURING_STAY).
MON_STAY = """
CREATE TEMP TABLE mon_stay ON COMMIT DROP AS
SELECT o.id, o.iin, o.provider_id, o.admitted_on, o.discharged_on
FROM {case} o
WHERE o.is_inpatient AND o.admitted_on <= %(end)s
  AND o.period >= (SELECT date_trunc('month', least(%(period)s::date, min(m.admitted_on)))::date
                   FROM mon_cc m WHERE m.is_inpatient);
ANALYZE mon_stay;
CREATE TEMP TABLE mon_pair ON COMMIT DROP AS
SELECT m.id,
  bool_or(m.is_inpatient AND o.provider_id <> m.provider_id
          AND o.admitted_on < m.discharged_on AND m.admitted_on < o.discharged_on
          AND (o.admitted_on, o.id) < (m.admitted_on, m.id)) AS overlap,
  bool_or(NOT m.is_inpatient AND o.provider_id <> m.provider_id
          AND o.admitted_on < m.service_date AND m.service_date < o.discharged_on) AS during
FROM mon_cc m JOIN mon_stay o ON o.iin = m.iin
GROUP BY m.id;
ANALYZE mon_pair
"""

# The ИИН check digit (weights 1..11, then 3..11,1,2 when the first sum gives 10) and the
# century digit, as ``payers.validators.iin_problem``. (Counted repetitions such as
# ``\d{12}`` make PostgreSQL's regular expressions several times slower: length + ``+``.)
_D = "substr(m.iin, {n}, 1)::int"
_W1 = " + ".join(f"{w} * {_D.format(n=n)}" for n, w in enumerate(range(1, 12), start=1))
_W2 = " + ".join(f"{w} * {_D.format(n=n)}" for n, w in
                 enumerate([3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2], start=1))
IIN_VALID = (f"(CASE WHEN length(m.iin) = 12 AND m.iin ~ '^[0-9]+$' "
             f"AND substr(m.iin, 7, 1) BETWEEN '1' AND '6' "
             f"THEN (CASE WHEN mod({_W1}, 11) < 10 THEN mod({_W1}, 11) "
             f"WHEN mod({_W2}, 11) < 10 THEN mod({_W2}, 11) END) "
             f"IS NOT DISTINCT FROM {_D.format(n=12)} ELSE false END)")

# MON_IIN: the check digit of each distinct ИИН of the month (a patient has several cases:
# the long expression above runs once per patient, not once per case).
MON_IIN = f"""
CREATE TEMP TABLE mon_iin ON COMMIT DROP AS
SELECT m.iin, {IIN_VALID} AS valid FROM (SELECT DISTINCT iin FROM mon_cc) m;
ANALYZE mon_iin
"""

# MON_RKEY: the month's diagnosis keys that some sex or age restriction holds (a few):
# the per-case restriction test runs for those cases only.
MON_RKEY = """
CREATE TEMP TABLE mon_rkey ON COMMIT DROP AS
SELECT DISTINCT k.icd_key FROM (SELECT DISTINCT icd_key FROM mon_cc) k
JOIN mon_restriction r ON k.icd_key COLLATE "C" BETWEEN r.lo AND r.hi;
ANALYZE mon_rkey
"""

# MON_CK: every case with what its rules read, one pass of hash joins: the funding
# source, the amount by the tariff in force on the service date (a КЗГ's case rate at the
# severity level; a bed-day rate × days, at least one; Σ price × quantity of the services;
# per-capita care (PHC) is paid by the norm and not checked), a signed contract item, a
# licence on the day, the ИИН's check digit, the double-payment flags; the outcome starts
# as accepted (the risk score is mon_risk's).
MON_CK = f"""
CREATE TEMP TABLE mon_ck ON COMMIT DROP AS
SELECT m.*, x.funding, coalesce(x.would_if_insured, false) AS would_if_insured,
  CASE WHEN m.capitation THEN NULL
       WHEN m.kzg_code <> '' THEN r.amount
       WHEN m.bed_profile <> '' THEN b.rate * greatest(1, m.discharged_on - m.admitted_on)
       ELSE v.amount END::numeric(14,2) AS expected,
  (NOT m.capitation AND (m.kzg_code <> '' OR m.bed_profile <> '' OR v.case_id IS NOT NULL)
   AND CASE WHEN m.kzg_code <> '' THEN r.amount IS NULL
            WHEN m.bed_profile <> '' THEN b.rate IS NULL
            ELSE v.amount IS NULL END) AS no_tariff,
  (ci.id IS NOT NULL) AS contract_ok, (l.provider_id IS NOT NULL) AS licence_ok,
  coalesce(ii.valid, false) AS iin_valid, (rk.icd_key IS NOT NULL) AS restricted,
  CASE WHEN m.is_inpatient THEN EXISTS (
        SELECT 1 FROM {{case}} o WHERE o.iin = m.iin AND o.service_date = m.service_date
          AND o.is_inpatient AND o.kzg_code = m.kzg_code AND o.id < m.id)
       ELSE coalesce(v.duplicate, false) END AS duplicate,
  coalesce(pa.overlap, false) AS overlap, coalesce(pa.during, false) AS during,
  'accepted'::text AS outcome
FROM mon_cc m
LEFT JOIN mon_combo x ON x.service_date = m.service_date AND x.care_type_id = m.care_type_id
  AND x.icd_key = m.icd_key AND x.insured = m.insured
  AND x.citizenship IS NOT DISTINCT FROM m.citizenship AND {_DECIDABLE}
LEFT JOIN mon_caserate r ON r.code = m.kzg_code AND r.severity = m.severity
  AND r.care_type_id = m.care_type_id AND r.day = m.service_date
LEFT JOIN mon_bedday b ON b.profile = m.bed_profile AND b.day = m.service_date
LEFT JOIN mon_svc v ON v.case_id = m.id
LEFT JOIN (SELECT i.id FROM {{item}} i JOIN {{contract}} k ON k.id = i.contract_id
           WHERE k.status = 'signed' AND k.signed_on <= %(end)s) ci
  ON ci.id = m.contract_item_id
LEFT JOIN mon_licence l ON l.provider_id = m.provider_id AND l.care_type_id = m.care_type_id
  AND l.day = m.service_date
LEFT JOIN mon_pair pa ON pa.id = m.id
LEFT JOIN mon_rkey rk ON rk.icd_key = m.icd_key
LEFT JOIN mon_iin ii ON ii.iin = m.iin;
ANALYZE mon_ck (id, outcome, provider_id, kzg_code, is_inpatient, period)
"""

# CLEAR: the verdicts of an earlier control of these cases (a re-run decides anew).
CLEAR = "DELETE FROM {verdict} v USING mon_ck m WHERE v.case_id = m.id"

# VERDICTS: rule code → (SQL condition on mon_ck m, detail expression). They become one
# ``INSERT INTO verdict SELECT … FROM mon_ck m CROSS JOIN LATERAL (VALUES …)`` of the
# rules in force (VERDICT below): one pass over the month for every rule.
_ALIVE = "(m.death_date IS NULL OR m.death_date >= m.service_date)"
VERDICTS = {
    "IIN_INVALID": ("NOT m.iin_valid", "m.iin"),
    "PATIENT_UNKNOWN": ("m.person_id IS NULL AND m.iin_valid", "m.iin"),
    "AFTER_DEATH": ("m.death_date < m.service_date", "'† ' || m.death_date::text"),
    "UNKNOWN_ICD10": ("NOT m.icd_known", "m.icd10"),
    "NOT_INSURED": (f"m.person_id IS NOT NULL AND m.icd_known AND m.funding IS NULL "
                    f"AND {_ALIVE} AND m.would_if_insured AND NOT m.insured",
                    "m.service_date::text"),
    "NOT_IN_PACKAGE": (f"m.person_id IS NOT NULL AND m.icd_known AND m.funding IS NULL "
                       f"AND {_ALIVE} AND NOT (m.would_if_insured AND NOT m.insured)",
                       "m.care_code || ' / ' || m.icd10"),
    # a signed contract item of the provider for the care type, signed by the month's end
    "NO_CONTRACT": ("NOT m.contract_ok", "m.care_code"),
    # a licence of the provider for the care type valid on the service date
    "NO_LICENCE": ("NOT m.licence_ok", "m.care_code"),
    "NO_TARIFF": ("m.no_tariff", "coalesce(nullif(m.kzg_code, ''), nullif(m.bed_profile, ''), "
                                 "'services')"),
    "AMOUNT_MISMATCH": ("m.expected IS NOT NULL AND m.expected <> m.amount_claimed",
                        "m.amount_claimed::text || ' ≠ ' || m.expected::text"),
    "DATES_INCONSISTENT": ("""m.admitted_on > m.discharged_on
        OR greatest(m.service_date, m.discharged_on) > %(today)s
        OR m.submitted_on > %(end)s::date + %(deadline_days)s::int""",
                           "concat_ws(' – ', m.admitted_on, m.discharged_on, "
                           "m.service_date, m.submitted_on)"),
    # the same service (patient, day, service code; a stay: patient, admission day, КЗГ)
    # billed by an earlier case
    "DUPLICATE_SERVICE": ("m.duplicate", "m.service_date::text"),
    "OVERLAPPING_STAY": ("m.overlap", "m.admitted_on::text || ' – ' || m.discharged_on::text"),
    "OUTPATIENT_DURING_STAY": ("m.during", "m.service_date::text"),
    "SEX_DIAGNOSIS": ("""m.restricted AND m.sex IS NOT NULL AND EXISTS (SELECT 1 FROM mon_restriction r WHERE r.sex <> '' AND r.sex <> m.sex
          AND m.icd_key COLLATE "C" BETWEEN r.lo AND r.hi)""", "m.icd10 || ' / ' || m.sex"),
    "AGE_DIAGNOSIS": ("""m.restricted AND m.birth_date IS NOT NULL AND EXISTS (
        SELECT 1 FROM mon_restriction r
        WHERE m.icd_key COLLATE "C" BETWEEN r.lo AND r.hi
          AND (date_part('year', age(m.service_date, m.birth_date)) < r.age_min
               OR date_part('year', age(m.service_date, m.birth_date)) > r.age_max))""",
                      "m.icd10 || ' / ' || date_part('year', age(m.service_date, "
                      "m.birth_date))::text"),
}


def verdict_sql(codes):
    """VERDICT: the verdict rows of the rules ``codes`` (those in force) in one pass: the
    cases failing any rule (a few) are picked first, then each failed rule is a row;
    ``%(severity_<CODE>)s`` is the rule's severity."""
    values = ",\n    ".join(f"(({VERDICTS[c][0]}), '{c}', %(severity_{c})s, {VERDICTS[c][1]})"
                            for c in codes)
    failing = "\n   OR ".join(f"({VERDICTS[c][0]})" for c in codes)
    return f"""
INSERT INTO {{verdict}} (case_id, rule_code, severity, detail, run_id)
SELECT f.id, v.code, v.severity, left(coalesce(v.detail, ''), 300), %(run)s
FROM (SELECT * FROM mon_ck m WHERE {failing} OFFSET 0) m
CROSS JOIN LATERAL (VALUES
    {values}) AS v(failed, code, severity, detail)
CROSS JOIN LATERAL (SELECT m.id) f
WHERE v.failed
"""


# OUTCOME: rejected on any failed reject rule, sent to review on a failed review rule,
# accepted otherwise (the risk score may still send an accepted case to review).
OUTCOME = """
UPDATE mon_ck m SET outcome = CASE WHEN v.rejects THEN 'rejected' ELSE 'review' END
FROM (SELECT case_id, bool_or(severity = 'reject') AS rejects FROM {verdict}
      WHERE run_id = %(run)s GROUP BY case_id) v
WHERE v.case_id = m.id
"""

# -- the risk score -----------------------------------------------------------------------
# RISK: indicator code → (WITH clauses, joins, SQL condition on the accepted cases k of
# mon_ck); ``%(parameter)s`` is the indicator's parameter. ``risk_sql`` evaluates the
# indicators in force in one pass over the month (their aggregates computed once in the WITH
# clauses, hash-joined: no per-case subquery over the set) into a narrow table of the cases
# that meet any, with their score and codes (an UPDATE per indicator rewrote the wide rows
# of mon_ck once for each).
RISK = {
    # an inpatient admission within N days of a discharge of the same patient with the
    # same ICD-10 category (any provider, any earlier month): an index probe per stay
    "READMISSION": ("", "", """k.is_inpatient AND EXISTS (
        SELECT 1 FROM {case} o WHERE o.iin = k.iin AND o.is_inpatient AND o.id <> k.id
          AND left(o.icd10, 3) = left(k.icd10, 3) AND o.discharged_on <= k.admitted_on
          AND k.admitted_on - o.discharged_on <= %(parameter)s::int)"""),
    # a stay over N times the month's mean length for the КЗГ, or under 1/N of it
    "STAY_DEVIATION": (
        """sd AS (SELECT r.kzg_code, avg(greatest(1, r.discharged_on - r.admitted_on)) AS mean
                  FROM mon_cc r WHERE r.is_inpatient AND r.kzg_code <> ''
                  GROUP BY r.kzg_code)""",
        "LEFT JOIN sd ON sd.kzg_code = k.kzg_code",
        """k.is_inpatient
        AND (greatest(1, k.discharged_on - k.admitted_on) > sd.mean * %(parameter)s
             OR greatest(1, k.discharged_on - k.admitted_on) * %(parameter)s < sd.mean)"""),
    # a highest-severity case of a provider whose share of the highest severity among its
    # КЗГ cases is over N times the share of all providers together
    "HIGH_SEVERITY_SHARE": (
        """hs_cases AS MATERIALIZED (SELECT provider_id, severity FROM mon_cc
                                     WHERE kzg_code <> ''),
        hs_top AS (SELECT max(severity) AS top FROM hs_cases),
        hs_p AS (SELECT c.provider_id, avg((c.severity = t.top)::int) AS share
                 FROM hs_cases c CROSS JOIN hs_top t GROUP BY c.provider_id),
        hs_all AS (SELECT avg((c.severity = t.top)::int) AS share
                   FROM hs_cases c CROSS JOIN hs_top t)""",
        """CROSS JOIN hs_top LEFT JOIN hs_p ON hs_p.provider_id = k.provider_id
        CROSS JOIN hs_all""",
        """k.kzg_code <> '' AND k.severity = hs_top.top
        AND hs_p.share > %(parameter)s * hs_all.share"""),
    # a planned service or admission on a Saturday, Sunday or public holiday
    "HOLIDAY": ("", "", """k.form = 'planned' AND (extract(isodow FROM k.service_date) >= 6
        OR EXISTS (SELECT 1 FROM {holiday} h WHERE h.day = k.service_date))"""),
    # the patient said the care did not happen
    "PATIENT_REPORT": ("", "", "k.reported"),
}


NO_RISK = """CREATE TEMP TABLE mon_risk (id bigint, provider_id bigint, score numeric,
                                     codes text) ON COMMIT DROP"""


def risk_sql(codes):
    """RISK_SCORE: the indicators ``codes`` (in force, in this order) of every accepted case
    in one pass (each condition once per case), the cases meeting any with Σ weights and
    their codes ("CODE," each) into mon_risk (narrow; PICK, WRITE and OPEN_REVIEWS join it:
    the wide rows of mon_ck are not rewritten).
    ``%(weight_<CODE>)s`` / ``%(parameter_<CODE>)s``: each indicator's."""
    withs = [RISK[c][0] for c in codes if RISK[c][0]]
    joins = "\n".join(RISK[c][1] for c in codes if RISK[c][1])
    flags = ",\n    ".join(
        f"({RISK[c][2].replace('%(parameter)s', f'%(parameter_{c})s')}) AS r_{c.lower()}"
        for c in codes)
    score = " + ".join(f"CASE WHEN b.r_{c.lower()} THEN %(weight_{c})s ELSE 0 END"
                       for c in codes)
    names = ", ".join(f"CASE WHEN b.r_{c.lower()} THEN '{c},' END" for c in codes)
    return f"""
CREATE TEMP TABLE mon_risk ON COMMIT DROP AS
{"WITH " + ", ".join(withs) if withs else ""}
SELECT f.id, f.provider_id, f.score, f.codes FROM (
  SELECT b.id, b.provider_id, (0 + {score})::numeric AS score, concat({names}) AS codes
  FROM (SELECT k.id, k.provider_id,
    {flags}
    FROM mon_ck k
    {joins}
    WHERE k.outcome = 'accepted' OFFSET 0) b
) f
WHERE f.codes <> '';
ANALYZE mon_risk
"""


# PICK: per provider, the ceil(share × accepted cases) riskiest cases with a score > 0
# (ties: the earlier case), and every case a patient reported, go to expert review. Only
# the cases with a score are ranked (a few, from mon_risk; the others rank after them), against
# the provider's count of accepted cases.
PICK = """
WITH total AS (
  SELECT k.provider_id, count(*) AS total FROM mon_ck k WHERE k.outcome = 'accepted'
  GROUP BY k.provider_id
), ranked AS (
  SELECT k.id, k.codes, t.total,
         row_number() OVER (PARTITION BY k.provider_id ORDER BY k.score DESC, k.id) AS rank
  FROM mon_risk k JOIN total t ON t.provider_id = k.provider_id
  WHERE k.score > 0
)
UPDATE mon_ck m SET outcome = 'review'
FROM ranked r
WHERE m.id = r.id
  AND (r.rank <= ceil(%(share)s * r.total) OR r.codes LIKE '%%PATIENT_REPORT%%')
"""
# WRITE: the decisions of the month's re-decided cases into their own narrow table
# (``CaseDecision``), one INSERT … SELECT: the earlier decisions of these cases (a re-run)
# deleted first; a case under review is not in mon_ck and keeps its decision. The cases
# themselves are not rewritten (an UPDATE of a month made a new version of every wide case
# row).
WRITE = """
DELETE FROM {decision} d USING mon_ck m WHERE d.period = %(period)s AND d.case_id = m.id;
INSERT INTO {decision} (case_id, period, outcome, funding_source, amount_expected,
                        risk_score, risk_reasons, control_run_id)
SELECT m.id, m.period, m.outcome, coalesce(m.funding, ''), m.expected,
       coalesce(r.score, 0),
       CASE WHEN r.codes IS NULL THEN '[]'::jsonb
            ELSE to_jsonb(array_remove(string_to_array(r.codes, ','), '')) END, %(run)s
FROM mon_ck m LEFT JOIN mon_risk r ON r.id = m.id
"""
# OPEN_REVIEWS: a review for every case of the month sent to review without one yet
# (by a review rule, by the risk score, or by the patient's report).
OPEN_REVIEWS = """
INSERT INTO {review} (case_id, reason, status, conclusion, deduction, dispute_reason,
                      dispute_decision, opened_at)
SELECT m.id,
       CASE WHEN m.reported THEN 'patient' WHEN r.score > 0 THEN 'risk' ELSE 'control' END,
       'open', '', 0, '', '', %(now)s
FROM mon_ck m LEFT JOIN mon_risk r ON r.id = m.id WHERE m.outcome = 'review'
"""
