"""The demo data never lies in the future: a payment, a settlement row or any other record stamped later than the
moment seed_demo runs is refused by the product's own forms (a payment "later today" was)."""

import io
from datetime import datetime

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import models
from django.db.models import Max
from django.utils import timezone

from industry_center.models import Payment, SettlementRow

# Before the demo's office hours (07-17), WITA: the 10th has payments "today" (paid from the 2nd to
# the 14th), the 1st has this month's QRIS settlement rows on the only day of the month so far.
MOMENTS = ["2026-03-10 06:30", "2026-04-01 00:05"]


@pytest.mark.django_db
@pytest.mark.parametrize("moment", MOMENTS)
def test_no_demo_record_is_in_the_future(moment, monkeypatch):
    now = timezone.make_aware(datetime.strptime(moment, "%Y-%m-%d %H:%M"))
    real_now = timezone.now
    monkeypatch.setattr(timezone, "now", lambda: now)
    call_command("seed_demo", stdout=io.StringIO())
    assert Payment.objects.exists()
    # The bank's file is refused whole when a transaction time is in the future.
    assert SettlementRow.objects.exists(), "the demo's QRIS settlement file was refused"
    future = {}
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            # A default=timezone.now was bound before the clock was set back: it stamps the real time.
            if isinstance(field, models.DateTimeField) and field.default is not real_now:
                latest = model._default_manager.aggregate(latest=Max(field.attname))["latest"]
                if latest is not None and latest > now:
                    future[f"{model._meta.label}.{field.name}"] = timezone.localtime(latest)
    assert future == {}
