"""The JSON API's answer to a body over DATA_UPLOAD_MAX_MEMORY_SIZE: 413 with a message, in the API's error shape.

DRF reads a JSON body through ``request.body``, where Django refuses one larger than DATA_UPLOAD_MAX_MEMORY_SIZE
(RequestDataTooBig) before parsing it; left to Django, that is a bare HTML "400 Bad Request"."""

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.utils.translation import gettext as _
from rest_framework import status
from rest_framework.exceptions import APIException
from rest_framework.views import exception_handler as drf_exception_handler


class BodyTooLarge(APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "body_too_large"


def exception_handler(exc, context):
    if isinstance(exc, RequestDataTooBig):
        exc = BodyTooLarge(
            _("The request body is larger than %(max).1f MB, the most that is accepted. Send fewer rows at a time.")
            % {"max": settings.DATA_UPLOAD_MAX_MEMORY_SIZE / (1024 * 1024)}
        )
    return drf_exception_handler(exc, context)
