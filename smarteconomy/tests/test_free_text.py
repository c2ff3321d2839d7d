"""Free text (a note, an address, a payer's name, a reason) in which someone typed a NIK or a phone number: shown with
them masked to every office but the one that owns the record, on list pages, in CSV and XLSX exports, on detail pages
and in the change history; the search does not look into it for them either (typing a NIK digit by digit would
reveal it by which rows match). The fields are declared per model in ``free_text_fields``."""

import re
from datetime import date, datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from industry_center.models import LevyBill
from industry_center.services import (
    levy_bill_cancel,
    levy_bills_issue_month,
    payment_record,
    settlement_row_record,
    settlement_row_set_aside,
    tenant_save,
)
from industry_center.tests.factories import STATIC_QRIS, make_centre, make_tenancy
from licensing.models import PermitType
from licensing.services import permit_application_create, permit_application_transition, service_disruption_save
from msme.services import msme_update, outlet_movement_record, outlet_product_save
from msme.tests.factories import make_msme
from smarteconomy.choices import Role
from smarteconomy.roles import owner_office_of
from smarteconomy.tests.test_personal_data import text_of

NIK, PHONE = "6471054507880002", "081254321098"
# As people type them into a note: grouped, dashed, with the country code.
WRITTEN = "NIK 6471 0545 0788 0002, HP 0812-5432-1098"
WRITTEN_BEFORE = "KTP 6471.0545.0788.0002 / +62 812 5432 1098"
OTHER_ROLES = ("bappeda", "admin")


def leaked(text):
    """The NIK or phone number in any spacing: separators between digits are dropped before looking."""
    digits = re.sub(r"(?<=\d)[\s.\-+]+(?=\d)", "", text)
    return [value for value in (NIK, PHONE[1:]) if value in digits]


def _at(day):
    return timezone.make_aware(datetime(2025, 1, day, 10))


@pytest.fixture
def notes(role_users, reference_data):
    """One record per declared free-text field, its text holding the NIK and the phone number (changed once, so that
    the change history holds an old and a new text)."""
    dkumkmp, dpmptsp = role_users["dkumkmp"], role_users["dpmptsp"]
    msme = make_msme(1, address=WRITTEN_BEFORE, by=dkumkmp)
    msme = msme_update(
        msme=msme,
        by=dkumkmp,
        address=WRITTEN,
        **{f: getattr(msme, f) for f in ("name", "owner_name", "kelurahan", "business_category", "registered_on")},
    )

    centre = make_centre(static_qris=STATIC_QRIS)
    tenancy = make_tenancy(centre, "RP-77", "UD Tahu Murni")
    tenant = tenant_save(tenant=tenancy.tenant, by=dkumkmp, notes=WRITTEN_BEFORE)
    tenant = tenant_save(tenant=tenant, by=dkumkmp, notes=WRITTEN)

    levy_bills_issue_month(period=date(2025, 1, 1), today=date(2025, 1, 2))
    bill = levy_bill_cancel(bill=LevyBill.objects.get(tenancy=tenancy), reason=WRITTEN, by=dkumkmp)

    row = settlement_row_record(
        centre=centre,
        row_number=1,
        transaction_at=_at(5),
        amount=123_456,
        rrn="RRN000000001",
        merchant_id="ID1234567890",
        payer=WRITTEN,
    )
    row = settlement_row_set_aside(row=row, reason=WRITTEN, by=dkumkmp)

    permit_type = PermitType.objects.create(code="pbg", name="PBG", service_level_days=5, risk_level="menengah_rendah")
    application = permit_application_create(
        registration_number="REG-1",
        applicant_name="CV Maju",
        applicant_kind="company",
        permit_type=permit_type,
        channel="spontan",
        submitted_at=_at(2),
        by=dpmptsp,
    )
    permit_application_transition(application=application, to_status="verification", at=_at(3), by=dpmptsp)
    permit_application_transition(
        application=application, to_status="returned", at=_at(4), reason="other", note=WRITTEN, by=dpmptsp
    )
    bill_open = LevyBill.objects.exclude(pk=bill.pk).first() or _second_bill(centre)
    payment = payment_record(
        bill=bill_open, channel="transfer", amount=1_000, paid_at=_at(6), reference="TRF-1", note=WRITTEN, by=dkumkmp
    )
    product = outlet_product_save(msme=msme, name="Amplang", unit_price=10_000, commission_percent=10, by=dkumkmp)
    movement = outlet_movement_record(
        product=product, kind="intake", quantity=5, on=date(2025, 1, 7), note=WRITTEN, by=dkumkmp
    )
    disruption = service_disruption_save(
        system="oss", started_at=_at(8), ended_at=_at(9), impact=WRITTEN, follow_up=WRITTEN_BEFORE, by=dpmptsp
    )
    return {
        "msme": msme,
        "tenant": tenant,
        "bill": bill,
        "row": row,
        "application": application,
        "payment": payment,
        "product": product,
        "movement": movement,
        "disruption": disruption,
    }


def _second_bill(centre):
    tenancy = make_tenancy(centre, "RP-78", "UD Kerupuk")
    levy_bills_issue_month(period=date(2025, 1, 1), today=date(2025, 1, 2))
    return LevyBill.objects.get(tenancy=tenancy)


# (declared field, the owning office, the pages that show it: list pages are checked with their CSV and XLSX exports)
CASES = [
    ("msme.Msme.address", Role.DKUMKMP, ["msme:msme_list"], ["msme"]),
    ("industry_center.Tenant.notes", Role.DKUMKMP, [], ["tenant"]),
    ("industry_center.LevyBill.cancel_reason", Role.DKUMKMP, [], ["bill"]),
    ("industry_center.SettlementRow.payer", Role.DKUMKMP, ["industry_center:settlement_list"], ["row"]),
    ("industry_center.SettlementRow.reason", Role.DKUMKMP, ["industry_center:settlement_list"], ["row"]),
    ("licensing.PermitStatusChange.note", Role.DPMPTSP, [], ["application"]),
    ("msme.OutletMovement.note", Role.DKUMKMP, [], ["product"]),
    ("licensing.ServiceDisruption.impact", Role.DPMPTSP, ["licensing:disruption_list"], ["disruption"]),
    ("licensing.ServiceDisruption.follow_up", Role.DPMPTSP, [], ["disruption"]),
]


def detail_url(key, record):
    if key == "tenant":
        return reverse("industry_center:tenant_detail", args=[record.pk])
    if key == "row":
        return reverse("industry_center:settlement_detail", args=[record.pk])
    if key == "bill":
        return reverse("industry_center:bill_detail", args=[record.pk])
    return record.get_absolute_url()


@pytest.mark.django_db
@pytest.mark.parametrize(("field", "owner", "lists", "records"), CASES, ids=[case[0] for case in CASES])
def test_free_text_is_masked_for_other_offices_and_shown_to_the_owner(
    client, role_users, notes, field, owner, lists, records
):
    from django.apps import apps

    app_label, model_name, name = field.split(".")
    model = apps.get_model(app_label, model_name)
    assert name in model.free_text_fields and owner_office_of(model) == owner
    urls = [
        (reverse(list_name), params) for list_name in lists for params in ({}, {"export": "csv"}, {"export": "xlsx"})
    ]
    list_urls = {url for url, _params in urls}
    urls += [(detail_url(key, notes[key]), {}) for key in records]

    client.force_login(role_users[owner])
    for url, params in urls:
        if params.get("export") != "xlsx":  # the owner reads the text in full (a hidden column: in the export)
            shown = text_of(client.get(url, params)) + text_of(client.get(url, {**params, "export": "csv"}))
            assert NIK in leaked(shown), (url, params, owner)
    for role in OTHER_ROLES:
        client.force_login(role_users[role])
        for url, params in urls:
            response = client.get(url, params)
            assert response.status_code == 200, (url, params, role)
            body = text_of(response)
            assert not leaked(body), f"{url} {params} as {role}: {leaked(body)}"
            if params or url not in list_urls:  # (a list page may hide the column: its exports have it)
                assert "6471**********02" in body or "0812*****098" in body, (url, params, role)  # masked, not dropped


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("list_name", "owner", "shown"),
    [("msme:msme_list", "dkumkmp", "Usaha Contoh 1"), ("industry_center:settlement_list", "dkumkmp", "RRN000000001")],
)
def test_the_search_does_not_look_for_a_nik_in_free_text_that_the_user_sees_masked(
    client, role_users, notes, list_name, owner, shown
):
    client.force_login(role_users[owner])
    assert shown in client.get(reverse(list_name), {"q": "0545 0788"}).content.decode()  # found by its text
    for role in OTHER_ROLES:
        client.force_login(role_users[role])
        assert shown in client.get(reverse(list_name)).content.decode(), role  # the record is on the page...
        assert shown not in client.get(reverse(list_name), {"q": "0545 0788"}).content.decode(), role  # ...not found
    assert shown in client.get(reverse(list_name), {"q": shown[:8]}).content.decode()  # by what is not personal


@pytest.mark.django_db
def test_the_back_office_leaves_the_free_text_out(client, role_users, notes):
    """The administrators' back office shows no free text that may quote a NIK or phone (as it shows no NIK)."""
    client.force_login(role_users["admin"])
    pages = [
        ("admin:msme_msme_change", notes["msme"]),
        ("admin:industry_center_tenant_change", notes["tenant"]),
        ("admin:industry_center_levybill_change", notes["bill"]),
        ("admin:industry_center_settlementrow_change", notes["row"]),
        ("admin:industry_center_payment_change", notes["payment"]),
        ("admin:msme_outletmovement_change", notes["movement"]),
        ("admin:licensing_servicedisruption_change", notes["disruption"]),
    ]
    for name, record in pages:
        response = client.get(reverse(name, args=[record.pk]))
        assert response.status_code == 200, name
        assert not leaked(response.content.decode()), name
