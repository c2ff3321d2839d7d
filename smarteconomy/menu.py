"""The navigation: each AppConfig lists its menu sections; a user sees only the entries allowed to them."""

from dataclasses import dataclass, field

from django.apps import apps
from django.urls import reverse


@dataclass(frozen=True)
class MenuItem:
    label: str
    url_name: str
    permission: str | None = None  # "app_label.codename"; None = every logged-in user
    staff_only: bool = False

    def allowed(self, user):
        if self.staff_only and not user.is_staff:
            return False
        return self.permission is None or user.has_perm(self.permission)


@dataclass(frozen=True)
class MenuSection:
    label: str
    items: tuple = field(default_factory=tuple)
    order: int = 100


def menu_for(user, current_path=""):
    """[(section label, [(item label, url, active)])] for the user, in section order."""
    if not user.is_authenticated:
        return []
    sections = []
    for config in apps.get_app_configs():
        for section in getattr(config, "menu", ()):
            entries = []
            for item in section.items:
                if item.allowed(user):
                    url = reverse(item.url_name)
                    entries.append((item.label, url, current_path.startswith(url)))
            if entries:
                sections.append((section.order, section.label, entries))
    sections.sort(key=lambda s: s[0])
    return [(label, entries) for _, label, entries in sections]
