"""The industry-centre pages in the permission matrix (see smarteconomy/testing.py).

DKUMKMP runs the centre; Bappeda and the administrators read its records; the other offices have no view
permission, so PermissionRequiredMixin refuses them (403) before any record is looked up."""

import itertools
from datetime import date

from django.utils import timezone

from industry_center.models import Centre, LevyBill, SettlementRow
from industry_center.services import levy_bills_issue_month
from smarteconomy.testing import FORBIDDEN, LOGIN, NOT_ALLOWED, OK, REDIRECT, Case

from .factories import STATIC_QRIS, make_centre, make_tenancy

READ = {"*": FORBIDDEN, "anonymous": LOGIN, "dkumkmp": OK, "bappeda": OK, "admin": OK}
WRITE_FORM = {"*": FORBIDDEN, "anonymous": LOGIN, "dkumkmp": OK}
WRITE = {"*": FORBIDDEN, "anonymous": LOGIN, "dkumkmp": REDIRECT}
POST_ONLY = {"*": FORBIDDEN, "anonymous": LOGIN, "dkumkmp": NOT_ALLOWED}
_counter = itertools.count(1)


def centre():
    return Centre.objects.filter(code="SIKS").first() or make_centre(static_qris=STATIC_QRIS)


def tenancy(users=None):
    n = next(_counter)
    return make_tenancy(centre(), f"M-{n}", f"Tenant {n}", start=date(2025, 1, 1))


def house(users):
    return {"pk": tenancy().house_id}


def tenant(users):
    return {"pk": tenancy().tenant_id}


def tenancy_kwargs(users):
    return {"pk": tenancy().pk}


def bill(users):
    made = tenancy()
    levy_bills_issue_month(period=date(2025, 1, 1), today=date(2025, 1, 2))
    return {"pk": LevyBill.objects.get(tenancy=made).pk}


def settlement_row(users):
    n = next(_counter)
    row = SettlementRow.objects.create(
        transaction_at=timezone.now(),
        amount=1000,
        rrn=f"RRN-{n}",
        merchant_id="ID1020067812345",
        centre=centre(),
        status="unmatched",
    )
    return {"pk": row.pk}


MATRIX = [
    Case("industry_center:house_list", READ),
    Case("industry_center:house_add", WRITE_FORM),
    Case("industry_center:house_detail", READ, kwargs=house),
    Case("industry_center:house_edit", WRITE_FORM, kwargs=house),
    Case("industry_center:tenant_list", READ),
    Case("industry_center:tenant_add", WRITE_FORM),
    Case(
        "industry_center:tenant_add",
        WRITE,
        method="post",
        data={"name": "UD Baru", "owner_name": "Ani"},
        label="tenant_add (POST)",
    ),
    Case("industry_center:tenant_detail", READ, kwargs=tenant),
    Case("industry_center:tenant_edit", WRITE_FORM, kwargs=tenant),
    Case("industry_center:tenancy_list", READ),
    Case("industry_center:tenancy_add", WRITE_FORM),
    Case("industry_center:tenancy_edit", WRITE_FORM, kwargs=tenancy_kwargs),
    Case("industry_center:bill_list", READ),
    Case("industry_center:bill_issue_month", WRITE, method="post", data={"period": "2025-02"}),
    Case("industry_center:bill_issue_month", POST_ONLY, label="bill_issue_month (GET)"),
    Case("industry_center:bill_detail", READ, kwargs=bill),
    Case("industry_center:bill_print", READ, kwargs=bill),
    Case(
        "industry_center:payment_add",
        WRITE,
        kwargs=bill,
        method="post",
        data={"channel": "cash", "amount": "1000", "paid_at": "2025-01-05T10:00"},
    ),
    Case("industry_center:payment_add", POST_ONLY, kwargs=bill, label="payment_add (GET)"),
    Case("industry_center:bill_arrears", WRITE, kwargs=bill, method="post"),
    Case("industry_center:bill_cancel", WRITE, kwargs=bill, method="post", data={"reason": "test"}),
    Case("industry_center:payment_list", READ),
    Case("industry_center:settlement_list", READ),
    Case("industry_center:settlement_detail", READ, kwargs=settlement_row),
    Case(
        "industry_center:settlement_resolve",
        WRITE,
        kwargs=settlement_row,
        method="post",
        data={"bill_number": "none"},
    ),
    Case(
        "industry_center:settlement_set_aside",
        WRITE,
        kwargs=settlement_row,
        method="post",
        data={"reason": "refunded"},
    ),
]
