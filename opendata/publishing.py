"""A registered dataset as it is published: its cells (small counts suppressed), its Satu Data metadata, and
its downloads (CSV, XLSX, JSON), the DCAT-AP catalogue and the CKAN package dicts. Reads only the registry."""

import csv
import datetime
import io
import json
import os
import re
import tempfile
from decimal import Decimal

from django.urls import reverse
from django.utils.encoding import force_str
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from smarteconomy.choices import Role
from smarteconomy.exporting import neutralize, plain, write_xlsx

from . import registry

LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/"
LICENCE_TITLE = "Creative Commons Attribution 4.0 (CC BY 4.0)"
CITY = "Pemerintah Kota Balikpapan"

# The downloads: format -> (media type, CKAN format name).
FORMATS = {
    "csv": ("text/csv", "CSV"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "XLSX"),
    "json": ("application/json", "JSON"),
}

FREQUENCY_LABELS = {
    "monthly": gettext_lazy("Monthly"),
    "quarterly": gettext_lazy("Quarterly"),
    "yearly": gettext_lazy("Yearly"),
    "per edition": gettext_lazy("Per edition"),
}
# The EU Publications Office's frequency vocabulary, used by DCAT-AP for dct:accrualPeriodicity.
FREQUENCY_URIS = {
    "monthly": "http://publications.europa.eu/resource/authority/frequency/MONTHLY",
    "quarterly": "http://publications.europa.eu/resource/authority/frequency/QUARTERLY",
    "yearly": "http://publications.europa.eu/resource/authority/frequency/ANNUAL",
    "per edition": "http://publications.europa.eu/resource/authority/frequency/IRREG",
}
PREVIEW_ROWS = 10


def producer_label(dataset):
    return str(Role(dataset.producer).label) if dataset.producer in Role.values else dataset.producer


def frequency_label(dataset):
    return str(FREQUENCY_LABELS.get(dataset.frequency, dataset.frequency))


def published_value(column, value):
    """A cell as published: small counts suppressed in the columns marked so, numbers and dates typed."""
    if column.suppress and isinstance(value, int) and not isinstance(value, bool):
        value = registry.suppress(value)
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    if value is None or isinstance(value, bool | int | float):
        return value
    return force_str(value)


def published_rows(dataset):
    """The dataset's rows as published: one dict per row, keyed by the columns' keys, in the columns' order."""
    return [
        {column.key: published_value(column, row.get(column.key)) for column in dataset.columns}
        for row in dataset.rows()
    ]


def search(datasets, q="", topic="", producer=""):
    """The datasets whose title, description, code or keywords contain every word of ``q``."""
    words = q.lower().split()
    found = []
    for dataset in datasets:
        if topic and str(dataset.topic) != topic:
            continue
        if producer and dataset.producer != producer:
            continue
        text = " ".join(
            [
                dataset.code,
                str(dataset.title),
                str(dataset.description),
                *map(str, dataset.keywords),
                str(dataset.topic),
            ]
        ).lower()
        if all(word in text for word in words):
            found.append(dataset)
    return found


def last_updated(dataset):
    moment = dataset.last_updated()
    if isinstance(moment, datetime.datetime):
        return moment.date()
    return moment


def metadata(dataset):
    """The Satu Data metadata as (key, label, value) texts, in the order of the dataset page's table."""
    first, last = dataset.period_covered() or (None, None)
    updated = last_updated(dataset)
    return [
        ("title", _("Title"), str(dataset.title)),
        ("description", _("Description"), str(dataset.description)),
        ("producer", _("Producer"), producer_label(dataset)),
        ("contact", _("Contact"), dataset.contact or CITY),
        ("period_covered", _("Period covered"), f"{first} – {last}" if first else _("No data yet")),
        ("frequency", _("Frequency"), frequency_label(dataset)),
        ("unit", _("Unit"), str(dataset.unit)),
        ("reference_codes", _("Reference codes"), ", ".join(map(str, dataset.reference_codes)) or "—"),
        ("topic", _("Topic"), str(dataset.topic) or "—"),
        ("keywords", _("Keywords"), ", ".join(map(str, dataset.keywords)) or "—"),
        ("licence", _("Licence"), LICENCE_TITLE),
        ("last_updated", _("Last updated"), updated.isoformat() if updated else _("Unknown")),
        ("version", _("Version"), dataset.version),
    ]


def metadata_dict(dataset, request):
    first, last = dataset.period_covered() or (None, None)
    updated = last_updated(dataset)
    return {
        "code": dataset.code,
        "title": str(dataset.title),
        "description": str(dataset.description),
        "producer": producer_label(dataset),
        "contact": dataset.contact or CITY,
        "period_covered": {"start": first, "end": last},
        "frequency": dataset.frequency,
        "unit": str(dataset.unit),
        "reference_codes": [str(code) for code in dataset.reference_codes],
        "topic": str(dataset.topic),
        "keywords": [str(keyword) for keyword in dataset.keywords],
        "licence": dataset.licence,
        "licence_url": LICENCE_URL,
        "last_updated": updated.isoformat() if updated else None,
        "version": dataset.version,
        "url": request.build_absolute_uri(reverse("opendata:dataset_detail", args=[dataset.code])),
        "columns": [
            {
                "key": c.key,
                "label": str(c.label),
                "type": c.type,
                "unit": str(c.unit),
                "suppressed_below": (registry.SUPPRESS_BELOW if c.suppress else None),
            }
            for c in dataset.columns
        ],
    }


# --------------------------------------------------------------------------------------------------
# Downloads
# --------------------------------------------------------------------------------------------------


def _csv_cell(value):
    if value is None:
        return ""
    if isinstance(value, bool):  # Ya/Tidak (Yes/No in English), as every CSV of the product writes a yes/no
        return plain(value)
    if isinstance(value, str):
        return neutralize(value)
    return value


def csv_bytes(dataset):
    """UTF-8 without a byte-order mark, so that the header is the very first line a harvester reads."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([column.key for column in dataset.columns])
    for row in published_rows(dataset):
        writer.writerow([_csv_cell(value) for value in row.values()])
    return out.getvalue().encode("utf-8")


def _xlsx_cell(column, value):
    """As published, but dates and times stay date cells in the workbook (not ISO text)."""
    if isinstance(value, datetime.datetime | datetime.date):
        return value
    return published_value(column, value)


def xlsx_bytes(dataset):
    rows = [[column.key for column in dataset.columns]]
    rows += [[_xlsx_cell(c, row.get(c.key)) for c in dataset.columns] for row in dataset.rows()]
    handle, path = tempfile.mkstemp(suffix=".xlsx")
    os.close(handle)
    try:
        write_xlsx(rows, path, sheet_name=dataset.code)
        with open(path, "rb") as stream:
            return stream.read()
    finally:
        os.unlink(path)


def json_bytes(dataset, request):
    content = {"metadata": metadata_dict(dataset, request), "rows": published_rows(dataset)}
    return json.dumps(content, ensure_ascii=False, indent=1).encode("utf-8")


def download_url(request, dataset, fmt):
    return request.build_absolute_uri(reverse("opendata:download", args=[dataset.code, fmt]))


# --------------------------------------------------------------------------------------------------
# DCAT-AP (JSON-LD) and CKAN
# --------------------------------------------------------------------------------------------------

DCAT_CONTEXT = {
    "dcat": "http://www.w3.org/ns/dcat#",
    "dct": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "vcard": "http://www.w3.org/2006/vcard/ns#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}


def _period_literal(text):
    """A period text as a typed literal: "2019" a year, "2023-01" a year and month, anything else plain."""
    if text is None:
        return None
    text = str(text)
    if re.fullmatch(r"\d{4}", text):
        return {"@value": text, "@type": "xsd:gYear"}
    if re.fullmatch(r"\d{4}-\d{2}", text):
        return {"@value": text, "@type": "xsd:gYearMonth"}
    return text


def dcat_dataset(request, dataset):
    first, last = dataset.period_covered() or (None, None)
    updated = last_updated(dataset)
    page = request.build_absolute_uri(reverse("opendata:dataset_detail", args=[dataset.code]))
    node = {
        "@id": page,
        "@type": "dcat:Dataset",
        "dct:identifier": dataset.code,
        "dct:title": str(dataset.title),
        "dct:description": str(dataset.description),
        "dct:publisher": {"@type": "foaf:Organization", "foaf:name": f"{producer_label(dataset)}, {CITY}"},
        "dcat:contactPoint": {
            "@type": "vcard:Organization",
            "vcard:fn": producer_label(dataset),
            **({"vcard:hasEmail": f"mailto:{dataset.contact}"} if "@" in dataset.contact else {}),
        },
        "dct:accrualPeriodicity": {"@id": FREQUENCY_URIS.get(dataset.frequency, FREQUENCY_URIS["per edition"])},
        "dct:license": {"@id": LICENCE_URL},
        "owl:versionInfo": dataset.version,
        "dcat:landingPage": {"@id": page},
        "dcat:keyword": [str(keyword) for keyword in dataset.keywords],
        "dcat:distribution": [
            {
                "@type": "dcat:Distribution",
                "dct:title": f"{dataset.title} ({name})",
                "dcat:downloadURL": {"@id": download_url(request, dataset, fmt)},
                "dcat:accessURL": {"@id": download_url(request, dataset, fmt)},
                "dcat:mediaType": {"@id": f"http://www.iana.org/assignments/media-types/{media_type}"},
                "dct:format": name,
                "dct:license": {"@id": LICENCE_URL},
            }
            for fmt, (media_type, name) in FORMATS.items()
        ],
    }
    if first:
        node["dct:temporal"] = {
            "@type": "dct:PeriodOfTime",
            "dcat:startDate": _period_literal(first),
            "dcat:endDate": _period_literal(last),
        }
    if updated:
        node["dct:modified"] = {"@value": updated.isoformat(), "@type": "xsd:date"}
    if dataset.topic:  # DCAT-AP's dcat:theme takes a concept URI; the portal's topics are words, so keywords
        node["dcat:keyword"].append(str(dataset.topic))
    return node


def dcat_catalog(request, datasets):
    return {
        "@context": DCAT_CONTEXT,
        "@id": request.build_absolute_uri(reverse("opendata:catalog")),
        "@type": "dcat:Catalog",
        "dct:title": _("Balikpapan Smart Economy open data"),
        "dct:description": _(
            "Aggregated open data of the Smart Economy programme of the City of Balikpapan (Satu Data Indonesia)."
        ),
        "dct:publisher": {"@type": "foaf:Organization", "foaf:name": CITY},
        "dct:license": {"@id": LICENCE_URL},
        "foaf:homepage": {"@id": request.build_absolute_uri(reverse("opendata:landing"))},
        "dcat:dataset": [dcat_dataset(request, dataset) for dataset in datasets],
    }


def ckan_package(request, dataset):
    """A dataset as CKAN's package_show describes it (the fields harvesters read)."""
    first, last = dataset.period_covered() or (None, None)
    updated = last_updated(dataset)
    producer = producer_label(dataset)
    return {
        "id": dataset.code,
        "name": dataset.code,
        "title": str(dataset.title),
        "notes": str(dataset.description),
        "type": "dataset",
        "state": "active",
        "private": False,
        "url": request.build_absolute_uri(reverse("opendata:dataset_detail", args=[dataset.code])),
        "version": dataset.version,
        "license_id": "cc-by",
        "license_title": LICENCE_TITLE,
        "license_url": LICENCE_URL,
        "maintainer": producer,
        "maintainer_email": dataset.contact if "@" in dataset.contact else None,
        "author": CITY,
        "organization": {"name": dataset.producer, "title": producer},
        "metadata_modified": updated.isoformat() if updated else None,
        "num_resources": len(FORMATS),
        "num_tags": len(dataset.keywords),
        "tags": [{"name": str(keyword)} for keyword in dataset.keywords],
        "groups": [{"name": str(dataset.topic), "title": str(dataset.topic)}] if dataset.topic else [],
        "extras": [
            {"key": "frequency", "value": dataset.frequency},
            {"key": "unit", "value": str(dataset.unit)},
            {"key": "temporal_start", "value": first or ""},
            {"key": "temporal_end", "value": last or ""},
            {"key": "reference_codes", "value": ", ".join(map(str, dataset.reference_codes))},
        ],
        "resources": [
            {
                "id": f"{dataset.code}-{fmt}",
                "package_id": dataset.code,
                "name": f"{dataset.title} ({name})",
                "format": name,
                "mimetype": media_type,
                "url": download_url(request, dataset, fmt),
                "last_modified": updated.isoformat() if updated else None,
            }
            for fmt, (media_type, name) in FORMATS.items()
        ],
    }
