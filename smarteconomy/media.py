"""Uploaded files (listing photos, stored import files) served behind the permission checks of their records.

``/media/<name>`` finds the record that holds the file (any model's FileField or ImageField whose ``upload_to``
the name falls under) and serves the file only to a user who may see that record: the model's view permission,
its ``visible_to`` scope, and the record's own ``file_visible_to(user)`` when it has one (an import's file: the
uploading office only, since the file holds the rows as uploaded). Any other case is a 404, as if the file did not
exist; an anonymous visitor is sent to the login page.

Django streams the file (FileResponse). With DJANGO_MEDIA_ACCEL_REDIRECT set (e.g. ``/protected-media/``) the
view only checks and answers with ``X-Accel-Redirect``: nginx, with an ``internal`` location of that name aliased
to DJANGO_MEDIA_ROOT, sends the file itself (see the README, "Running in production")."""

import mimetypes
import posixpath
from urllib.parse import quote

from django.apps import apps
from django.conf import settings
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import SuspiciousFileOperation
from django.core.files.storage import default_storage
from django.db import models
from django.http import FileResponse, Http404, HttpResponse
from django.views import View

# Images are shown in the page; anything else (an import's CSV or XLSX) is downloaded, never rendered by the browser.
INLINE_TYPES = frozenset({"image/jpeg", "image/png", "image/webp"})


def _static_prefix(upload_to):
    """``listings/%Y/%m/`` -> ``listings/``: the part of ``upload_to`` before its first date placeholder."""
    if not isinstance(upload_to, str) or not upload_to:
        return None
    prefix = upload_to.split("%", 1)[0]
    return prefix if prefix.endswith("/") else None


def file_fields():
    """[(model, field name, prefix)] of every FileField of the product (the change-history copies excluded)."""
    found = []
    for model in apps.get_models():
        if model._meta.model_name.startswith("historical"):
            continue
        for field in model._meta.concrete_fields:
            if isinstance(field, models.FileField):
                prefix = _static_prefix(field.upload_to)
                if prefix:
                    found.append((model, field.name, prefix))
    return found


def clean_name(path):
    """The stored name asked for, or None for anything that is not a plain relative path (``..``, ``/x``, ``\\``,
    NUL, empty parts): those are refused before any lookup."""
    if not path or "\x00" in path or "\\" in path or path.startswith("/"):
        return None
    if posixpath.normpath(path) != path or any(part in ("", ".", "..") for part in path.split("/")):
        return None
    return path


def record_for(user, name):
    """The record that holds the file ``name``, if ``user`` may see it; else None."""
    for model, field_name, prefix in file_fields():
        if not name.startswith(prefix):
            continue
        meta = model._meta
        if not user.has_perm(f"{meta.app_label}.view_{meta.model_name}"):
            continue
        queryset = model._default_manager.all()
        if hasattr(queryset, "visible_to"):
            queryset = queryset.visible_to(user)
        for record in queryset.filter(**{field_name: name})[:1]:
            check = getattr(record, "file_visible_to", None)
            if check is None or check(user):
                return record
    return None


class MediaFileView(LoginRequiredMixin, View):
    """``/media/<name>``: an uploaded file, to the users who may see the record it belongs to."""

    def get(self, request, path):
        name = clean_name(path)
        if name is None or record_for(request.user, name) is None:
            raise Http404
        content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
        inline = content_type in INLINE_TYPES
        accel = settings.MEDIA_ACCEL_REDIRECT
        if accel:
            response = HttpResponse(content_type=content_type)
            response["X-Accel-Redirect"] = accel.rstrip("/") + "/" + quote(name)
        else:
            try:
                handle = default_storage.open(name, "rb")
            except (FileNotFoundError, SuspiciousFileOperation):
                raise Http404 from None  # the record is there, its file was deleted (retention)
            response = FileResponse(handle, content_type=content_type)
        disposition = "inline" if inline else "attachment"
        response["Content-Disposition"] = f'{disposition}; filename="{posixpath.basename(name)}"'
        response["Cache-Control"] = "private, max-age=3600" if inline else "private, no-store"
        response["X-Content-Type-Options"] = "nosniff"
        return response
