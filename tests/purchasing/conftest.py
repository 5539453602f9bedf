import pytest
from django.utils import translation

from tests.purchasing.scenario import build


@pytest.fixture
def almaty_scenario(almaty):
    return build(almaty, prefix="alm")


@pytest.fixture
def astana_scenario(astana):
    return build(astana, prefix="ast")


@pytest.fixture(autouse=True)
def english_messages():
    """Services' messages are asserted in the English source; views use the request language."""
    with translation.override("en"):
        yield
