"""The navigation: each AppConfig lists its menu sections; a user sees only the entries allowed to them."""

from dataclasses import dataclass, field

from django.apps import apps
from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse


@dataclass(frozen=True)
class MenuItem:
    label: str
    url_name: str
    permission: str | None = None  # "app_label.codename"; None = every logged-in user
    staff_only: bool = False

    def allowed(self, user, granted):
        """``granted``: the user's permissions (``permissions_of``), read once for the whole menu."""
        if self.staff_only and not user.is_staff:
            return False
        return self.permission is None or granted is ALL or self.permission in granted


ALL = object()  # an active superuser: every permission


def permissions_of(user):
    """What ``user.has_perm`` would answer for each permission, in one read: every permission for an active
    superuser, none for an inactive user, else the permissions of the user and their groups."""
    if not user.is_active:
        return frozenset()
    return ALL if user.is_superuser else user.get_all_permissions()


_URLS = {}


def _url(url_name):
    """``reverse(url_name)``, worked out once per process: a menu entry's URL takes no arguments, so it changes only
    with the URL configuration and the script prefix, which make the key. (About 30 reversals on every page.)"""
    key = (settings.ROOT_URLCONF, get_urlconf(), get_script_prefix(), url_name)
    url = _URLS.get(key)
    if url is None:
        url = _URLS[key] = reverse(url_name)
    return url


@dataclass(frozen=True)
class MenuSection:
    label: str
    items: tuple = field(default_factory=tuple)
    order: int = 100


def menu_for(user, current_path=""):
    """[(section label, [(item label, url, active)])] for the user, in section order. One entry at most is active: the
    one whose URL is the longest prefix of the current path (the scorecard's completeness page, under the scorecard's
    URL, marks "Data completeness", not both)."""
    if not user.is_authenticated:
        return []
    sections = []
    granted = permissions_of(user)
    for config in apps.get_app_configs():
        for section in getattr(config, "menu", ()):
            entries = [(item.label, _url(item.url_name)) for item in section.items if item.allowed(user, granted)]
            if entries:
                sections.append((section.order, section.label, entries))
    sections.sort(key=lambda s: s[0])
    matches = [url for _order, _label, entries in sections for _item, url in entries if current_path.startswith(url)]
    current = max(matches, key=len, default=None)
    return [(label, [(item, url, url == current) for item, url in entries]) for _order, label, entries in sections]
