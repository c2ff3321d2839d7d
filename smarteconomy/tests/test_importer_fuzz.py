"""Every registered importer, fuzzed (see smarteconomy/testing_fuzz.py): random bytes and random rows built from
its real header either import or are refused with readable messages, never raise, and a refused file (or a dry
run) writes nothing: the row count of every table, history and audit tables included, is unchanged."""

import pytest
from django.db import transaction
from hypothesis import event, given, note, settings
from hypothesis import strategies as st

from smarteconomy.importing import run_import
from smarteconomy.testing_fuzz import (
    byte_files,
    check_outcome,
    collect_fuzz_cases,
    registered_importers,
    row_files,
    seed_files,
    table_counts,
    valid_cells,
)

CASES = collect_fuzz_cases()
IDS = [case.id for case in CASES]

pytestmark = pytest.mark.django_db


def test_every_registered_importer_is_fuzzed():
    fuzzed = {case.code for case in CASES}
    missing = sorted(set(registered_importers()) - fuzzed)
    assert not missing, f"importers in no app's tests/importer_fuzz.py: {missing}"
    assert len(fuzzed) == len(CASES), "an importer is listed twice"


@pytest.fixture
def fuzz_env(settings, tmp_path, reference_data, make_user):
    """Uploads stored under a temporary folder, the reference data, and the user who imports."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return make_user("fuzzer")


def attempt(case, params, user, filename, data, dry_run):
    """One import in its own savepoint, rolled back afterwards: every example starts from the same data."""
    note(f"{filename} (dry run: {dry_run}): {data!r}")
    with transaction.atomic():
        before = table_counts()
        batch = run_import(case.code, data=data, filename=filename, user=user, dry_run=dry_run, params=params)
        after = table_counts()
        check_outcome(batch, before, after, dry_run=dry_run)
        event(f"status: {batch.status}")
        transaction.set_rollback(True)


def prepared(case):
    params = case.setup() if case.setup else {}
    cells = {name: strategy() if callable(strategy) else strategy for name, strategy in case.cells.items()}
    valid = {
        column.name: cells[column.name] if column.name in cells else valid_cells(column)
        for column in case.importer.columns
    }
    return params or {}, valid


# Examples run inside the test (not as the test itself), so the function-scoped fixtures are set up once for
# all of them on purpose, and each example rolls its own writes back.
@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_random_bytes_are_imported_or_refused_cleanly(case, fuzz_env):
    params, _valid = prepared(case)
    seeds = seed_files(case)

    @settings(max_examples=25, deadline=None)
    @given(file=byte_files(case, seeds), dry_run=st.booleans())
    def check(file, dry_run):
        attempt(case, params, fuzz_env, *file, dry_run)

    check()


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_random_rows_are_imported_or_refused_cleanly(case, fuzz_env):
    params, valid = prepared(case)

    @settings(max_examples=40, deadline=None)
    @given(file=row_files(case, valid), dry_run=st.booleans())
    def check(file, dry_run):
        attempt(case, params, fuzz_env, *file, dry_run)

    check()
