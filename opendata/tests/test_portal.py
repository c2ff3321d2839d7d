"""The public portal: every page and download open to an anonymous visitor, the Satu Data metadata, small-cell
suppression, the downloads' formats, the DCAT-AP catalogue (parsed with rdflib), the CKAN Action API subset,
CORS and caching, the public scorecard (published editions only) and the language switch."""

import csv
import datetime
import io
import json

import openpyxl
import pytest
from django.test import TestCase
from django.urls import reverse
from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, RDF

from analytics import demo, editions
from analytics import registry as indicators
from analytics.models import IndicatorSnapshot
from analytics.scorecard import indicators_recompute
from opendata import registry
from opendata.publishing import FORMATS
from smarteconomy.tasking import run_logged

OWL = Namespace("http://www.w3.org/2002/07/owl#")
PAGES = ["opendata:landing", "opendata:scorecard", "opendata:leading_sectors", "opendata:dataset_list"]


def get(client, url, **params):
    response = client.get(url, params)
    assert response.status_code == 200, f"{url}: {response.status_code}"
    return response


def test_every_public_page_answers_an_anonymous_visitor_with_a_title_and_a_description(client, db, sample):
    urls = [reverse(name) for name in PAGES]
    urls += [reverse("opendata:dataset_detail", args=[d.code]) for d in registry.all_datasets()]
    urls += [reverse("opendata:indicator_detail", args=[i.code]) for i in indicators.all_indicators()]
    for url in urls:
        html = get(client, url).content.decode()
        assert "<title>" in html and '<meta name="description" content="' in html, url
        assert '<meta property="og:title"' in html and '<meta property="og:description"' in html, url
        assert 'data-testid="main-nav"' not in html  # no officer menu
        assert "creativecommons.org/licenses/by/4.0/" in html  # the licence in the footer
        assert 'name="csrfmiddlewaretoken"' not in html  # cacheable for everyone


def test_every_download_of_every_dataset_answers_with_its_media_type_and_cors(client, db, sample):
    for dataset in registry.all_datasets():
        for fmt, (media_type, _name) in FORMATS.items():
            response = get(client, reverse("opendata:download", args=[dataset.code, fmt]))
            assert response["Content-Type"].split(";")[0] == media_type
            assert response["Access-Control-Allow-Origin"] == "*"
            assert f'filename="{dataset.code}.{fmt}"' in response["Content-Disposition"]


def test_unknown_dataset_format_and_indicator_are_404(client, db, sample):
    assert client.get(reverse("opendata:dataset_detail", args=["no-such-dataset"])).status_code == 404
    assert client.get(reverse("opendata:download", args=["no-such-dataset", "csv"])).status_code == 404
    assert client.get(reverse("opendata:download", args=[sample.code, "pdf"])).status_code == 404
    assert client.get(reverse("opendata:indicator_detail", args=["no.such"])).status_code == 404


def test_the_dataset_page_shows_the_full_satu_data_metadata_and_a_suppressed_preview(client, db, sample):
    html = get(client, reverse("opendata:dataset_detail", args=[sample.code])).content.decode()
    for key in (
        "title",
        "description",
        "producer",
        "contact",
        "period_covered",
        "frequency",
        "unit",
        "reference_codes",
        "licence",
        "last_updated",
        "version",
    ):
        assert f'data-key="{key}"' in html, key
    assert "DKUMKMP" in html and "dkumkmp@balikpapan.go.id" in html and "2024 – 2024" in html
    assert "Kemendagri region" in html and "CC BY 4.0" in html and "2025-01-15" in html
    assert "<td>&lt;3</td>" in html  # the count of 2
    assert "<td>14</td>" in html
    assert "<td>2024</td>" in html and "<td>12.5</td>" in html  # as in the downloads (no 2.024)


def test_csv_is_utf8_with_the_header_first_and_small_counts_suppressed(client, db, sample):
    body = get(client, reverse("opendata:download", args=[sample.code, "csv"])).content
    assert body.startswith(b"year,kelurahan_code,registrations,share,as_of\n")  # no byte-order mark
    rows = list(csv.DictReader(io.StringIO(body.decode("utf-8"))))
    assert [row["registrations"] for row in rows] == ["<3", "14", "0"]  # 0 is not suppressed: it tells nothing
    assert rows[0]["share"] == "12.5" and rows[0]["as_of"] == "2024-12-31" and rows[2]["share"] == ""


def test_xlsx_has_the_header_and_the_suppressed_rows(client, db, sample):
    body = get(client, reverse("opendata:download", args=[sample.code, "xlsx"])).content
    sheet = openpyxl.load_workbook(io.BytesIO(body)).active
    values = list(sheet.values)
    assert values[0] == ("year", "kelurahan_code", "registrations", "share", "as_of")
    assert values[1][:4] == (2024, "64.71.01.1001", "<3", 12.5)
    assert values[2][2] == 14
    assert values[1][4] == datetime.datetime(2024, 12, 31)  # a date cell, not text


def test_json_has_the_metadata_and_the_rows(client, db, sample):
    content = json.loads(get(client, reverse("opendata:download", args=[sample.code, "json"])).content)
    meta = content["metadata"]
    assert meta["code"] == sample.code and meta["licence"] == "CC-BY-4.0" and meta["version"] == "1.0"
    assert meta["period_covered"] == {"start": "2024", "end": "2024"} and meta["last_updated"] == "2025-01-15"
    assert [c["suppressed_below"] for c in meta["columns"]] == [None, None, 3, None, None]
    assert content["rows"][0] == {
        "year": 2024,
        "kelurahan_code": "64.71.01.1001",
        "registrations": "<3",
        "share": 12.5,
        "as_of": "2024-12-31",
    }


def test_suppression_rule():
    assert [registry.suppress(n) for n in (None, 0, 1, 2, 3, 250)] == [None, 0, "<3", "<3", 3, 250]


def test_catalogue_search_and_filters(client, db, sample):
    other = registry.register(
        registry.Dataset(
            **{
                **sample.__dict__,
                "code": "opendata-test-permits",
                "title": "Permits by month",
                "description": "Izin per bulan.",
                "producer": "dpmptsp",
                "topic": "Perizinan",
                "keywords": (),
            }
        )
    )
    try:
        url = reverse("opendata:dataset_list")
        html = get(client, url, q="kelurahan umkm").content.decode()
        assert str(sample.title) in html and other.title not in html
        html = get(client, url, topic="Perizinan").content.decode()
        assert other.title in html and str(sample.title) not in html
        html = get(client, url, producer="dkumkmp").content.decode()
        assert str(sample.title) in html and other.title not in html
        html = get(client, url, q="nothing-like-this").content.decode()
        assert 'data-testid="no-datasets"' in html
    finally:
        registry.DATASETS.entries.pop(other.code, None)


def test_the_dcat_catalogue_parses_as_rdf_and_each_distribution_answers_with_its_media_type(client, db, sample):
    response = get(client, reverse("opendata:catalog"))
    assert response["Content-Type"].startswith("application/ld+json")
    assert response["Access-Control-Allow-Origin"] == "*"
    graph = Graph().parse(data=response.content.decode(), format="json-ld")
    catalogs = list(graph.subjects(RDF.type, DCAT.Catalog))
    assert len(catalogs) == 1
    datasets = list(graph.objects(catalogs[0], DCAT.dataset))
    assert len(datasets) == len(registry.all_datasets())
    node = URIRef("http://testserver" + reverse("opendata:dataset_detail", args=[sample.code]))
    assert (node, RDF.type, DCAT.Dataset) in graph
    for predicate in (
        DCTERMS.title,
        DCTERMS.description,
        DCTERMS.publisher,
        DCAT.contactPoint,
        DCTERMS.temporal,
        DCTERMS.accrualPeriodicity,
        DCTERMS.license,
        DCTERMS.modified,
        OWL.versionInfo,
    ):
        assert graph.value(node, predicate) is not None, predicate
    assert str(graph.value(node, DCTERMS.license)) == "https://creativecommons.org/licenses/by/4.0/"
    distributions = list(graph.objects(node, DCAT.distribution))
    assert len(distributions) == 3
    for dataset in datasets:
        for distribution in graph.objects(dataset, DCAT.distribution):
            url = str(graph.value(distribution, DCAT.downloadURL))
            media_type = str(graph.value(distribution, DCAT.mediaType)).rsplit("/media-types/", 1)[1]
            answer = client.get(url.removeprefix("http://testserver"))
            assert answer.status_code == 200, url
            assert answer["Content-Type"].split(";")[0] == media_type, url


def test_ckan_package_list_show_and_search(client, db, sample):
    body = get(client, reverse("opendata:ckan_package_list")).json()
    assert set(body) == {"help", "success", "result"} and body["success"] is True
    assert sample.code in body["result"]

    response = get(client, reverse("opendata:ckan_package_show"), id=sample.code)
    assert response["Access-Control-Allow-Origin"] == "*"
    package = response.json()["result"]
    assert package["name"] == sample.code and package["license_id"] == "cc-by" and package["version"] == "1.0"
    assert package["organization"]["name"] == "dkumkmp"
    assert [r["format"] for r in package["resources"]] == ["CSV", "XLSX", "JSON"]
    assert all(r["url"].startswith("http://testserver/open-data/datasets/") for r in package["resources"])

    body = get(client, reverse("opendata:ckan_package_search"), q="kelurahan").json()
    assert body["success"] is True and body["result"]["count"] >= 1
    assert sample.code in [p["name"] for p in body["result"]["results"]]
    body = get(client, reverse("opendata:ckan_package_search"), q="nothing-like-this").json()
    assert body["result"] == {"count": 0, "sort": "name asc", "results": [], "facets": {}, "search_facets": {}}
    body = get(client, reverse("opendata:ckan_package_search"), rows=0).json()
    assert body["result"]["count"] == len(registry.all_datasets()) and body["result"]["results"] == []


def test_ckan_errors_as_ckan_gives_them(client, db, sample):
    response = client.get(reverse("opendata:ckan_package_show"), {"id": "no-such-dataset"})
    assert response.status_code == 404
    body = response.json()
    assert body["success"] is False and body["error"]["__type"] == "Not Found Error" and "result" not in body
    response = client.get(reverse("opendata:ckan_package_show"))
    assert response.status_code == 409 and response.json()["error"]["id"] == ["Missing value"]
    response = client.get(reverse("opendata:ckan_package_search"), {"rows": "many"})
    assert response.status_code == 409 and response.json()["success"] is False


def test_public_responses_are_cached_per_language_and_path(client, db, sample):
    url = reverse("opendata:dataset_detail", args=[sample.code])
    assert client.get(url)["X-Cache"] == "MISS"
    assert client.get(url)["X-Cache"] == "HIT"
    assert client.get(url, {"x": "1"})["X-Cache"] == "MISS"
    client.cookies["django_language"] = "en"
    response = client.get(url)
    assert response["X-Cache"] == "MISS" and "Producer" in response.content.decode()
    assert client.post(url).status_code == 405


def test_publishing_an_edition_reaches_the_cached_portal_at_once(client, analytics_demo, settings):
    settings.OPENDATA_CACHE_SECONDS = 3600
    url = reverse("opendata:scorecard")
    assert 'data-testid="no-edition"' in client.get(url).content.decode()
    assert client.get(url)["X-Cache"] == "HIT"
    with TestCase.captureOnCommitCallbacks(execute=True):
        edition = editions.publish("2023", "Evaluasi Smart Economy 2023", analytics_demo["bappeda"])
    response = client.get(url)
    assert response["X-Cache"] == "MISS" and edition.content_hash in response.content.decode()
    with TestCase.captureOnCommitCallbacks(execute=True):
        edition.delete()
    assert 'data-testid="no-edition"' in client.get(url).content.decode()


def test_the_language_switch_sets_the_cookie_and_returns_to_the_page_only_on_this_site(client, db):
    page = reverse("opendata:dataset_list")
    response = client.get(reverse("opendata:language"), {"lang": "en", "next": page})
    assert response.status_code == 302 and response["Location"] == page
    assert response.cookies["django_language"].value == "en"
    assert '<html lang="en">' in client.get(page).content.decode()
    response = client.get(reverse("opendata:language"), {"lang": "id", "next": "https://evil.example/"})
    assert response["Location"] == reverse("opendata:landing")
    assert '<html lang="id">' in client.get(page).content.decode()


@pytest.fixture
def analytics_demo(reference_data, role_users):
    demo.seed(io.StringIO())
    run_logged("analytics.indicators_recompute", indicators_recompute, kwargs={"full": True}, pass_run=True)
    return role_users


def test_the_scorecard_shows_only_a_published_edition(client, analytics_demo):
    url = reverse("opendata:scorecard")
    assert IndicatorSnapshot.objects.exists()  # live snapshots exist, but they are no edition
    html = get(client, url).content.decode()
    assert 'data-testid="no-edition"' in html and "<tbody" not in html

    edition = editions.publish("2023", "Evaluasi Smart Economy 2023", analytics_demo["bappeda"])
    client.get(reverse("opendata:language"), {"lang": "id"})
    html = get(client, url, fresh=1).content.decode()
    assert "Evaluasi Smart Economy 2023" in html and edition.content_hash in html
    entry = edition.entries.exclude(value=None).first()
    assert f'data-testid="pillar-{entry.pillar}"' in html
    assert reverse("opendata:indicator_detail", args=[entry.indicator_code]) in html

    sheet = get(client, reverse("opendata:indicator_detail", args=[entry.indicator_code])).content.decode()
    assert 'data-testid="definition"' in sheet and 'data-testid="series"' in sheet
    assert "2023" in sheet and edition.title in sheet


def test_the_leading_sectors_page_names_its_data_source(client, analytics_demo):
    html = get(client, reverse("opendata:leading_sectors")).content.decode()
    assert 'data-testid="lq"' in html and 'data-testid="data-source"' in html
    assert 'data-testid="klassen"' in html and 'data-testid="shift-share"' in html


def test_the_leading_sectors_page_says_when_there_is_no_grdp(client, db):
    html = get(client, reverse("opendata:leading_sectors")).content.decode()
    assert 'data-testid="no-leading-sectors"' in html


def test_the_login_page_leads_a_citizen_to_the_portal(client, db):
    html = get(client, reverse("login")).content.decode()
    assert f'href="{reverse("opendata:landing")}"' in html
