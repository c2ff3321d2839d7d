"""No personal data (NIK, phone number) where a role may not see it: every export (CSV and XLSX of every list),
every page of the matrix with its change history, the import reports and the error pages. Only the owning office
(DKUMKMP for the MSME registry and the industry centre's tenants) reads them in full.

The records carry known values, changed once so that the change history holds an old and a new value of each;
each check looks for the full values in the bytes of the response (inside the XLSX's zip too)."""

import io
import zipfile
from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from industry_center.models import LevyBill
from industry_center.services import levy_bills_issue_month, tenant_save
from industry_center.tests.factories import STATIC_QRIS, make_centre, make_tenancy
from msme.models import Listing, MarketplaceCategory, OutletProduct, Training, TrainingParticipant
from msme.services import msme_update
from msme.tests.factories import make_msme
from smarteconomy.choices import ImportStatus
from smarteconomy.importing import run_import
from smarteconomy.lists import ObjectListView
from smarteconomy.models import ExportLog, ImportBatch
from smarteconomy.testing import OK, collect_matrix, url_routes

# (Not the importers' documented examples, 6471054107850003 and 081234567890, which the upload pages show.)
NIK_BEFORE, NIK_AFTER = "6471054507880002", "6471011203900001"
PHONE_BEFORE, PHONE_AFTER = "081254321098", "081298765432"
TENANT_PHONE_BEFORE, TENANT_PHONE_AFTER = "081355501234", "081355509876"
SECRETS = (NIK_BEFORE, NIK_AFTER, PHONE_BEFORE, PHONE_AFTER, TENANT_PHONE_BEFORE, TENANT_PHONE_AFTER)
# The MSME that msme/tests/permission_matrix.py makes for its detail pages.
MATRIX_SECRETS = ("6471054107850003", "081234567890")
# Every role but the owning office; the offices without a view permission get 403 pages, checked all the same.
OTHER_ROLES = ("bappeda", "admin", "dpmptsp", "operator_airport", "operator_mall")


def text_of(response):
    """The response's bytes as text; an XLSX is unzipped and all its XML parts read."""
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if body[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            return "\n".join(archive.read(name).decode("utf-8", "replace") for name in archive.namelist())
    return body.decode("utf-8", "replace")


def leaked(text, secrets=SECRETS):
    return [secret for secret in secrets if secret in text]


@pytest.fixture
def personal_records(role_users, reference_data):
    """An MSME and a tenant whose NIK and phone numbers were each changed once, with the records around them."""
    msme = make_msme(1, owner_nik=NIK_BEFORE, phone=PHONE_BEFORE, by=role_users["dkumkmp"])
    msme = msme_update(
        msme=msme,
        by=role_users["dkumkmp"],
        owner_nik=NIK_AFTER,
        phone=PHONE_AFTER,
        name=msme.name,
        owner_name=msme.owner_name,
        kelurahan=msme.kelurahan,
        business_category=msme.business_category,
        registered_on=msme.registered_on,
    )
    category = MarketplaceCategory.objects.get_or_create(code="makanan", defaults={"name": "Makanan"})[0]
    Listing.objects.create(
        msme=msme, product_name="Amplang", category=category, price=25000, listed_on=date(2023, 1, 2)
    )
    training = Training.objects.create(
        title="Digitalisasi UMKM", partner="Grab", starts_on=date(2023, 12, 20), ends_on=date(2023, 12, 21), quota=2
    )
    TrainingParticipant.objects.create(training=training, msme=msme, applied_at="2023-12-01T09:00+08:00")
    OutletProduct.objects.create(msme=msme, name="Amplang 250 g", unit_price=30000)

    tenancy = make_tenancy(make_centre(static_qris=STATIC_QRIS), "RP-77", "UD Tahu Murni", phone=TENANT_PHONE_BEFORE)
    tenant_save(tenant=tenancy.tenant, by=role_users["dkumkmp"], phone=TENANT_PHONE_AFTER)
    levy_bills_issue_month(period=date(2025, 1, 1), today=date(2025, 1, 2))

    # DKUMKMP searched its registry for a NIK and exported the result: the export log (read by Bappeda and the
    # administrators) keeps the search.
    owner = Client()
    owner.force_login(role_users["dkumkmp"])
    assert owner.get(reverse("msme:msme_list"), {"q": NIK_AFTER, "export": "csv"}).status_code == 200
    return {"msme": msme, "tenant": tenancy.tenant}


def refused_msme_import(user, tmp_path, settings):
    """An MSME file whose columns slipped by one: the NIK landed in the kelurahan column and a phone number in the
    date column, so the error report quotes both."""
    settings.MEDIA_ROOT = str(tmp_path)
    header = "name,owner_name,owner_nik,nib,phone,address,kelurahan,business_category,registered_on\n"
    row = f"Amplang Bu Sari,Sari,{NIK_BEFORE},,,Jl. Mulawarman,{NIK_AFTER},culinary,{PHONE_BEFORE}\n"
    return run_import("msmes", data=(header + row).encode(), filename="umkm.csv", user=user)


def list_urls():
    """Every list page of the product (the one list view, ObjectListView): each has CSV and XLSX exports."""
    urls = []
    for _route, name in url_routes():
        if name is None:
            continue
        from django.urls import resolve

        try:
            match = resolve(reverse(name))
        except Exception:  # noqa: BLE001 - a URL with arguments is not a list page
            continue
        view_class = getattr(match.func, "view_class", None)
        if view_class and issubclass(view_class, ObjectListView):
            urls.append(name)
    return sorted(urls)


def test_every_list_page_is_found():
    names = list_urls()
    assert {"msme:msme_list", "industry_center:tenant_list", "imports:batch_list", "exports:log_list"} <= set(names)
    assert len(names) >= 20, names


@pytest.mark.django_db
def test_the_owning_office_sees_the_values_in_its_exports(client, role_users, personal_records):
    """The check below is real: in DKUMKMP's own exports the full values are there."""
    client.force_login(role_users["dkumkmp"])
    for fmt in ("csv", "xlsx"):
        msmes = text_of(client.get(reverse("msme:msme_list"), {"export": fmt}))
        tenants = text_of(client.get(reverse("industry_center:tenant_list"), {"export": fmt}))
        assert NIK_AFTER in msmes and PHONE_AFTER in msmes, fmt
        assert TENANT_PHONE_AFTER in tenants, fmt


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_no_export_of_any_list_holds_a_full_nik_or_phone_for_another_role(client, role_users, personal_records, fmt):
    exported = 0
    for name in list_urls():
        for role in OTHER_ROLES:
            client.force_login(role_users[role])
            response = client.get(reverse(name), {"export": fmt})
            assert response.status_code in (200, 403), (name, role, response.status_code)
            if response.status_code == 200:
                exported += 1
            found = leaked(text_of(response))
            assert not found, f"{name} ({fmt}) as {role}: {found}"
    assert exported >= 40  # Bappeda and the administrators export every list


@pytest.mark.django_db
def test_no_page_of_the_matrix_shows_a_full_nik_or_phone_to_bappeda_or_the_administrators(role_users, personal_records):
    """Every page a cross-office role may open (detail pages with their change history included), plus the pages of
    the records above, which hold the changed values."""
    pages = 0
    for role in ("bappeda", "admin"):
        browser = Client()
        browser.force_login(role_users[role])
        for case in collect_matrix():
            if case.method != "get" or case.expected_for(role) != OK:
                continue
            kwargs = case.kwargs(role_users) if callable(case.kwargs) else (case.kwargs or {})
            response = case.request(browser, reverse(case.url_name, kwargs=kwargs))
            pages += 1
            body = text_of(response)
            found = leaked(body, SECRETS + MATRIX_SECRETS)
            assert not found, f"{case.id} as {role}: {found}"
        msme, tenant = personal_records["msme"], personal_records["tenant"]
        for url in (msme.get_absolute_url(), reverse("industry_center:tenant_detail", args=[tenant.pk])):
            html = browser.get(url).content.decode()
            assert 'data-testid="history"' in html
            assert not leaked(html), f"{url} as {role}: {leaked(html)}"
            assert NIK_AFTER[:4] in html or "081" in html  # the masked value is shown, not left out
        bill = LevyBill.objects.get(tenancy__tenant=tenant)
        for name in ("industry_center:bill_detail", "industry_center:bill_print"):
            response = browser.get(reverse(name, args=[bill.pk]))
            assert response.status_code == 200 and not leaked(response.content.decode()), name
    assert pages > 100


@pytest.mark.django_db
def test_the_owner_sees_the_history_in_full(client, role_users, personal_records):
    client.force_login(role_users["dkumkmp"])
    html = client.get(personal_records["msme"].get_absolute_url()).content.decode()
    assert NIK_BEFORE in html and NIK_AFTER in html and PHONE_BEFORE in html and PHONE_AFTER in html
    tenant = personal_records["tenant"]
    html = client.get(reverse("industry_center:tenant_detail", args=[tenant.pk])).content.decode()
    assert TENANT_PHONE_BEFORE in html and TENANT_PHONE_AFTER in html


@pytest.mark.django_db
def test_the_export_log_keeps_a_search_for_a_nik_masked(client, role_users, personal_records):
    log = ExportLog.objects.get(list_name="msme:msme_list")
    assert NIK_AFTER not in log.query and "q=6471**********01" in log.query
    client.force_login(role_users["bappeda"])
    for params in ({}, {"export": "csv"}, {"export": "xlsx"}):
        assert not leaked(text_of(client.get(reverse("exports:log_list"), params)))


@pytest.mark.django_db
def test_an_import_report_quoting_a_nik_and_a_phone_is_masked_for_every_role_but_the_importing_office(
    client, role_users, reference_data, tmp_path, settings
):
    batch = refused_msme_import(role_users["dkumkmp"], tmp_path, settings)
    assert batch.status == ImportStatus.REFUSED
    report = str(batch.errors)
    assert NIK_AFTER in report and PHONE_BEFORE in report  # the stored report quotes the row

    client.force_login(role_users["dkumkmp"])  # the office that imports MSMEs reads its own report in full
    assert NIK_AFTER in text_of(client.get(reverse("imports:batch_detail", args=[batch.pk])))
    assert PHONE_BEFORE in text_of(client.get(reverse("imports:batch_errors", args=[batch.pk])))

    for role in ("bappeda", "admin"):
        client.force_login(role_users[role])
        for url in (reverse("imports:batch_detail", args=[batch.pk]), reverse("imports:batch_errors", args=[batch.pk])):
            response = client.get(url)
            assert response.status_code == 200
            body = text_of(response)
            assert not leaked(body), f"{url} as {role}: {leaked(body)}"
            assert "6471**********01" in body  # masked, not dropped
    # The back office shows the report masked too.
    client.force_login(role_users["admin"])
    change = client.get(reverse("admin:smarteconomy_importbatch_change", args=[batch.pk]))
    assert change.status_code == 200 and not leaked(change.content.decode())


@pytest.mark.django_db
def test_the_refusal_page_masks_the_rows_for_an_uploader_outside_the_importing_office(
    client, role_users, reference_data, tmp_path, settings
):
    """A superuser (the administrators' role) may use any upload page, but the rows of an MSME file belong to
    DKUMKMP: the refusal page names every bad row and column with the values masked. DKUMKMP gets them in full."""
    settings.MEDIA_ROOT = str(tmp_path)
    header = "name,owner_name,owner_nik,nib,phone,address,kelurahan,business_category,registered_on\n"
    row = f"Amplang Bu Sari,Sari,{NIK_BEFORE},,,Jl. Mulawarman,{NIK_AFTER},culinary,{PHONE_BEFORE}\n"

    def upload(user):
        client.force_login(user)
        file = io.BytesIO((header + row).encode())
        file.name = "umkm.csv"
        return client.post(reverse("imports:upload", args=["msmes"]), {"file": file})

    superuser = get_user_model().objects.create_superuser("root", password="x-test-password-1")
    refused = upload(superuser)
    assert refused.status_code == 422
    html = refused.content.decode()
    assert 'data-testid="import-errors"' in html and "6471**********01" in html
    assert not leaked(html), leaked(html)

    own = upload(role_users["dkumkmp"])
    assert own.status_code == 422 and NIK_AFTER in own.content.decode() and PHONE_BEFORE in own.content.decode()
    assert ImportBatch.objects.filter(importer="msmes").count() == 2


@pytest.mark.django_db
def test_error_pages_show_no_personal_data(role_users, personal_records, settings, monkeypatch):
    """404 and 500 with DEBUG off: the page says what happened, never what the record or the error held."""
    from msme.views import MsmeDetailView

    settings.DEBUG = False
    msme = personal_records["msme"]
    browser = Client(raise_request_exception=False)
    browser.force_login(role_users["bappeda"])

    missing = browser.get(reverse("msme:msme_detail", args=[msme.pk + 1000]))
    assert missing.status_code == 404 and not leaked(missing.content.decode())

    def broken(self, **kwargs):
        raise ValueError(f"cannot show {NIK_AFTER} / {PHONE_AFTER}")

    monkeypatch.setattr(MsmeDetailView, "get_context_data", broken)
    failed = browser.get(msme.get_absolute_url())
    assert failed.status_code == 500
    assert not leaked(failed.content.decode())

    browser.force_login(role_users["operator_mall"])
    refused = browser.get(msme.get_absolute_url())
    assert refused.status_code == 403 and not leaked(refused.content.decode())
