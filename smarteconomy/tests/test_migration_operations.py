"""The shared migration operations."""

import pytest
from django.db import connection

from smarteconomy.migration_operations import TrigramSearchIndexes

SEARCH_INDEXES = {
    "msme_msme": {"msme_msme_name_trgm", "msme_msme_owner_name_trgm", "msme_msme_nib_trgm", "msme_msme_address_trgm"},
    "licensing_permitapplication": {
        "licensing_permitapplication_registration_number_trgm",
        "licensing_permitapplication_applicant_name_trgm",
        "licensing_permitapplication_nib_trgm",
        "licensing_permitapplication_oss_reference_trgm",
    },
}


@pytest.mark.django_db
@pytest.mark.parametrize("table", sorted(SEARCH_INDEXES))
def test_the_search_indexes_exist_on_postgresql_only(table):
    with connection.cursor() as cursor:
        names = {name for name in connection.introspection.get_constraints(cursor, table) if name.endswith("_trgm")}
    assert names == (SEARCH_INDEXES[table] if connection.vendor == "postgresql" else set())


def test_the_operation_deconstructs_for_the_migration_files():
    operation = TrigramSearchIndexes(model_name="msme", fields=["name", "nib"])
    assert operation.deconstruct() == ("TrigramSearchIndexes", [], {"model_name": "msme", "fields": ["name", "nib"]})
    assert operation.describe() == "Trigram search indexes on msme (name, nib)"
