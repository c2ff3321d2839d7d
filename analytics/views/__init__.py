from .leading_sectors import (
    GrdpValueDetailView,
    GrdpValueListView,
    LeadingSectorsView,
    RegionDetailView,
    RegionListView,
)
from .scorecard import (
    IndicatorBaselineSetView,
    IndicatorDetailView,
    IndicatorTargetSetView,
    RecomputeView,
    ScorecardView,
)

__all__ = [
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
