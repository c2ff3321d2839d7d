"""Published editions of the scorecard and the value history of its snapshots."""

import io
import json
import zipfile

import openpyxl
import pypdf
import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError
from django.urls import reverse
from django.utils import timezone, translation

from analytics import demo, editions
from analytics.models import EditionEntry, FrozenError, IndicatorSnapshot, IndicatorSnapshotHistory, ScorecardEdition
from analytics.reports import render_pdf, render_xlsx
from analytics.scorecard import indicator_target_set, indicators_recompute
from smarteconomy.importing import run_import
from smarteconomy.models import ExportLog, TaskRun
from smarteconomy.tasking import run_logged

BASIS = "analytics.basis_sector_count"
COMPETITIVE = "analytics.competitive_sector_count"
TITLE = "Evaluasi Smart Economy 2023"
HEADER = "region_code,region_name,sector_code,year,price_basis,value\n"


def recompute(full=True):
    return run_logged("analytics.indicators_recompute", indicators_recompute, kwargs={"full": full}, pass_run=True)


@pytest.fixture
def scorecard(reference_data, role_users):
    demo.seed(io.StringIO())
    recompute()
    return role_users


def new_grdp_data(bappeda):
    """A revised 2023 figure: Balikpapan's electricity (E) is corrected to almost nothing: one basis sector fewer."""
    batch = run_import(
        "grdp",
        data=(HEADER + "64.71,Kota Balikpapan,E,2023,ADHK,1\n").encode(),
        filename="revisi.csv",
        user=bappeda,
    )
    assert batch.status == "committed", batch.message


def live(code, period):
    return IndicatorSnapshot.objects.get(indicator_code=code, period=period)


def test_publish_freezes_every_indicator_of_the_period_with_a_stable_hash(scorecard):
    bappeda = scorecard["bappeda"]
    edition = editions.publish("2023", f"  {TITLE} ", bappeda, notes="Untuk Kemendagri")
    assert edition.title == TITLE and edition.period == "2023" and edition.published_by == bappeda
    assert edition.published_by_name == "bappeda"
    assert edition.data_as_of == TaskRun.objects.get().finished_at
    entries = {e.indicator_code: e for e in edition.entries.all()}
    basis = entries[BASIS]
    snapshot = live(BASIS, "2023")
    assert (basis.period, basis.value, basis.target, basis.achievement, basis.status) == (
        "2023",
        snapshot.value,
        snapshot.target,
        snapshot.achievement,
        snapshot.status,
    )
    assert basis.completeness == snapshot.completeness and basis.computed_at == snapshot.computed_at
    assert basis.name == "Basis sectors (LQ > 1)"  # untranslated: the pages translate it
    assert [p for p, _v, _t in basis.trend] == ["2019", "2023"]
    assert entries[COMPETITIVE].status == "off_track"
    # The hash is the SHA-256 of the canonical JSON of what is stored, and it does not depend on the language.
    assert len(edition.content_hash) == 64 and editions.verify(edition)
    reloaded = ScorecardEdition.objects.get(pk=edition.pk)
    with translation.override("en"):
        assert editions.content_hash(editions.edition_content(reloaded)) == edition.content_hash
    content = json.loads(editions.canonical_json(editions.edition_content(reloaded)))
    assert content["period"] == "2023" and len(content["entries"]) == edition.entries.count()
    # A second edition of the same snapshots has the same hash.
    assert editions.publish("2023", "Salinan", bappeda).content_hash == edition.content_hash


def test_an_edition_is_unchanged_after_new_data_and_a_full_recompute_while_the_live_scorecard_shows_the_revision(
    scorecard, client
):
    bappeda = scorecard["bappeda"]
    edition = editions.publish("2023", TITLE, bappeda)
    frozen = list(EditionEntry.objects.filter(edition=edition).values())
    old_value = live(BASIS, "2023").value
    pdf_before = render_pdf(editions.edition_report(edition), compress=False)

    new_grdp_data(bappeda)
    run = recompute(full=True)
    assert run.status == "succeeded"
    new_value = live(BASIS, "2023").value
    assert new_value != old_value

    edition.refresh_from_db()
    assert list(EditionEntry.objects.filter(edition=edition).values()) == frozen
    assert editions.verify(edition)
    assert render_pdf(editions.edition_report(edition), compress=False) == pdf_before

    # The live scorecard names the edition, with the old and the new value.
    client.force_login(scorecard["dpmptsp"])
    page = client.get(reverse("analytics:scorecard")).content.decode()
    assert f"Diubah sejak edisi {TITLE}: {old_value:.0f} → {new_value:.0f}" in page
    detail = client.get(reverse("analytics:indicator_detail", args=[BASIS])).content.decode()
    assert f"Diubah sejak edisi {TITLE}: {old_value:.0f} → {new_value:.0f}" in detail
    with translation.override("en"):
        client.cookies["django_language"] = "en"
        page = client.get(reverse("analytics:scorecard")).content.decode()
    assert f"Changed since edition {TITLE}: {old_value:.0f} → {new_value:.0f}" in page
    # The edition's page lists what changed since.
    client.cookies["django_language"] = "id"
    page = client.get(edition.get_absolute_url()).content.decode()
    assert f"Sektor basis (LQ &gt; 1) (2023): {old_value:.0f} → {new_value:.0f}" in page

    # A later edition of the period becomes the reference: nothing differs from it.
    editions.publish("2023", "Evaluasi revisi", bappeda)
    assert editions.revisions(IndicatorSnapshot.objects.all()) == {}


def test_the_live_scorecard_shows_no_revision_while_nothing_changed(scorecard, client):
    editions.publish("2023", TITLE, scorecard["bappeda"])
    recompute(full=True)
    client.force_login(scorecard["bappeda"])
    page = client.get(reverse("analytics:scorecard")).content.decode()
    assert "Diubah sejak edisi" not in page and 'data-testid="revisions"' not in page


def test_history_rows_are_written_with_the_run_that_made_each_change(scorecard, client):
    first = TaskRun.objects.get()
    created = IndicatorSnapshotHistory.objects.filter(indicator_code=BASIS, period="2023")
    assert [(h.created, h.old_value, h.task_run_id) for h in created] == [(True, None, first.pk)]
    old_value = live(BASIS, "2023").value

    # A recompute that changes nothing writes no history.
    recompute(full=True)
    assert IndicatorSnapshotHistory.objects.filter(indicator_code=BASIS, period="2023").count() == 1

    new_grdp_data(scorecard["bappeda"])
    second = recompute(full=False)
    change = IndicatorSnapshotHistory.objects.filter(indicator_code=BASIS, period="2023").last()
    assert (change.created, change.old_value, change.new_value, change.task_run_id) == (
        False,
        old_value,
        live(BASIS, "2023").value,
        second.pk,
    )
    # A target change (status and achievement, same value) is kept too.
    indicator_target_set(indicator_code=BASIS, year=2023, value=40, by=scorecard["bappeda"])
    third = recompute(full=False)
    last = IndicatorSnapshotHistory.objects.filter(indicator_code=BASIS, period="2023").last()
    assert (last.target, last.status, last.task_run_id) == (40, "off_track", third.pk)
    assert last.old_value == last.new_value

    client.force_login(scorecard["dkumkmp"])
    page = client.get(reverse("analytics:indicator_detail", args=[BASIS])).content.decode()
    assert "Riwayat nilai" in page and f"#{third.pk}" in page and f"#{second.pk}" in page


def test_a_failed_indicator_keeps_neither_its_snapshots_nor_their_history(scorecard, monkeypatch):
    from analytics import scorecard as module

    before = IndicatorSnapshotHistory.objects.count()
    new_grdp_data(scorecard["bappeda"])
    real = module.IndicatorSnapshot.save

    def broken(self, *args, **kwargs):
        if self.indicator_code == BASIS:
            raise RuntimeError("disk full")
        return real(self, *args, **kwargs)

    monkeypatch.setattr(module.IndicatorSnapshot, "save", broken)
    _written, details = indicators_recompute(full=True)
    assert BASIS in details["failures"]
    assert not IndicatorSnapshotHistory.objects.filter(indicator_code=BASIS).exclude(created=True).exists()
    assert IndicatorSnapshotHistory.objects.count() == before
    assert live(BASIS, "2023").value == 12  # the previous snapshot, as its history says
    assert COMPETITIVE in details["indicators"]  # the other indicators went on


def test_pdf_and_xlsx_are_produced_again_with_the_same_content_and_print_the_hash(scorecard, client):
    edition = editions.publish("2023", TITLE, scorecard["bappeda"])
    client.force_login(scorecard["dkumkmp"])
    url_pdf = reverse("analytics:edition_download", kwargs={"pk": edition.pk, "fmt": "pdf"})
    url_xlsx = reverse("analytics:edition_download", kwargs={"pk": edition.pk, "fmt": "xlsx"})
    first_pdf, first_xlsx = client.get(url_pdf), client.get(url_xlsx)
    assert first_pdf.status_code == 200 and first_pdf["Content-Type"] == "application/pdf"
    assert f"edisi-smart-economy-2023-{edition.pk}.pdf" in first_pdf["Content-Disposition"]
    # New data and a full recompute later, the files are the same bytes.
    new_grdp_data(scorecard["bappeda"])
    recompute(full=True)
    assert client.get(url_pdf).content == first_pdf.content
    assert client.get(url_xlsx).content == first_xlsx.content
    assert ExportLog.objects.filter(list_name="analytics:edition_download").count() == 4

    # The PDF's dates are the publication's; its text prints the hash.
    assert b"/CreationDate (D:" in first_pdf.content
    published = edition.published_at.astimezone(__import__("zoneinfo").ZoneInfo("Asia/Makassar"))
    assert f"D:{published:%Y%m%d%H%M%S}".encode() in first_pdf.content
    first_page = pypdf.PdfReader(io.BytesIO(first_pdf.content)).pages[0].extract_text()
    assert edition.content_hash in first_page.replace("\n", "")
    assert f"Edisi “{TITLE}”, diterbitkan" in first_page and "oleh bappeda" in first_page

    book = openpyxl.load_workbook(io.BytesIO(first_xlsx.content))
    summary = book["Ringkasan"]
    assert summary["A5"].value == f"Hash isi (SHA-256): {edition.content_hash}"
    assert TITLE in summary["A4"].value
    assert book.properties.created.replace(tzinfo=None) == edition.published_at.replace(tzinfo=None)
    indicators = {row[9]: row for row in book["Indikator"].iter_rows(values_only=True) if row and row[9]}
    assert indicators[BASIS][2] == EditionEntry.objects.get(edition=edition, indicator_code=BASIS).value
    with zipfile.ZipFile(io.BytesIO(first_xlsx.content)) as archive:
        assert edition.content_hash in archive.read("docProps/core.xml").decode()

    # The XLSX and PDF come from the entries only: an edition's file renders the same with no snapshots at all.
    IndicatorSnapshot.objects.all().delete()
    assert render_xlsx(editions.edition_report(edition)) == first_xlsx.content


def test_an_unknown_format_or_edition_is_not_found(scorecard, client):
    edition = editions.publish("2023", TITLE, scorecard["bappeda"])
    client.force_login(scorecard["bappeda"])
    assert (
        client.get(reverse("analytics:edition_download", kwargs={"pk": edition.pk, "fmt": "docx"})).status_code == 404
    )
    assert client.get(reverse("analytics:edition_detail", kwargs={"pk": edition.pk + 1})).status_code == 404


def test_refusals_leave_nothing(scorecard):
    bappeda = scorecard["bappeda"]
    cases = [
        (("2023", "   ", bappeda), "An edition needs a title."),
        (("2031", TITLE, bappeda), "The scorecard has no snapshots for 2031: recompute it before publishing."),
        (("2023-13", TITLE, bappeda), "“2023-13” is not a period"),
        (("tahun ini", TITLE, bappeda), "is not a period"),
        (("2023-Q1", TITLE, bappeda), "“2023-Q1” is not a period: use a year (YYYY, e.g. 2025) or a month"),
        (("2023", "x" * 201, bappeda), "The title is too long"),
    ]
    for args, message in cases:
        with pytest.raises(editions.EditionError) as error:
            editions.publish(*args)
        assert message in str(error.value)
    assert not ScorecardEdition.objects.exists() and not EditionEntry.objects.exists()

    editions.publish("2023", TITLE, bappeda)
    with pytest.raises(editions.EditionError, match="already published"):
        editions.publish("2023", TITLE, bappeda)
    with translation.override("id"):
        try:
            editions.publish("2023", TITLE, bappeda)
        except editions.EditionError as exc:
            assert "sudah diterbitkan" in exc.message
    assert ScorecardEdition.objects.count() == 1


def test_a_publication_racing_another_of_the_same_title_is_refused_by_the_database(scorecard, monkeypatch):
    editions.publish("2023", TITLE, scorecard["bappeda"])
    monkeypatch.setattr(editions, "_already_published", lambda title, period: False)  # both checked before either wrote
    with pytest.raises(editions.EditionError, match="already published"):
        editions.publish("2023", TITLE, scorecard["bappeda"])
    assert ScorecardEdition.objects.count() == 1 and EditionEntry.objects.count() == len(
        editions.registry.all_indicators()
    )


def test_a_published_edition_cannot_be_changed(scorecard):
    edition = editions.publish("2023", TITLE, scorecard["bappeda"])
    edition.title = "Lain"
    with pytest.raises(FrozenError):
        edition.save()
    entry = edition.entries.first()
    entry.value = 1
    with pytest.raises(FrozenError):
        entry.save()
    with pytest.raises(IntegrityError):  # the database refuses a second edition of the same title and period
        ScorecardEdition.objects.create(
            title=TITLE, period="2023", published_by_name="x", published_at=edition.published_at, content_hash="0"
        )


def test_the_publish_form_publishes_and_refuses_with_a_message(scorecard, client):
    client.force_login(scorecard["bappeda"])
    url = reverse("analytics:edition_publish")
    response = client.post(url, {"period": "2023", "title": TITLE}, follow=True)
    edition = ScorecardEdition.objects.get()
    assert response.redirect_chain[-1][0] == edition.get_absolute_url()
    page = response.content.decode()
    assert edition.content_hash in page and "cocok dengan entri yang tersimpan" in page
    response = client.post(url, {"period": "2023", "title": TITLE}, follow=True)
    assert "Tidak diterbitkan" in response.content.decode() and ScorecardEdition.objects.count() == 1
    response = client.post(url, {"period": "1999", "title": "x"}, follow=True)
    assert "Tidak diterbitkan" in response.content.decode() and ScorecardEdition.objects.count() == 1
    listing = client.get(reverse("analytics:edition_list")).content.decode()
    assert TITLE in listing and 'data-testid="publish-form"' in listing
    this_year = timezone.localdate().year
    ended = max(
        y for y in {int(p[:4]) for p in IndicatorSnapshot.objects.values_list("period", flat=True)} if y < this_year
    )
    assert f'<option value="{ended}" selected>' in listing  # the last year that has ended, not the running one
    # An office reads the list without the form, and may not publish.
    client.force_login(scorecard["dpmptsp"])
    listing = client.get(reverse("analytics:edition_list")).content.decode()
    assert TITLE in listing and 'data-testid="publish-form"' not in listing
    assert client.post(url, {"period": "2023", "title": "Lain"}).status_code == 403
    assert ScorecardEdition.objects.count() == 1


def test_publish_edition_and_indicator_report_commands(scorecard):
    out, err = io.StringIO(), io.StringIO()
    call_command("publish_edition", "--period", "2023", "--title", TITLE, "--user", "bappeda", stdout=out, stderr=err)
    edition = ScorecardEdition.objects.get(pk=int(out.getvalue().strip()))
    assert edition.published_by == scorecard["bappeda"] and edition.content_hash in err.getvalue()

    live_report = io.StringIO()
    call_command("indicator_report", "--period", "2023", stdout=live_report)
    frozen_report = io.StringIO()
    call_command("indicator_report", "--edition", str(edition.pk), stdout=frozen_report)
    live_lines, frozen_lines = live_report.getvalue().splitlines(), frozen_report.getvalue().splitlines()
    assert frozen_lines[0] == live_lines[0]  # the same columns
    assert [line for line in frozen_lines if line.startswith(BASIS)] == [
        line for line in live_lines if line.startswith(BASIS)
    ]

    new_grdp_data(scorecard["bappeda"])
    recompute(full=True)
    again = io.StringIO()
    call_command("indicator_report", "--edition", str(edition.pk), stdout=again)
    assert again.getvalue() == frozen_report.getvalue()
    as_json = io.StringIO()
    call_command("indicator_report", "--edition", str(edition.pk), "--format", "json", stdout=as_json)
    assert {row["code"] for row in json.loads(as_json.getvalue())} >= {BASIS, COMPETITIVE}

    with pytest.raises(CommandError, match="No published edition with id 999"):
        call_command("indicator_report", "--edition", "999", stdout=io.StringIO())
    with pytest.raises(CommandError, match="already published"):
        call_command("publish_edition", "--period", "2023", "--title", TITLE, stdout=io.StringIO())
    with pytest.raises(CommandError, match="may not publish"):
        call_command("publish_edition", "--period", "2023", "--title", "Lain", "--user", "dpmptsp")
    with pytest.raises(CommandError, match="not a period"):
        call_command("publish_edition", "--period", "20x3", "--title", "Lain")
    assert ScorecardEdition.objects.count() == 1
    # Without a user, the edition names the command as its publisher.
    out = io.StringIO()
    call_command("publish_edition", "--period", "2023", "--title", "Skrip", stdout=out, stderr=io.StringIO())
    assert ScorecardEdition.objects.get(pk=int(out.getvalue())).published_by_name == editions.COMMAND_PUBLISHER


def test_the_demo_edition_is_published_once(scorecard):
    demo.seed_edition(io.StringIO())  # the demo GRDP has no 2025 snapshot: it says so and publishes nothing
    assert not ScorecardEdition.objects.exists()
    indicator_target_set(indicator_code=BASIS, year=2025, value=13, by=scorecard["bappeda"])
    recompute()
    out = io.StringIO()
    demo.seed_edition(out)
    demo.seed_edition(out)
    edition = ScorecardEdition.objects.get()
    assert (edition.title, edition.period, edition.published_by) == (
        "Evaluasi Smart Economy 2025",
        "2025",
        scorecard["bappeda"],
    )


def test_the_migration_starts_the_history_with_the_snapshots_that_existed(scorecard):
    from importlib import import_module

    from django.apps import apps

    migration = import_module("analytics.migrations.0005_editions_and_snapshot_history")
    IndicatorSnapshotHistory.objects.all().delete()
    migration.history_from_snapshots(apps, None)
    snapshot = live(BASIS, "2023")
    (row,) = IndicatorSnapshotHistory.objects.filter(indicator_code=BASIS, period="2023")
    assert (row.created, row.old_value, row.new_value, row.status, row.changed_at, row.task_run_id) == (
        True,
        None,
        snapshot.value,
        snapshot.status,
        snapshot.computed_at,
        snapshot.task_run_id,
    )
    assert IndicatorSnapshotHistory.objects.count() == IndicatorSnapshot.objects.count()


def test_a_parking_operator_reads_an_edition_without_the_citys_parking_values(scorecard, client):
    edition = editions.publish("2023", TITLE, scorecard["bappeda"])
    client.force_login(scorecard["operator_airport"])
    page = client.get(edition.get_absolute_url()).content.decode()
    assert "Hanya lokasi Anda" in page
    rows = {e.indicator_code: row for e, row in editions.edition_rows(edition, scorecard["operator_airport"])}
    assert rows["cashless.cashless_share"].snapshot is None and rows["cashless.cashless_share"].trend() == []
    assert rows[BASIS].snapshot is not None
    assert client.get(reverse("analytics:edition_download", kwargs={"pk": edition.pk, "fmt": "pdf"})).status_code == 200
