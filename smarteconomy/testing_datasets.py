"""Checks shared by the apps' tests of their public datasets (``<app>/datasets.py``): the declarations are loaded
through ``opendata.registry.autodiscover`` (each module imported once, so it does not matter whether the portal app
has already discovered them), their metadata is complete, and their rows hold nothing personal."""

import re

from django.utils import translation

from opendata import registry
from smarteconomy.choices import Role

FREQUENCIES = {"monthly", "quarterly", "yearly", "per edition"}
SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
# 16 digits in a row (an NIK, a card number) and Indonesian phone numbers (08…, +62 8…, 62 8…).
SIXTEEN_DIGITS = re.compile(r"(?<!\d)\d{16}(?!\d)")
PHONE = re.compile(r"(?<![\d.])(\+62|62|0)[\s-]?8\d{1,3}[\s-]?\d{3,4}[\s-]?\d{3,5}(?!\d)")
PERSONAL_KEYS = ("nik", "phone", "telephone", "address", "alamat", "email", "owner", "applicant", "plate", "birth")


def dataset(code):
    registry.autodiscover()
    return registry.get_dataset(code)


def assert_metadata_complete(data):
    """Every Satu Data field is filled, the title and description are translated into Indonesian, and the
    computed fields (period covered, last updated) answer on the data present."""
    assert SLUG.match(data.code), data.code
    for name in ("title", "description", "unit", "topic", "contact", "version", "licence"):
        assert str(getattr(data, name)).strip(), f"{data.code}: {name} is empty"
    assert data.producer in Role.values, data.producer
    assert data.frequency in FREQUENCIES, data.frequency
    assert data.reference_codes and all(str(code).strip() for code in data.reference_codes)
    assert data.keywords and all(str(word).strip() for word in data.keywords)
    assert data.columns and all(str(column.label).strip() and column.key for column in data.columns)
    for name in ("title", "description"):
        with translation.override("en"):
            english = str(getattr(data, name))
        with translation.override("id"):
            indonesian = str(getattr(data, name))
        assert indonesian != english, f"{data.code}: {name} has no Indonesian translation"
    with translation.override("id"):
        labels = [str(column.label) for column in data.columns]
    with translation.override("en"):
        assert labels != [str(column.label) for column in data.columns], f"{data.code}: columns not translated"
    first, last = data.period_covered()
    assert first and last and str(first) <= str(last), (first, last)
    assert data.last_updated() is not None


def rows_of(data):
    """The dataset's rows, checked: the columns declared and no more, nothing personal in any key or value."""
    rows = data.rows()
    keys = [column.key for column in data.columns]
    for row in rows:
        assert list(row) == keys, (data.code, list(row))
    assert_nothing_personal(keys, rows)
    return rows


def assert_nothing_personal(keys, rows):
    for key in keys:
        assert not any(word in key.lower() for word in PERSONAL_KEYS), f"column {key} looks personal"
    for row in rows:
        for value in row.values():
            text = str(value)
            assert not SIXTEEN_DIGITS.search(text), f"16 digits in {row}"
            assert not PHONE.search(text), f"a phone number in {row}"
