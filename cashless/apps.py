from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CashlessConfig(AppConfig):
    name = "cashless"
    verbose_name = _("Cashless e-parking")
    # The app adds `role_permissions` and a `menu` when it gets its models and pages.
