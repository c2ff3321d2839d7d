"""Indicator 3 (the small-industry centre and its levy) in the scorecard: occupancy, levy collection rate,
cashless share of the levy paid, arrears (amount and tenants) and the share of production houses with appropriate
technology. Each value is one or two aggregate queries per period; a year is recomputed from its records, never
averaged from its months. Stocks are the state at the end of the period (for the current period: now)."""

from django.db.models import Count, F, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from analytics.choices import Direction, Frequency, IndicatorKind, Pillar, Unit
from analytics.registry import (
    Indicator,
    Measurement,
    ended_input,
    periods_of_months,
    records_page,
    register,
    share,
    text,
)
from smarteconomy.choices import Role
from smarteconomy.templatetags.formatting import number

from .choices import BillStatus, EquipmentLevel, PaymentChannel
from .models import LevyBill, Payment, ProductionHouse, Tenancy
from .services import HOUSES_SOURCE, LEVY_SOURCE


def _moment(period):
    """The end of the period, or now while it is still running (a stock is read at that moment)."""
    return min(period.moments()[1], timezone.now())


def levy_periods():
    """Every month from the first bill to this month, and their years."""
    first = LevyBill.objects.order_by("period").values_list("period", flat=True).first()
    if first is None:
        return []
    today = timezone.localdate()
    months = set()
    year, month = first.year, first.month
    while (year, month) <= (today.year, today.month):
        months.add((year, month))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return periods_of_months(months)


# --- Houses ---------------------------------------------------------------------------------------------------------


def _houses_at(moment):
    """The production houses in use at ``moment``, from their history (equipment as it was then)."""
    return ProductionHouse.history.as_of(moment).filter(active=True)


def _reference_day(period):
    """The last day of the period, or today while it is still running."""
    return min(period.last_day, timezone.localdate())


def occupancy_counts(period):
    """(production houses let, production houses in use) at the end of the period (for the current one: now)."""
    day = _reference_day(period)
    houses = {house.pk for house in _houses_at(_moment(period))}
    let = set(
        Tenancy.objects.filter(house_id__in=houses, start__lte=day)
        .filter(Q(end__isnull=True) | Q(end__gte=day))
        .values_list("house_id", flat=True)
    )
    return len(let), len(houses)


def occupancy(period):
    let, houses = occupancy_counts(period)
    return Measurement(
        share(let, houses),
        [ended_input(period)],
        note=text(gettext_noop("%(let)d of %(total)d production houses let"), let=let, total=houses),
    )


def appropriate_technology_share(period):
    houses = list(_houses_at(_moment(period)))
    modern = sum(1 for house in houses if house.equipment_level == EquipmentLevel.APPROPRIATE)
    return Measurement(
        share(modern, len(houses)),
        [ended_input(period)],
        note=text(
            gettext_noop("%(modern)d of %(total)d production houses with appropriate technology"),
            modern=modern,
            total=len(houses),
        ),
    )


# --- Levy -------------------------------------------------------------------------------------------------------------


def _bills_of(period):
    return LevyBill.objects.filter(period__gte=period.start, period__lt=period.end).exclude(status=BillStatus.CANCELLED)


def _bills_input(period, count):
    return {
        "name": text(gettext_noop("Levy bills of %(period)s issued"), period=str(period)),
        "present": count > 0,
        "detail": str(count),
    }


def levy_totals(period):
    """(bills, amount billed, amount paid) of the bills of the period's months, cancelled bills aside."""
    totals = _bills_of(period).aggregate(count=Count("id"), billed=Sum("amount"), paid=Sum("paid_amount"))
    return totals["count"], totals["billed"] or 0, totals["paid"] or 0


def collection_rate(period):
    count, billed, paid = levy_totals(period)
    return Measurement(
        share(paid, billed),
        [ended_input(period), _bills_input(period, count)],
        note=text(gettext_noop("Rp%(paid)s paid of Rp%(billed)s billed"), paid=number(paid), billed=number(billed)),
    )


def payment_totals(period):
    """(amount paid by QRIS, amount paid) of the levy payments made in the period."""
    start, end = period.moments()
    totals = Payment.objects.filter(paid_at__gte=start, paid_at__lt=end).aggregate(
        all=Sum("amount"), qris=Sum("amount", filter=Q(channel=PaymentChannel.QRIS))
    )
    return totals["qris"] or 0, totals["all"] or 0


def cashless_share(period):
    qris, paid = payment_totals(period)
    return Measurement(
        share(qris, paid),
        [ended_input(period)],
        note=text(gettext_noop("Rp%(qris)s by QRIS of Rp%(all)s paid"), qris=number(qris), all=number(paid)),
    )


def _arrears(period):
    """Overdue bills at the end of the period with what was still owed on each then."""
    moment = _moment(period)
    day = _reference_day(period)
    paid_then = (
        Payment.objects.filter(bill=OuterRef("pk"), paid_at__lt=moment)
        .values("bill")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    return (
        LevyBill.objects.filter(due_date__lt=day, issued_on__lte=day)
        .exclude(status=BillStatus.CANCELLED)
        .annotate(owed=F("amount") - Coalesce(Subquery(paid_then), Value(0)))
        .filter(owed__gt=0)
    )


def arrears_amount(period):
    totals = _arrears(period).aggregate(amount=Sum("owed"), bills=Count("id"))
    return Measurement(
        float(totals["amount"] or 0),
        [ended_input(period)],
        note=text(gettext_noop("%(bills)d overdue bills"), bills=totals["bills"]),
    )


def arrears_tenants(period):
    count = _arrears(period).values("tenancy__tenant").distinct().count()
    return Measurement(float(count), [ended_input(period)])


# --- Records behind the numbers ----------------------------------------------------------------------------------------


def _bills_url(status=None):
    def url(period):
        try:
            base = reverse("industry_center:bill_list")
        except NoReverseMatch:
            return None
        query = {"period_from": period.start.isoformat(), "period_to": period.last_day.isoformat()}
        if status:
            query = {"status": status}
        return base + "?" + urlencode(query)

    return url


COMMON = {"pillar": Pillar.INDUSTRY_CENTER, "frequency": Frequency.MONTHLY, "source_office": Role.DKUMKMP}

register(
    Indicator(
        code="industry_center.occupancy",
        name=_("Production-house occupancy"),
        definition=_(
            "The share of the centre's production houses in use that are let to a tenant at the end of the period "
            "(for the current period: today)."
        ),
        formula=_("Production houses with a tenancy at the end of the period ÷ production houses in use × 100."),
        unit=Unit.PERCENT,
        kind=IndicatorKind.STOCK,
        direction=Direction.HIGHER,
        sources=(HOUSES_SOURCE, LEVY_SOURCE),
        compute=occupancy,
        periods=levy_periods,
        records_url=records_page("industry_center:tenancy_list"),
        decimals=1,
        **COMMON,
    )
)

register(
    Indicator(
        code="industry_center.collection_rate",
        name=_("Levy collection rate"),
        definition=_(
            "The share of the production-house levy billed for the period (monthly SKRD and arrears STRD, "
            "cancelled bills left out) that has been paid."
        ),
        formula=_("Amount paid on the period's bills ÷ amount billed for the period × 100."),
        unit=Unit.PERCENT,
        kind=IndicatorKind.RATE,
        direction=Direction.HIGHER,
        sources=(LEVY_SOURCE,),
        compute=collection_rate,
        periods=levy_periods,
        records_url=_bills_url(),
        decimals=1,
        **COMMON,
    )
)

register(
    Indicator(
        code="industry_center.cashless_share",
        name=_("Levy paid by QRIS"),
        definition=_(
            "The share of the levy money received in the period that was paid by QRIS, out of all levy payments "
            "(QRIS, cash and bank transfer)."
        ),
        formula=_("Levy paid by QRIS in the period ÷ all levy paid in the period × 100."),
        unit=Unit.PERCENT,
        kind=IndicatorKind.RATE,
        direction=Direction.HIGHER,
        sources=(LEVY_SOURCE,),
        compute=cashless_share,
        periods=levy_periods,
        records_url=records_page("industry_center:payment_list"),
        decimals=1,
        **COMMON,
    )
)

register(
    Indicator(
        code="industry_center.arrears_amount",
        name=_("Levy arrears"),
        definition=_(
            "The levy still owed at the end of the period on bills past their due date (late interest not yet "
            "billed is not included)."
        ),
        formula=_("Sum over the bills due before the end of the period of the amount minus what was paid by then."),
        unit=Unit.RUPIAH,
        kind=IndicatorKind.STOCK,
        direction=Direction.LOWER,
        sources=(LEVY_SOURCE,),
        compute=arrears_amount,
        periods=levy_periods,
        records_url=_bills_url(BillStatus.OVERDUE),
        **COMMON,
    )
)

register(
    Indicator(
        code="industry_center.arrears_tenants",
        name=_("Tenants in arrears"),
        definition=_("The number of tenants owing levy on a bill past its due date at the end of the period."),
        formula=_("Count of distinct tenants with an overdue bill not fully paid at the end of the period."),
        unit=Unit.COUNT,
        kind=IndicatorKind.STOCK,
        direction=Direction.LOWER,
        sources=(LEVY_SOURCE,),
        compute=arrears_tenants,
        periods=levy_periods,
        records_url=_bills_url(BillStatus.OVERDUE),
        **COMMON,
    )
)

register(
    Indicator(
        code="industry_center.appropriate_technology_share",
        name=_("Production houses with appropriate technology"),
        definition=_(
            "The share of the centre's production houses in use whose equipment is appropriate technology "
            "(teknologi tepat guna) rather than traditional, at the end of the period."
        ),
        formula=_("Production houses in use with appropriate technology ÷ production houses in use × 100."),
        unit=Unit.PERCENT,
        kind=IndicatorKind.STOCK,
        direction=Direction.HIGHER,
        sources=(HOUSES_SOURCE,),
        compute=appropriate_technology_share,
        periods=levy_periods,
        records_url=records_page("industry_center:house_list"),
        decimals=1,
        **COMMON,
    )
)
