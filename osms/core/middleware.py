"""Language choice: the user's explicit choice, else Russian (or Kazakh if the browser asks).

Django's LocaleMiddleware follows the browser's Accept-Language, so an operator
whose browser says en-US would get English. The Fund's admin is Russian by
default; Kazakh and English are a click away (the language menu sets a cookie).
"""

from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


class FundLocaleMiddleware(LocaleMiddleware):
    def process_request(self, request):
        supported = {code for code, _name in settings.LANGUAGES}
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if chosen in supported:
            language = chosen
        else:
            # Browsers say en-US far more often than their users mean it: Russian or Kazakh
            # from the browser are honoured, English only as an explicit choice.
            from_browser = translation.get_language_from_request(request)
            language = from_browser if from_browser in ("ru", "kk") else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
