"""Indicator 3 (the small-industry centre and its levy) in the scorecard: occupancy, levy collection rate,
cashless share of the levy paid, arrears (amount and tenants) and the share of production houses with appropriate
technology. Each value is one or two aggregate queries per period; a year is recomputed from its records, never
averaged from its months. Stocks are the state at the end of the period (for the current period: now)."""

from datetime import date, datetime

from django.db.models import Count, F, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _gettext
from django.utils.translation import gettext_lazy as _

from analytics.choices import Direction, Frequency, IndicatorKind, Pillar, Unit
from analytics.registry import Indicator, Measurement, Period, register
from smarteconomy.choices import Role

from .choices import BillStatus, EquipmentLevel, PaymentChannel
from .models import LevyBill, Payment, ProductionHouse, Tenancy
from .services import HOUSES_SOURCE, LEVY_SOURCE


def period_bounds(period):
    """[first day, first day after) of a month or a year."""
    start = date(period.year, period.month or 1, 1)
    if period.is_month:
        end = date(period.year + (period.month == 12), period.month % 12 + 1, 1)
    else:
        end = date(period.year + 1, 1, 1)
    return start, end


def _aware(day):
    return timezone.make_aware(datetime.combine(day, datetime.min.time()))


def _moment(period):
    """The end of the period, or now while it is still running (a stock is read at that moment)."""
    return min(_aware(period_bounds(period)[1]), timezone.now())


def _ended_input(period):
    ended = _aware(period_bounds(period)[1]) <= timezone.now()
    return {
        "name": _gettext("Period %(period)s has ended") % {"period": period},
        "present": ended,
        "detail": "" if ended else _gettext("in progress"),
    }


def _share(part, total):
    return None if not total else part / total * 100


def levy_periods():
    """Every month from the first bill to this month, and their years."""
    first = LevyBill.objects.order_by("period").values_list("period", flat=True).first()
    if first is None:
        return []
    today = timezone.localdate()
    periods = set()
    year, month = first.year, first.month
    while (year, month) <= (today.year, today.month):
        periods |= {Period(year, month), Period(year)}
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return sorted(periods, key=lambda p: (p.year, p.month or 0))


# --- Houses ---------------------------------------------------------------------------------------------------------


def _houses_at(moment):
    """The production houses in use at ``moment``, from their history (equipment as it was then)."""
    return ProductionHouse.history.as_of(moment).filter(active=True)


def _reference_day(period):
    """The last day of the period, or today while it is still running."""
    return min(date.fromordinal(period_bounds(period)[1].toordinal() - 1), timezone.localdate())


def occupancy(period):
    day = _reference_day(period)
    houses = {house.pk for house in _houses_at(_moment(period))}
    let = set(
        Tenancy.objects.filter(house_id__in=houses, start__lte=day)
        .filter(Q(end__isnull=True) | Q(end__gte=day))
        .values_list("house_id", flat=True)
    )
    return Measurement(
        _share(len(let), len(houses)),
        [_ended_input(period)],
        note=_gettext("%(let)d of %(total)d production houses let") % {"let": len(let), "total": len(houses)},
    )


def appropriate_technology_share(period):
    houses = list(_houses_at(_moment(period)))
    modern = sum(1 for house in houses if house.equipment_level == EquipmentLevel.APPROPRIATE)
    return Measurement(
        _share(modern, len(houses)),
        [_ended_input(period)],
        note=_gettext("%(modern)d of %(total)d production houses with appropriate technology")
        % {"modern": modern, "total": len(houses)},
    )


# --- Levy -------------------------------------------------------------------------------------------------------------


def _bills_of(period):
    start, end = period_bounds(period)
    return LevyBill.objects.filter(period__gte=start, period__lt=end).exclude(status=BillStatus.CANCELLED)


def _bills_input(period, count):
    return {
        "name": _gettext("Levy bills of %(period)s issued") % {"period": period},
        "present": count > 0,
        "detail": str(count),
    }


def collection_rate(period):
    totals = _bills_of(period).aggregate(count=Count("id"), billed=Sum("amount"), paid=Sum("paid_amount"))
    billed, paid = totals["billed"] or 0, totals["paid"] or 0
    return Measurement(
        _share(paid, billed),
        [_ended_input(period), _bills_input(period, totals["count"])],
        note=_gettext("Rp%(paid)s paid of Rp%(billed)s billed")
        % {"paid": f"{paid:,}".replace(",", "."), "billed": f"{billed:,}".replace(",", ".")},
    )


def cashless_share(period):
    start, end = period_bounds(period)
    totals = Payment.objects.filter(paid_at__gte=_aware(start), paid_at__lt=_aware(end)).aggregate(
        all=Sum("amount"), qris=Sum("amount", filter=Q(channel=PaymentChannel.QRIS))
    )
    paid, qris = totals["all"] or 0, totals["qris"] or 0
    return Measurement(
        _share(qris, paid),
        [_ended_input(period)],
        note=_gettext("Rp%(qris)s by QRIS of Rp%(all)s paid")
        % {"qris": f"{qris:,}".replace(",", "."), "all": f"{paid:,}".replace(",", ".")},
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
        [_ended_input(period)],
        note=_gettext("%(bills)d overdue bills") % {"bills": totals["bills"]},
    )


def arrears_tenants(period):
    count = _arrears(period).values("tenancy__tenant").distinct().count()
    return Measurement(float(count), [_ended_input(period)])


# --- Records behind the numbers ----------------------------------------------------------------------------------------


def _bills_url(status=None):
    def url(period):
        try:
            base = reverse("industry_center:bill_list")
        except NoReverseMatch:
            return None
        start, end = period_bounds(period)
        query = {"period_from": start.isoformat(), "period_to": date.fromordinal(end.toordinal() - 1).isoformat()}
        if status:
            query = {"status": status}
        return base + "?" + urlencode(query)

    return url


def _page_url(name):
    def url(period):
        try:
            return reverse(name)
        except NoReverseMatch:
            return None

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
        records_url=_page_url("industry_center:tenancy_list"),
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
        records_url=_page_url("industry_center:payment_list"),
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
        records_url=_page_url("industry_center:house_list"),
        decimals=1,
        **COMMON,
    )
)
