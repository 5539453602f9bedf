"""The payers app's pages in the sidebar's «Tools» (``osms.core.navigation``)."""

from django.utils.translation import gettext_lazy as _

from osms.core.navigation import Tool
from osms.core.scoping import user_has_model_permission


def may_use_calculator(request):
    """The calculator reads the contribution rules: whoever may view them may use it."""
    from .models import ContributionRate

    return user_has_model_permission(request.user, ContributionRate, "view")


admin_tools = [Tool(title=_("Contributions calculator"), icon="calculate",
                    url_name="admin:payers_calculator", permission=may_use_calculator)]
