import sys
import types

import pytest

from packages.icd10_load import icd10_load

# The codes the package tests use: loaded with their ancestors, not the whole classification.
TEST_CODES = [
    "A15.0", "B18.1", "B20", "C34.9", "D66", "E11.9", "F20", "G40.9", "I05", "I10", "I25.9",
    "J18.9", "K02.1", "K74.6", "M05", "S72.0", "Z00.0", "Z52.4",
]


@pytest.fixture
def icd10_subset(db):
    return icd10_load(codes=TEST_CODES)


@pytest.fixture
def fake_coverage(monkeypatch):
    """Replace coverage.selectors.coverage_on with a table {iin: insured}."""

    def install(table):
        def coverage_on(*, iin, on):
            if iin not in table:
                return None
            return types.SimpleNamespace(insured=table[iin], on=on)

        try:
            import coverage.selectors as module
        except ImportError:
            monkeypatch.setitem(
                sys.modules, "coverage.selectors", types.SimpleNamespace(coverage_on=coverage_on)
            )
        else:
            monkeypatch.setattr(module, "coverage_on", coverage_on)

    return install


@pytest.fixture(autouse=True)
def english():
    """Messages are asserted in the English source language."""
    from django.utils import translation

    with translation.override("en"):
        yield
