from .leading_sectors import (
    GrdpValueDetailView,
    GrdpValueListView,
    LeadingSectorsView,
    RegionDetailView,
    RegionListView,
)
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
    "RecomputeView",
    "RegionDetailView",
    "RegionListView",
    "ScorecardView",
]
