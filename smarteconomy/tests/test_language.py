"""Guard 4, one language per page: no English sentence on an Indonesian page and no Indonesian one on an English
page, on every HTML page of the demo crawl (every role, both languages), checked by smarteconomy.language_check."""

import pytest
from django.utils import translation

from smarteconomy.language_check import foreign_sentences, reads_as, visible_texts

# --- the checker itself, both ways ------------------------------------------------------------------------------


def test_untranslated_catalogue_text_is_english_on_an_indonesian_page():
    page = """<html lang="id"><body><h1>Sektor unggulan</h1>
    <div class="alert">No GRDP data yet. Bappeda imports BPS tables of GRDP by sector (region, sector, year,
    price basis, value).</div><label>Search</label><button>Tampilkan</button></body></html>"""
    assert foreign_sentences(page, "id") == [
        "No GRDP data yet. Bappeda imports BPS tables of GRDP by sector (region, sector, year, price basis, value).",
        "Search",
    ]
    assert foreign_sentences(page.replace("Search", "Cari"), "id") == [
        "No GRDP data yet. Bappeda imports BPS tables of GRDP by sector (region, sector, year, price basis, value)."
    ]


def test_translated_catalogue_text_is_indonesian_on_an_english_page():
    page = '<h1>Leading sectors</h1><p>Belum ada perubahan yang tercatat.</p><a title="Cari">Search</a><p>Search</p>'
    assert foreign_sentences(page, "en") == ["Belum ada perubahan yang tercatat.", "Cari"]


def test_messages_with_placeholders_match_any_value():
    assert foreign_sentences("<p>300 rows imported: 0 new, 0 updated, 300 already there unchanged.</p>", "id")
    assert foreign_sentences("<p>300 baris diimpor: 0 baru, 0 diperbarui, 300 sudah ada tanpa perubahan.</p>", "en")
    # the same texts in the page's own language are fine
    assert not foreign_sentences("<p>300 baris diimpor: 0 baru, 0 diperbarui, 300 sudah ada tanpa perubahan.</p>", "id")
    assert not foreign_sentences("<p>300 rows imported: 0 new, 0 updated, 300 already there unchanged.</p>", "en")


def test_sentences_outside_the_catalogue_by_their_function_words():
    english = "<div class='alert'>Sumber data: Reconstructed from published tables, not official BPS data.</div>"
    assert foreign_sentences(english, "id") == ["Reconstructed from published tables, not official BPS data."]
    assert not foreign_sentences(english, "en")  # "Sumber data" alone is no Indonesian sentence
    indonesian = "<p>Data tidak ada untuk tahun ini dan belum diimpor oleh kantor.</p>"
    assert foreign_sentences(indonesian, "en") == ["Data tidak ada untuk tahun ini dan belum diimpor oleh kantor."]
    assert not foreign_sentences(indonesian, "id")
    assert reads_as("The region and the reference", "en", "id")
    assert not reads_as("Kota Balikpapan", "en", "id")  # too short, no function words
    assert not reads_as("Wilayah dan the data", "en", "id")  # one of each: not enough


def test_python_booleans_are_flagged_in_both_languages():
    assert foreign_sentences("<dl><dt>Aktif</dt><dd>True</dd><dt>Uji coba</dt><dd>False</dd></dl>", "id") == [
        "True",
        "False",
    ]
    assert foreign_sentences("<dl><dt>Active</dt><dd>True</dd><dt>Dry run</dt><dd>False</dd></dl>", "en") == [
        "True",
        "False",
    ]
    for language in ("id", "en"):
        assert foreign_sentences("<td>Aktif True</td>", language)[-1] == "Aktif True"
    assert not foreign_sentences("<p>Truel Falsehood TrueType</p>", "en")
    # English prose that begins with the word (a rejection reason's label) is not a Python literal.
    assert not foreign_sentences("<option>False or invalid data or documents</option>", "en")


def test_data_code_scripts_and_marked_elements_are_not_product_text():
    """MSME names, notes typed by people and technical data are the users' words: Indonesian data on an English
    page is not a defect (the catalogue still catches a product text rendered untranslated inside data)."""
    page = """<table><tr><th>Name</th></tr><tr><td>Keripik tempe dan tahu dari kami untuk semua</td></tr></table>
    <dl><dt>Note</dt><dd>Sudah dibayar tunai oleh pemilik dan belum ada bukti</dd></dl>
    <select><option>Toko yang ada di dalam pasar</option></select>
    <script>var s = "tidak ada yang dan di ke";</script><pre>dari untuk dengan yang</pre>
    <div translate="no">Dinas yang ada di kota dan dari semua</div>
    <header lang="id"><div>PEMERINTAH KOTA BALIKPAPAN DAN DINAS KOPERASI YANG ADA</div></header>
    <textarea>kami tidak dapat dan tidak akan</textarea>"""
    assert foreign_sentences(page, "en") == []
    assert foreign_sentences("<td>Belum ada perubahan yang tercatat.</td>", "en") == [
        "Belum ada perubahan yang tercatat."
    ]


def test_visible_texts_join_inline_elements_and_split_blocks():
    texts = [text for text, _data, fragment in visible_texts("<p>Sumber <b>data</b>: a</p><p>b</p>") if not fragment]
    assert texts == ["Sumber data: a", "b"]
    # attributes people see: a tooltip, a placeholder, an accessible name
    attributes = visible_texts('<input placeholder="Search" aria-label="Cari"><img alt="Logo">')
    assert [text for text, _data, _fragment in attributes] == ["Search", "Cari", "Logo"]


def test_plain_text_is_checked_as_one_block():
    with translation.override("id"):
        assert foreign_sentences("The end year must be after the start year.", "id") == [
            "The end year must be after the start year."
        ]
    assert foreign_sentences("Tahun akhir tidak boleh sebelum tahun awal.", "id") == []
    with pytest.raises(ValueError):
        foreign_sentences("x", "fr")


# --- every page of the demo crawl ---------------------------------------------------------------------------------


def test_every_page_of_the_crawl_is_in_one_language(demo_crawl):
    html_pages = 0
    offences = []
    for (role, language), visits in sorted(demo_crawl.items()):
        for visit in visits:
            if visit.status != 200 or not visit.is_html:
                continue
            html_pages += 1
            found = foreign_sentences(visit.content.decode("utf-8"), language)
            offences += [f"[{language}] {role} {visit.url}: {sentence!r}" for sentence in found]
    assert html_pages > 200, f"the crawl reached only {html_pages} HTML pages"
    # Each sentence once, with the first page it was seen on: the list says what to fix, not how often.
    first = {}
    for offence in offences:
        key = (offence.split("]")[0], offence.rsplit(": ", 1)[1])
        first.setdefault(key, offence)
    assert not first, f"{len(first)} sentences in the other language:\n" + "\n".join(first.values())


def test_the_django_admin_yes_no_icons_are_djangos_own():
    icon = '<td><img src="/static/admin/img/icon-yes.svg" alt="True"></td>'
    assert foreign_sentences(icon, "id") == []
    assert foreign_sentences('<td><img src="/static/img/flag.svg" alt="True"></td>', "id") == ["True"]


@pytest.fixture
def grdp_demo(reference_data, role_users):
    from analytics.demo import DEMO_FILE
    from smarteconomy.importing import run_import

    batch = run_import("grdp", data=DEMO_FILE.read_bytes(), filename=DEMO_FILE.name, user=role_users["bappeda"])
    assert batch.status == "committed", batch.errors[:3]


def test_every_choice_of_the_leading_sectors_page_is_in_one_language(client, grdp_demo, role_users):
    """The crawl submits a form with its defaults; the analysis's messages appear only for other choices (a method
    that needs every year, a one-year window, a price basis without data), and they were English f-strings."""
    from itertools import product

    from django.conf import settings
    from django.urls import reverse

    client.force_login(role_users["bappeda"])
    offences = []
    choices = product(
        ("ADHK", "ADHB"),
        ("classic", "dynamic", "annual-average", "esteban-marquillas"),
        ("compound", "arithmetic"),
        ((2019, 2023), (2023, 2023), (2023, 2019)),
    )
    for basis, method, variant, (start, end) in choices:
        query = {"price_basis": basis, "method": method, "variant": variant, "start": start, "end": end}
        for language in ("id", "en"):
            client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
            response = client.get(reverse("analytics:leading_sectors"), query)
            assert response.status_code == 200, query
            found = foreign_sentences(response.content.decode(), language)
            offences += [f"[{language}] {query}: {sentence!r}" for sentence in found]
    assert not offences, "\n".join(offences)
