"""Every URL × every role, from the MATRIX lists of all apps (see smarteconomy/testing.py)."""

import pytest
from django.urls import reverse

from smarteconomy.testing import ROLES, collect_matrix, outcome_of, url_names

CASES = collect_matrix()


def test_every_url_of_the_product_is_in_the_matrix():
    listed = {case.url_name for case in CASES}
    missing = sorted(url_names() - listed)
    assert not missing, f"URLs missing from every app's tests/permission_matrix.py: {missing}"


def test_the_matrix_names_only_existing_urls():
    assert {case.url_name for case in CASES} - url_names() <= {"admin:index"}


def test_every_case_says_what_each_role_gets():
    for case in CASES:
        for role in ROLES:
            assert case.expected_for(role) is not None, f"{case.id}: no expectation for {role}"


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_permission(case, role, client, role_users):
    kwargs = case.kwargs(role_users) if callable(case.kwargs) else (case.kwargs or {})
    url = reverse(case.url_name, kwargs=kwargs)
    if role != "anonymous":
        client.force_login(role_users[role])
    response = getattr(client, case.method)(url, case.data)
    assert outcome_of(response) == case.expected_for(role), f"{role} {case.method.upper()} {url}"
