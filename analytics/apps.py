from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AnalyticsConfig(AppConfig):
    name = "analytics"
    verbose_name = _("Leading sectors and the Smart Economy scorecard")
    # The app adds `role_permissions` and a `menu` when it gets its models and pages.
