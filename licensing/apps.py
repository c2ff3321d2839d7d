from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from smarteconomy.choices import Role
from smarteconomy.menu import MenuItem, MenuSection
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
        # An answer is the applicant's: DPMPTSP records paper forms but never changes an answer.
        "surveyresponse": {Role.DPMPTSP: ("view", "add"), Role.BAPPEDA: VIEW, Role.ADMIN: VIEW},
    }

    # DPMPTSP works the queue and records disruptions; Bappeda and the administrators see the lists only.
    menu = (
        MenuSection(
            _("Online licensing"),
            (
                MenuItem(_("Queue"), "licensing:application_list", "licensing.view_permitapplication"),
                MenuItem(_("Add application"), "licensing:application_add", "licensing.add_permitapplication"),
                MenuItem(_("Service disruptions"), "licensing:disruption_list", "licensing.view_servicedisruption"),
                MenuItem(_("Permit types"), "licensing:permittype_list", "licensing.view_permittype"),
                MenuItem(_("Service satisfaction (IKM)"), "licensing:ikm", "licensing.view_surveyresponse"),
            ),
            order=30,
        ),
    )
