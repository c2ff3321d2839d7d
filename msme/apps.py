from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MsmeConfig(AppConfig):
    name = "msme"
    verbose_name = _("MSMEs and the creative economy")
    # The app adds `role_permissions` and a `menu` when it gets its models and pages.
