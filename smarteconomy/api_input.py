"""What the product's one JSON API takes from a request, refused with a 400 that says why when it is not what the
API gave or accepts: the body parser and the cursor of a paginated list; and a body too large, refused with a 413
(settings.REST_FRAMEWORK names all three). A write refused by the lock of an approved period is a 409
(``period_locked_response``).

DRF's own classes let two crafted inputs through to a server error: a JSON body nested thousands of levels deep
(Python's parser gives up with a RecursionError, which DRF does not catch), and a cursor, well formed, whose
position is not a value of the list's ordering field (``?cursor=bz0xJnA9JTI3`` is ``o=1&p='``: DRF passed ``'`` to
the id lookup).
"""

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist, RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from rest_framework import pagination, parsers, status
from rest_framework.exceptions import APIException, NotFound, ParseError, ValidationError
from rest_framework.response import Response

from .sources import PeriodLocked

# No request body of this API goes deeper than a few levels ({"transactions": [{...}]} is three).
MAX_JSON_DEPTH = 20


def json_depth_exceeds(data, limit):
    """Whether lists and objects nest more than ``limit`` levels deep in ``data`` (without recursion)."""
    stack = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict):
            children = value.values()
        elif isinstance(value, list):
            children = value
        else:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children)
    return False


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser; a body nested more than MAX_JSON_DEPTH levels deep is a 400."""

    def parse(self, stream, media_type=None, parser_context=None):
        too_deep = ParseError(
            gettext("The JSON body nests more than %(depth)d levels deep.") % {"depth": MAX_JSON_DEPTH}
        )
        try:
            data = super().parse(stream, media_type=media_type, parser_context=parser_context)
        except RecursionError:
            raise too_deep from None
        if json_depth_exceeds(data, MAX_JSON_DEPTH):
            raise too_deep
        return data


class CursorPagination(pagination.CursorPagination):
    """DRF's cursor pagination; a cursor that is not one the list gave is a 400 on the ``cursor`` parameter (DRF
    answers a malformed one with a 404, as if the list did not exist, and a position that is not a value of the
    ordering field was a server error). Its cursors hold the position of a row in the list's ordering field,
    which must not be personal data: order by a key."""

    invalid_cursor_message = _("This cursor is not one this list gave; start again from the first page.")

    def paginate_queryset(self, queryset, request, view=None):
        self._model = queryset.model
        return super().paginate_queryset(queryset, request, view)

    def decode_cursor(self, request):
        refused = ValidationError({self.cursor_query_param: [self.invalid_cursor_message]})
        try:
            cursor = super().decode_cursor(request)
        except NotFound:
            raise refused from None
        if cursor is not None and cursor.position is not None:
            name = self.ordering[0].lstrip("-")
            try:
                field = self._model._meta.pk if name == "pk" else self._model._meta.get_field(name)
                field.to_python(cursor.position)
            except (FieldDoesNotExist, DjangoValidationError):
                raise refused from None
        return cursor


class BodyTooLarge(APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "body_too_large"


def period_locked_body(detail, details):
    """The body of a 409 for a write refused by a locked period: the API's error shape (``detail``, a sentence:
    the source, the period, who locked it and when, and how to ask for a reopening) with ``code``
    "period_locked" and the same facts as fields (``source``, ``source_name``, ``part``, ``periods``,
    ``locked_by``, ``locked_at``, ``locks``, ``reopen``), from smarteconomy.sources.lock_details."""
    return {"detail": detail, **details}


def period_locked_response(exc):
    return Response(period_locked_body(" ".join(exc.messages), exc.details()), status=status.HTTP_409_CONFLICT)


def exception_handler(exc, context):
    """DRF's handler, and a body over DATA_UPLOAD_MAX_MEMORY_SIZE answered with a 413 and a message in the API's
    error shape: DRF reads a JSON body through ``request.body``, where Django refuses one that large
    (RequestDataTooBig) before parsing it; left to Django, that is a bare HTML "400 Bad Request"."""
    if isinstance(exc, RequestDataTooBig):
        exc = BodyTooLarge(
            gettext(
                "The request body is larger than %(max).1f MB, the most that is accepted. Send fewer rows at a time."
            )
            % {"max": settings.DATA_UPLOAD_MAX_MEMORY_SIZE / (1024 * 1024)}
        )
    if isinstance(exc, PeriodLocked):  # a Django ValidationError, which DRF would leave to a server error
        return period_locked_response(exc)
    # Imported here: rest_framework.views reads the API settings, which name this module's parser and paginator,
    # so importing it at the top makes the import order decide whether this module loads (a circular import).
    from rest_framework.views import exception_handler as drf_exception_handler

    return drf_exception_handler(exc, context)
