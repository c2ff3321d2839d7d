"""The parking operators' notification rule (notifications.rules): a location of theirs with a day without an upload,
from the worklist's selector (cashless.selectors.days_without_data). One notification per location and latest
missing day, linking to the upload page."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from notifications.rules import Rule, Subject, register
from smarteconomy.choices import Role

from .models import ParkingLocation
from .selectors import days_without_data


def _missing(user):
    return [(location, days) for location, days in days_without_data(ParkingLocation.objects.visible_to(user)) if days]


def _location(found, rule):
    location, days = found
    return Subject(
        f"cashless.parkinglocation:{location.pk}:{days[-1].isoformat()}",
        f"{location.name} · {days[-1].isoformat()} ({len(days)})",
        reverse("cashless:upload"),
    )


register(
    Rule(
        code="cashless.upload_missing",
        label=_("Upload missing"),
        roles=(Role.PARKING_OPERATOR,),
        records=_missing,
        describe=_location,
        permission="cashless.add_parkingtransaction",
        link=lambda: reverse("cashless:upload"),
        order=40,
    )
)
