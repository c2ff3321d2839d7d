"""The worklist on the home page (smarteconomy.worklist): the administrators' items (task runs still failing,
locked accounts, the last backup's age), Bappeda's home page, and the registry's rules."""

import os
import time
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from smarteconomy.choices import Role
from smarteconomy.models import TaskRun
from smarteconomy.testing_worklist import assert_count_is_list_length, home_worklist
from smarteconomy.worklist import WorkItem, WorklistError, all_items

ADMIN_CODES = ("system.task_runs_failing", "system.accounts_locked", "system.last_backup")


def run(task, status, hours_ago):
    return TaskRun.objects.create(task=task, status=status, started_at=timezone.now() - timedelta(hours=hours_ago))


@pytest.fixture
def task_runs(db):
    run("indicators_recompute", "failed", 30)
    run("indicators_recompute", "succeeded", 20)  # repaired the failure before it
    run("indicators_recompute", "failed", 2)  # still failing
    run("housekeeping", "abandoned", 5)  # the worker stopped: still to look at
    run("cashless_rebuild", "succeeded", 1)


def test_failing_task_runs_count_is_the_length_of_the_list(client, role_users, task_runs):
    client.force_login(role_users["admin"])
    assert_count_is_list_length(client, "system.task_runs_failing", 2)


def test_locked_accounts_count_is_the_length_of_the_back_office_list(client, role_users, make_user):
    from axes.models import AccessAttempt

    make_user("siti", Role.DKUMKMP)
    make_user("budi", Role.DKUMKMP)
    stranger = Client()
    for username, tries in (("siti", 5), ("budi", 2)):  # budi is not locked: two failures only
        for _ in range(tries):
            stranger.post(reverse("login"), {"username": username, "password": "wrong"})
    assert AccessAttempt.objects.count() == 2
    client.force_login(role_users["admin"])
    assert_count_is_list_length(client, "system.accounts_locked", 1)
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))  # the cool-off is over
    assert_count_is_list_length(client, "system.accounts_locked", 0)


def test_the_last_backup_age(client, role_users, settings, tmp_path):
    settings.BACKUP_DIR = tmp_path
    client.force_login(role_users["admin"])
    assert home_worklist(client)["system.last_backup"]["fact"] == "Tidak ada cadangan"
    old = tmp_path / "smarteconomy-20261101T000000Z.dump"
    old.write_bytes(b"x")
    three_days_ago = time.time() - 3 * 86400
    os.utime(old, (three_days_ago, three_days_ago))
    assert home_worklist(client)["system.last_backup"]["fact"].startswith("3\xa0hari")
    assert "text-bg-warning" in client.get("/").content.decode().split('data-testid="worklist-system.last_backup"')[1]
    (tmp_path / "smarteconomy-20261104T000000Z.dump").write_bytes(b"x")
    assert home_worklist(client)["system.last_backup"]["fact"].startswith("0\xa0menit")


@pytest.mark.parametrize("username", ["dpmptsp", "dkumkmp", "operator_airport", "bappeda"])
def test_only_the_administrators_see_their_items(client, role_users, task_runs, username):
    client.force_login(role_users[username])
    assert not set(ADMIN_CODES) & set(home_worklist(client))


def test_bappeda_starts_on_its_home_page_with_the_scorecard_linked_first(client, role_users):
    client.force_login(role_users["bappeda"])
    response = client.get(reverse("home"))
    assert response.status_code == 200
    page = response.content.decode()
    assert f'href="{reverse("analytics:scorecard")}" data-testid="scorecard-link"' in page


def test_every_declared_item_has_a_list_or_a_fact_and_known_roles(db):
    codes = [item.code for item in all_items()]
    assert len(codes) == len(set(codes))
    for item in all_items():
        assert item.roles and set(item.roles) <= set(Role.values), item.code
        if item.records is not None:
            assert item.url(), item.code
    with pytest.raises(WorklistError):
        WorkItem(code="x", label="x", roles=(Role.ADMIN,), group="x")
    with pytest.raises(WorklistError):
        WorkItem(code="x", label="x", roles=("nobody",), group="x", fact=lambda user: None)
