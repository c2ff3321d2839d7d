from .leading_sectors import (
    GrdpValueDetailView,
    GrdpValueListView,
    LeadingSectorsView,
    RegionDetailView,
    RegionListView,
)
from .regions import ProvinceComparisonView
from .scorecard import (
    CompletenessView,
    IndicatorBaselineSetView,
    IndicatorDetailView,
    IndicatorTargetSetView,
    RecomputeView,
    ScorecardView,
)

__all__ = [
    "CompletenessView",
    "GrdpValueDetailView",
    "GrdpValueListView",
    "IndicatorBaselineSetView",
    "IndicatorDetailView",
    "IndicatorTargetSetView",
    "LeadingSectorsView",
    "ProvinceComparisonView",
    "RecomputeView",
    "RegionDetailView",
    "RegionListView",
    "ScorecardView",
]
