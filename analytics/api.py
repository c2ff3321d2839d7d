"""The read-only JSON API for open-data portals: the indicator registry (the definition sheets, with each
indicator's baseline and targets) and the indicator snapshots left by the nightly recompute.

Names and texts are rendered in the request's language (see smarteconomy.middleware.LanguageMiddleware).
Authentication, JSON rendering and pagination come from settings.REST_FRAMEWORK.
"""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.exceptions import NotFound
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.response import Response

from smarteconomy.api_input import CursorPagination

from . import registry
from .choices import Direction, Frequency, IndicatorKind, Pillar, SnapshotStatus, Unit
from .models import IndicatorBaseline, IndicatorSnapshot, IndicatorTarget
from .selectors import snapshot_list


class CanReadScorecard(BasePermission):
    """Django's model permission for reading the scorecard (every role has it; an account without a role
    does not).

    Set on each view rather than in REST_FRAMEWORK's defaults: DRF imports its default classes while it
    defines APIView, and this module imports the views, so naming it there would be a circular import."""

    permission = "analytics.view_indicatorsnapshot"

    def has_permission(self, request, view):
        return bool(request.user and request.user.is_authenticated and request.user.has_perm(self.permission))


READ_PERMISSIONS = [IsAuthenticated, CanReadScorecard]


class SnapshotPagination(CursorPagination):
    """Cursor pagination on the primary key: stable while the nightly recompute rewrites rows in place."""

    ordering = ("id",)


# --- Serializers ----------------------------------------------------------------------------------------------


class IndicatorSerializer(serializers.Serializer):
    """An indicator's definition sheet. Indicators live in the registry, not in the database."""

    code = serializers.CharField(help_text="Registry code, e.g. analytics.basis_sector_count.")
    pillar = serializers.ChoiceField(choices=Pillar.choices)
    name = serializers.CharField()
    definition = serializers.CharField()
    formula = serializers.CharField()
    unit = serializers.ChoiceField(choices=Unit.choices)
    kind = serializers.ChoiceField(choices=IndicatorKind.choices)
    direction = serializers.ChoiceField(choices=Direction.choices)
    frequency = serializers.ChoiceField(choices=Frequency.choices)
    source_office = serializers.CharField(help_text="The role (office) that owns the data.")


class BaselineSerializer(serializers.ModelSerializer):
    value = serializers.DecimalField(max_digits=20, decimal_places=4, coerce_to_string=False)

    class Meta:
        model = IndicatorBaseline
        fields = ["year", "value", "source"]


class TargetSerializer(serializers.ModelSerializer):
    value = serializers.DecimalField(max_digits=20, decimal_places=4, coerce_to_string=False)

    class Meta:
        model = IndicatorTarget
        fields = ["year", "value", "note"]


class IndicatorDetailSerializer(IndicatorSerializer):
    """An indicator with where it started and its targets by year."""

    baseline = BaselineSerializer(allow_null=True)
    targets = TargetSerializer(many=True)


class SnapshotSerializer(serializers.ModelSerializer):
    code = serializers.CharField(source="indicator_code")
    pillar = serializers.ChoiceField(choices=Pillar.choices)
    status = serializers.ChoiceField(choices=SnapshotStatus.choices)
    completeness = serializers.JSONField(
        source="shown_completeness",
        read_only=True,
        help_text='Inputs present out of those expected: {"present", "expected", "inputs": [...], "note"}.',
    )

    class Meta:
        model = IndicatorSnapshot
        fields = [
            "code",
            "pillar",
            "period",
            "value",
            "target",
            "achievement",
            "status",
            "completeness",
            "computed_at",
        ]


class ErrorSerializer(serializers.Serializer):
    """What every refusal of the API answers (401, 403, 404): a sentence for the caller."""

    detail = serializers.CharField()


# The shapes of the snapshot filters, stated in the schema and checked: a value that cannot match is a 400.
INDICATOR_PATTERN = r"^[a-z_]+\.[a-z0-9_]+$"
PERIOD_PATTERN = r"^[0-9]{4}(-[0-9]{2}|-Q[1-4])?$"


class SnapshotFilterSerializer(serializers.Serializer):
    """The snapshot list's query parameters: an unknown pillar or status, an empty value or a value that cannot be
    an indicator code or a period (a NUL character included, which PostgreSQL cannot compare) is a 400."""

    indicator = serializers.RegexField(INDICATOR_PATTERN, required=False)
    pillar = serializers.ChoiceField(choices=Pillar.choices, required=False)
    period = serializers.RegexField(PERIOD_PATTERN, required=False)
    status = serializers.ChoiceField(choices=SnapshotStatus.choices, required=False)


REFUSALS = {401: ErrorSerializer, 403: ErrorSerializer}
NOT_FOUND = OpenApiResponse(ErrorSerializer, description="No such indicator.")
BAD_FILTER_OR_CURSOR = OpenApiResponse(
    OpenApiTypes.OBJECT,
    description="A filter value of the wrong shape or unknown, or a cursor that is not one this list gave.",
)


# --- Views ------------------------------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        summary="Every indicator of the scorecard",
        description="The definition sheets of the registry's indicators (a short list, not paginated).",
        responses={200: IndicatorSerializer(many=True), **REFUSALS},
    ),
    retrieve=extend_schema(
        summary="One indicator with its baseline and targets",
        description="404 when no indicator has this code.",
        parameters=[OpenApiParameter("code", OpenApiTypes.STR, OpenApiParameter.PATH)],
        responses={200: IndicatorDetailSerializer, **REFUSALS, 404: NOT_FOUND},
    ),
)
class IndicatorViewSet(viewsets.ViewSet):
    """The indicator registry (in memory, not in the database)."""

    permission_classes = READ_PERMISSIONS
    lookup_field = "code"
    lookup_value_regex = "[^/]+"  # codes contain dots

    def list(self, request):
        return Response(IndicatorSerializer(registry.all_indicators(), many=True).data)

    def retrieve(self, request, code=None):
        try:
            indicator = registry.get_indicator(code)
        except registry.RegistryError:
            raise NotFound("No such indicator.") from None
        baseline = IndicatorBaseline.objects.filter(indicator_code=code).first()
        targets = IndicatorTarget.objects.filter(indicator_code=code).order_by("year")
        # The shape of IndicatorDetailSerializer (which documents it in the schema).
        return Response(
            {
                **IndicatorSerializer(indicator).data,
                "baseline": BaselineSerializer(baseline).data if baseline else None,
                "targets": TargetSerializer(targets, many=True).data,
            }
        )


@extend_schema_view(
    list=extend_schema(
        summary="Indicator snapshots (one value per indicator and period)",
        description="The values as the nightly recompute left them, paginated by a cursor (100 a page).",
        parameters=[
            OpenApiParameter(
                "indicator", OpenApiTypes.STR, pattern=INDICATOR_PATTERN, description="An indicator code."
            ),
            OpenApiParameter("pillar", OpenApiTypes.STR, enum=Pillar.values),
            OpenApiParameter(
                "period",
                OpenApiTypes.STR,
                pattern=PERIOD_PATTERN,
                description="YYYY, YYYY-MM or YYYY-Qn (quarterly indicators).",
            ),
            OpenApiParameter("status", OpenApiTypes.STR, enum=SnapshotStatus.values),
        ],
        responses={200: SnapshotSerializer(many=True), 400: BAD_FILTER_OR_CURSOR, **REFUSALS},
    )
)
class SnapshotViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """The computed values, as the nightly recompute left them."""

    permission_classes = READ_PERMISSIONS
    serializer_class = SnapshotSerializer
    pagination_class = SnapshotPagination
    queryset = IndicatorSnapshot.objects.none()  # for the schema; get_queryset reads through the selector

    def get_queryset(self):
        # A plain dict: DRF would read an empty value of a form (QueryDict) as an omitted one, "?status=" as no filter.
        filters = SnapshotFilterSerializer(data=self.request.query_params.dict())
        filters.is_valid(raise_exception=True)
        params = filters.validated_data
        queryset = snapshot_list(
            pillar=params.get("pillar"),
            period=params.get("period"),
            indicator_code=params.get("indicator"),
            user=self.request.user,
        )
        if params.get("status"):
            queryset = queryset.filter(status=params["status"])
        return queryset
