import pytest

from tests.purchasing.scenario import build


@pytest.fixture
def almaty_scenario(almaty):
    return build(almaty, prefix="alm")


@pytest.fixture
def astana_scenario(astana):
    return build(astana, prefix="ast")
