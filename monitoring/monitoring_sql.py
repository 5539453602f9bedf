"""The hand-written SQL of monitoring: the format-logical control and the risk score of a
month of cases, one pass per rule over the whole month (docs/monitoring.md).

Why SQL: a month holds millions of cases; each rule is one statement over the set (hash
and index joins) instead of a Python loop calling the registry, the status and the
package per case. Table names come from ``Model._meta.db_table`` (``control.tables``);
``%(name)s`` are parameters. The work table ``mon_cc`` holds one row per case of the
month with what the rules read (the patient, the insured status on the service date,
the funding source, the amount by the tariff); each ``VERDICT_*`` statement inserts the
verdict rows of one rule.
"""

# -- the work table -----------------------------------------------------------------------
# MON_CC: the month's cases that the control may (re)decide: pending, accepted or
# rejected ones (a case under expert review keeps its review) with the patient's facts.
MON_CC = """
CREATE TEMP TABLE mon_cc ON COMMIT DROP AS
SELECT c.id, c.provider_id, c.care_type_id, ct.code AS care_code, c.is_inpatient, c.form,
       c.iin, p.id AS person_id, p.birth_date, p.sex, p.citizenship, p.death_date,
       c.icd10, replace(c.icd10, '.', '') AS icd_key, c.kzg_code, c.severity, c.bed_profile,
       c.admitted_on, c.discharged_on, c.service_date, c.period, c.amount_claimed,
       c.submitted_on, c.contract_item_id,
       false AS icd_known, NULL::boolean AS insured, NULL::text AS funding,
       false AS would_if_insured, NULL::numeric(14,2) AS expected, false AS no_tariff,
       (ct.code = 'phc') AS capitation, 'accepted'::text AS outcome, 0::numeric AS score,
       ''::text AS codes,
       EXISTS (SELECT 1 FROM {report} pr WHERE pr.case_id = c.id) AS reported
FROM {case} c
JOIN {caretype} ct ON ct.id = c.care_type_id
LEFT JOIN {person} p ON p.iin = c.iin
WHERE c.period = %(period)s
  AND NOT EXISTS (SELECT 1 FROM {review} r WHERE r.case_id = c.id)
"""
MON_CC_INDEX = "CREATE INDEX ON mon_cc (id); ANALYZE mon_cc"

# ICD_KNOWN: the main diagnosis is a category or subcategory of the WHO ICD-10 table
# (the eligibility engine's test).
ICD_KNOWN = """
UPDATE mon_cc m SET icd_known = true FROM {icd} i
WHERE i.code = m.icd10 AND i.kind IN ('category', 'subcategory')
"""

# INSURED: the status on the service date from the status history: the last change on or
# before the day says insured, and the day is not after its valid-until. One index probe
# (history_person_idx) per case.
INSURED = """
UPDATE mon_cc m SET insured = coalesce((
    SELECT h.insured AND (h.valid_until IS NULL OR m.service_date <= h.valid_until)
    FROM {history} h
    WHERE h.person_id = m.person_id AND h.changed_on <= m.service_date
    ORDER BY h.changed_on DESC, h.id DESC LIMIT 1), false)
WHERE m.person_id IS NOT NULL
"""

# FUNDING: the first rule of the package version in force on the service date (mon_day)
# for the care type whose condition (any, or a disease list holding the code) and
# entitlement match decides the source, as ``packages.eligibility.evaluate_rules``;
# would_if_insured: an insured-only rule's condition matches (uninsured → NOT_INSURED).
# Decided once per distinct (date, care type, code, insured, citizenship) in mon_combo
# (thousands, not millions), then copied onto the cases by a hash join.
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
      AND r.entitlement = 'insured' AND {_CONDITION})
"""
FUNDING_COPY = f"""
UPDATE mon_cc m SET funding = x.funding, would_if_insured = x.would_if_insured
FROM mon_combo x
WHERE x.service_date = m.service_date AND x.care_type_id = m.care_type_id
  AND x.icd_key = m.icd_key AND x.insured = m.insured
  AND x.citizenship IS NOT DISTINCT FROM m.citizenship AND {_DECIDABLE}
"""

# EXPECTED: the amount by the tariff in force on the service date: a КЗГ's case rate at
# the severity level; a bed-day rate × days (at least one); the sum of price × quantity
# of the services (prices looked up once per distinct code and date, mon_price); per-
# capita care (PHC) is paid by the norm and not checked here.
PRICES = """
CREATE TEMP TABLE mon_price ON COMMIT DROP AS
SELECT k.code, k.service_date, (
    SELECT p.price FROM {serviceprice} p
    WHERE p.code = k.code AND p.valid_from <= k.service_date
      AND (p.valid_to IS NULL OR p.valid_to >= k.service_date)
    ORDER BY p.valid_from DESC LIMIT 1) AS price
FROM (SELECT DISTINCT s.code, m.service_date FROM {service} s
      JOIN mon_cc m ON m.id = s.case_id
      WHERE NOT m.capitation AND m.kzg_code = '' AND m.bed_profile = '') k
"""
EXPECTED = """
UPDATE mon_cc m SET expected = t.amount, no_tariff = t.amount IS NULL
FROM (
  SELECT m2.id,
    CASE
      WHEN m2.kzg_code <> '' THEN (
        SELECT r.amount FROM {caserate} r
        WHERE r.code = m2.kzg_code AND r.severity = m2.severity
          AND r.care_type_id = m2.care_type_id
          AND r.valid_from <= m2.service_date
          AND (r.valid_to IS NULL OR r.valid_to >= m2.service_date)
        ORDER BY r.valid_from DESC LIMIT 1)
      ELSE (
        SELECT b.rate * greatest(1, m2.discharged_on - m2.admitted_on) FROM {bedday} b
        WHERE b.profile = m2.bed_profile AND b.valid_from <= m2.service_date
          AND (b.valid_to IS NULL OR b.valid_to >= m2.service_date)
        ORDER BY b.valid_from DESC LIMIT 1)
    END AS amount
  FROM mon_cc m2 WHERE NOT m2.capitation AND (m2.kzg_code <> '' OR m2.bed_profile <> '')
  UNION ALL
  SELECT s.case_id,
         CASE WHEN bool_and(p.price IS NOT NULL) THEN sum(p.price * s.quantity) END
  FROM {service} s
  JOIN mon_cc m3 ON m3.id = s.case_id
  LEFT JOIN mon_price p ON p.code = s.code AND p.service_date = m3.service_date
  WHERE NOT m3.capitation AND m3.kzg_code = '' AND m3.bed_profile = ''
  GROUP BY s.case_id
) t
WHERE t.id = m.id
"""

# CLEAR: the verdicts of an earlier control of these cases (a re-run decides anew).
CLEAR = "DELETE FROM {verdict} v USING mon_cc m WHERE v.case_id = m.id"

# The ИИН check digit (weights 1..11, then 3..11,1,2 when the first sum gives 10) and the
# century digit, as ``payers.validators.iin_problem``.
_D = "substr(m.iin, {n}, 1)::int"
_W1 = " + ".join(f"{w} * {_D.format(n=n)}" for n, w in enumerate(range(1, 12), start=1))
_W2 = " + ".join(f"{w} * {_D.format(n=n)}" for n, w in
                 enumerate([3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2], start=1))
IIN_VALID = (f"(m.iin ~ '^\\d{{12}}$' AND substr(m.iin, 7, 1) BETWEEN '1' AND '6' AND "
             f"(CASE WHEN mod({_W1}, 11) < 10 THEN mod({_W1}, 11) "
             f"WHEN mod({_W2}, 11) < 10 THEN mod({_W2}, 11) END) = {_D.format(n=12)})")

# VERDICTS: rule code → (SQL condition on mon_cc m, detail expression). Each becomes
# ``INSERT INTO verdict SELECT … FROM mon_cc m WHERE <condition>`` (VERDICT below).
VERDICTS = {
    "IIN_INVALID": (f"NOT {IIN_VALID}", "m.iin"),
    "PATIENT_UNKNOWN": (f"m.person_id IS NULL AND {IIN_VALID}", "m.iin"),
    "AFTER_DEATH": ("m.death_date < m.service_date", "'† ' || m.death_date::text"),
    "UNKNOWN_ICD10": ("NOT m.icd_known", "m.icd10"),
    "NOT_INSURED": ("m.person_id IS NOT NULL AND m.icd_known AND m.funding IS NULL "
                    "AND (m.death_date IS NULL OR m.death_date >= m.service_date) "
                    "AND m.would_if_insured AND NOT m.insured", "m.service_date::text"),
    "NOT_IN_PACKAGE": ("m.person_id IS NOT NULL AND m.icd_known AND m.funding IS NULL "
                       "AND (m.death_date IS NULL OR m.death_date >= m.service_date) "
                       "AND NOT (m.would_if_insured AND NOT m.insured)",
                       "m.care_code || ' / ' || m.icd10"),
    "NO_CONTRACT": ("""NOT EXISTS (
        SELECT 1 FROM {item} i JOIN {contract} k ON k.id = i.contract_id
        WHERE i.id = m.contract_item_id AND k.status = 'signed'
          AND k.signed_on <= (m.period + interval '1 month - 1 day')::date)""",
                    "m.care_code"),
    "NO_LICENCE": ("""NOT EXISTS (
        SELECT 1 FROM {licence} l WHERE l.provider_id = m.provider_id
          AND l.care_type_id = m.care_type_id AND l.issued_on <= m.service_date
          AND (l.valid_until IS NULL OR l.valid_until >= m.service_date))""", "m.care_code"),
    "NO_TARIFF": ("m.no_tariff", "coalesce(nullif(m.kzg_code, ''), nullif(m.bed_profile, ''), "
                                 "'services')"),
    "AMOUNT_MISMATCH": ("m.expected IS NOT NULL AND m.expected <> m.amount_claimed",
                        "m.amount_claimed::text || ' ≠ ' || m.expected::text"),
    "DATES_INCONSISTENT": ("""m.admitted_on > m.discharged_on
        OR greatest(m.service_date, m.discharged_on) > %(today)s
        OR m.submitted_on > (m.period + interval '1 month - 1 day')::date
                            + %(deadline_days)s::int""",
                           "concat_ws(' – ', m.admitted_on, m.discharged_on, "
                           "m.service_date, m.submitted_on)"),
    "DUPLICATE_SERVICE": ("""(NOT m.is_inpatient AND EXISTS (
        SELECT 1 FROM {case} o JOIN {service} os ON os.case_id = o.id
        JOIN {service} ms ON ms.case_id = m.id AND ms.code = os.code
        WHERE o.iin = m.iin AND o.service_date = m.service_date AND NOT o.is_inpatient
          AND o.id < m.id))
      OR (m.is_inpatient AND EXISTS (
        SELECT 1 FROM {case} o WHERE o.iin = m.iin AND o.service_date = m.service_date
          AND o.is_inpatient AND o.kzg_code = m.kzg_code AND o.id < m.id))""",
                          "m.service_date::text"),
    "OVERLAPPING_STAY": ("""m.is_inpatient AND EXISTS (
        SELECT 1 FROM {case} o WHERE o.iin = m.iin AND o.is_inpatient
          AND o.provider_id <> m.provider_id
          AND o.admitted_on < m.discharged_on AND m.admitted_on < o.discharged_on
          AND (o.admitted_on, o.id) < (m.admitted_on, m.id))""",
                         "m.admitted_on::text || ' – ' || m.discharged_on::text"),
    "OUTPATIENT_DURING_STAY": ("""NOT m.is_inpatient AND EXISTS (
        SELECT 1 FROM {case} o WHERE o.iin = m.iin AND o.is_inpatient
          AND o.provider_id <> m.provider_id
          AND o.admitted_on < m.service_date AND m.service_date < o.discharged_on)""",
                               "m.service_date::text"),
    "SEX_DIAGNOSIS": ("""m.sex IS NOT NULL AND EXISTS (
        SELECT 1 FROM mon_restriction r WHERE r.sex <> '' AND r.sex <> m.sex
          AND m.icd_key COLLATE "C" BETWEEN r.lo AND r.hi)""", "m.icd10 || ' / ' || m.sex"),
    "AGE_DIAGNOSIS": ("""m.birth_date IS NOT NULL AND EXISTS (
        SELECT 1 FROM mon_restriction r
        WHERE m.icd_key COLLATE "C" BETWEEN r.lo AND r.hi
          AND (date_part('year', age(m.service_date, m.birth_date)) < r.age_min
               OR date_part('year', age(m.service_date, m.birth_date)) > r.age_max))""",
                      "m.icd10 || ' / ' || date_part('year', age(m.service_date, "
                      "m.birth_date))::text"),
}
VERDICT = """
INSERT INTO {verdict} (case_id, rule_code, severity, detail, run_id)
SELECT m.id, %(code)s, %(severity)s, left(coalesce({detail}, ''), 300), %(run)s
FROM mon_cc m WHERE {condition}
"""

# OUTCOME: rejected on any failed reject rule, sent to review on a failed review rule,
# accepted otherwise (the risk score may still send an accepted case to review).
OUTCOME = """
UPDATE mon_cc m SET outcome = CASE WHEN v.rejects THEN 'rejected' ELSE 'review' END
FROM (SELECT case_id, bool_or(severity = 'reject') AS rejects FROM {verdict}
      WHERE run_id = %(run)s GROUP BY case_id) v
WHERE v.case_id = m.id
"""

# -- the risk score -----------------------------------------------------------------------
# RISK: indicator code → (FROM clause, SQL condition on the accepted cases k of mon_cc);
# ``%(parameter)s`` is the indicator's parameter. Each adds its weight and its code with
# one UPDATE … FROM (aggregates computed once, joined: no per-case subquery over the set).
RISK = {
    # an inpatient admission within N days of a discharge of the same patient with the
    # same ICD-10 category (any provider, any earlier month): an index probe per stay
    "READMISSION": ("", """k.is_inpatient AND EXISTS (
        SELECT 1 FROM {case} o WHERE o.iin = k.iin AND o.is_inpatient AND o.id <> k.id
          AND left(o.icd10, 3) = left(k.icd10, 3) AND o.discharged_on <= k.admitted_on
          AND k.admitted_on - o.discharged_on <= %(parameter)s::int)"""),
    # a stay over N times the month's mean length for the КЗГ, or under 1/N of it
    "STAY_DEVIATION": ("""(SELECT r.kzg_code, avg(greatest(1, r.discharged_on - r.admitted_on))
                           AS mean FROM mon_cc r WHERE r.is_inpatient AND r.kzg_code <> ''
                           GROUP BY r.kzg_code) a""",
                       """a.kzg_code = k.kzg_code AND k.is_inpatient
        AND (greatest(1, k.discharged_on - k.admitted_on) > a.mean * %(parameter)s
             OR greatest(1, k.discharged_on - k.admitted_on) * %(parameter)s < a.mean)"""),
    # a highest-severity case of a provider whose share of the highest severity among its
    # КЗГ cases is over N times the share of all providers together
    "HIGH_SEVERITY_SHARE": ("""(SELECT max(severity) AS top FROM mon_cc WHERE kzg_code <> '') t,
        (SELECT provider_id, avg((severity = (SELECT max(severity) FROM mon_cc
                                              WHERE kzg_code <> ''))::int) AS share
         FROM mon_cc WHERE kzg_code <> '' GROUP BY provider_id) p,
        (SELECT avg((severity = (SELECT max(severity) FROM mon_cc
                                 WHERE kzg_code <> ''))::int) AS share
         FROM mon_cc WHERE kzg_code <> '') everyone""",
                            """k.kzg_code <> '' AND k.severity = t.top
        AND p.provider_id = k.provider_id AND p.share > %(parameter)s * everyone.share"""),
    # a planned service or admission on a Saturday, Sunday or public holiday
    "HOLIDAY": ("", """k.form = 'planned' AND (extract(isodow FROM k.service_date) >= 6
        OR EXISTS (SELECT 1 FROM {holiday} h WHERE h.day = k.service_date))"""),
    # the patient said the care did not happen
    "PATIENT_REPORT": ("", "k.reported"),
}
RISK_ADD = """
UPDATE mon_cc k SET score = k.score + %(weight)s, codes = k.codes || %(code)s || ','
{from_clause}
WHERE k.outcome = 'accepted' AND {condition}
"""
# PICK: per provider, the ceil(share × accepted cases) riskiest cases with a score > 0
# (ties: the earlier case), and every case a patient reported, go to expert review.
PICK = """
WITH ranked AS (
  SELECT k.id, k.score, k.codes,
         row_number() OVER (PARTITION BY k.provider_id ORDER BY k.score DESC, k.id) AS rank,
         count(*) OVER (PARTITION BY k.provider_id) AS total
  FROM mon_cc k WHERE k.outcome = 'accepted'
)
UPDATE mon_cc m SET outcome = 'review'
FROM ranked r
WHERE m.id = r.id AND r.score > 0
  AND (r.rank <= ceil(%(share)s * r.total) OR r.codes LIKE '%%PATIENT_REPORT%%')
"""
# WRITE: the decision onto the cases, one UPDATE of the month.
WRITE = """
UPDATE {case} c SET
  funding_source = coalesce(m.funding, ''), amount_expected = m.expected,
  control_run_id = %(run)s, outcome = m.outcome, risk_score = m.score,
  risk_reasons = to_jsonb(array_remove(string_to_array(m.codes, ','), ''))
FROM mon_cc m WHERE c.id = m.id
"""
# OPEN_REVIEWS: a review for every case of the month sent to review without one yet
# (by a review rule, by the risk score, or by the patient's report).
OPEN_REVIEWS = """
INSERT INTO {review} (case_id, reason, status, conclusion, deduction, dispute_reason,
                      dispute_decision, opened_at)
SELECT m.id,
       CASE WHEN m.reported THEN 'patient' WHEN m.score > 0 THEN 'risk' ELSE 'control' END,
       'open', '', 0, '', '', %(now)s
FROM mon_cc m WHERE m.outcome = 'review'
"""
