"""The menu marks the page the user is on, and only that one."""

import pytest
from django.apps import apps
from django.contrib.auth.models import Permission
from django.urls import reverse

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


def test_each_user_sees_the_entries_has_perm_allows_read_in_one_go(role_users, make_user, django_assert_num_queries):
    """The menu reads the user's permissions once; what it shows is exactly what has_perm answers, entry by entry:
    each role, a superuser, a user with a permission of their own and no role, and a deactivated user."""
    loner = make_user("loner")
    loner.user_permissions.add(Permission.objects.get(codename="view_parkinglocation"))
    gone = make_user("gone", is_active=False, is_superuser=True)
    users = [*role_users.values(), make_user("root", is_superuser=True, is_staff=True), loner, gone]
    items = [
        item for config in apps.get_app_configs() for section in getattr(config, "menu", ()) for item in section.items
    ]
    for user in users:
        user = type(user).objects.get(pk=user.pk)  # no permission cached from an earlier read
        shown = {url for _section, entries in menu_for(user, "/") for _label, url, _active in entries}
        expected = {
            reverse(item.url_name)
            for item in items
            if (not item.staff_only or user.is_staff) and (item.permission is None or user.has_perm(item.permission))
        }
        assert shown == expected, user.username
    fresh = type(role_users["bappeda"]).objects.get(pk=role_users["bappeda"].pk)
    with django_assert_num_queries(2):  # the user's own and their groups' permissions, whatever the menu's length
        menu_for(fresh, "/")


def test_the_menus_urls_follow_the_script_prefix(role_users):
    """The menu's URLs are worked out once per process, by URL configuration and script prefix: a site served under
    a path prefix (a reverse proxy's /smarteconomy/) links under that prefix, and the root again links to the root."""
    from django.urls import get_script_prefix, set_script_prefix

    bappeda = role_users["bappeda"]
    at_root = [url for _section, entries in menu_for(bappeda, "/") for _label, url, _active in entries]
    before = get_script_prefix()
    set_script_prefix("/smarteconomy/")
    try:
        prefixed = [url for _section, entries in menu_for(bappeda, "/") for _label, url, _active in entries]
    finally:
        set_script_prefix(before)
    assert "/analytics/scorecard/" in at_root
    assert prefixed == ["/smarteconomy" + url for url in at_root]
    assert [url for _section, entries in menu_for(bappeda, "/") for _label, url, _active in entries] == at_root
