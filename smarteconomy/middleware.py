"""Bahasa Indonesia for everyone until the user picks English with the language switch.

Django's LocaleMiddleware would follow the browser's Accept-Language header, and most office PCs run an
English browser; the product's language is Indonesian, so only the user's own choice (the language
cookie set by the switch) changes it.
"""

from django.conf import settings
from django.utils import translation
from django.utils.cache import patch_vary_headers


class LanguageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.available = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in self.available else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        patch_vary_headers(response, ("Cookie",))
        response.headers.setdefault("Content-Language", language)
        # Like Django's LocaleMiddleware, the language stays active after the response (every request
        # activates its own), so that lazily translated texts rendered afterwards use the same language.
        return response
