"""Upload limits on every way a file gets in (issue 20, findings 4, 13 and 14): the shared import page, the parking
log's upload page, the import commands and listing photos are each tried with a zip bomb, a billion-laughs
workbook and an oversized file (photos: a decompression bomb and an oversized picture). Each is refused quickly,
with a message that says why, and leaves nothing: no import in a success state, no rows, no file in MEDIA_ROOT.
Then: dry runs keep no file; uploaded files are served (also with DEBUG off) only with their record."""

import io
import re
import time
import zipfile
from pathlib import Path

import openpyxl
import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import translation
from PIL import Image

from cashless.ingest import COLUMNS
from cashless.models import ParkingTransaction
from cashless.tests.factories import link, make_location
from msme.models import Listing, MarketplaceCategory
from msme.tests.factories import make_msme
from smarteconomy.choices import ImportStatus, Role
from smarteconomy.importing import run_import
from smarteconomy.models import ImportBatch
from smarteconomy.tests.sampleapp.models import Payment

pytestmark = pytest.mark.django_db

MB = 1024 * 1024
QUICK_SECONDS = 3  # the unprotected parking path took 5.5 s and 600 MB on the 300 MB bomb
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SHEET = "xl/worksheets/sheet1.xml"


@pytest.fixture(autouse=True)
def _isolated(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


def stored_files(settings):
    root = Path(settings.MEDIA_ROOT)
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


def workbook(rows):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "data"
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def rebuilt(data, replace):
    """The workbook ``data`` with its sheet's XML passed through ``replace(xml) -> chunks``, streamed into the zip
    (a 300 MB part is never held in memory)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as original, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in original.infolist():
            content = original.read(info.filename)
            if info.filename != SHEET:
                target.writestr(info.filename, content)
                continue
            with target.open(SHEET, "w", force_zip64=True) as part:
                for chunk in replace(content):
                    part.write(chunk)
    return out.getvalue()


def zip_bomb(rows, padding=300 * MB):
    """A valid workbook whose sheet is padded with whitespace: a few hundred KB that unpack to 300 MB."""

    def pad(xml):
        head, tail = xml.rsplit(b"</worksheet>", 1)
        yield head
        block = b" " * MB
        for _ in range(padding // MB):
            yield block
        yield b"</worksheet>" + tail

    return rebuilt(workbook(rows), pad)


def billion_laughs(rows):
    """A valid workbook whose sheet declares nested entities: a few KB that expand to gigabytes."""
    entities = ['<!ENTITY lol0 "lol">'] + [
        f'<!ENTITY lol{n} "{("&lol" + str(n - 1) + ";") * 10}">' for n in range(1, 10)
    ]
    doctype = ("<!DOCTYPE worksheet [" + "".join(entities) + "]>").encode()

    def declare(xml):
        cell = b'<row r="9"><c r="A9" t="inlineStr"><is><t>&lol9;</t></is></c></row>'
        yield b'<?xml version="1.0"?>' + doctype + xml.replace(b"</sheetData>", cell + b"</sheetData>", 1)

    return rebuilt(workbook(rows), declare)


@pytest.fixture(scope="module")
def payment_rows():
    return [["reference", "paid_on", "amount", "channel"], ["INV-1", "2026-01-31", 1000, "qris"]]


@pytest.fixture(scope="module")
def parking_rows():
    return [
        list(COLUMNS),
        [
            "T1",
            "2025-03-04T09:00:00+08:00",
            "2025-03-04T10:30:00+08:00",
            "car",
            "6000",
            "qris",
            "BRI",
            "paid",
            "",
            "G1",
        ],
    ]


@pytest.fixture(scope="module")
def bombs(payment_rows, parking_rows):
    """The hostile files, built once: {(kind, target): (file name, bytes, what the refusal says)}."""
    built = {}
    for target, rows in (("payments", payment_rows), ("parking", parking_rows)):
        built["zip bomb", target] = ("bomb.xlsx", zip_bomb(rows), "unpacks to 300 MB")
        built["billion laughs", target] = ("laughs.xlsx", billion_laughs(rows), "DTD")
    return built


def written(settings):
    """What an upload could leave behind: the imports in a success state and the stored files."""
    return (
        set(ImportBatch.objects.filter(status__in=[ImportStatus.COMMITTED, ImportStatus.VALIDATED]).values_list("pk")),
        set(stored_files(settings)),
    )


@pytest.fixture
def nothing_written(settings):
    """Call it after the uploads: no row, no successful import, no file was added."""
    before = written(settings), Payment.objects.count(), ParkingTransaction.objects.count()

    def check():
        after = written(settings), Payment.objects.count(), ParkingTransaction.objects.count()
        assert after == before

    return check


def test_the_hostile_files_are_what_they_claim(bombs):
    name, data, _says = bombs["zip bomb", "parking"]
    assert len(data) < 2 * MB
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.getinfo(SHEET).file_size > 300 * MB
    _name, laughs, _says = bombs["billion laughs", "parking"]
    assert len(laughs) < 20_000 and b"&lol9;" in zipfile.ZipFile(io.BytesIO(laughs)).read(SHEET)


def test_openpyxl_parses_workbooks_with_defusedxml():
    """defusedxml (requirements.txt) makes openpyxl refuse XML entities; the upload check refuses them first."""
    assert openpyxl.DEFUSEDXML is True


# --- The shared import page and the import commands --------------------------------------------------------------


@pytest.fixture
def clerk(make_user):
    user = make_user("clerk", Role.DKUMKMP)
    user.user_permissions.add(Permission.objects.get(content_type__app_label="sampleapp", codename="add_payment"))
    return user


@pytest.mark.parametrize("kind", ["zip bomb", "billion laughs"])
@pytest.mark.parametrize("dry_run", [False, True])
def test_the_shared_import_page_refuses_hostile_workbooks(
    client, clerk, settings, bombs, kind, dry_run, nothing_written
):
    name, data, says = bombs[kind, "payments"]
    client.force_login(clerk)
    post = {"file": SimpleUploadedFile(name, data, content_type=XLSX)}
    if dry_run:
        post["dry_run"] = "1"
    started = time.perf_counter()
    response = client.post(reverse("imports:upload", kwargs={"importer": "sample-payments"}), post)
    assert time.perf_counter() - started < QUICK_SECONDS
    assert response.status_code == 422
    assert says in response.content.decode()
    nothing_written()


@pytest.mark.parametrize("kind", ["zip bomb", "billion laughs"])
def test_the_import_commands_refuse_hostile_workbooks(settings, bombs, tmp_path, kind, nothing_written):
    name, data, says = bombs[kind, "payments"]
    path = tmp_path / name
    path.write_bytes(data)
    from smarteconomy.importing.command import BaseImportCommand

    command = type("Command", (BaseImportCommand,), {"importer_code": "sample-payments"})()
    errors = io.StringIO()
    with pytest.raises(CommandError, match="nothing was written"):
        call_command(command, str(path), stderr=errors)
    assert says in errors.getvalue()
    nothing_written()


def test_an_oversized_file_is_refused_by_the_commands_before_it_is_read(
    settings, tmp_path, monkeypatch, nothing_written
):
    settings.IMPORT_MAX_UPLOAD_BYTES = 1 * MB
    path = tmp_path / "big.csv"
    path.write_bytes(b"reference,paid_on,amount,channel\n" + b"INV-1,2026-01-31,1000,qris\n" * 60_000)
    from smarteconomy.importing.command import BaseImportCommand

    monkeypatch.setattr(Path, "read_bytes", lambda self: pytest.fail("the whole file was read"))
    command = type("Command", (BaseImportCommand,), {"importer_code": "sample-payments"})()
    with pytest.raises(CommandError, match="at most 1 MB are accepted"):
        call_command(command, str(path))
    nothing_written()


# --- The parking log: upload page and command ---------------------------------------------------------------------


@pytest.fixture
def airport(role_users):
    location = make_location()
    link(role_users["operator_airport"], location)
    return location


@pytest.mark.parametrize("kind", ["zip bomb", "billion laughs"])
def test_the_parking_upload_page_refuses_hostile_workbooks(
    client, role_users, airport, settings, bombs, kind, nothing_written
):
    name, data, says = bombs[kind, "parking"]
    client.force_login(role_users["operator_airport"])
    started = time.perf_counter()
    response = client.post(
        reverse("cashless:upload"), {"location": airport.pk, "file": SimpleUploadedFile(name, data, content_type=XLSX)}
    )
    assert time.perf_counter() - started < QUICK_SECONDS
    assert response.status_code == 422
    assert says in response.content.decode()
    nothing_written()


@pytest.mark.parametrize("kind", ["zip bomb", "billion laughs"])
def test_the_parking_command_refuses_hostile_workbooks(airport, settings, bombs, tmp_path, kind, nothing_written):
    name, data, says = bombs[kind, "parking"]
    path = tmp_path / name
    path.write_bytes(data)
    errors = io.StringIO()
    with pytest.raises(CommandError, match="nothing was written"):
        call_command("import_parking", str(path), "--location", airport.code, stderr=errors)
    assert says in errors.getvalue()
    nothing_written()


def test_a_refused_parking_workbook_says_how_much_it_unpacks_to_even_when_small(airport, settings, parking_rows):
    """The limits are settings: the parking path reads them like the shared importer."""
    settings.IMPORT_XLSX_MAX_UNPACKED_BYTES = 1 * MB
    data = zip_bomb(parking_rows, padding=5 * MB)
    from cashless.services import parking_transactions_import

    batch = parking_transactions_import(location=airport, data=data, filename="padded.xlsx", user=None)
    assert batch.status == ImportStatus.REFUSED
    assert "unpacks to 5 MB; at most 1 MB" in batch.errors[0]["message"]
    assert ParkingTransaction.objects.count() == 0


def test_a_workbook_compressed_too_many_times_is_refused(settings, parking_rows, airport):
    settings.IMPORT_XLSX_MAX_RATIO = 50
    data = zip_bomb(parking_rows, padding=4 * MB)
    from cashless.services import parking_transactions_import

    batch = parking_transactions_import(location=airport, data=data, filename="dense.xlsx", user=None)
    assert batch.status == ImportStatus.REFUSED
    assert "compressed" in batch.errors[0]["message"] and "at most 50 times" in batch.errors[0]["message"]


def test_an_ordinary_parking_workbook_still_imports(airport, parking_rows):
    from cashless.services import parking_transactions_import

    batch = parking_transactions_import(location=airport, data=workbook(parking_rows), filename="day.xlsx", user=None)
    assert batch.status == ImportStatus.COMMITTED, batch.errors
    assert ParkingTransaction.objects.count() == 1


# --- Oversized files on every upload page ------------------------------------------------------------------------


@pytest.fixture
def listing_form(reference_data):
    category = MarketplaceCategory.objects.create(code="m", name="Makanan")
    return {
        "msme": make_msme(1).pk,
        "product_name": "Amplang",
        "category": category.pk,
        "price": "25000",
        "listed_on": "2024-01-02",
        "active": "on",
    }


def test_an_oversized_file_is_refused_on_every_upload_page(
    client, role_users, clerk, airport, listing_form, settings, nothing_written
):
    settings.IMPORT_MAX_UPLOAD_BYTES = 1 * MB
    big = b"reference,paid_on,amount,channel\n" + b"x" * (2 * MB)
    pages = [
        (clerk, reverse("imports:upload", kwargs={"importer": "sample-payments"}), {}),
        (role_users["operator_airport"], reverse("cashless:upload"), {"location": airport.pk}),
        (role_users["dkumkmp"], reverse("msme:listing_add"), listing_form),
    ]
    for user, url, fields in pages:
        client.force_login(user)
        field = "photo" if "listing" in url else "file"
        response = client.post(url, {**fields, field: SimpleUploadedFile("big.png", big)})
        assert response.status_code == 413, url
        assert "at most 1 MB are accepted" in response.content.decode(), url
    # Not even the optional photo dropped and the listing saved without it.
    assert Listing.objects.count() == 0
    nothing_written()
    assert not ImportBatch.objects.filter(original_name="big.png").exists()


# --- Listing photos ------------------------------------------------------------------------------------------


def png(width, height):
    buffer = io.BytesIO()
    Image.new("1", (width, height)).save(buffer, "PNG", optimize=True)
    return buffer.getvalue()


@pytest.mark.parametrize(
    "photo, says",
    [
        (lambda: png(12_000, 12_000), "at most 40 megapixels"),  # 144 MP in about 20 KB: a decompression bomb
        (lambda: png(20_000, 20_000), "at most 40 megapixels"),  # beyond Pillow's own limit (an error there)
        (lambda: b"\x89PNG\r\n\x1a\n" + b"0" * (3 * MB), "at most 2 MB"),
    ],
    ids=["bomb", "huge bomb", "oversized"],
)
def test_a_hostile_listing_photo_is_refused_with_a_clear_message(
    client, role_users, listing_form, photo, says, nothing_written
):
    data = photo()
    client.force_login(role_users["dkumkmp"])
    started = time.perf_counter()
    response = client.post(reverse("msme:listing_add"), {**listing_form, "photo": SimpleUploadedFile("p.png", data)})
    assert time.perf_counter() - started < QUICK_SECONDS
    assert response.status_code == 200  # the form again, with the message
    assert says in str(response.context["form"].errors["photo"])
    assert Listing.objects.count() == 0
    nothing_written()


# --- Dry runs keep nothing (finding 14) ----------------------------------------------------------------------


def test_a_dry_run_keeps_no_file_but_its_log_row(settings, clerk, client):
    data = b"reference,paid_on,amount,channel\nINV-1,2026-01-31,1000,qris\n"
    client.force_login(clerk)
    url = reverse("imports:upload", kwargs={"importer": "sample-payments"})
    response = client.post(url, {"file": SimpleUploadedFile("pay.csv", data), "dry_run": "1"})
    assert response.status_code == 200
    batch = ImportBatch.objects.get()
    assert batch.status == ImportStatus.VALIDATED and batch.dry_run and not batch.file
    assert batch.sha256 and batch.size_bytes == len(data)  # the log still says what was checked
    assert stored_files(settings) == []
    # The import itself keeps its file (the record of what was written), under a generated name.
    client.post(url, {"file": SimpleUploadedFile("pay.csv", data)})
    committed = ImportBatch.objects.get(status=ImportStatus.COMMITTED)
    assert [path.name for path in stored_files(settings)] == [committed.file.name.rsplit("/", 1)[-1]]


def test_a_refused_or_parking_dry_run_keeps_no_file(settings, airport, parking_rows):
    from cashless.services import parking_transactions_import

    checked = parking_transactions_import(
        location=airport, data=workbook(parking_rows), filename="day.xlsx", user=None, dry_run=True
    )
    refused = run_import("sample-payments", data=b"reference,paid_on\nINV-1,bad\n", filename="bad.csv", user=None)
    assert checked.status == ImportStatus.VALIDATED and refused.status == ImportStatus.REFUSED
    assert not checked.file and not refused.file
    assert stored_files(settings) == []


# --- Serving uploaded files (finding 13) ---------------------------------------------------------------------


@pytest.fixture
def production(settings):
    settings.DEBUG = False
    settings.MEDIA_ACCEL_REDIRECT = ""


@pytest.fixture
def photo_listing(listing_form, client, role_users):
    client.force_login(role_users["dkumkmp"])
    response = client.post(
        reverse("msme:listing_add"), {**listing_form, "photo": SimpleUploadedFile("amplang.png", png(40, 30))}
    )
    assert response.status_code == 302
    client.logout()
    return Listing.objects.get()


def test_a_listing_photo_is_stored_under_a_generated_name(listing_form, client, role_users):
    """The uploader's file name may carry a NIK or phone number; the photo's address is shown to every office."""
    client.force_login(role_users["dkumkmp"])
    photo = SimpleUploadedFile("KTP 6471055002004406 0817-1477-6250.PNG", png(40, 30))
    assert client.post(reverse("msme:listing_add"), {**listing_form, "photo": photo}).status_code == 302
    name = Listing.objects.get().photo.name
    assert re.fullmatch(r"listings/\d{4}/\d{2}/[0-9a-f]{32}\.png", name), name


def test_a_listing_photo_is_served_to_those_who_see_the_listing(client, role_users, production, photo_listing):
    url = photo_listing.photo.url
    assert url.startswith("/media/listings/")
    for role in ("dkumkmp", "bappeda", "admin"):
        client.force_login(role_users[role])
        response = client.get(url)
        assert response.status_code == 200, role
        assert response["Content-Type"] == "image/png"
        assert b"".join(response.streaming_content).startswith(b"\x89PNG")
    for role in ("dpmptsp", "operator_airport"):
        client.force_login(role_users[role])
        assert client.get(url).status_code == 404, role
    client.logout()
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_the_listing_page_shows_the_photo_through_the_served_url(client, role_users, production, photo_listing):
    client.force_login(role_users["bappeda"])
    page = client.get(reverse("msme:listing_detail", args=[photo_listing.pk])).content.decode()
    assert f'src="{photo_listing.photo.url}"' in page
    assert client.get(photo_listing.photo.url).status_code == 200


def test_an_import_file_is_served_only_to_the_uploading_office(client, role_users, clerk, production):
    batch = run_import("sample-payments", data=b"reference,paid_on,amount,channel\nINV-1,2026-01-31,1000,qris\n",
                       filename="pay.csv", user=clerk)  # fmt: skip
    assert batch.status == ImportStatus.COMMITTED
    url = batch.file.url
    client.force_login(role_users["dkumkmp"])
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert b"".join(response.streaming_content).startswith(b"reference")
    for role in ("bappeda", "admin", "dpmptsp"):  # the file holds the rows unmasked
        client.force_login(role_users[role])
        assert client.get(url).status_code == 404, role


@pytest.mark.parametrize(
    "path",
    ["../settings.py", "listings/../../secret", "listings//x.png", "/etc/passwd", "listings/%2e%2e/x", "x\\..\\y"],
)
def test_media_paths_outside_the_stored_files_are_refused(client, role_users, production, path, settings):
    Path(settings.MEDIA_ROOT).mkdir(parents=True, exist_ok=True)
    (Path(settings.MEDIA_ROOT).parent / "secret").write_text("TOPSECRET-CONTENT")
    client.force_login(role_users["admin"])
    response = client.get("/media/" + path)
    assert response.status_code in (400, 404)
    assert b"TOPSECRET-CONTENT" not in b"".join(getattr(response, "streaming_content", [response.content]))


def test_the_proxy_sends_the_file_when_configured(client, role_users, production, photo_listing, settings):
    settings.MEDIA_ACCEL_REDIRECT = "/protected-media/"
    client.force_login(role_users["dkumkmp"])
    response = client.get(photo_listing.photo.url)
    assert response.status_code == 200
    assert response["X-Accel-Redirect"] == "/protected-media/" + photo_listing.photo.name
    assert response.content == b""
    client.force_login(role_users["dpmptsp"])
    assert client.get(photo_listing.photo.url).status_code == 404


# --- Import file names (finding 6) ---------------------------------------------------------------------------

NIK = "6471055002004406"
PHONE = "0817-1477-6250"
PERSONAL_NAME = f"daftar {NIK} {PHONE}.csv"
PERSONAL_DIGITS = (NIK, PHONE, "081714776250", "5500200")


@pytest.fixture
def personal_batch(clerk):
    """An import by DKUMKMP of a file whose name holds a NIK and a phone number."""
    data = b"reference,paid_on,amount,channel\nINV-1,2026-01-31,1000,qris\n"
    batch = run_import("sample-payments", data=data, filename=PERSONAL_NAME, user=clerk)
    assert batch.status == ImportStatus.COMMITTED
    return batch


def body(response):
    return b"".join(response.streaming_content) if response.streaming else response.content


def shows_personal_digits(content):
    text = content.decode("utf-8-sig") if isinstance(content, bytes) else content
    return [digits for digits in PERSONAL_DIGITS if digits in text]


def test_the_file_is_stored_under_a_generated_name(personal_batch):
    assert NIK not in personal_batch.file.name and "0817" not in personal_batch.file.name
    assert personal_batch.file.name.endswith(".csv")
    assert personal_batch.original_name == PERSONAL_NAME  # kept in the log row


def test_an_import_file_name_is_masked_for_other_offices_on_every_page(client, role_users, personal_batch):
    pages = {
        "list": reverse("imports:batch_list"),
        "csv": reverse("imports:batch_list") + "?export=csv",
        "xlsx": reverse("imports:batch_list") + "?export=xlsx",
        "detail": reverse("imports:batch_detail", args=[personal_batch.pk]),
    }
    for role in ("bappeda", "admin"):
        client.force_login(role_users[role])
        for page, url in pages.items():
            response = client.get(url)
            assert response.status_code == 200, (role, page)
            content = body(response)
            if page == "xlsx":
                book = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
                content = "\n".join(str(cell) for row in book.active.iter_rows(values_only=True) for cell in row)
            assert shows_personal_digits(content) == [], (role, page)
            assert "6471**********06" in (content if isinstance(content, str) else content.decode("utf-8-sig"))
    # The uploading office reads its own file's name in full.
    client.force_login(role_users["dkumkmp"])
    for page in ("list", "csv", "detail"):
        assert PERSONAL_NAME in body(client.get(pages[page])).decode("utf-8-sig"), page
    detail = client.get(pages["detail"])
    assert detail.context["title"] == f"#{personal_batch.pk} {PERSONAL_NAME}"


def test_the_admin_home_page_shows_the_masked_name(client, role_users, personal_batch):
    client.force_login(role_users["admin"])
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert shows_personal_digits(response.content) == []
    assert "6471**********06" in response.content.decode()


def test_the_back_office_shows_the_masked_name(client, role_users, personal_batch):
    from django.contrib.admin.models import DELETION, LogEntry

    admin = role_users["admin"]
    LogEntry.objects.log_actions(admin.pk, [personal_batch], DELETION)  # what deleting it in the admin writes
    client.force_login(admin)
    for url in (
        reverse("admin:index"),
        reverse("admin:smarteconomy_importbatch_changelist"),
        reverse("admin:smarteconomy_importbatch_change", args=[personal_batch.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert shows_personal_digits(response.content) == [], url
        assert "6471**********06" in response.content.decode(), url


def test_the_search_matches_hidden_digits_only_for_the_uploading_office(client, role_users, personal_batch):
    url = reverse("imports:batch_list")

    def found(query):
        return [row.pk for row in client.get(url, {"q": query}).context["table"].data]

    client.force_login(role_users["bappeda"])
    assert found(NIK) == [] and found("64710550") == [] and found("14776250") == []
    assert found("6471") == [personal_batch.pk]  # what the masked name shows
    assert found("daftar") == [personal_batch.pk]
    client.force_login(role_users["dkumkmp"])
    assert found(NIK) == [personal_batch.pk]
    assert found("1477-6250") == [personal_batch.pk]


def test_old_rows_without_a_masked_name_stay_masked(client, role_users, personal_batch):
    ImportBatch.objects.filter(pk=personal_batch.pk).update(masked_name="")
    personal_batch.refresh_from_db()
    assert NIK not in str(personal_batch)
    client.force_login(role_users["bappeda"])
    assert shows_personal_digits(client.get(reverse("imports:batch_list")).content) == []


def test_a_workbook_with_a_damaged_compressed_part_is_refused_not_crashed(payment_rows):
    """Found by the importer fuzz: the XML check unpacks the start of each part, which may be damaged."""
    data = bytearray(workbook(payment_rows))
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as archive:
        info = archive.getinfo(SHEET)
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    data[start] = 0xFF  # deflate block type 3: "invalid block type"
    batch = run_import("sample-payments", data=bytes(data), filename="damaged.xlsx", user=None)
    assert batch.status == ImportStatus.REFUSED
    assert "not a valid XLSX workbook" in batch.errors[0]["message"]


# --- The parking push API: JSON, within the same size limit --------------------------------------------------


def test_an_oversized_body_to_the_push_api_is_refused_with_a_message(role_users, airport, monkeypatch):
    import json

    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(role_users["operator_airport"])
    url = f"/api/cashless/locations/{airport.code}/transactions/"
    row = {"transaction_id": "T", "entry_time": "2025-03-04T09:00:00+08:00", "vehicle_class": "car", "amount": 1}
    row |= {"payment_method": "qris", "status": "paid", "issuer": "x" * 200}
    body = json.dumps({"transactions": [row] * 12_000})
    assert len(body) > 3 * MB
    monkeypatch.setattr(json, "loads", lambda *a, **k: pytest.fail("an oversized body was parsed"))
    response = client.post(url, body, content_type="application/json")
    monkeypatch.undo()
    assert response.status_code == 413
    assert "larger than 2.5 MB" in response.json()["detail"]
    assert not ImportBatch.objects.exists() and ParkingTransaction.objects.count() == 0
    small = client.post(url, {"transactions": [row | {"issuer": "BRI"}]}, format="json")
    assert small.status_code == 201, small.json()


@pytest.mark.django_db(transaction=True)
def test_the_migration_masks_the_names_already_logged(make_user):
    from django.contrib.admin.models import DELETION, LogEntry
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    before, after = [("smarteconomy", "0005_api_token")], [("smarteconomy", "0006_importbatch_masked_name")]
    # The user is made with today's model, before the schema goes back (a later migration adds columns to it).
    migrator = make_user("migrator", Role.ADMIN)
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    try:
        old_apps = executor.loader.project_state(before).apps
        batch = old_apps.get_model("smarteconomy", "ImportBatch").objects.create(
            importer="sample-payments", office=Role.DKUMKMP, original_name=PERSONAL_NAME, status=ImportStatus.COMMITTED
        )
        entry = LogEntry.objects.create(  # the log's table is the same at every migration of this app
            user_id=migrator.pk,
            content_type_id=ContentType.objects.get_for_model(ImportBatch).pk,
            object_id=str(batch.pk),
            object_repr=f"#{batch.pk} {PERSONAL_NAME}",
            action_flag=DELETION,
        )
        executor = MigrationExecutor(connection)
        executor.migrate(after)
        masked_name = (
            executor.loader.project_state(after)
            .apps.get_model("smarteconomy", "ImportBatch")
            .objects.get(pk=batch.pk)
            .masked_name
        )
        logged = LogEntry.objects.get(pk=entry.pk).object_repr
        assert masked_name.startswith("daftar 6471**********06 ") and logged == f"#{batch.pk} {masked_name}"
        assert shows_personal_digits(masked_name) == []
    finally:  # back to the latest migrations, for the tests after this one
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
