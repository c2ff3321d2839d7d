from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IndustryCenterConfig(AppConfig):
    name = "industry_center"
    verbose_name = _("Small-industry centre")
    # The app adds `role_permissions` and a `menu` when it gets its models and pages.
