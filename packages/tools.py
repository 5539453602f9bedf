"""The packages app's pages in the sidebar's «Tools» (``osms.core.navigation``)."""

from django.utils.translation import gettext_lazy as _

from osms.core.navigation import Tool


def may_check_eligibility(request):
    """The eligibility check's own rule (``packages.eligibility.may_check_eligibility``)."""
    from .eligibility import may_check_eligibility as allowed

    return allowed(request.user)


admin_tools = [Tool(title=_("Check eligibility"), icon="fact_check",
                    url_name="admin:packages_packageversion_eligibility_tool",
                    permission=may_check_eligibility)]
