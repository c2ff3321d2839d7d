"""The public dataset of the small-industry centre (open-data portal): production-house occupancy and levy collection
by month.

Aggregates only (counts, amounts, rates; never a tenant, a bill or a payment), computed through the same functions as
the indicators (``indicators``)."""

from django.utils.translation import gettext_lazy as _

from opendata.registry import CITY_CODE, Column, Dataset, last_change, months_covered, percent, register
from smarteconomy.choices import Role

from .indicators import levy_periods, levy_totals, occupancy_counts, payment_totals
from .models import LevyBill, Payment, ProductionHouse, Tenancy

CONTACT = "DKUMKMP Kota Balikpapan — UPTD Sentra Industri Kecil"
RUPIAH = _("rupiah")


def centre_rows():
    """Per month: the production houses in use and let at its end (``occupancy_counts``), the levy billed for the
    month and paid on those bills (``levy_totals``), and the levy payments made in the month with their part paid by
    QRIS (``payment_totals``)."""
    rows = []
    for period in levy_periods():
        if not period.is_month:
            continue
        let, houses = occupancy_counts(period)
        bills, billed, collected = levy_totals(period)
        qris, paid = payment_totals(period)
        rows.append(
            {
                "month": str(period),
                "houses_in_use": houses,
                "houses_let": let,
                "occupancy_percent": percent(let, houses),
                "bills": bills,
                "levy_billed": float(billed),
                "levy_collected": float(collected),
                "collection_rate_percent": percent(collected, billed),
                "payments_received": float(paid),
                "payments_by_qris": float(qris),
                "cashless_share_percent": percent(qris, paid),
            }
        )
    return rows


register(
    Dataset(
        code="industry-center-occupancy-and-levy",
        title=_("Production-house occupancy and levy collection by month"),
        description=_(
            "Per month, for the small-industry centre (Sentra Industri Kecil) of Kota Balikpapan: the production houses "
            "in use and let to a tenant at the end of the month and the occupancy rate; the retribution (levy) billed "
            "for the month, the amount paid on those bills and the collection rate; and the levy payments received in "
            "the month with the share paid by QRIS (cashless). Cancelled bills are left out."
        ),
        producer=Role.DKUMKMP,
        frequency="monthly",
        unit=_("production houses, rupiah, percent"),
        columns=(
            Column("month", _("Month"), type="period"),
            Column("houses_in_use", _("Production houses in use"), type="integer"),
            Column("houses_let", _("Production houses let"), type="integer"),
            Column("occupancy_percent", _("Occupancy (%)"), type="decimal", unit="%"),
            Column("bills", _("Levy bills"), type="integer"),
            Column("levy_billed", _("Levy billed"), type="decimal", unit=RUPIAH),
            Column("levy_collected", _("Levy paid on the month's bills"), type="decimal", unit=RUPIAH),
            Column("collection_rate_percent", _("Collection rate (%)"), type="decimal", unit="%"),
            Column("payments_received", _("Levy payments received in the month"), type="decimal", unit=RUPIAH),
            Column("payments_by_qris", _("Of which paid by QRIS"), type="decimal", unit=RUPIAH),
            Column("cashless_share_percent", _("Cashless share of the payments (%)"), type="decimal", unit="%"),
        ),
        rows=centre_rows,
        period_covered=lambda: months_covered(levy_periods()),
        last_updated=lambda: last_change(LevyBill, Payment, Tenancy, ProductionHouse),
        reference_codes=(CITY_CODE,),
        keywords=("sentra industri", "retribusi", "rumah produksi", "QRIS", "IKM"),
        contact=CONTACT,
        topic=_("Industry"),
    )
)
