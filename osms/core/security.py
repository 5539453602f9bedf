"""Response hardening: the Content-Security-Policy header and the login-lockout answer.

Django 5.2 has no CSP of its own; the policy is ``settings.CONTENT_SECURITY_POLICY``
({directive: [sources]}). A view may set its own header first; it is kept.
"""

from django.conf import settings
from django.http import HttpResponseBadRequest, JsonResponse
from django.http.multipartparser import MultiPartParserError
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


class RejectNulMiddleware:
    """400 for a request whose query string, form fields or JSON body carry a NUL character.

    PostgreSQL text cannot hold NUL: a ``?status=%00`` filter or a form field with one
    otherwise reaches the database and fails there as a 500. No legitimate input has one.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            has_nul = self._has_nul(request)
        except MultiPartParserError:
            message = _("The form data could not be read.")
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": message}, status=400)
            return HttpResponseBadRequest(message)
        if has_nul:
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": _("Text may not contain NUL characters.")},
                                    status=400)
            return HttpResponseBadRequest(_("Text may not contain NUL characters."))
        return self.get_response(request)

    @staticmethod
    def _has_nul(request):
        if "%00" in request.META.get("QUERY_STRING", "") or "\x00" in request.path:
            return True
        content_type = request.META.get("CONTENT_TYPE", "")
        if request.method in ("POST", "PUT", "PATCH") and (
                content_type.startswith("application/x-www-form-urlencoded")
                or content_type.startswith("application/json")):
            body = request.body  # small bodies only: uploads are multipart
            return b"%00" in body or b"\\u0000" in body or b"\x00" in body
        if request.method in ("POST", "PUT", "PATCH") and content_type.startswith(
                "multipart/form-data"):
            # Form fields only: an uploaded file's bytes are the importer's to judge. Django
            # parses the body once; DRF then reuses request.POST/FILES.
            return any("\x00" in name or any("\x00" in value for value in values)
                       for name, values in request.POST.lists())
        return False
