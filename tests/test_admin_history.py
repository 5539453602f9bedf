"""Every admin object page has a working history page, tracked by simple-history or not."""

import pytest
from django.contrib import admin

from osms.core.admin_mixins import OsmsModelAdmin


@pytest.mark.parametrize(
    "model_admin",
    [ma for ma in admin.site._registry.values() if isinstance(ma, OsmsModelAdmin)],
    ids=lambda ma: ma.model._meta.label,
)
def test_history_template_matches_tracking(model_admin):
    tracked = hasattr(model_admin.model._meta, "simple_history_manager_attribute")
    template = model_admin.object_history_template
    if tracked:
        assert template == "simple_history/object_history.html"
    else:
        assert template in (None, "admin/object_history.html")


def test_untracked_model_history_page_answers(client, db):
    """core.User has no HistoricalRecords: its history page is Django's log-entry page."""
    from django.urls import reverse

    from tests.factories import UserFactory

    assert not hasattr(admin.site._registry[type(UserFactory._meta.model())].model._meta,
                       "simple_history_manager_attribute")
    superuser = UserFactory(is_superuser=True)
    client.force_login(superuser)
    response = client.get(reverse("admin:core_user_history", args=[superuser.pk]))
    assert response.status_code == 200
