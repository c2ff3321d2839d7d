import django_filters
from django.utils.translation import gettext_lazy as _

from smarteconomy.filtersets import IntegerFilter, SearchFilterSet
from smarteconomy.models import Sector

from .choices import GrdpStatus, PriceBasis
from .models import GrdpRelease, GrdpValue, Region


class GrdpValueFilterSet(SearchFilterSet):
    search_fields = ("region__name", "region__code", "sector__code", "sector__name_id", "source")
    region_id = django_filters.ModelChoiceFilter(field_name="region", queryset=Region.objects.all(), label=_("Region"))
    sector_id = django_filters.ModelChoiceFilter(field_name="sector", queryset=Sector.objects.all(), label=_("Sector"))
    year = IntegerFilter(label=_("Year"), grouping=False)
    price_basis = django_filters.ChoiceFilter(choices=PriceBasis.choices, label=_("Price basis"))
    release = django_filters.ModelChoiceFilter(queryset=GrdpRelease.objects.all(), label=_("Release"))
    status = django_filters.ChoiceFilter(choices=GrdpStatus.choices, label=_("Status"))

    class Meta:
        model = GrdpValue
        fields = ["q", "region_id", "sector_id", "year", "price_basis", "release", "status"]


class RegionFilterSet(SearchFilterSet):
    search_fields = ("code", "name")

    class Meta:
        model = Region
        fields = ["q", "level"]
