"""Roles, groups, permissions, personal-data masking and the demo set-up."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command
from django.test import RequestFactory

from smarteconomy.choices import Role
from smarteconomy.menu import menu_for
from smarteconomy.roles import (
    can_see_personal_data,
    declared_permissions,
    mask_nik,
    mask_phone,
    sees_all_offices,
    sync_roles,
    user_role,
)
from smarteconomy.tables import PersonalDataColumn


@pytest.mark.django_db
def test_every_declared_permission_exists_and_groups_get_exactly_those():
    sync_roles()
    existing = {(p.content_type.app_label, p.codename) for p in Permission.objects.select_related("content_type")}
    for role, wanted in declared_permissions().items():
        assert wanted <= existing, f"{role}: declared permissions that do not exist: {wanted - existing}"
        group = Group.objects.get(name=role)
        actual = {(p.content_type.app_label, p.codename) for p in group.permissions.select_related("content_type")}
        assert actual == wanted


@pytest.mark.django_db
def test_sync_roles_is_idempotent_and_removes_permissions_not_declared():
    sync_roles()
    group = Group.objects.get(name=Role.DPMPTSP)
    group.permissions.add(Permission.objects.get(codename="delete_kelurahan"))
    sync_roles()
    sync_roles()
    assert not group.permissions.filter(codename="delete_kelurahan").exists()
    assert Group.objects.filter(name__in=Role.values).count() == 5


@pytest.mark.django_db
def test_bappeda_reads_but_changes_no_reference_data(role_users):
    bappeda = role_users["bappeda"]
    assert bappeda.has_perm("smarteconomy.view_kelurahan")
    assert not bappeda.has_perm("smarteconomy.change_kelurahan")
    assert bappeda.has_perm("smarteconomy.view_taskrun")
    assert sees_all_offices(bappeda)
    assert not sees_all_offices(role_users["dkumkmp"])


@pytest.mark.django_db
def test_user_role(role_users):
    assert user_role(role_users["operator_mall"]) == Role.PARKING_OPERATOR
    from django.contrib.auth.models import AnonymousUser

    assert user_role(AnonymousUser()) is None
    nobody = get_user_model().objects.create_user("nobody")
    assert user_role(nobody) is None
    assert menu_for(nobody) == []


def test_masking_keeps_only_the_edges():
    assert mask_nik("6471015012900001") == "6471**********01"
    assert mask_phone("081234567890") == "0812*****890"
    assert mask_nik("") == ""
    assert mask_nik(None) == ""
    assert mask_phone("123") == "***"


@pytest.mark.django_db
def test_personal_data_column_shows_nik_only_to_the_owning_office(role_users):
    import django_tables2 as tables

    class OwnerTable(tables.Table):
        nik = PersonalDataColumn(owner_office=Role.DKUMKMP)
        phone = PersonalDataColumn(owner_office=Role.DKUMKMP, kind="phone")

    data = [{"nik": "6471015012900001", "phone": "081234567890"}]
    for username, nik, phone in [
        ("dkumkmp", "6471015012900001", "081234567890"),
        ("bappeda", "6471**********01", "0812*****890"),
        ("dpmptsp", "6471**********01", "0812*****890"),
        ("admin", "6471**********01", "0812*****890"),
    ]:
        request = RequestFactory().get("/")
        request.user = role_users[username]
        table = OwnerTable(data, request=request)
        row = table.rows[0]
        assert (row.get_cell("nik"), row.get_cell("phone")) == (nik, phone), username
        assert (row.get_cell_value("nik"), row.get_cell_value("phone")) == (nik, phone), username
    assert can_see_personal_data(role_users["dkumkmp"], Role.DKUMKMP)
    assert not can_see_personal_data(role_users["bappeda"], Role.DKUMKMP)


@pytest.mark.django_db
def test_seed_demo_is_idempotent_and_creates_one_user_per_role(monkeypatch):
    monkeypatch.setenv("DEMO_PASSWORD", "another-demo-password")
    call_command("seed_demo", stdout=io.StringIO())
    call_command("seed_demo", stdout=io.StringIO())
    User = get_user_model()
    expected = {
        "admin": Role.ADMIN,
        "bappeda": Role.BAPPEDA,
        "dpmptsp": Role.DPMPTSP,
        "dkumkmp": Role.DKUMKMP,
        "operator_airport": Role.PARKING_OPERATOR,
        "operator_mall": Role.PARKING_OPERATOR,
    }
    assert User.objects.count() == len(expected)
    for username, role in expected.items():
        user = User.objects.get(username=username)
        assert user_role(user) == role
        assert user.check_password("another-demo-password")
        assert user.is_staff == (role == Role.ADMIN)
        assert not user.is_superuser
    from smarteconomy.models import Kecamatan, Kelurahan, Sector

    assert (Kecamatan.objects.count(), Kelurahan.objects.count(), Sector.objects.count()) == (6, 34, 17)
