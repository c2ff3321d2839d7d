"""Roles, offices and personal data: the one permission helper of the product.

A role is a Django group (see ``Role``). Each app declares, in its AppConfig, which model permissions
each role gets (``role_permissions``); ``sync_roles`` turns those declarations into the groups'
permissions and runs after every migrate, so the groups always match the code.
"""

from django.apps import apps

from .choices import Role
from .logs import mask_personal_data

ALL_ACTIONS = ("add", "change", "delete", "view")
VIEW = ("view",)
ALL_ROLES = "*"

# Roles that read every office's records (and change none of the offices' operational records).
CROSS_OFFICE_ROLES = frozenset({Role.BAPPEDA, Role.ADMIN})


def user_role(user):
    """The user's role code, or None for anonymous users and users without a role group."""
    if user is None or not user.is_authenticated:
        return None
    cached = getattr(user, "_role_cache", False)
    if cached is not False:
        return cached
    names = set(user.groups.values_list("name", flat=True))
    role = next((r.value for r in Role if r.value in names), None)
    if role is None and user.is_superuser:
        role = Role.ADMIN.value
    user._role_cache = role
    return role


def may_open(request, url):
    """Whether ``request.user`` may open the page at ``url`` (a path of this site): the page's view asks for a login
    and permissions (LoginRequiredMixin, PermissionRequiredMixin) that the user has. For a link that is shown only
    to those who may follow it; a page that would answer 403 is not linked."""
    from urllib.parse import urlsplit

    from django.contrib.auth.mixins import AccessMixin, PermissionRequiredMixin
    from django.urls import Resolver404, resolve

    try:
        match = resolve(urlsplit(url).path)
    except Resolver404:
        return False
    view_class = getattr(match.func, "view_class", None)
    if view_class is None or not issubclass(view_class, AccessMixin):
        return True
    if not request.user.is_authenticated:
        return False
    if not issubclass(view_class, PermissionRequiredMixin):
        return True
    view = view_class(**getattr(match.func, "view_initkwargs", {}))
    view.setup(request, *match.args, **match.kwargs)
    return view.has_permission()


def sees_all_offices(user):
    return user_role(user) in CROSS_OFFICE_ROLES


def can_see_personal_data(user, owner_office):
    """NIK and phone numbers are shown in full only to the office that owns the record."""
    return user_role(user) == owner_office


def redact_for(user, owner_office, value):
    """Free text written by or about an office (an import's messages and error report, a stored search) as ``user``
    may see it: every NIK and phone number in it masked unless the user's office owns it. Strings, and lists and
    dicts of them (an import's ``errors``), are redacted; other values are returned as they are."""
    if can_see_personal_data(user, owner_office):
        return value
    return redact(value)


def redact(value):
    """``value`` with every NIK and phone number in its text masked (see smarteconomy.logs.mask_personal_data)."""
    if isinstance(value, str):
        return mask_personal_data(value)
    if isinstance(value, dict):
        return {key: redact(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [redact(item) for item in value]
    return value


def owner_office_of(model):
    """The office that owns every record of ``model`` (its queryset's ``owner_office``), or None."""
    return getattr(getattr(model._default_manager, "_queryset_class", None), "owner_office", None)


def free_text_for(user, model, name, value):
    """A field's value as ``user`` may see it. Free text (a note, an address, a payer's name) may hold a NIK or a
    phone number that someone typed into it: a model lists those fields in ``free_text_fields``, and their values are
    redacted (``redact_for``) unless the user's office owns the model's records. Other fields are returned as
    they are."""
    if name in getattr(model, "free_text_fields", ()):
        return redact_for(user, owner_office_of(model), value)
    return value


MASKS = {"nik": lambda value: mask_nik(value), "phone": lambda value: mask_phone(value)}


def mask_field(kind, value):
    """A NIK (``kind`` "nik") or phone number ("phone") field's value masked; empty stays empty."""
    return MASKS[kind](value) if value else value


def _mask(value, keep_start, keep_end):
    text = "" if value is None else str(value)
    if len(text) <= keep_start + keep_end:
        return "*" * len(text)
    return text[:keep_start] + "*" * (len(text) - keep_start - keep_end) + text[len(text) - keep_end :]


def mask_nik(value):
    """6471015012900001 -> 6471**********01: the region stays readable, the person does not."""
    return _mask(value, 4, 2)


def mask_phone(value):
    """081234567890 -> 0812*****890."""
    return _mask(value, 4, 3)


def declared_permissions():
    """{role: set of (app_label, codename)} from every AppConfig's ``role_permissions``."""
    grants = {role.value: set() for role in Role}
    for config in apps.get_app_configs():
        declaration = getattr(config, "role_permissions", None) or {}
        for model_key, by_role in declaration.items():
            app_label, _, model_name = model_key.rpartition(".")
            app_label = app_label or config.label
            for role_key, actions in by_role.items():
                roles = list(grants) if role_key == ALL_ROLES else [str(role_key)]
                for role in roles:
                    for action in actions:
                        # "view" means view_<model>; "+codename" names a custom permission of the model.
                        codename = action[1:] if action.startswith("+") else f"{action}_{model_name}"
                        grants[role].add((app_label, codename))
    return grants


def sync_roles(**kwargs):
    """Create the role groups and set exactly the declared permissions on each. Idempotent."""
    from django.contrib.auth.models import Group, Permission
    from django.contrib.contenttypes.models import ContentType

    by_key = {
        (p.content_type.app_label, p.codename): p
        for p in Permission.objects.select_related("content_type").filter(content_type__in=ContentType.objects.all())
    }
    for role, wanted in declared_permissions().items():
        group, _ = Group.objects.get_or_create(name=role)
        # A permission appears once its model's migration has run; the post_migrate after it completes
        # the set. test_roles checks that every declared permission exists.
        group.permissions.set([by_key[key] for key in wanted if key in by_key])
