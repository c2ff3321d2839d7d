from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from smarteconomy.choices import Role
from smarteconomy.menu import MenuItem, MenuSection
from smarteconomy.roles import ALL_ACTIONS, ALL_ROLES, VIEW


class AnalyticsConfig(AppConfig):
    name = "analytics"
    verbose_name = _("Leading sectors and the Smart Economy scorecard")

    # GRDP is published statistics: every office may read it; Bappeda owns and maintains it.
    role_permissions = {
        "region": {Role.ADMIN: ALL_ACTIONS, ALL_ROLES: VIEW},
        "grdpvalue": {Role.BAPPEDA: ALL_ACTIONS, ALL_ROLES: VIEW},
    }

    # Loaded by `manage.py load_reference` (and seed_demo) through the shared importer.
    reference_data = (("regions", "data/regions.csv"),)

    menu = (
        MenuSection(
            _("Leading sectors"),
            (
                MenuItem(
                    _("Leading sectors (LQ, shift-share, Klassen)"),
                    "analytics:leading_sectors",
                    "analytics.view_grdpvalue",
                ),
                MenuItem(_("GRDP data"), "analytics:grdp_list", "analytics.view_grdpvalue"),
                MenuItem(_("Regions"), "analytics:region_list", "analytics.view_region"),
            ),
            order=100,
        ),
    )
