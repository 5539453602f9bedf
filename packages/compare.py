"""What changed between two package versions: care that moved between funding
sources, and diseases added to, removed from or moved between sources.

Diseases are matched across versions by the item ``code`` of the disease lists
the rules reference, so «arterial_hypertension» of the 2025 ГОБМП list and of the
2026 ОСМС list are the same disease.
"""

import io
from dataclasses import dataclass

from django.utils.translation import gettext as _

from osms.core.workbooks import new_workbook

from .models import CareType, Entitlement


@dataclass
class CareRow:
    """The rules of one care type in both versions. ``changed`` compares their shape
    (source, who is entitled, any condition or a list), not the lists' names: a list
    replaced by its next edition shows in the disease table, not here."""

    care_type: CareType
    before: str
    after: str
    before_shape: tuple = ()
    after_shape: tuple = ()

    @property
    def changed(self):
        return self.before_shape != self.after_shape


@dataclass
class DiseaseRow:
    care_type: CareType
    code: str
    name: str
    ranges: str
    before: str | None
    after: str | None

    @property
    def change(self):
        if self.before and self.after:
            return _("moved") if self.before != self.after else _("unchanged")
        return _("added") if self.after else _("removed")


@dataclass
class Comparison:
    before: object
    after: object
    care: list
    diseases: list

    @property
    def care_changes(self):
        return [row for row in self.care if row.changed]

    @property
    def disease_changes(self):
        return [row for row in self.diseases if row.before != row.after]


def _rule_label(rule):
    scope = rule.disease_list.name if rule.disease_list_id else _("any condition")
    return f"{rule.funding_source}: {scope} [{Entitlement(rule.entitlement).label}]"


def _rule_shape(rule):
    return (rule.funding_source, rule.entitlement, rule.disease_list_id is not None)


def _rules_by_care(version):
    rules = {}
    queryset = (version.rules.select_related("care_type", "disease_list")
                .prefetch_related("disease_list__items").order_by("order"))
    for rule in queryset:
        rules.setdefault(rule.care_type_id, []).append(rule)
    return rules


def _diseases(rules):
    """{item code: (item, source)} from the lists of the rules; the first rule wins."""
    found = {}
    for rule in rules:
        if rule.disease_list_id is None:
            continue
        for item in rule.disease_list.items.all():
            found.setdefault(item.code, (item, rule.funding_source))
    return found


def compare_versions(*, before, after):
    rules_a, rules_b = _rules_by_care(before), _rules_by_care(after)
    care_rows, disease_rows = [], []
    for care in CareType.objects.order_by("sort_order", "code"):
        a, b = rules_a.get(care.pk, []), rules_b.get(care.pk, [])
        if not a and not b:
            continue
        care_rows.append(CareRow(care, "\n".join(map(_rule_label, a)) or "—",
                                 "\n".join(map(_rule_label, b)) or "—",
                                 tuple(map(_rule_shape, a)), tuple(map(_rule_shape, b))))
        da, db = _diseases(a), _diseases(b)
        for code in sorted(set(da) | set(db), key=lambda c: (db.get(c) or da.get(c))[0].number):
            item = (db.get(code) or da.get(code))[0]
            disease_rows.append(DiseaseRow(
                care, code, item.name, item.icd10_ranges,
                da[code][1] if code in da else None, db[code][1] if code in db else None,
            ))
    return Comparison(before, after, care_rows, disease_rows)


def comparison_xlsx(comparison):
    """The comparison as an Excel workbook (bytes): sheets «Care» and «Diseases»."""
    buffer = io.BytesIO()
    book = new_workbook(buffer, {"in_memory": True})
    bold = book.add_format({"bold": True})
    wrap = book.add_format({"text_wrap": True, "valign": "top"})
    a, b = comparison.before.code, comparison.after.code

    sheet = book.add_worksheet(_("Care"))
    sheet.write_row(0, 0, [_("Type of care"), _("Code"), a, b, _("Changed")], bold)
    for i, row in enumerate(comparison.care, start=1):
        sheet.write_row(i, 0, [row.care_type.name, row.care_type.code, row.before, row.after,
                               _("yes") if row.changed else _("no")], wrap)
    sheet.set_column(0, 0, 40)
    sheet.set_column(2, 3, 70)

    sheet = book.add_worksheet(_("Diseases"))
    sheet.write_row(0, 0, [_("Type of care"), _("Disease"), _("ICD-10"), a, b, _("Change")], bold)
    for i, row in enumerate(comparison.disease_changes, start=1):
        sheet.write_row(i, 0, [row.care_type.name, row.name, row.ranges, row.before or "—",
                               row.after or "—", row.change])
    sheet.set_column(0, 1, 45)
    sheet.set_column(2, 2, 25)
    book.close()
    return buffer.getvalue()
