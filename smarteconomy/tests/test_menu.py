"""The menu marks the page the user is on, and only that one."""

import pytest

from smarteconomy.menu import menu_for

pytestmark = pytest.mark.django_db


def _active(user, path):
    return [url for _section, entries in menu_for(user, path) for _label, url, active in entries if active]


def test_one_entry_is_active_the_longest_match(role_users):
    bappeda = role_users["bappeda"]
    # The completeness page lives under the scorecard's URL: only "Data completeness" is the current page.
    assert _active(bappeda, "/analytics/scorecard/completeness/") == ["/analytics/scorecard/completeness/"]
    assert _active(bappeda, "/analytics/scorecard/") == ["/analytics/scorecard/"]
    # A detail page below a list marks its list.
    assert _active(role_users["dpmptsp"], "/licensing/applications/12/") == ["/licensing/applications/"]
    assert _active(bappeda, "/") == []
