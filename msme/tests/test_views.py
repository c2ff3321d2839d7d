"""The msme pages: masking of personal data, the duplicate step, the report (page, CSV, command)."""

import csv
import io
import json
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from msme.models import Listing, MarketplaceCategory, Msme

from .factories import NIK_MAN, NIK_WOMAN, kelurahan, make_msme

pytestmark = pytest.mark.django_db


@pytest.fixture
def sari(reference_data):
    return make_msme(1, name="Amplang Ibu Sari", owner_nik=NIK_WOMAN, phone="081234567890")


@pytest.mark.parametrize(("role", "full"), [("dkumkmp", True), ("bappeda", False), ("admin", False)])
def test_nik_and_phone_are_masked_except_for_dkumkmp(client, role_users, sari, role, full):
    client.force_login(role_users[role])
    pages = [
        client.get(reverse("msme:msme_list")).content.decode(),
        client.get(reverse("msme:msme_detail", args=[sari.pk])).content.decode(),
        client.get(reverse("msme:msme_list") + "?export=csv").getvalue().decode(),
    ]
    for page in pages:
        assert ("6471054107850003" in page) is full
        assert ("081234567890" in page) is full
    if not full:
        assert "6471**********03" in pages[0] and "0812*****890" in pages[2]


@pytest.mark.parametrize(("role", "full"), [("dkumkmp", True), ("bappeda", False)])
def test_a_background_export_masks_as_the_stream_does_for_the_user_who_asked(
    client, role_users, sari, role, full, settings, tmp_path, django_capture_on_commit_callbacks
):
    from smarteconomy.models import ExportJob

    settings.MEDIA_ROOT = tmp_path
    make_msme(2, phone="081298765432")
    client.force_login(role_users[role])
    url = reverse("msme:msme_list")
    streamed = client.get(url + "?export=csv").getvalue()
    settings.EXPORT_INLINE_MAX_ROWS = 1
    with django_capture_on_commit_callbacks(execute=True):
        assert client.get(url + "?export=csv").status_code == 302
    job = ExportJob.objects.get()
    with job.file.open("rb") as handle:
        written = handle.read()
    assert written == streamed
    assert (b"6471054107850003" in written) is full and (b"081298765432" in written) is full
    if not full:
        assert b"6471**********03" in written


@pytest.mark.parametrize(("language", "no"), [("id", "Tidak"), ("en", "No")])
def test_registry_export_has_plain_kelurahan_yes_no_and_date_cells(client, role_users, sari, language, no):
    import openpyxl

    client.cookies["django_language"] = language
    client.force_login(role_users["dkumkmp"])
    url = reverse("msme:msme_list")
    rows = list(csv.reader(io.StringIO(client.get(url + "?export=csv").getvalue().decode("utf-8-sig"))))
    record = dict(zip([name.lower() for name in rows[0]], rows[1], strict=True))
    assert record["kelurahan"] == str(sari.kelurahan)  # was "Name<br><span ...>Kecamatan</span>"
    assert no in rows[1] and "False" not in rows[1]  # "On Sobat UMKM" (no active listing)
    response = client.get(url + "?export=xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    cells = dict(zip([str(cell.value).lower() for cell in sheet[1]], sheet[2], strict=True))
    assert cells["kelurahan"].value == str(sari.kelurahan)
    registered = cells[str(Msme._meta.get_field("registered_on").verbose_name).lower()]
    assert registered.is_date and registered.value.date() == sari.registered_on
    assert no in [cell.value for cell in sheet[2]]


def test_history_on_the_detail_page_masks_personal_data_too(client, role_users, sari):
    from msme.services import msme_update

    msme_update(msme=sari, phone="081299998888")
    client.force_login(role_users["bappeda"])
    page = client.get(reverse("msme:msme_detail", args=[sari.pk])).content.decode()
    assert "081299998888" not in page and "081234567890" not in page and "0812*****888" in page


def test_other_offices_get_403(client, role_users, sari):
    client.force_login(role_users["dpmptsp"])
    assert client.get(reverse("msme:msme_detail", args=[sari.pk])).status_code == 403


def _post(sari, **overrides):
    data = {
        "name": "Amplang Bu Sari",
        "owner_name": "Sari",
        "owner_nik": "6471014107900002",
        "nib": "",
        "phone": "",
        "address": "",
        "kelurahan": sari.kelurahan_id,
        "business_category": "culinary",
        "scale": "micro",
        "registered_on": "2024-02-01",
        "status": "active",
        "qris_since": "",
    }
    data.update(overrides)
    return data


def test_entry_shows_candidates_then_confirm_new_registers(client, role_users, sari):
    client.force_login(role_users["dkumkmp"])
    url = reverse("msme:msme_add")
    response = client.post(url, _post(sari))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-testid="duplicate-candidates"' in page and f'value="merge:{sari.pk}"' in page
    assert Msme.objects.count() == 1
    response = client.post(url, _post(sari, decision="new"))
    assert response.status_code == 302 and Msme.objects.count() == 2


def test_merge_shows_both_records_side_by_side_before_writing_anything(client, role_users, sari):
    client.force_login(role_users["dkumkmp"])
    url = reverse("msme:msme_add")
    history = sari.history.count()
    entry = _post(sari, owner_name="Sari W.", owner_nik=NIK_MAN, address="Jl. Manggar 7", decision=f"merge:{sari.pk}")
    response = client.post(url, entry)
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-testid="merge-comparison"' in page
    rows = {row["name"]: row for row in response.context["comparison"]}
    # The owner's name, NIK and address differ: the officer chooses; registered values are preselected, the empty
    # address takes the entry's; the NIK row is highlighted and never preselected.
    assert rows["owner_name"]["choosable"] and not rows["owner_name"]["take_entry"]
    assert rows["owner_nik"]["choosable"] and not rows["owner_nik"]["take_entry"]
    assert rows["address"]["take_entry"]
    assert not rows["kelurahan"]["choosable"] and not rows["phone"]["choosable"]  # same / empty entry
    assert NIK_WOMAN in page and NIK_MAN in page  # DKUMKMP owns the record: the NIK in full
    assert 'data-testid="nik-warning"' in page and 'class="table-warning"' in page
    assert f'value="merge-confirm:{sari.pk}"' in page
    sari.refresh_from_db()
    assert sari.history.count() == history and sari.owner_name == "Pemilik 1"  # nothing written yet

    # Confirming with the defaults keeps the registered name and NIK and completes the empty address.
    confirm = {**entry, "decision": f"merge-confirm:{sari.pk}", "keep_owner_name": "registered"}
    confirm.update(keep_owner_nik="registered", keep_address="entry")
    response = client.post(url, confirm)
    assert response.status_code == 302 and response["Location"] == sari.get_absolute_url()
    sari.refresh_from_db()
    assert Msme.objects.count() == 1
    assert (sari.owner_name, sari.owner_nik, sari.address) == ("Pemilik 1", NIK_WOMAN, "Jl. Manggar 7")
    assert sari.history.latest().history_user == role_users["dkumkmp"]


def test_merge_changes_the_nik_only_when_the_officer_chooses_it(client, role_users, sari):
    client.force_login(role_users["dkumkmp"])
    url = reverse("msme:msme_add")
    entry = _post(sari, owner_name="Sari W.", owner_nik=NIK_MAN, decision=f"merge-confirm:{sari.pk}")
    client.post(url, {**entry, "keep_owner_name": "entry"})  # no choice for the NIK: it stays
    sari.refresh_from_db()
    assert (sari.owner_name, sari.owner_nik) == ("Sari W.", NIK_WOMAN)
    client.post(url, {**entry, "keep_owner_nik": "entry"})
    sari.refresh_from_db()
    assert sari.owner_nik == NIK_MAN
    latest = sari.history.latest()
    assert [c.field for c in latest.diff_against(latest.prev_record).changes] == ["owner_nik"]
    assert latest.history_user == role_users["dkumkmp"]


def test_malformed_nik_in_the_form_is_explained(client, role_users, sari):
    client.force_login(role_users["dkumkmp"])
    response = client.post(reverse("msme:msme_add"), _post(sari, owner_nik="6471019902900001", decision="new"))
    assert response.status_code == 200 and Msme.objects.count() == 1
    assert "DDMMYY" in response.content.decode() or "DDMMYY" in str(response.context["form"].errors)


def test_listing_photo_must_be_an_image(client, role_users, sari):
    category = MarketplaceCategory.objects.create(code="m", name="Makanan")
    client.force_login(role_users["dkumkmp"])
    data = {
        "msme": sari.pk,
        "product_name": "Amplang",
        "category": category.pk,
        "price": "25000",
        "listed_on": "2024-01-02",
        "active": "on",
    }
    fake = SimpleUploadedFile("foto.jpg", b"not an image", content_type="image/jpeg")
    response = client.post(reverse("msme:listing_add"), {**data, "photo": fake})
    assert response.status_code == 200 and Listing.objects.count() == 0
    unknown = client.post(reverse("msme:listing_add"), {**data, "msme": 999999})
    assert unknown.status_code == 200 and "msme" in unknown.context["form"].errors
    response = client.post(reverse("msme:listing_add"), data)
    assert response.status_code == 302 and Listing.objects.get().msme == sari


@pytest.fixture
def registrations(reference_data):
    make_msme(1, registered_on=date(2019, 3, 1), kelurahan=kelurahan("64.71.05.1002"))
    make_msme(2, registered_on=date(2019, 4, 1), kelurahan=kelurahan("64.71.05.1002"))
    make_msme(3, registered_on=date(2022, 12, 31), kelurahan=kelurahan("64.71.01.1001"))
    make_msme(4, registered_on=date(2023, 1, 1), kelurahan=kelurahan("64.71.01.1001"))


def test_report_page_and_csv(client, role_users, registrations):
    client.force_login(role_users["bappeda"])
    url = reverse("msme:report_by_district")
    page = client.get(url, {"start": 2019, "end": 2022})
    assert page.status_code == 200
    report = page.context["report"]
    assert [name for name, _v, _t in report.rows] == [
        "Balikpapan Timur", "Balikpapan Barat", "Balikpapan Utara", "Balikpapan Tengah", "Balikpapan Selatan", "Balikpapan Kota",
    ]  # fmt: skip
    assert report.years == [2019, 2020, 2021, 2022]
    assert report.totals == [2, 0, 0, 1] and report.grand_total == 3
    assert "pendaftaran baru per tahun (arus)" in page.content.decode()  # the label, in Indonesian by default
    download = client.get(url, {"start": 2019, "end": 2022, "format": "csv"})
    assert "msme-new-registrations-2019-2022.csv" in download["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(download.content.decode("utf-8-sig"))))
    assert rows[0] == ["kecamatan", "2019", "2020", "2021", "2022", "jumlah"]  # the header first; Indonesian by default
    assert rows[1] == ["Balikpapan Timur", "0", "0", "0", "1", "1"]
    assert rows[-1][1:] == ["2", "0", "0", "1", "3"]


def test_report_command_csv_and_json(registrations):
    out = io.StringIO()
    call_command("msme_report", "by-district", "--start", "2019", "--end", "2022", "--format", "json", stdout=out)
    data = json.loads(out.getvalue())
    assert data["grand_total"] == 3 and data["years"] == [2019, 2020, 2021, 2022]
    assert [row["kecamatan"] for row in data["rows"]][0] == "Balikpapan Timur"
    assert data["rows"][4] == {
        "kecamatan": "Balikpapan Selatan",
        "values": {"2019": 2, "2020": 0, "2021": 0, "2022": 0},
        "total": 2,
    }
    out, err = io.StringIO(), io.StringIO()
    call_command("msme_report", "by-district", "--start", "2019", "--end", "2022", stdout=out, stderr=err)
    lines = [line for line in csv.reader(io.StringIO(out.getvalue())) if line]
    assert lines[0] == ["kecamatan", "2019", "2020", "2021", "2022", "total"]  # a CSV's first line is its header
    assert len(lines) == 8  # header, six kecamatan, total
    assert "not the registered stock" in err.getvalue()  # what it counts, for the person at the terminal


def test_registry_list_runs_a_constant_number_of_queries(client, role_users, reference_data):
    client.force_login(role_users["dkumkmp"])
    make_msme(1)
    client.get(reverse("msme:msme_list"))  # the first page (with Redis, it caches the user's permissions and role)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("msme:msme_list"))
    for n in range(2, 30):
        make_msme(n)
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("msme:msme_list"))
    assert len(many) == len(few)


def test_photo_over_2_mb_is_refused(reference_data):
    from django.core.exceptions import ValidationError

    from msme.validators import validate_image_size

    big = SimpleUploadedFile("big.png", b"\x89PNG" + b"0" * (2 * 1024 * 1024 + 1), content_type="image/png")
    with pytest.raises(ValidationError, match="at most 2 MB"):
        validate_image_size(big)


def test_report_accepts_the_registry_filters(client, role_users, registrations):
    client.force_login(role_users["dkumkmp"])
    response = client.get(
        reverse("msme:report_by_district"), {"start": 2019, "end": 2022, "has_active_listing": "false"}
    )
    assert response.status_code == 200 and response.context["report"].grand_total == 3


def test_registry_stays_within_its_queries_with_250_rows_on_a_page(
    client, role_users, reference_data, django_assert_max_num_queries
):
    """The largest page, with listings, sorted and filtered as officers do: a fixed number of queries."""
    category = MarketplaceCategory.objects.create(code="k", name="Kuliner")
    msmes = [
        make_msme(n, kelurahan=kelurahan(code)) for n, code in enumerate(["64.71.01.1001", "64.71.02.1001"] * 130, 1)
    ]
    for msme in msmes[::3]:
        Listing.objects.create(
            msme=msme, product_name="Amplang", category=category, price=15000, listed_on=date(2023, 1, 2)
        )
    client.force_login(role_users["dkumkmp"])
    kecamatan = msmes[0].kelurahan.kecamatan_id
    for params in ({}, {"sort": "name"}, {"kecamatan_id": kecamatan, "sort": "-registered_on"}, {"q": "contoh 1"}):
        with django_assert_max_num_queries(12):  # 11, and one more to validate a kecamatan filter
            response = client.get(reverse("msme:msme_list"), {"per_page": 250, **params})
        assert response.status_code == 200 and len(response.context["table"].rows) >= 100
