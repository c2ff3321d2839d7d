from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from smarteconomy.choices import Role
from smarteconomy.roles import ALL_ACTIONS, VIEW


class LicensingConfig(AppConfig):
    name = "licensing"
    verbose_name = _("Online licensing")

    # DPMPTSP keeps these records; Bappeda and the administrators read them; other offices do not see them.
    role_permissions = {
        "permittype": {Role.DPMPTSP: ALL_ACTIONS, Role.BAPPEDA: VIEW, Role.ADMIN: VIEW},
        "permitapplication": {Role.DPMPTSP: ALL_ACTIONS, Role.BAPPEDA: VIEW, Role.ADMIN: VIEW},
        "permitstatuschange": {Role.DPMPTSP: ("view", "add"), Role.BAPPEDA: VIEW, Role.ADMIN: VIEW},
        "servicedisruption": {Role.DPMPTSP: ALL_ACTIONS, Role.BAPPEDA: VIEW, Role.ADMIN: VIEW},
    }
    # The menu comes with the queue and its pages.
