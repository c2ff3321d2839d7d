from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LicensingConfig(AppConfig):
    name = "licensing"
    verbose_name = _("Online licensing")
    # The app adds `role_permissions` and a `menu` when it gets its models and pages.
