"""The public datasets of DKUMKMP on MSMEs (open-data portal): new registrations by kecamatan and year, active
Sobat UMKM listings by category and month, and the trainings with their outcomes per month.

Aggregates only (counts and rates; never an MSME, its owner, NIK, phone or address), computed through the same
functions as the indicators and the registrations report (``indicators``, ``selectors``). A count of 1 or 2 MSMEs
in a kecamatan is published as "<3" (small-cell suppression)."""

from django.db.models import Count, Max, Min
from django.utils.translation import gettext_lazy as _

from opendata.registry import CITY_CODE, Column, Dataset, last_change, months_covered, percent, register, suppress
from smarteconomy.choices import Role
from smarteconomy.models import Kecamatan

from .indicators import (
    _trainings_in,
    adoption_counts,
    listing_periods,
    listings_active_on,
    quota_and_selected,
    training_periods,
)
from .models import Listing, MarketplaceCategory, Msme, Training, TrainingParticipant
from .selectors import msme_count_by_district

CONTACT = "DKUMKMP Kota Balikpapan — Bidang Usaha Mikro"
TOPIC = _("MSMEs")


# --- New registrations by kecamatan and year -------------------------------------------------------------------------


def _registration_years():
    span = Msme.objects.aggregate(first=Min("registered_on"), last=Max("registered_on"))
    return (span["first"].year, span["last"].year) if span["first"] else None


def registration_rows():
    """The registrations report (``msme_count_by_district``): each MSME counted once, in the year and kecamatan of
    its registration."""
    years = _registration_years()
    if years is None:
        return []
    report = msme_count_by_district(start=years[0], end=years[1])
    codes = dict(Kecamatan.objects.values_list("name", "code"))
    return [
        {"year": year, "kecamatan_code": codes[name], "kecamatan_name": name, "new_registrations": suppress(count)}
        for index, year in enumerate(report.years)
        for name, counts, _total in report.rows
        for count in [counts[index]]
    ]


def _registration_span():
    years = _registration_years()
    return (str(years[0]), str(years[1])) if years else (None, None)


register(
    Dataset(
        code="msme-registrations-by-kecamatan",
        title=_("MSME registrations by kecamatan and year"),
        description=_(
            "The number of micro, small and medium enterprises newly registered with DKUMKMP in each year, by the "
            "kecamatan of the business. Each MSME is counted once, in the year it was registered. Counts of 1 and 2 "
            "are published as “<3” to protect the businesses' privacy."
        ),
        producer=Role.DKUMKMP,
        frequency="yearly",
        unit=_("MSMEs"),
        columns=(
            Column("year", _("Year"), type="year"),
            Column("kecamatan_code", _("Kemendagri kecamatan code")),
            Column("kecamatan_name", _("Kecamatan")),
            Column("new_registrations", _("New registrations"), type="integer", unit=_("MSMEs"), suppress=True),
        ),
        rows=registration_rows,
        period_covered=_registration_span,
        last_updated=lambda: last_change(Msme),
        reference_codes=(_("Kemendagri region codes (kecamatan 64.71.NN)"),),
        keywords=("UMKM", "MSME", "registrasi", "kecamatan"),
        contact=CONTACT,
        topic=TOPIC,
    )
)


# --- Active listings by category and month ---------------------------------------------------------------------------


def listing_rows():
    """Per month, the Sobat UMKM listings active on its last day (the indicator's ``listings_active_on``), by
    marketplace category."""
    categories = list(MarketplaceCategory.objects.order_by("code").values_list("pk", "code", "name"))
    rows = []
    for period in listing_periods():
        if not period.is_month:
            continue
        counts = dict(
            listings_active_on(period.last_day)
            .order_by()
            .values("category_id")
            .annotate(n=Count("id"))
            .values_list("category_id", "n")
        )
        rows.extend(
            {"month": str(period), "category_code": code, "category_name": name, "active_listings": counts.get(pk, 0)}
            for pk, code, name in categories
        )
    return rows


register(
    Dataset(
        code="msme-active-listings-by-category",
        title=_("Active Sobat UMKM listings by category"),
        description=_(
            "The number of MSME products listed and not delisted on the Sobat UMKM marketplace on the last day of "
            "each month, by marketplace category."
        ),
        producer=Role.DKUMKMP,
        frequency="monthly",
        unit=_("listings"),
        columns=(
            Column("month", _("Month"), type="period"),
            Column("category_code", _("Category code")),
            Column("category_name", _("Category")),
            Column("active_listings", _("Active listings"), type="integer", unit=_("listings")),
        ),
        rows=listing_rows,
        period_covered=lambda: months_covered(listing_periods()),
        last_updated=lambda: last_change(Listing, MarketplaceCategory),
        reference_codes=(CITY_CODE,),
        keywords=("UMKM", "Sobat UMKM", "marketplace", "produk"),
        contact=CONTACT,
        topic=TOPIC,
    )
)


# --- Trainings and their outcomes per month --------------------------------------------------------------------------


def training_rows():
    """Per month, the trainings that started in it: their quota, the participants selected, the fill rate, the
    attendees and those who adopted QRIS or listed a product within the follow-up window (the indicators'
    ``quota_and_selected`` and ``adoption_counts``)."""
    rows = []
    for period in training_periods():
        if not period.is_month:
            continue
        trainings = _trainings_in(period)
        quota, selected = quota_and_selected(trainings)
        adopted, attendees, closed = adoption_counts(trainings)
        rows.append(
            {
                "month": str(period),
                "trainings_held": trainings.count(),
                "quota": quota,
                "participants_selected": selected,
                "quota_fill_percent": percent(selected, quota),
                "attendees": attendees,
                "adopted": adopted,
                "adoption_percent": percent(adopted, attendees),
                "follow_up_closed": closed,
            }
        )
    return rows


register(
    Dataset(
        code="msme-trainings-and-outcomes",
        title=_("MSME digital-skills trainings and their outcomes"),
        description=_(
            "Per month, the digital-skills trainings for MSMEs that started in it: the number held, their total "
            "quota, the participants selected and the share of the quota filled, the attendees, and how many of them "
            "adopted QRIS or listed a product on Sobat UMKM within the follow-up window after the training (30 days "
            "unless set otherwise). While a window is still open the adoption can still rise."
        ),
        producer=Role.DKUMKMP,
        frequency="monthly",
        unit=_("trainings, participants, percent"),
        columns=(
            Column("month", _("Month"), type="period"),
            Column("trainings_held", _("Trainings held"), type="integer"),
            Column("quota", _("Quota"), type="integer", unit=_("seats")),
            Column("participants_selected", _("Participants selected"), type="integer", unit=_("participants")),
            Column("quota_fill_percent", _("Quota filled (%)"), type="decimal", unit="%"),
            Column("attendees", _("Attendees"), type="integer", unit=_("participants")),
            Column("adopted", _("Attendees who adopted QRIS or listed a product"), type="integer"),
            Column("adoption_percent", _("Post-training adoption (%)"), type="decimal", unit="%"),
            Column("follow_up_closed", _("Follow-up windows closed")),
        ),
        rows=training_rows,
        period_covered=lambda: months_covered(training_periods()),
        last_updated=lambda: last_change(Training, TrainingParticipant),
        reference_codes=(CITY_CODE,),
        keywords=("UMKM", "pelatihan", "training", "QRIS", "literasi digital"),
        contact=CONTACT,
        topic=TOPIC,
    )
)
