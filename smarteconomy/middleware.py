"""Bahasa Indonesia for everyone until the user picks English with the language switch.

Django's LocaleMiddleware would follow the browser's Accept-Language header, and most office PCs run an
English browser; the product's language is Indonesian, so only the user's own choice (the language
cookie set by the switch) changes it.
"""

import errno
import logging
import time

from django.conf import settings
from django.core.exceptions import BadRequest
from django.shortcuts import render
from django.utils import translation
from django.utils.cache import patch_vary_headers

from .uploads import refusal_message

logger = logging.getLogger(__name__)


class IdleTimeoutMiddleware:
    """The idle timeout (SESSION_COOKIE_AGE, 30 minutes) without a database write on every request: a request marks
    the session changed, so that SessionMiddleware saves it and moves its end 30 minutes ahead, when it was last so
    refreshed SESSION_REFRESH_SECONDS ago or more (its time is kept in the session). A session thus ends between 29
    and 30 idle minutes after the last request. A session with nothing in it (a visitor never signed in) is left
    alone. Placed right after SessionMiddleware, so that it answers before that middleware saves."""

    KEY = "_refreshed_at"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is not None and not session.is_empty():
            now = int(time.time())
            if now - session.get(self.KEY, 0) >= settings.SESSION_REFRESH_SECONDS:
                session[self.KEY] = now
        return response

    @classmethod
    def refreshed_at_login(cls, sender, request, user, **kwargs):
        """A login saves a new session with the full 30 minutes: its refresh time starts there (a user_logged_in
        receiver), so the first pages after it write nothing either."""
        if hasattr(request, "session"):
            request.session[cls.KEY] = int(time.time())


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


class UploadGuardMiddleware:
    """Reads a multipart body before any other middleware does (the CSRF check reads it too), so that a disk
    that is full while the upload is stored in a temporary file gives a clear page, not a server error.
    Placed after the language middleware (the page is translated) and before CsrfViewMiddleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # The JSON API parses its own bodies (and refuses a form with 415): leave them unread.
        if (
            request.method == "POST"
            and request.content_type == "multipart/form-data"
            and not request.path.startswith("/api/")
        ):
            try:
                request.POST  # noqa: B018  (parses the body and stores the files)
            except OSError as exc:
                if exc.errno != errno.ENOSPC:
                    raise
                logger.error("upload refused: no space left on the device for the temporary file")
                from .importing.base import DISK_FULL_MESSAGE

                return render(request, "upload_refused.html", {"message": DISK_FULL_MESSAGE}, status=507)
            # An oversized file was stopped while it arrived (SizeLimitUploadHandler): whatever page it was sent
            # to says so, rather than running with the file missing (an optional photo silently dropped).
            message = refusal_message(request)
            if message:
                logger.warning("upload refused: %s bytes sent to %s", request.upload_too_large, request.path)
                return render(request, "upload_refused.html", {"message": message}, status=413)
        return self.get_response(request)


class NulCharacterMiddleware:
    """A NUL character in a page's address (path or query string, e.g. ``%00``) is a bad request, answered 400
    before any view runs: PostgreSQL cannot take it in a text parameter and would fail the query with a server
    error. Form fields already refuse it (Django's ProhibitNullCharactersValidator), and the JSON API checks its
    own parameters (its answers are in its schema), so /api/ is left to it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        query = request.META.get("QUERY_STRING", "")
        if not request.path.startswith("/api/") and ("\x00" in request.path or "\x00" in query or "%00" in query):
            raise BadRequest("NUL character in the address")
        return self.get_response(request)
