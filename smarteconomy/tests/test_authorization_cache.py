"""Each user's permissions and role kept in the cache (smarteconomy.backends.ModelBackend, AUTHORIZATION_CACHE_SECONDS):
a signed-in page reads them once, and any change to a user's groups or permissions, a group's permissions or the
account itself counts at the very next request."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from smarteconomy.backends import AUTHORIZATION
from smarteconomy.choices import Role

pytestmark = pytest.mark.django_db

LIST = "/licensing/applications/"  # licensing.view_permitapplication: DPMPTSP and Bappeda
AUTHORIZATION_TABLES = ("auth_permission", "auth_group")


@pytest.fixture
def cached(settings):
    settings.AUTHORIZATION_CACHE_SECONDS = 60


def _get(client, url=LIST):
    """The response, and the queries that read permissions or groups."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    sql = [q["sql"] for q in queries.captured_queries]
    user_reads = [q for q in sql if 'FROM "smarteconomy_user"' in q]
    return response, [q for q in sql if any(table in q for table in AUTHORIZATION_TABLES)], user_reads


def _committed(change):
    with TestCase.captureOnCommitCallbacks(execute=True):
        change()


def test_a_signed_in_page_reads_permissions_and_role_once_then_from_the_cache(cached, client, role_users):
    client.force_login(role_users["dpmptsp"])
    response, first, _user = _get(client)
    assert response.status_code == 200
    assert len(first) == 3  # the user's own permissions, their groups' permissions, their role
    for _ in range(2):
        response, again, user_reads = _get(client)
        assert response.status_code == 200 and response.context["user_role"] == Role.DPMPTSP
        assert again == []
        assert len(user_reads) == 1  # the account itself is read on every request


def test_without_the_cache_every_page_reads_them(settings, client, role_users):
    settings.AUTHORIZATION_CACHE_SECONDS = 0
    client.force_login(role_users["dpmptsp"])
    for _ in range(2):
        response, reads, _user = _get(client)
        assert response.status_code == 200 and len(reads) == 3


def test_a_role_taken_away_ends_at_the_next_request(cached, client, role_users):
    user = role_users["dpmptsp"]
    client.force_login(user)
    assert _get(client)[0].status_code == 200 and _get(client)[1] == []  # cached
    _committed(lambda: user.groups.remove(Group.objects.get(name=Role.DPMPTSP)))
    response = client.get(LIST)
    assert response.status_code == 403
    assert client.get(reverse("home")).context["user_role"] is None


def test_a_role_changed_counts_at_the_next_request(cached, client, role_users):
    user = role_users["dkumkmp"]
    client.force_login(user)
    assert client.get(LIST).status_code == 403
    assert client.get(reverse("home")).context["user_role"] == Role.DKUMKMP
    _committed(lambda: user.groups.set([Group.objects.get(name=Role.BAPPEDA)]))
    assert client.get(LIST).status_code == 200
    assert client.get(reverse("home")).context["user_role"] == Role.BAPPEDA


def test_a_permission_taken_from_the_group_ends_at_the_next_request(cached, client, role_users):
    client.force_login(role_users["dpmptsp"])
    assert client.get(LIST).status_code == 200
    group = Group.objects.get(name=Role.DPMPTSP)
    _committed(lambda: group.permissions.remove(Permission.objects.get(codename="view_permitapplication")))
    assert client.get(LIST).status_code == 403
    # Another user of another group is not affected (their entry is recomputed, with the same outcome).
    client.force_login(role_users["bappeda"])
    assert client.get(LIST).status_code == 200


def test_a_permission_given_to_the_user_counts_at_the_next_request(cached, client, role_users):
    user = role_users["operator_airport"]
    client.force_login(user)
    assert client.get(LIST).status_code == 403
    _committed(lambda: user.user_permissions.add(Permission.objects.get(codename="view_permitapplication")))
    assert client.get(LIST).status_code == 200


def test_a_change_counts_in_its_own_transaction_and_is_emptied_again_when_it_commits(cached, client, role_users):
    """A later request of the same transaction (a test, the admin's own next step) sees the change at once; what
    was cached before the commit (a request that read the data meanwhile) is dropped when it commits."""
    user = role_users["dpmptsp"]
    client.force_login(user)
    assert client.get(LIST).status_code == 200
    before = AUTHORIZATION.current()
    user.groups.remove(Group.objects.get(name=Role.DPMPTSP))
    assert AUTHORIZATION.current() == before + 1
    response, reads, _user = _get(client)
    assert response.status_code == 403 and len(reads) == 3  # read again, and cached in this generation
    assert _get(client)[1] == []
    pending = [func for _savepoints, func, _robust in connection.run_on_commit]
    assert AUTHORIZATION.bump in pending
    for func in pending:  # what the commit runs (the test's transaction never commits)
        func()
    assert AUTHORIZATION.current() == before + 1 + pending.count(AUTHORIZATION.bump)
    response, reads, _user = _get(client)
    assert response.status_code == 403 and len(reads) == 3


def test_an_account_changed_without_a_signal_is_still_read_as_it_is(cached, client, make_user):
    """The account's row is read on every request: a superuser flag removed, or the account deactivated, with a
    queryset update (no signal, no bump) count at the next request all the same."""
    root = make_user("root", is_superuser=True)
    client.force_login(root)
    assert client.get(LIST).status_code == 200
    assert client.get(LIST).status_code == 200  # from the cache
    get_user_model().objects.filter(pk=root.pk).update(is_superuser=False)
    assert client.get(LIST).status_code == 403
    get_user_model().objects.filter(pk=root.pk).update(is_active=False)
    response = client.get(LIST)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_a_login_does_not_empty_everyones_entries(cached, client, role_users):
    """Each login saves the user's last_login: that is not a change of anyone's permissions."""
    before = AUTHORIZATION.current()
    response = client.post(reverse("login"), {"username": "bappeda", "password": "x-test-password-1"})
    assert response.status_code == 302
    assert get_user_model().objects.get(username="bappeda").last_login is not None
    assert AUTHORIZATION.current() == before
    role_users["bappeda"].save()  # any other save of an account does
    assert AUTHORIZATION.current() == before + 1
