"""Response hardening: the Content-Security-Policy header and the login-lockout answer.

Django 5.2 has no CSP of its own; the policy is ``settings.CONTENT_SECURITY_POLICY``
({directive: [sources]}). A view may set its own header first; it is kept.
"""

from django.conf import settings
from django.http import JsonResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _


def policy_header(policy):
    return "; ".join(f"{name} {' '.join(sources)}".strip() for name, sources in policy.items())


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.header = policy_header(getattr(settings, "CONTENT_SECURITY_POLICY", {}))

    def __call__(self, request):
        response = self.get_response(request)
        if self.header and "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = self.header
        return response


def lockout_message():
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return _(
        "Too many failed sign-in attempts for this user name from your address. Sign-in is "
        "blocked for %(minutes)s minutes; an administrator can unlock it sooner."
    ) % {"minutes": minutes}


def lockout_response(request, original_response=None, credentials=None):
    """django-axes' ``AXES_LOCKOUT_CALLABLE``: 429 with a clear message (JSON for the API)."""
    message = lockout_message()
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message}, status=429)
    return TemplateResponse(request, "osms/locked_out.html", {"message": message},
                            status=429).render()
