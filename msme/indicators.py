"""Indicators 4 (MSMEs on the e-marketplace) and 5 (creative people's economy) in the scorecard.

Stocks (registered MSMEs, active listings, the integration rate, training coverage) are read at the last day of
the period and never summed across periods; flows (new registrations, trainings held, outlet sales) add up; rates
are recomputed from their parts for every period. The registry keeps an MSME's current status, not its past
statuses, so a stock of an earlier period counts the MSMEs registered by then whose status is not "closed" today
(resp. "active" for the integration rate): the definition sheets say so."""

from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Count, ExpressionWrapper, F, Q, Sum
from django.db.models import DecimalField as DecimalOutput
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

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
from smarteconomy.models import Kecamatan
from smarteconomy.templatetags.formatting import number

from .choices import MsmeStatus, OutletMovementKind, ParticipantStatus
from .models import Listing, Msme, OutletMovement, OutletPayout, Training, TrainingParticipant
from .services import LISTINGS_SOURCE, OUTLET_SOURCE, REGISTRY_SOURCE, TRAININGS_SOURCE

PAYOUT_DUE_DAY = 10  # the outlet pays a month's sales by the 10th of the next month


def bounds(period):
    """(first day, last day) of a month or a year."""
    return period.start, period.last_day


def _periods_from(dates):
    return periods_of_months({(d.year, d.month) for d in dates if d})


def registry_periods():
    return _periods_from(Msme.objects.dates("registered_on", "month"))


def listing_periods():
    """Every month from the first Sobat UMKM listing to the current month: the stocks move without new listings
    (delistings, new registrations), and the months before the marketplace's data begins are not computed (they
    would show a misleading 0 %)."""
    first = Listing.objects.order_by("listed_on").values_list("listed_on", flat=True).first()
    if first is None:
        return []
    today = timezone.localdate()
    months, year, month = [], first.year, first.month
    while (year, month) <= (today.year, today.month):
        months.append(date(year, month, 1))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return _periods_from(months)


def training_periods():
    return _periods_from(Training.objects.dates("starts_on", "month"))


def outlet_periods():
    return _periods_from(OutletMovement.objects.filter(kind=OutletMovementKind.SALE).dates("on", "month"))


# --- The registry -----------------------------------------------------------------------------------------------


def registered_by(day):
    """MSMEs registered on or before ``day`` and not closed."""
    return Msme.objects.filter(registered_on__lte=day).exclude(status=MsmeStatus.CLOSED)


def active_registered_by(day):
    return Msme.objects.filter(registered_on__lte=day, status=MsmeStatus.ACTIVE)


def registered_stock(period):
    _start, end = bounds(period)
    return Measurement(registered_by(end).count(), [ended_input(period)])


def new_registrations(period):
    start, end = bounds(period)
    return Measurement(Msme.objects.filter(registered_on__range=(start, end)).count(), [ended_input(period)])


def _by_kecamatan(queryset, label):
    counts = dict(
        queryset.values("kelurahan__kecamatan__name")
        .annotate(n=Count("id"))
        .values_list("kelurahan__kecamatan__name", "n")
    )
    names = list(Kecamatan.objects.order_by("code").values_list("name", flat=True))
    return [gettext("Kecamatan"), label], [(name, counts.get(name, 0)) for name in names]


def registered_stock_breakdown(period, user=None):
    return _by_kecamatan(registered_by(bounds(period)[1]), gettext("Registered MSMEs"))


def new_registrations_breakdown(period, user=None):
    start, end = bounds(period)
    return _by_kecamatan(Msme.objects.filter(registered_on__range=(start, end)), gettext("New registrations"))


# --- The marketplace --------------------------------------------------------------------------------------------


def listings_active_on(day):
    return Listing.objects.filter(listed_on__lte=day).filter(Q(delisted_on__isnull=True) | Q(delisted_on__gt=day))


def integration_rate_on(day):
    """(MSMEs with at least one active listing, active registered MSMEs) on ``day``. Only listings of MSMEs that
    are themselves in the denominator count, so the rate cannot exceed 100 %."""
    registered = active_registered_by(day)
    with_listing = registered.filter(pk__in=listings_active_on(day).values("msme_id")).count()
    return with_listing, registered.count()


def integration_rate(period):
    _start, end = bounds(period)
    with_listing, registered = integration_rate_on(end)
    return Measurement(
        share(with_listing, registered),
        [ended_input(period)],
        note=text(
            gettext_noop("%(with)s of %(total)s active registered MSMEs have at least one active listing"),
            **{"with": number(with_listing), "total": number(registered)},
        ),
    )


def active_listings(period):
    _start, end = bounds(period)
    return Measurement(listings_active_on(end).count(), [ended_input(period)])


# --- Trainings --------------------------------------------------------------------------------------------------


def _trainings_in(period):
    start, end = bounds(period)
    return Training.objects.filter(starts_on__range=(start, end))


def trainings_held(period):
    return Measurement(_trainings_in(period).count(), [ended_input(period)])


def quota_and_selected(trainings):
    """(sum of the quotas, selected participants) of some trainings."""
    quota = trainings.aggregate(q=Sum("quota"))["q"] or 0
    selected = TrainingParticipant.objects.filter(training__in=trainings, status=ParticipantStatus.SELECTED).count()
    return quota, selected


def quota_fill(period):
    quota, selected = quota_and_selected(_trainings_in(period))
    return Measurement(
        share(selected, quota),
        [ended_input(period)],
        note=text(gettext_noop("%(selected)d seats taken of %(quota)d"), selected=selected, quota=quota),
    )


def training_coverage(period):
    _start, end = bounds(period)
    trained = (
        TrainingParticipant.objects.filter(attended=True, training__ends_on__lte=end)
        .values("msme_id")
        .distinct()
        .count()
    )
    registered = active_registered_by(end).count()
    return Measurement(
        share(trained, registered),
        [ended_input(period)],
        note=text(
            gettext_noop("%(trained)s distinct MSMEs trained of %(registered)s active registered MSMEs"),
            trained=number(trained),
            registered=number(registered),
        ),
    )


def adoption_counts(trainings):
    """(attendees who adopted, attendees, whether every follow-up window has closed) of some trainings: an attendee
    adopted who adopted QRIS or listed a product on Sobat UMKM within the training's follow-up window after its
    last day."""
    attendees = TrainingParticipant.objects.filter(training__in=trainings, attended=True).select_related("training")
    rows = list(attendees.values_list("msme_id", "qris_adopted_on", "training__ends_on", "training__follow_up_days"))
    listings = {}
    for msme_id, listed_on in Listing.objects.filter(msme_id__in=[r[0] for r in rows]).values_list(
        "msme_id", "listed_on"
    ):
        listings.setdefault(msme_id, []).append(listed_on)
    adopted = 0
    windows_closed = True
    for msme_id, qris_on, ends_on, days in rows:
        last = ends_on + timedelta(days=days)
        windows_closed = windows_closed and last < timezone.localdate()
        if (qris_on and ends_on <= qris_on <= last) or any(ends_on <= d <= last for d in listings.get(msme_id, ())):
            adopted += 1
    return adopted, len(rows), windows_closed


def post_training_adoption(period):
    """Attendees of the trainings that started in the period who adopted QRIS or listed a product on Sobat UMKM
    within the training's follow-up window after its last day."""
    adopted, total, windows_closed = adoption_counts(_trainings_in(period))
    follow_up = {
        "name": text(gettext_noop("Follow-up windows have closed")),
        "present": windows_closed,
        "detail": "" if windows_closed else text(gettext_noop("still following up")),
    }
    return Measurement(
        share(adopted, total),
        [ended_input(period), follow_up],
        note=text(
            gettext_noop("%(adopted)d of %(total)d attendees adopted QRIS or listed a product"),
            adopted=adopted,
            total=total,
        ),
    )


# --- SME Center outlet ------------------------------------------------------------------------------------------


def _sales_in(period):
    start, end = bounds(period)
    return OutletMovement.objects.filter(kind=OutletMovementKind.SALE, on__range=(start, end))


def outlet_sales(period):
    gross = ExpressionWrapper(
        F("quantity") * F("unit_price"), output_field=DecimalOutput(max_digits=20, decimal_places=2)
    )
    total = _sales_in(period).aggregate(s=Sum(gross))["s"] or Decimal(0)
    return Measurement(float(total), [ended_input(period)])


def payout_timeliness(period):
    """MSME-months with outlet sales in the period that were paid by the 10th of the next month."""
    due_passed = []
    for msme_id, month in _sales_in(period).values_list("product__msme_id", "on").order_by().distinct():
        first = date(month.year, month.month, 1)
        due = date(first.year + (first.month == 12), first.month % 12 + 1, PAYOUT_DUE_DAY)
        due_passed.append((msme_id, first, due))
    all_due = not any(d >= timezone.localdate() for _m, _f, d in due_passed)
    due_passed = {(m, f): d for m, f, d in due_passed if d < timezone.localdate()}
    payouts = dict(
        (
            ((m, f), p)
            for m, f, p in OutletPayout.objects.filter(msme_id__in={m for m, _f in due_passed}).values_list(
                "msme_id", "month", "paid_on"
            )
        )
    )
    on_time = sum(1 for key, due in due_passed.items() if key in payouts and payouts[key] <= due)
    # Until the last payout of the period is due, the value still changes with time alone.
    due_input = {
        "name": text(gettext_noop("Payout due dates have passed")),
        "present": all_due,
        "detail": "" if all_due else text(gettext_noop("payouts not yet due")),
    }
    return Measurement(
        share(on_time, len(due_passed)),
        [ended_input(period), due_input],
        note=text(
            gettext_noop("%(on_time)d of %(total)d monthly payouts made by the 10th of the next month"),
            on_time=on_time,
            total=len(due_passed),
        ),
    )


# --- Records behind the numbers ---------------------------------------------------------------------------------


MARKETPLACE = {"pillar": Pillar.MSME_MARKETPLACE, "source_office": Role.DKUMKMP, "frequency": Frequency.MONTHLY}
CREATIVE = {"pillar": Pillar.CREATIVE_ECONOMY, "source_office": Role.DKUMKMP, "frequency": Frequency.MONTHLY}

register(
    Indicator(
        code="msme.registered_stock",
        name=_("Registered MSMEs"),
        definition=_(
            "The number of MSMEs in the city's registry at the end of the period: registered on or before its last "
            "day and not closed (the registry keeps the current status, so an MSME closed since is left out of "
            "earlier periods too). A stock: it is never added up over periods."
        ),
        formula=_("Count of MSMEs with registration date ≤ end of period and status ≠ closed."),
        unit=Unit.COUNT,
        kind=IndicatorKind.STOCK,
        direction=Direction.HIGHER,
        sources=(REGISTRY_SOURCE,),
        compute=registered_stock,
        periods=registry_periods,
        records_url=records_page("msme:msme_list"),
        breakdown=registered_stock_breakdown,
        **MARKETPLACE,
    )
)

register(
    Indicator(
        code="msme.new_registrations",
        name=_("New MSME registrations"),
        definition=_(
            "The MSMEs registered during the period (by registration date), by kecamatan. A flow: years add up, "
            "and the sum over years is the number registered in those years, not a stock."
        ),
        formula=_("Count of MSMEs with registration date within the period."),
        unit=Unit.COUNT,
        kind=IndicatorKind.FLOW,
        direction=Direction.HIGHER,
        sources=(REGISTRY_SOURCE,),
        compute=new_registrations,
        periods=registry_periods,
        records_url=records_page("msme:msme_list", "registered"),
        breakdown=new_registrations_breakdown,
        **MARKETPLACE,
    )
)

register(
    Indicator(
        code="msme.integration_rate",
        name=_("Integration rate with Sobat UMKM"),
        definition=_(
            "The share of the active registered MSMEs that have at least one active listing on the Sobat UMKM "
            "marketplace at the end of the period. The source study divided the number of products by the number of "
            "MSMEs: that is not a share of MSMEs at all (one MSME with 50 products would count as 50 integrated "
            "MSMEs, and the ratio can exceed 100 %), so it measures catalogue size, not how many MSMEs are online."
        ),
        formula=_(
            "MSMEs (active, registered by the end of the period) with ≥ 1 listing active on the last day ÷ active "
            "registered MSMEs × 100."
        ),
        unit=Unit.PERCENT,
        kind=IndicatorKind.RATE,
        direction=Direction.HIGHER,
        sources=(REGISTRY_SOURCE, LISTINGS_SOURCE),
        state_at_end=True,  # a rate of two stocks read on the last day of the period
        compute=integration_rate,
        periods=listing_periods,
        records_url=records_page("msme:listing_list"),
        decimals=2,
        **MARKETPLACE,
    )
)

register(
    Indicator(
        code="msme.active_listings",
        name=_("Active Sobat UMKM listings"),
        definition=_("The number of products listed and not delisted on Sobat UMKM on the last day of the period."),
        formula=_("Count of listings with listed on ≤ end of period and (no delisting date or delisted after it)."),
        unit=Unit.COUNT,
        kind=IndicatorKind.STOCK,
        direction=Direction.HIGHER,
        sources=(LISTINGS_SOURCE,),
        compute=active_listings,
        periods=listing_periods,
        records_url=records_page("msme:listing_list"),
        **MARKETPLACE,
    )
)

register(
    Indicator(
        code="msme.trainings_held",
        name=_("Trainings held"),
        definition=_("The digital-skills trainings for MSMEs that started in the period."),
        formula=_("Count of trainings with a start date within the period."),
        unit=Unit.COUNT,
        kind=IndicatorKind.FLOW,
        direction=Direction.HIGHER,
        sources=(TRAININGS_SOURCE,),
        compute=trainings_held,
        periods=training_periods,
        records_url=records_page("msme:training_list", "starts"),
        **CREATIVE,
    )
)

register(
    Indicator(
        code="msme.quota_fill",
        name=_("Training quota filled"),
        definition=_(
            "The seats given to selected participants, out of the quota of the trainings that started in the period."
        ),
        formula=_("Selected participants ÷ sum of the quotas × 100."),
        unit=Unit.PERCENT,
        kind=IndicatorKind.RATE,
        direction=Direction.HIGHER,
        sources=(TRAININGS_SOURCE,),
        compute=quota_fill,
        periods=training_periods,
        records_url=records_page("msme:training_list", "starts"),
        decimals=1,
        **CREATIVE,
    )
)

register(
    Indicator(
        code="msme.training_coverage",
        name=_("Training coverage"),
        definition=_(
            "The distinct MSMEs that attended at least one training ending by the end of the period, out of the "
            "active registered MSMEs. An MSME trained twice counts once."
        ),
        formula=_("Distinct MSMEs that attended a training ÷ active registered MSMEs × 100."),
        unit=Unit.PERCENT,
        kind=IndicatorKind.RATE,
        direction=Direction.HIGHER,
        sources=(TRAININGS_SOURCE, REGISTRY_SOURCE),
        state_at_end=True,  # everyone trained by the end of the period, of the registry then
        compute=training_coverage,
        periods=training_periods,
        records_url=records_page("msme:training_list"),
        decimals=2,
        **CREATIVE,
    )
)

register(
    Indicator(
        code="msme.post_training_adoption",
        name=_("Post-training adoption"),
        definition=_(
            "The attendees of the trainings that started in the period who, within the training's follow-up window "
            "(30 days unless set otherwise) after its last day, adopted QRIS or listed a product on Sobat UMKM."
        ),
        formula=_("Attendees with QRIS adopted or a new listing within the window ÷ attendees × 100."),
        unit=Unit.PERCENT,
        kind=IndicatorKind.RATE,
        direction=Direction.HIGHER,
        sources=(TRAININGS_SOURCE, LISTINGS_SOURCE),
        history_sources=(LISTINGS_SOURCE,),  # a listing counts for the trainings that ended before it
        compute=post_training_adoption,
        periods=training_periods,
        records_url=records_page("msme:training_list", "starts"),
        decimals=1,
        **CREATIVE,
    )
)

register(
    Indicator(
        code="msme.outlet_sales",
        name=_("SME Center outlet sales"),
        definition=_("The value of the MSME products sold at the SME Center outlet in the period, at selling price."),
        formula=_("Sum over the sales of quantity × unit price."),
        unit=Unit.RUPIAH,
        kind=IndicatorKind.FLOW,
        direction=Direction.HIGHER,
        sources=(OUTLET_SOURCE,),
        compute=outlet_sales,
        periods=outlet_periods,
        records_url=records_page("msme:outlet_product_list"),
        **CREATIVE,
    )
)

register(
    Indicator(
        code="msme.payout_timeliness",
        name=_("Outlet payouts on time"),
        definition=_(
            "Of the months in which an MSME sold at the outlet during the period, the share paid to the owner "
            "digitally by the 10th of the next month. A month not paid at all counts as late."
        ),
        formula=_("MSME-months with sales paid by the 10th of the next month ÷ MSME-months with sales × 100."),
        unit=Unit.PERCENT,
        kind=IndicatorKind.RATE,
        direction=Direction.HIGHER,
        sources=(OUTLET_SOURCE,),
        compute=payout_timeliness,
        periods=outlet_periods,
        records_url=records_page("msme:outlet_payout_list"),
        decimals=1,
        **CREATIVE,
    )
)
