"""The operators' JSON API, part of the product's one API (the same settings, authentication and OpenAPI
schema as analytics/api.py): push a batch of transactions for a location, read back its daily summaries.

A parking operator authenticates with its own token (``Authorization: Token <key>``, one per operator user,
issued by the administrators) and reaches only the locations it is a member of: another location is 404.
A pushed batch goes through the same importer as an uploaded file (same checks, all or nothing, idempotent,
conflicts reported) and is recorded as an ImportBatch."""

import csv
import io
from datetime import date, timedelta

from django.db.models import Sum
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from analytics.api import ErrorSerializer  # the one API's error shape
from smarteconomy.api_input import period_locked_body
from smarteconomy.choices import ImportStatus
from smarteconomy.sources import lock_details_of

from . import selectors
from .choices import PaymentMethod, TransactionStatus, VehicleClass
from .ingest import COLUMNS, MAX_AMOUNT
from .services import parking_transactions_import
from .sources import PARKING_SOURCE

MAX_BATCH = 10_000
MAX_SUMMARY_DAYS = 366


class CanReadParking(IsAuthenticated):
    def has_permission(self, request, view):
        return super().has_permission(request, view) and request.user.has_perm("cashless.view_dailysummary")


def visible_location(request, code):
    """The location with this code if the user may see it, else 404 (another operator's location too)."""
    if "\x00" in code:  # "%00" in the URL: no code has it, and PostgreSQL cannot even compare it (a 500)
        raise Http404
    return get_object_or_404(selectors.location_list(user=request.user), code=code)


# --- Serializers --------------------------------------------------------------------------------------------------


class TransactionInSerializer(serializers.Serializer):
    """One transaction as in the CSV file. Only the shape is checked here; the importer checks the values."""

    transaction_id = serializers.CharField(max_length=64)
    entry_time = serializers.CharField(help_text="ISO 8601; without an offset the time is WITA.")
    exit_time = serializers.CharField(required=False, allow_blank=True, allow_null=True)
    vehicle_class = serializers.ChoiceField(choices=VehicleClass.choices)
    amount = serializers.IntegerField(min_value=0, max_value=MAX_AMOUNT, help_text="Whole rupiah.")
    payment_method = serializers.ChoiceField(choices=PaymentMethod.choices)
    issuer = serializers.CharField(required=False, allow_blank=True, allow_null=True, max_length=60)
    status = serializers.ChoiceField(choices=TransactionStatus.choices)
    failure_reason = serializers.CharField(required=False, allow_blank=True, allow_null=True, max_length=200)
    gate = serializers.CharField(required=False, allow_blank=True, allow_null=True, max_length=60)


class PushSerializer(serializers.Serializer):
    # A ListField (not many=True) so that the schema states the bounds (minItems, maxItems).
    transactions = serializers.ListField(
        child=TransactionInSerializer(),
        min_length=1,
        max_length=MAX_BATCH,
        help_text=f"From 1 to {MAX_BATCH:,} transactions.",
    )


class RowErrorSerializer(serializers.Serializer):
    index = serializers.IntegerField(allow_null=True, help_text="Position in `transactions` (from 0), or null.")
    field = serializers.CharField(allow_blank=True)
    message = serializers.CharField()


class PushResultSerializer(serializers.Serializer):
    batch = serializers.IntegerField(help_text="The ImportBatch recording this push.")
    status = serializers.ChoiceField(choices=ImportStatus.choices)
    message = serializers.CharField()
    received = serializers.IntegerField()
    created = serializers.IntegerField(help_text="New transactions; those already stored identically are skipped.")
    errors_count = serializers.IntegerField()
    errors = RowErrorSerializer(many=True)


ERRORS = {
    401: ErrorSerializer,
    403: ErrorSerializer,
    404: OpenApiResponse(ErrorSerializer, description="No such location, or another operator's location."),
}


class LocationSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    operator_name = serializers.CharField()


class SummarySerializer(serializers.Serializer):
    business_date = serializers.DateField()
    payment_method = serializers.ChoiceField(choices=PaymentMethod.choices)
    vehicle_class = serializers.ChoiceField(choices=VehicleClass.choices)
    status = serializers.ChoiceField(choices=TransactionStatus.choices)
    count = serializers.IntegerField()
    amount = serializers.IntegerField(help_text="Whole rupiah.")


# --- Views ----------------------------------------------------------------------------------------------------------


class LocationListView(APIView):
    """The parking locations the caller may read (an operator: its own)."""

    permission_classes = [CanReadParking]

    @extend_schema(
        summary="Parking locations",
        responses={200: LocationSerializer(many=True), 401: ErrorSerializer, 403: ErrorSerializer},
    )
    def get(self, request):
        return Response(LocationSerializer(selectors.location_list(user=request.user), many=True).data)


def _to_csv(rows):
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow(["" if row.get(name) is None else str(row[name]) for name in COLUMNS])
    return buffer.getvalue().encode()


class TransactionPushView(APIView):
    """Push a batch of transactions of one location (the same checks as an uploaded file)."""

    permission_classes = [CanReadParking]

    @extend_schema(
        summary="Push transactions of a location",
        description=(
            f"At most {MAX_BATCH:,} transactions a request, all or nothing. Re-sending a batch adds nothing; a "
            "transaction id already stored with other content is a conflict (422), never overwritten. "
            "`?dry_run=true` checks without writing."
        ),
        parameters=[
            OpenApiParameter("code", OpenApiTypes.STR, OpenApiParameter.PATH, description="Location code."),
            OpenApiParameter("dry_run", OpenApiTypes.BOOL),
        ],
        request=PushSerializer,
        responses={
            201: PushResultSerializer,
            200: PushResultSerializer,
            422: PushResultSerializer,
            409: OpenApiResponse(
                PushResultSerializer,
                description=(
                    "Transactions dated in a month approved (locked) for this location: nothing written. Beside "
                    'the result, `detail` (the sentence to show), `code` "period_locked", `source`, `part`, '
                    "`periods`, `locked_by`, `locked_at`, `locks` and `reopen` (how to ask for a reopening)."
                ),
            ),
            400: OpenApiResponse(OpenApiTypes.OBJECT, description="Not a batch of transactions (field errors)."),
            413: OpenApiResponse(
                ErrorSerializer,
                description="A body over 2.5 MB (DATA_UPLOAD_MAX_MEMORY_SIZE): send fewer transactions at a time.",
            ),
            **ERRORS,
        },
    )
    def post(self, request, code):
        location = visible_location(request, code)
        if not request.user.has_perm("cashless.add_parkingtransaction"):
            raise PermissionDenied("Only the location's operator may push transactions.")
        items = request.data.get("transactions") if isinstance(request.data, dict) else None
        if isinstance(items, list) and len(items) > MAX_BATCH:
            raise ValidationError({"transactions": [f"At most {MAX_BATCH} transactions per request."]})
        serializer = PushSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        rows = serializer.validated_data["transactions"]
        dry_run = request.query_params.get("dry_run", "").lower() in ("1", "true", "yes")
        batch = parking_transactions_import(
            location=location,
            data=_to_csv(rows),
            filename=f"api-{location.code}-{timezone.now():%Y%m%dT%H%M%S}.csv",
            user=request.user,
            dry_run=dry_run,
            source="api",
        )
        result = {
            "batch": batch.pk,
            "status": batch.status,
            "message": batch.message,
            "received": len(rows),
            "created": batch.rows_created,
            "errors_count": batch.errors_count,
            "errors": [
                {
                    "index": error["row"] - 2 if error["row"] else None,
                    "field": error["column"],
                    "message": error["message"],
                }
                for error in batch.errors
            ],
        }
        locked = [error for error in batch.errors if error.get("code") == "period_locked"]
        if batch.status == ImportStatus.COMMITTED:
            code_ = status.HTTP_201_CREATED if batch.rows_created else status.HTTP_200_OK
        elif batch.status == ImportStatus.VALIDATED:
            code_ = status.HTTP_200_OK
        elif locked:
            # Transactions in a month Bappeda approved for this location: 409, nothing written, with the lock's
            # facts beside the rows (each row's error names the locked period too).
            details = lock_details_of(PARKING_SOURCE, {error["period"] for error in locked}, part=location.code)
            result = {**period_locked_body(locked[0]["message"], details), **result}
            code_ = status.HTTP_409_CONFLICT
        else:
            code_ = status.HTTP_422_UNPROCESSABLE_ENTITY
        return Response(result, status=code_)


def _date_param(request, name, default):
    if name not in request.query_params:
        return default
    text = request.query_params[name]
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValidationError({name: ["Use a date as YYYY-MM-DD."]}) from None


class SummaryListView(APIView):
    """Daily summaries of one location: per business date × method × vehicle class × status."""

    permission_classes = [CanReadParking]

    @extend_schema(
        summary="Daily summaries of a location",
        description=f"Business dates (WITA) from `from` to `to` (inclusive, at most {MAX_SUMMARY_DAYS} days; "
        "by default the last 31 days).",
        parameters=[
            OpenApiParameter("code", OpenApiTypes.STR, OpenApiParameter.PATH, description="Location code."),
            OpenApiParameter("from", OpenApiTypes.DATE),
            OpenApiParameter("to", OpenApiTypes.DATE),
        ],
        responses={
            200: SummarySerializer(many=True),
            400: OpenApiResponse(OpenApiTypes.OBJECT, description="A bad date or range."),
            **ERRORS,
        },
    )
    def get(self, request, code):
        location = visible_location(request, code)
        end = _date_param(request, "to", timezone.localdate())
        start = _date_param(request, "from", end - timedelta(days=30))
        if start > end:
            raise ValidationError({"from": ["`from` is after `to`."]})
        if (end - start).days >= MAX_SUMMARY_DAYS:
            raise ValidationError({"from": [f"At most {MAX_SUMMARY_DAYS} days at a time."]})
        rows = (
            selectors.summary_cells(locations=[location], start=start, end=end)
            .values("business_date", "payment_method", "vehicle_class", "status")
            .annotate(count=Sum("count"), amount=Sum("amount"))
            .order_by("business_date", "payment_method", "vehicle_class", "status")
        )
        return Response(SummarySerializer(rows, many=True).data)
