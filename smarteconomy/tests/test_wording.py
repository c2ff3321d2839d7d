"""Wording a careful reader notices (issue 14): repeated words, Python's True/False, codes instead of names, an
outcome that does not say what happened, a filter that says "Unknown" where it means "All"."""

import django_filters
import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import translation

from analytics.demo import DEMO_FILE
from smarteconomy.choices import ImportStatus, Role
from smarteconomy.filtersets import SearchFilterSet
from smarteconomy.importing import run_import
from smarteconomy.models import ImportBatch
from smarteconomy.templatetags.formatting import yes_no


def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.mark.django_db
def test_the_login_error_says_each_word_once(client, make_user):
    """Django's Indonesian catalogue says "Masukkan nama pengguna %(username)s", and the field is "nama pengguna"."""
    make_user("siti", "dkumkmp")
    html = client.post(reverse("login"), {"username": "siti", "password": "wrong"}).content.decode()
    assert "Masukkan nama pengguna dan sandi yang benar." in html
    assert "nama pengguna nama pengguna" not in html
    html = english(Client()).post(reverse("login"), {"username": "siti", "password": "wrong"}).content.decode()
    assert "Please enter a correct username and password." in html


def test_yes_no_reads_as_a_word_of_the_language():
    with translation.override("id"):
        assert (yes_no(True), yes_no(False)) == ("Ya", "Tidak")
    with translation.override("en"):
        assert (yes_no(True), yes_no(False)) == ("Yes", "No")
    assert yes_no(1) == 1 and yes_no("") == "" and yes_no(None) is None


@pytest.mark.django_db
def test_an_import_page_shows_the_type_by_name_and_yes_no(client, role_users):
    """The import's page read "Jenis impor msmes" and "Uji coba False"."""
    batch = ImportBatch.objects.create(
        importer="msmes",
        office=Role.DKUMKMP,
        uploaded_by=role_users["dkumkmp"],
        original_name="umkm.csv",
        status=ImportStatus.VALIDATED,
        dry_run=True,
        rows_total=3,
        message="Ketiga baris valid.",
    )
    client.force_login(role_users["dkumkmp"])
    rows = {str(label): value for label, value in client.get(batch.get_absolute_url()).context["field_rows"]}
    assert rows["jenis impor"] == "Pendataan UMKM" and rows["uji coba"] == "Ya"
    assert rows["pesan"] == "Semua 3 baris valid. Tidak ada data yang disimpan (uji coba)."
    listing = client.get(reverse("imports:batch_list")).content.decode()
    assert "Pendataan UMKM" in listing and ">msmes<" not in listing
    batch.dry_run = False
    batch.save()
    english(client)
    rows = {str(label): value for label, value in client.get(batch.get_absolute_url()).context["field_rows"]}
    assert rows["import type"] == "MSME registry" and rows["dry run"] == "No"
    assert "False" not in client.get(batch.get_absolute_url()).content.decode()


@pytest.mark.django_db
def test_a_reimport_says_how_many_rows_were_already_there_unchanged(client, reference_data, role_users):
    """A second import of the same file said "68 baris diimpor: 0 baru, 0 diperbarui." and nothing else."""
    with translation.override("id"):  # the uploader's language
        first = run_import("grdp", data=DEMO_FILE.read_bytes(), filename=DEMO_FILE.name, user=role_users["bappeda"])
        again = run_import("grdp", data=DEMO_FILE.read_bytes(), filename=DEMO_FILE.name, user=role_users["bappeda"])
    assert first.message == "68 baris diimpor: 68 baru, 0 diperbarui, 0 sudah ada tanpa perubahan."
    assert again.status == ImportStatus.COMMITTED
    assert again.message == "68 baris diimpor: 0 baru, 0 diperbarui, 68 sudah ada tanpa perubahan."
    # Stored in the uploader's language, said again in the reader's.
    client.force_login(role_users["bappeda"])
    page = english(client).get(again.get_absolute_url()).content.decode()
    assert "68 rows imported: 0 new, 0 updated, 68 already there unchanged." in page
    assert "baris diimpor" not in page


class DryRunFilterSet(SearchFilterSet):
    dry_run = django_filters.BooleanFilter(label="dry run")

    class Meta:
        model = ImportBatch
        fields = ["dry_run"]


def _options(form, name):
    return [label for _value, label in form.fields[name].widget.choices]


@pytest.mark.django_db
def test_yes_no_filters_default_to_all_in_the_shared_filter_machinery():
    """Every yes/no filter said "Tidak diketahui" (Django's "Unknown") where it filters nothing."""
    ImportBatch.objects.create(
        importer="grdp", office=Role.BAPPEDA, original_name="a", status="validated", dry_run=True
    )
    ImportBatch.objects.create(importer="grdp", office=Role.BAPPEDA, original_name="b", status="committed")
    with translation.override("id"):
        form = DryRunFilterSet({}, queryset=ImportBatch.objects.all()).form
        assert _options(form, "dry_run") == ["Semua", "Ya", "Tidak"]
        assert "Tidak diketahui" not in str(form)
    with translation.override("en"):
        assert _options(DryRunFilterSet({}).form, "dry_run") == ["All", "Yes", "No"]
    assert DryRunFilterSet({"dry_run": "unknown"}, queryset=ImportBatch.objects.all()).qs.count() == 2
    assert list(DryRunFilterSet({"dry_run": "true"}, queryset=ImportBatch.objects.all()).qs) == [
        ImportBatch.objects.get(original_name="a")
    ]


@pytest.mark.django_db
def test_a_list_pages_yes_no_filter_says_semua(client, role_users):
    client.force_login(role_users["dkumkmp"])
    html = client.get(reverse("msme:msme_list")).content.decode()
    select = html[html.index('name="has_active_listing"') :].split("</select>", 1)[0]
    assert '<option value="unknown" selected>Semua</option>' in select
    assert "Tidak diketahui" not in html
