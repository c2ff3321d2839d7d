"""Reads of the industry-centre app."""

import hashlib
from datetime import timedelta

import segno
from django.core.cache import cache
from django.db.models import Count, Q
from django.utils import timezone

from . import qris
from .choices import OPEN_BILL_STATUSES, OPEN_SETTLEMENT_STATUSES
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
    return settlements_needing_attention(SettlementRow.objects.all()).count()


def settlements_needing_attention(queryset):
    """The rows of the bank's QRIS settlement file that a person must look at: unmatched, ambiguous or to review."""
    return queryset.filter(status__in=OPEN_SETTLEMENT_STATUSES)


# Arrears by age: days past the due date, from the first day after it. The bill list's ``aging`` filter and the
# DKUMKMP worklist both read bills_overdue.
AGING_BUCKETS = {"0-30": (1, 30), "31-60": (31, 60), "61-90": (61, 90), "90+": (91, None)}


def bills_overdue(queryset, *, aging=None, today=None):
    """The bills of ``queryset`` still open after their due date; with ``aging`` (a key of AGING_BUCKETS), only
    those that many days past it. Read from the due date, not from the overdue status that the nightly task sets,
    so a bill is late on the first day after its due date whether or not the task ran."""
    today = today or timezone.localdate()
    queryset = queryset.filter(status__in=OPEN_BILL_STATUSES, due_date__lt=today)
    if aging is None:
        return queryset
    first, last = AGING_BUCKETS[aging]
    queryset = queryset.filter(due_date__lte=today - timedelta(days=first))
    if last is not None:
        queryset = queryset.filter(due_date__gte=today - timedelta(days=last))
    return queryset


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


def qr_code(payload):
    """The QR code of a QRIS payload (segno), as the bill page, its print sheet and the arrears letters show it."""
    return segno.make(payload, error="m", micro=False)


def qr_svg(payload, *, scale=4):
    """The QR code of ``payload`` as an inline SVG element (server-side, no script, no external file).

    Encoding takes about 10 ms (segno tries the eight masks), most of a bill page's time, and the SVG depends on
    nothing but the payload and the scale: it is cached under their digest (a payment changes the outstanding
    amount, hence the payload, hence the key; never stale)."""
    key = f"qr-svg:{scale}:{hashlib.sha256(payload.encode()).hexdigest()}"
    svg = cache.get(key)
    if svg is None:
        svg = qr_code(payload).svg_inline(scale=scale, border=4, title="QRIS")
        cache.set(key, svg, QR_SVG_CACHE_SECONDS)
    return svg
