"""Reads of the msme app."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.db.models.functions import ExtractYear
from django.utils import timezone

from smarteconomy.models import Kecamatan

from .choices import OutletMovementKind, ParticipantStatus
from .models import Listing, Msme, OutletMovement, OutletPayout, OutletProduct, Training, TrainingParticipant


def msme_list():
    active_listing = Listing.objects.filter(msme=OuterRef("pk"), active=True)
    return Msme.objects.select_related("kelurahan__kecamatan").annotate(has_active_listing=Exists(active_listing))


def listing_list():
    return Listing.objects.select_related("msme", "category")


def training_list():
    return Training.objects.annotate(
        selected_count=Count("participants", filter=_status(ParticipantStatus.SELECTED)),
        applicant_count=Count("participants"),
    )


def _status(status):
    return Q(participants__status=status)


def participant_list(training):
    return TrainingParticipant.objects.filter(training=training).select_related("msme__kelurahan__kecamatan")


def outlet_product_list():
    movements = OutletMovement.objects.filter(product=OuterRef("pk")).order_by()
    return OutletProduct.objects.select_related("msme").annotate(
        stock=_sum(movements, OutletMovementKind.INTAKE)
        - _sum(movements, OutletMovementKind.SALE)
        - _sum(movements, OutletMovementKind.RETURN)
    )


def _sum(movements, kind):
    from django.db.models import IntegerField, Subquery, Value
    from django.db.models.functions import Coalesce

    total = movements.filter(kind=kind).values("product").annotate(q=Sum("quantity")).values("q")
    return Coalesce(Subquery(total, output_field=IntegerField()), Value(0))


def outlet_payout_list():
    return OutletPayout.objects.select_related("msme")


# --- The report of registrations by kecamatan and year --------------------------------------------------------


@dataclass
class DistrictReport:
    """New registrations per year (a flow: each MSME counted once, in the year it was registered), by kecamatan.
    Rows are the six kecamatan in Kemendagri code order; the totals add up flows, never stocks."""

    years: list
    rows: list  # [(kecamatan name, [count per year], row total)]
    totals: list  # [count per year]
    grand_total: int
    unknown_kecamatan: int = 0


def msme_count_by_district(*, start, end, queryset=None):
    if start > end:
        raise ValueError("start after end")
    years = list(range(start, end + 1))
    queryset = Msme.objects.all() if queryset is None else queryset
    counts = {}
    for kecamatan_id, year, n in (
        queryset.filter(registered_on__gte=date(start, 1, 1), registered_on__lte=date(end, 12, 31))
        .annotate(year=ExtractYear("registered_on"))
        .values("kelurahan__kecamatan_id", "year")
        .annotate(n=Count("id"))
        .values_list("kelurahan__kecamatan_id", "year", "n")
        .order_by()
    ):
        counts[(kecamatan_id, year)] = n
    rows = []
    for kecamatan in Kecamatan.objects.order_by("code"):
        values = [counts.get((kecamatan.pk, year), 0) for year in years]
        rows.append((kecamatan.name, values, sum(values)))
    totals = [sum(row[1][index] for row in rows) for index in range(len(years))]
    return DistrictReport(years, rows, totals, sum(totals))


# --- Outlet balances -------------------------------------------------------------------------------------------


def outlet_balances():
    """[(msme, owed, paid, outstanding)] for every MSME with outlet sales or payouts."""
    from .services import owner_share

    owed, paid = {}, {}
    for msme_id, quantity, price, commission in OutletMovement.objects.filter(kind=OutletMovementKind.SALE).values_list(
        "product__msme_id", "quantity", "unit_price", "commission_percent"
    ):
        owed[msme_id] = owed.get(msme_id, 0) + owner_share(quantity, price, commission)
    for msme_id, amount in OutletPayout.objects.values("msme_id").annotate(s=Sum("amount")).values_list("msme_id", "s"):
        paid[msme_id] = amount
    msmes = Msme.objects.in_bulk(set(owed) | set(paid))
    result = []
    for msme_id, msme in sorted(msmes.items(), key=lambda item: item[1].name):
        o, p = owed.get(msme_id, 0), paid.get(msme_id, 0)
        result.append((msme, o, p, o - p))
    return result


# --- The worklist's subsets: the list's filter and the home page's count call the same function -----------------


def msme_duplicate_candidates(queryset):
    """The MSMEs of ``queryset`` that another registered MSME may duplicate and that nobody has merged yet: the same
    NIB (one business, one NIB), or the same normalized name in the same kelurahan. The owner's NIK alone is not a
    duplicate: an owner may run several businesses (the entry step lets the officer confirm that)."""
    # The NIBs held by more than one MSME, computed once: a correlated "another MSME with this NIB" looked up the
    # ~36,000 MSMEs without an NIB for each of them (171 s for DKUMKMP's home page on the demo's 48,000 MSMEs).
    shared_nibs = Msme.objects.exclude(nib="").values("nib").annotate(n=Count("id")).filter(n__gt=1).values("nib")
    same_name = Msme.objects.exclude(pk=OuterRef("pk")).filter(
        name_key=OuterRef("name_key"), kelurahan=OuterRef("kelurahan")
    )
    return queryset.filter(Q(nib__in=shared_nibs) | Exists(same_name))


def trainings_this_week(queryset, today=None):
    """The trainings held on at least one day of this week (Monday to Sunday)."""
    today = today or timezone.localdate()
    monday = today - timedelta(days=today.weekday())
    return queryset.filter(starts_on__lte=monday + timedelta(days=6), ends_on__gte=monday)


def msmes_with_outlet_payout_due(queryset, today=None):
    """The MSMEs of ``queryset`` that the SME Center outlet owes a payout: their owners' share of the sales of the
    months that have ended is more than what they were paid."""
    from .services import owner_share

    first_of_month = (today or timezone.localdate()).replace(day=1)
    owed, paid = {}, {}
    sales = OutletMovement.objects.filter(kind=OutletMovementKind.SALE, on__lt=first_of_month)
    for msme_id, quantity, price, commission in sales.values_list(
        "product__msme_id", "quantity", "unit_price", "commission_percent"
    ):
        owed[msme_id] = owed.get(msme_id, 0) + owner_share(quantity, price, commission)
    for msme_id, amount in OutletPayout.objects.values("msme_id").annotate(s=Sum("amount")).values_list("msme_id", "s"):
        paid[msme_id] = amount
    due = [msme_id for msme_id, amount in owed.items() if amount > paid.get(msme_id, 0)]
    return queryset.filter(pk__in=due)
