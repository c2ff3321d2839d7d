from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _

from .choices import Role
from .menu import MenuItem, MenuSection
from .roles import ALL_ACTIONS, ALL_ROLES, VIEW


class BackOfficeAdminConfig(admin_apps.AdminConfig):
    """django.contrib.admin whose site gives every ModelAdmin the back office's rules (smarteconomy.admin_site).
    Named in INSTALLED_APPS in place of django.contrib.admin; not this app's own config."""

    default = False

    default_site = "smarteconomy.admin_site.BackOfficeSite"


class SmartEconomyConfig(AppConfig):
    name = "smarteconomy"
    verbose_name = _("Smart Economy: shared data")
    default_auto_field = "django.db.models.BigAutoField"

    role_permissions = {
        "kecamatan": {Role.ADMIN: ALL_ACTIONS, ALL_ROLES: VIEW},
        "kelurahan": {Role.ADMIN: ALL_ACTIONS, ALL_ROLES: VIEW},
        "sector": {Role.ADMIN: ALL_ACTIONS, ALL_ROLES: VIEW},
        "publicholiday": {Role.ADMIN: ALL_ACTIONS, ALL_ROLES: VIEW},
        # Each office sees its own import batches (scoped in the queryset); everyone may view the list.
        "importbatch": {ALL_ROLES: VIEW},
        "exportlog": {Role.ADMIN: VIEW, Role.BAPPEDA: VIEW},
        "taskrun": {Role.ADMIN: VIEW, Role.BAPPEDA: VIEW},
        "dirtyperiod": {Role.ADMIN: VIEW},
        # The reporting calendar: every role reads it (an office its own sources); the offices submit their own
        # sources' periods, Bappeda and the administrators approve, return and reopen them.
        "sourceschedule": {Role.ADMIN: ALL_ACTIONS, ALL_ROLES: VIEW},
        "reportingperiod": {
            ALL_ROLES: VIEW,
            Role.DPMPTSP: ("+submit_reportingperiod",),
            Role.DKUMKMP: ("+submit_reportingperiod",),
            Role.PARKING_OPERATOR: ("+submit_reportingperiod",),
            Role.BAPPEDA: ("+submit_reportingperiod", "+approve_reportingperiod"),
            Role.ADMIN: ("+submit_reportingperiod", "+approve_reportingperiod"),
        },
        "user": {Role.ADMIN: ALL_ACTIONS},
        "auth.group": {Role.ADMIN: ("view", "change")},
        "axes.accessattempt": {Role.ADMIN: ("view", "delete")},
        # API tokens for open-data portals and parking operators are created by the administrators in the back office.
        "apitoken": {Role.ADMIN: ("view", "add", "delete")},
        "axes.accesslog": {Role.ADMIN: VIEW},
        "axes.accessfailurelog": {Role.ADMIN: VIEW},
    }

    # Loaded by `manage.py load_reference` (and seed_demo) through the shared importer, in app order.
    reference_data = (
        ("wilayah", "data/reference/wilayah_balikpapan.csv"),
        ("sectors", "data/reference/bps_sectors.csv"),
        ("holidays", "data/reference/holidays.csv"),
    )

    menu = (
        # Every role reads the reporting page (an office its own sources) and submits or approves from it.
        MenuSection(
            _("Official figures"),
            (MenuItem(_("Reporting"), "reporting:overview", "smarteconomy.view_reportingperiod"),),
            order=20,
        ),
        MenuSection(
            _("Reference data"),
            (
                MenuItem(_("Kecamatan and kelurahan"), "reference:kelurahan_list", "smarteconomy.view_kelurahan"),
                MenuItem(_("BPS sectors"), "reference:sector_list", "smarteconomy.view_sector"),
            ),
            order=800,
        ),
        MenuSection(
            _("System"),
            (
                MenuItem(_("Import history"), "imports:batch_list", "smarteconomy.view_importbatch"),
                MenuItem(_("Export log"), "exports:log_list", "smarteconomy.view_exportlog"),
                MenuItem(_("Scheduled task runs"), "tasks:run_list", "smarteconomy.view_taskrun"),
                MenuItem(_("Back office (admin)"), "admin:index", staff_only=True),
            ),
            order=900,
        ),
    )

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from . import tables  # noqa: F401 - registers the date columns with django-tables2 before any table is built
        from .backends import connect_invalidation
        from .exportjobs import flag_export_jobs_at_login
        from .importing.base import IMPORTERS
        from .middleware import IdleTimeoutMiddleware
        from .roles import sync_roles
        from .sources import SOURCES
        from .worklist import ITEMS

        # Every app's importers.py registers its importers (like the admin discovers admin.py), its sources.py its
        # data sources (the reporting calendar and the locks), its worklist.py the items of the roles' worklists.
        IMPORTERS.autodiscover()
        SOURCES.autodiscover()
        ITEMS.autodiscover()
        from . import worklist_items  # noqa: F401 - the administrators' own items

        post_migrate.connect(sync_roles, dispatch_uid="smarteconomy.sync_roles")
        connect_invalidation()
        user_logged_in.connect(flag_export_jobs_at_login, dispatch_uid="smarteconomy.flag_export_jobs")
        user_logged_in.connect(IdleTimeoutMiddleware.refreshed_at_login, dispatch_uid="smarteconomy.session_refreshed")
