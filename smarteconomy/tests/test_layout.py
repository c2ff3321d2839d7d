"""The layout's server side (the browser guard, test_phone.py, checks how it looks): Bootstrap's script is loaded from
our own static files, the menu has its phone button, and a list's filter form starts folded on a phone unless a
filter is in effect."""

import re

import pytest

pytestmark = pytest.mark.django_db


@pytest.fixture
def client_dkumkmp(client, role_users, reference_data):
    client.force_login(role_users["dkumkmp"])
    return client


def _filter_form_classes(html):
    return re.search(r'<form method="get" class="([^"]*)"[^>]*id="list-filters"', html).group(1).split()


def test_bootstrap_script_and_menu_button(client_dkumkmp):
    html = client_dkumkmp.get("/reference/kelurahan/").content.decode()
    assert '<script src="/static/vendor/bootstrap/js/bootstrap.bundle.min.js" defer></script>' in html
    assert 'data-testid="nav-toggler"' in html and 'data-bs-target="#main-nav"' in html
    assert re.search(r'<nav class="offcanvas-md offcanvas-start[^"]*" id="main-nav"', html)


def test_the_filter_form_is_folded_unless_a_filter_is_in_effect(client_dkumkmp):
    plain = client_dkumkmp.get("/reference/kelurahan/?sort=name&per_page=50").content.decode()
    assert "show" not in _filter_form_classes(plain)
    assert 'aria-expanded="false"' in plain

    filtered = client_dkumkmp.get("/reference/kelurahan/?q=Manggar&sort=name").content.decode()
    assert "show" in _filter_form_classes(filtered)
    assert re.search(r'data-testid="filter-toggle"[^>]*>Filter \(1\)</button>', filtered)
