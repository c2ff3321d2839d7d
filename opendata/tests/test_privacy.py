"""No personal data in any public response, and each public page in one language: on the demo data, every page, dataset page, download (the XLSX
unzipped), the DCAT catalogue and the CKAN answers are scanned for 16-digit numbers (an NIK), Indonesian phone
numbers (08…, +62 8…, 62 8…), the demo users' names and every person's name, NIK, phone and address stored in
the apps' records."""

import io
import re
import zipfile

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse

from analytics import registry as indicators
from opendata import registry
from smarteconomy.language_check import foreign_sentences
from smarteconomy.management.commands.seed_demo import DEMO_USERS

NIK = re.compile(r"(?<![\w.,])\d{16}(?![\w])")
PHONE = re.compile(r"(?<![\w.,])(?:\+62|62|0)[\s-]?8\d(?:[\s-]?\d){6,10}(?![\w])")
# The fields of the apps' records that hold a person's data (a business's name is public, its owner's is not; the
# users' names are checked whole, "first last": a parking operator's "last name" is its location's name).
PERSONAL_FIELDS = {"owner_name", "applicant_name", "owner_nik", "phone", "address"}


def personal_values():
    values = {f"{first} {last}" for _username, _role, first, last in DEMO_USERS}
    values |= {user.get_full_name() for user in get_user_model().objects.all()}
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if (
                getattr(field, "concrete", False)
                and field.name in PERSONAL_FIELDS
                and field.get_internal_type()
                in (
                    "CharField",
                    "TextField",
                )
            ):
                values |= set(model.objects.exclude(**{field.name: ""}).values_list(field.name, flat=True))
    # Short values (a first name alone, "-") would match ordinary words; a person's full name has a space.
    return sorted(v for v in values if v and len(v) >= 6 and (" " in v or v.isdigit() or v.startswith("+")))


def text_of(response):
    body = response.content
    if body[:2] == b"PK":  # an XLSX: its sheets and shared strings
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            return " ".join(archive.read(name).decode() for name in archive.namelist() if name.endswith(".xml"))
    return body.decode("utf-8")


def findings(text, values):
    found = [f"NIK-like {m}" for m in NIK.findall(text)]
    found += [f"phone-like {m}" for m in PHONE.findall(text)]
    found += [f"personal value {v!r}" for v in values if v in text]
    return found


def test_the_scanner_catches_what_it_looks_for():
    values = ["Rahmawati Pratama"]
    assert findings("NIK 6471054107850003.", values) == ["NIK-like 6471054107850003"]
    assert findings("call 0812-3456-7890 or +6281234567890", values) == [
        "phone-like 0812-3456-7890",
        "phone-like +6281234567890",
    ]
    assert findings("<td>Rahmawati Pratama</td>", values) == ["personal value 'Rahmawati Pratama'"]
    # Not personal: amounts, shares, years, hashes, Kemendagri codes.
    assert findings("12.0812345678 1.234.567.890 2024 64.71.01.1001 ab1234567890123456cd", values) == []


def public_urls(client):
    urls = [reverse(name) for name in ("opendata:landing", "opendata:scorecard", "opendata:leading_sectors")]
    urls += [reverse("opendata:dataset_list"), reverse("opendata:catalog"), reverse("opendata:ckan_package_list")]
    urls.append(reverse("opendata:ckan_package_search") + "?rows=1000")
    urls += [reverse("opendata:indicator_detail", args=[i.code]) for i in indicators.all_indicators()]
    for dataset in registry.all_datasets():
        urls.append(reverse("opendata:dataset_detail", args=[dataset.code]))
        urls.append(reverse("opendata:ckan_package_show") + f"?id={dataset.code}")
        urls += [reverse("opendata:download", args=[dataset.code, fmt]) for fmt in ("csv", "xlsx", "json")]
    return urls


@pytest.mark.django_db(transaction=False)
def test_no_public_response_or_download_carries_personal_data(client, sample):
    call_command("seed_demo", stdout=io.StringIO())
    values = personal_values()
    assert any(" " in v for v in values) and any(v.isdigit() for v in values)  # the demo has people in it
    scanned = 0
    for language in ("id", "en"):
        client.cookies["django_language"] = language
        for url in public_urls(client):
            response = client.get(url)
            assert response.status_code == 200, url
            text = text_of(response)
            problems = findings(text, values)
            assert not problems, f"{language} {url}: {problems[:5]}"
            if response["Content-Type"].startswith("text/html"):  # one language per page (guard 4)
                foreign = foreign_sentences(text, language)
                assert not foreign, f"{language} {url}: {foreign[:5]}"
            scanned += 1
    assert scanned >= 2 * (7 + len(indicators.all_indicators()) + 5 * len(registry.all_datasets()))
