"""The back office (Django's admin) as the administrators (Diskominfo) use it: they are not the office that owns the
MSME registry and the tenants, so NIK and phone numbers are masked on every admin page, history pages included,
and a changelist accepts only the filters it declares (no lookup can probe a hidden field one character at a time).
"""

import re

import pytest
from django.contrib import admin
from django.db.models import Field
from django.test import Client, RequestFactory
from django.urls import reverse

from industry_center.models import Tenant
from msme.models import Msme
from smarteconomy.tests.test_personal_data import (
    NIK_AFTER,
    leaked,
    personal_records,  # noqa: F401 - the fixture, used by name
)


def _history_pages(client, model):
    """The history list of the model's record and the page of each of its historical versions."""
    obj = model.objects.get()
    opts = model._meta
    pages = [reverse(f"admin:{opts.app_label}_{opts.model_name}_history", args=[obj.pk])]
    for version in obj.history.all():
        pages.append(reverse(f"admin:{opts.app_label}_{opts.model_name}_simple_history", args=[obj.pk, version.pk]))
    pages.append(reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk]))
    pages.append(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
    return [(url, client.get(url)) for url in pages]


@pytest.mark.django_db
@pytest.mark.usefixtures("personal_records")
@pytest.mark.parametrize("model", [Msme, Tenant])
def test_the_history_pages_of_the_back_office_mask_nik_and_phone(client, role_users, model):
    client.force_login(role_users["admin"])
    pages = _history_pages(client, model)
    assert len(pages) >= 5
    for url, response in pages:
        assert response.status_code == 200, url
        text = response.content.decode()
        assert not leaked(text), (url, leaked(text))
    history = pages[0][1].content.decode()
    # The change is listed, masked: the region of the NIK and the edges of the phone number stay readable.
    if model is Msme:
        assert "6471**********01" in history and "0812*****432" in history
    else:
        assert "0813*****876" in history


@pytest.mark.django_db
@pytest.mark.usefixtures("personal_records")
def test_a_superuser_outside_the_owning_office_sees_the_history_masked_too(client, make_user):
    client.force_login(make_user("root", is_staff=True, is_superuser=True))
    for _url, response in _history_pages(client, Msme):
        assert not leaked(response.content.decode())


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url,query",
    [
        ("admin:msme_msme_changelist", {"owner_nik__startswith": "6471"}),
        ("admin:msme_msme_changelist", {"id": "1", "owner_nik__startswith": NIK_AFTER[:8]}),
        ("admin:msme_msme_changelist", {"phone__regex": "^0812"}),
        ("admin:msme_msme_changelist", {"name__startswith": "U"}),  # not declared either
        ("admin:industry_center_tenant_changelist", {"phone__startswith": "0813"}),
        ("admin:industry_center_tenant_changelist", {"phone__regex": "^08135+"}),
        ("admin:industry_center_tenancy_changelist", {"tenant__phone__startswith": "0813"}),
        ("admin:msme_listing_changelist", {"msme__owner_nik__startswith": "6471"}),
        ("admin:msme_listing_changelist", {"category__code__startswith": "m"}),
        ("admin:smarteconomy_user_changelist", {"password__startswith": "pbkdf2"}),
        ("admin:smarteconomy_user_changelist", {"groups__name__startswith": "a"}),
    ],
)
@pytest.mark.usefixtures("personal_records")
def test_an_undeclared_filter_is_refused(client, role_users, url, query):
    client.force_login(role_users["admin"])
    response = client.get(reverse(url), query)
    assert response.status_code == 400, (url, query, response.status_code)
    assert not leaked(response.content.decode())


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url,query",
    [
        ("admin:msme_msme_changelist", {"status__exact": "active"}),
        ("admin:msme_msme_changelist", {"q": "Usaha"}),
        ("admin:smarteconomy_user_changelist", {"groups__id__exact": "1", "is_active__exact": "1"}),
        ("admin:smarteconomy_publicholiday_changelist", {"date__year": "2025", "date__month": "1"}),
        ("admin:smarteconomy_importbatch_changelist", {"importer": "msmes"}),
        ("admin:cashless_parkingtransaction_changelist", {"business_date__year": "2025", "location__id__exact": "1"}),
        ("admin:licensing_permitapplication_changelist", {"permit_type__id__exact": "1", "o": "2"}),
    ],
)
def test_the_declared_filters_still_work(client, role_users, url, query):
    client.force_login(role_users["admin"])
    assert client.get(reverse(url), query).status_code == 200, (url, query)


def _personal_field_names(model):
    return {
        f.name for f in model._meta.concrete_fields if isinstance(f, Field) and ("nik" in f.name or "phone" in f.name)
    }


@pytest.mark.django_db
def test_every_admin_of_a_model_with_a_nik_or_phone_declares_them_and_never_shows_or_searches_them(rf, role_users):
    request = rf.get("/admin/")
    request.user = role_users["admin"]
    checked = 0
    for model, model_admin in admin.site._registry.items():
        personal = _personal_field_names(model)
        if not personal or model.__name__.startswith("Historical"):
            continue
        checked += 1
        assert personal <= set(model_admin.personal_fields), model
        assert model_admin.personal_data_owner, model
        declared = [
            *model_admin.list_display,
            *model_admin.search_fields,
            *(f if isinstance(f, str) else f[0] for f in model_admin.list_filter if not isinstance(f, type)),
            *model_admin.readonly_fields,
            model_admin.date_hierarchy or "",
        ]
        for name in declared:
            assert not set(str(name).lstrip("^=@").split("__")) & personal, (model, name)
        form = model_admin.get_form(request)
        assert not set(form.base_fields) & personal, model
    assert checked >= 2


def test_every_admin_of_the_site_refuses_an_undeclared_lookup():
    for model, model_admin in admin.site._registry.items():
        assert not model_admin.lookup_allowed("pk__gte", "1", None), model
        assert not model_admin.lookup_allowed("id__startswith", "1", None), model


def _user_form(user, **changes):
    """The user's change form as the back office posts it."""
    data = {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "is_active": "on",
        "date_joined_0": user.date_joined.strftime("%d/%m/%Y"),
        "date_joined_1": user.date_joined.strftime("%H:%M:%S"),
        "groups": [group.pk for group in user.groups.all()],
    }
    data.update(changes)
    return data


@pytest.mark.django_db
def test_an_administrator_who_is_not_a_superuser_cannot_grant_superuser_or_staff_rights(client, role_users):
    colleague = role_users["bappeda"]
    client.force_login(role_users["admin"])
    url = reverse("admin:smarteconomy_user_change", args=[colleague.pk])
    page = client.get(url).content.decode()
    assert 'name="is_superuser"' not in page and 'name="is_staff"' not in page
    assert 'name="user_permissions"' not in page
    response = client.post(url, _user_form(colleague, is_superuser="on", is_staff="on", first_name="Rina"))
    assert response.status_code == 302, response.content.decode()[:3000]
    colleague.refresh_from_db()
    assert colleague.first_name == "Rina"  # the rest of the form was saved
    assert not colleague.is_superuser and not colleague.is_staff


@pytest.mark.django_db
def test_an_administrator_who_is_not_a_superuser_cannot_change_a_superuser_or_its_password(
    client, role_users, make_user
):
    root = make_user("root", is_staff=True, is_superuser=True)
    client.force_login(role_users["admin"])
    response = client.post(reverse("admin:smarteconomy_user_change", args=[root.pk]), _user_form(root, email="x@y.id"))
    assert response.status_code == 403
    password = reverse("admin:auth_user_password_change", args=[root.pk])  # Django's UserAdmin names it so
    response = client.post(password, {"password1": "a-new-password-99", "password2": "a-new-password-99"})
    assert response.status_code == 403
    root.refresh_from_db()
    assert root.check_password("x-test-password-1") and root.email != "x@y.id"


@pytest.mark.django_db
def test_a_superuser_grants_staff_rights(client, role_users, make_user):
    colleague = role_users["bappeda"]
    client.force_login(make_user("root", is_staff=True, is_superuser=True))
    url = reverse("admin:smarteconomy_user_change", args=[colleague.pk])
    assert 'name="is_superuser"' in client.get(url).content.decode()
    assert client.post(url, _user_form(colleague, is_staff="on")).status_code == 302
    colleague.refresh_from_db()
    assert colleague.is_staff


@pytest.mark.django_db
def test_an_administrator_who_is_not_a_superuser_cannot_delete_a_superuser_from_the_list(client, role_users, make_user):
    root = make_user("root", is_staff=True, is_superuser=True)
    client.force_login(role_users["admin"])
    response = client.post(
        reverse("admin:smarteconomy_user_changelist"),
        {"action": "delete_selected", "_selected_action": [root.pk], "post": "yes"},
    )
    assert response.status_code == 403
    assert type(root).objects.filter(pk=root.pk).exists()


@pytest.mark.django_db
def test_an_api_token_is_shown_once_at_creation_and_stored_hashed(client, role_users):
    from smarteconomy.models import ApiToken

    operator = role_users["operator_airport"]
    client.force_login(role_users["admin"])
    response = client.post(reverse("admin:smarteconomy_apitoken_add"), {"user": operator.pk, "name": "SEPINGGAN"})
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    key = re.search(r'data-testid="api-key"[^>]*>([0-9a-f]{40})<', response.content.decode()).group(1)
    token = ApiToken.objects.get()
    assert token.user == operator and token.prefix == key[:8]
    # The database holds no raw key: neither the token's row nor anything else a back-office page shows.
    assert key not in str(list(ApiToken.objects.values_list()))
    for url in (
        reverse("admin:smarteconomy_apitoken_changelist"),
        reverse("admin:smarteconomy_apitoken_change", args=[token.pk]),
        reverse("admin:smarteconomy_apitoken_history", args=[token.pk]),
    ):
        page = client.get(url)
        assert page.status_code == 200, url
        assert key not in page.content.decode() and key[8:16] not in page.content.decode(), url
    assert f"{key[:8]}…" in client.get(reverse("admin:smarteconomy_apitoken_changelist")).content.decode()
    # The key shown once works for the API; another does not.
    other = key[:-1] + ("1" if key[-1] == "0" else "0")
    api = Client()
    assert api.get(reverse("api:indicator-list"), HTTP_AUTHORIZATION=f"Token {key}").status_code == 200
    assert api.get(reverse("api:indicator-list"), HTTP_AUTHORIZATION=f"Token {other}").status_code == 401


@pytest.mark.django_db(transaction=True)
def test_the_migration_hashes_the_existing_clear_tokens_and_they_keep_working(make_user):
    """A token of Django REST framework's token list (kept in the clear) becomes a hashed token with the same key."""
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    from smarteconomy.models import ApiToken

    operator = make_user("operator_x", "parking_operator")
    key = "0123456789abcdef0123456789abcdef01234567"
    executor = MigrationExecutor(connection)
    executor.migrate([("smarteconomy", "0004_dirtyperiod")])
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE authtoken_token (key varchar(40) PRIMARY KEY, created timestamp NOT NULL, user_id bigint)"
        )
        cursor.execute("INSERT INTO authtoken_token VALUES (%s, %s, %s)", [key, "2025-01-02 03:04:05", operator.pk])
    try:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
        with connection.cursor() as cursor:
            cursor.execute("SELECT COUNT(*) FROM authtoken_token")
            assert cursor.fetchone()[0] == 0  # no clear key left
    finally:
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE authtoken_token")
    token = ApiToken.objects.get()
    assert token.user == operator and token.prefix == key[:8] and key not in token.digest
    assert Client().get(reverse("api:indicator-list"), HTTP_AUTHORIZATION=f"Token {key}").status_code == 200


@pytest.mark.django_db
def test_the_command_prints_a_new_key_once_and_it_works(role_users):
    import io

    from django.core.management import call_command

    out = io.StringIO()
    call_command("create_api_token", "operator_mall", "--name", "bench", stdout=out)
    key = out.getvalue().strip()
    assert re.fullmatch(r"[0-9a-f]{40}", key)
    assert Client().get(reverse("api:indicator-list"), HTTP_AUTHORIZATION=f"Token {key}").status_code == 200


@pytest.mark.django_db
def test_an_administrator_does_not_give_themselves_another_role(client, role_users):
    """In the owning office's group an administrator would read every NIK in full: a colleague gives roles."""
    from django.contrib.auth.models import Group

    me = role_users["admin"]
    client.force_login(me)
    url = reverse("admin:smarteconomy_user_change", args=[me.pk])
    dkumkmp = Group.objects.get(name="dkumkmp")
    response = client.post(url, _user_form(me, groups=[dkumkmp.pk, *me.groups.values_list("pk", flat=True)]))
    assert response.status_code == 302
    assert list(me.groups.values_list("name", flat=True)) == ["admin"]
    # A colleague's role is still given in the back office.
    colleague = role_users["bappeda"]
    url = reverse("admin:smarteconomy_user_change", args=[colleague.pk])
    assert client.post(url, _user_form(colleague, groups=[dkumkmp.pk])).status_code == 302
    assert list(colleague.groups.values_list("name", flat=True)) == ["dkumkmp"]


@pytest.mark.django_db
def test_an_administrator_who_is_not_a_superuser_cannot_change_a_role_s_permissions(client, role_users, make_user):
    """Roles' permissions come from the code; an administrator who could edit them could give the administrators'
    group anything (the change permission of every office's records), itself included."""
    from django.contrib.auth.models import Group, Permission

    group = Group.objects.get(name="admin")
    before = set(group.permissions.values_list("pk", flat=True))
    wanted = Permission.objects.get(codename="change_msme")
    client.force_login(role_users["admin"])
    url = reverse("admin:auth_group_change", args=[group.pk])
    assert client.get(url).status_code == 200
    assert 'name="permissions"' not in client.get(url).content.decode()
    client.post(url, {"name": "admin", "permissions": [*before, wanted.pk]})
    assert set(group.permissions.values_list("pk", flat=True)) == before
    assert client.post(reverse("admin:auth_group_add"), {"name": "mine", "permissions": [wanted.pk]}).status_code == 403
    assert not Group.objects.filter(name="mine").exists()
    # A superuser still can.
    client.force_login(make_user("root", is_staff=True, is_superuser=True))
    assert 'name="permissions"' in client.get(url).content.decode()


@pytest.mark.django_db
def test_the_read_only_records_are_shown_and_never_added_changed_or_deleted_even_by_a_superuser(client, make_user):
    """Bills, payments, MSMEs, published editions and the value history change only through their services (or
    never): the back office lists them, and refuses the add page and any change or delete to a superuser too."""
    from smarteconomy.admin import ReadOnlyAdmin

    read_only = {
        model: model_admin
        for model, model_admin in admin.site._registry.items()
        if isinstance(model_admin, ReadOnlyAdmin)
    }
    names = {f"{model._meta.app_label}.{model.__name__}" for model in read_only}
    assert {
        "msme.Msme",
        "industry_center.LevyBill",
        "analytics.ScorecardEdition",
        "analytics.IndicatorSnapshotHistory",
    } <= names
    root = make_user("root", is_superuser=True, is_staff=True)
    client.force_login(root)
    request = RequestFactory().get("/admin/")
    request.user = root
    for model, model_admin in read_only.items():
        opts = model._meta
        assert client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")).status_code == 200, model
        assert client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_add")).status_code == 403, model
        assert not model_admin.has_change_permission(request) and not model_admin.has_delete_permission(request), model
