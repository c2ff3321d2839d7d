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
        # The scorecard is read by every office; Bappeda sets targets; Bappeda and the administrators may
        # queue a recompute.
        "indicatorsnapshot": {
            ALL_ROLES: VIEW,
            Role.BAPPEDA: ("view", "+recompute_indicators"),
            Role.ADMIN: ("view", "+recompute_indicators"),
        },
        "indicatortarget": {Role.BAPPEDA: ALL_ACTIONS, ALL_ROLES: VIEW},
        # Published editions are read by every office; only Bappeda and the administrators publish one. Nobody
        # changes or deletes an edition (analytics.editions writes it once); the value history is read-only.
        "scorecardedition": {
            ALL_ROLES: VIEW,
            Role.BAPPEDA: ("view", "+publish_edition"),
            Role.ADMIN: ("view", "+publish_edition"),
        },
        "editionentry": {ALL_ROLES: VIEW},
        "indicatorsnapshothistory": {ALL_ROLES: VIEW},
        "indicatorbaseline": {Role.BAPPEDA: ALL_ACTIONS, ALL_ROLES: VIEW},
    }

    # Loaded by `manage.py load_reference` (and seed_demo) through the shared importer.
    reference_data = (("regions", "data/regions.csv"),)

    def ready(self):
        from . import registry
        from .views.scorecard import SCORECARD_CACHE

        registry.autodiscover()
        # The scorecard's cached body changes with its snapshots, the recompute's run ("data as of"), a target and a
        # published or withdrawn edition (its revisions), whoever writes them (services, tasks, the admin).
        SCORECARD_CACHE.connect(
            "analytics.IndicatorSnapshot", "analytics.IndicatorTarget", "analytics.ScorecardEdition"
        )
        SCORECARD_CACHE.connect("smarteconomy.TaskRun", when=lambda run: run.task == "analytics.indicators_recompute")

    menu = (
        MenuSection(
            _("Smart Economy scorecard"),
            (
                MenuItem(_("Scorecard"), "analytics:scorecard", "analytics.view_indicatorsnapshot"),
                MenuItem(_("Data completeness"), "analytics:completeness", "analytics.view_indicatorsnapshot"),
                MenuItem(_("Published editions"), "analytics:edition_list", "analytics.view_scorecardedition"),
            ),
            order=10,
        ),
        MenuSection(
            _("Leading sectors"),
            (
                MenuItem(
                    _("Leading sectors (LQ, shift-share, Klassen)"),
                    "analytics:leading_sectors",
                    "analytics.view_grdpvalue",
                ),
                MenuItem(_("GRDP data"), "analytics:grdp_list", "analytics.view_grdpvalue"),
                MenuItem(_("Regions of Kalimantan Timur"), "analytics:province_comparison", "analytics.view_grdpvalue"),
                MenuItem(_("Regions"), "analytics:region_list", "analytics.view_region"),
            ),
            order=100,
        ),
    )
