"""The open-data portal in the permission matrix (see smarteconomy/testing.py): every page is public, the same
for every role and for an anonymous visitor; the language switch redirects back to the page."""

from analytics import registry as indicators
from opendata.testing import ensure_dataset
from smarteconomy.testing import OK, REDIRECT, Case

PUBLIC = {"*": OK}


def dataset_kwargs(users):
    return {"code": ensure_dataset()}


def download_kwargs(fmt):
    return lambda users: {"code": ensure_dataset(), "fmt": fmt}


def indicator_kwargs(users):
    return {"code": indicators.all_indicators()[0].code}


MATRIX = [
    Case("opendata:landing", PUBLIC),
    Case("opendata:language", {"*": REDIRECT}),
    Case("opendata:scorecard", PUBLIC),
    Case("opendata:indicator_detail", PUBLIC, kwargs=indicator_kwargs),
    Case("opendata:leading_sectors", PUBLIC),
    Case("opendata:dataset_list", PUBLIC),
    Case("opendata:dataset_detail", PUBLIC, kwargs=dataset_kwargs),
    Case("opendata:download", PUBLIC, kwargs=download_kwargs("csv"), label="csv"),
    Case("opendata:download", PUBLIC, kwargs=download_kwargs("xlsx"), label="xlsx"),
    Case("opendata:download", PUBLIC, kwargs=download_kwargs("json"), label="json"),
    Case("opendata:catalog", PUBLIC),
    Case("opendata:ckan_package_list", PUBLIC),
    # A dict, not a callable: every test that reads the matrix takes ``data`` as it is.
    Case("opendata:ckan_package_show", PUBLIC, data={"id": ensure_dataset()}),
    # Without an id, CKAN's validation error (409) for everyone alike.
    Case("opendata:ckan_package_show", {"*": 409}, label="opendata:ckan_package_show-no-id"),
    Case("opendata:ckan_package_search", PUBLIC),
]
