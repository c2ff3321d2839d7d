"""Bappeda's worklist item of the scorecard (smarteconomy.worklist): the indicators that turned off track in their
last period, listed by the scorecard's ``?turned=off_track`` (analytics.selectors.indicators_turned_off_track)."""

from django.utils.translation import gettext_lazy as _

from smarteconomy.choices import Role
from smarteconomy.worklist import WorkItem, register

from .choices import SnapshotStatus
from .selectors import indicators_turned_off_track

register(
    WorkItem(
        code="analytics.turned_off_track",
        label=_("Indicators that turned off track"),
        roles=(Role.BAPPEDA,),
        group=_("Smart Economy scorecard"),
        records=lambda user: indicators_turned_off_track(user),
        url_name="analytics:scorecard",
        query={"turned": SnapshotStatus.OFF_TRACK.value},
        permission="analytics.view_indicatorsnapshot",
        order=3,
    )
)
