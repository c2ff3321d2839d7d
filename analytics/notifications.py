"""Bappeda's notification rule of the scorecard (notifications.rules): an indicator that turned off track in its
last period, from the worklist's selector (analytics.selectors.indicators_turned_off_track)."""

from django.utils.translation import gettext_lazy as _

from notifications.rules import Rule, Subject, register

from . import registry


def _indicator(code, rule):
    try:
        name = str(registry.get_indicator(code).name)
    except (KeyError, AttributeError):
        name = code
    return Subject(f"indicator:{code}", name, rule.list_link())


register(
    Rule(
        code="analytics.turned_off_track",
        label=_("Indicator turned off track"),
        worklist=("analytics.turned_off_track",),
        describe=_indicator,
        order=50,
    )
)
