"""Reads of the industry-centre app."""

import hashlib

import segno
from django.core.cache import cache
from django.db.models import Count, Q

from . import qris
from .choices import OPEN_SETTLEMENT_STATUSES
from .models import LevyBill, Payment, ProductionHouse, SettlementRow, Tenancy, Tenant


def house_list():
    return ProductionHouse.objects.select_related("centre")


def tenant_list():
    return Tenant.objects.annotate(active_tenancies=Count("tenancies", filter=Q(tenancies__end__isnull=True)))


def tenancy_list():
    return Tenancy.objects.select_related("tenant", "house__centre")


def bill_list():
    return LevyBill.objects.select_related("tenancy__tenant", "tenancy__house__centre")


def payment_list():
    return Payment.objects.select_related("bill__tenancy__tenant", "recorded_by")


def settlement_list():
    return SettlementRow.objects.select_related("centre", "payment__bill")


def open_settlement_count():
    return SettlementRow.objects.filter(status__in=OPEN_SETTLEMENT_STATUSES).count()


def bill_qris_payload(bill):
    """The dynamic QRIS of an open bill (its outstanding amount and its number), or None when the bill has nothing
    left to pay or its centre has no valid static QRIS."""
    centre = bill.tenancy.house.centre
    if bill.outstanding <= 0 or not centre.static_qris:
        return None
    try:
        return qris.make_dynamic(centre.static_qris, amount=bill.outstanding, bill_number=bill.number)
    except qris.QrisError:
        return None


QR_SVG_CACHE_SECONDS = 7 * 24 * 3600


def qr_svg(payload, *, scale=4):
    """The QR code of ``payload`` as an inline SVG element (server-side, no script, no external file).

    Encoding takes about 10 ms (segno tries the eight masks), most of a bill page's time, and the SVG depends on
    nothing but the payload and the scale: it is cached under their digest (a payment changes the outstanding
    amount, hence the payload, hence the key; never stale)."""
    key = f"qr-svg:{scale}:{hashlib.sha256(payload.encode()).hexdigest()}"
    svg = cache.get(key)
    if svg is None:
        svg = segno.make(payload, error="m", micro=False).svg_inline(scale=scale, border=4, title="QRIS")
        cache.set(key, svg, QR_SVG_CACHE_SECONDS)
    return svg
