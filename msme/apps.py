from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from smarteconomy.choices import Role
from smarteconomy.menu import MenuItem, MenuSection
from smarteconomy.roles import ALL_ACTIONS, VIEW

READ_ONLY = {Role.BAPPEDA: VIEW, Role.ADMIN: VIEW}


class MsmeConfig(AppConfig):
    name = "msme"
    verbose_name = _("MSMEs and the creative economy")

    # DKUMKMP keeps these records; Bappeda and the administrators read them (NIK and phone masked); other
    # offices do not see them.
    role_permissions = {
        model: {Role.DKUMKMP: ALL_ACTIONS, **READ_ONLY}
        for model in (
            "msme",
            "marketplacecategory",
            "listing",
            "training",
            "trainingparticipant",
            "outletproduct",
            "outletmovement",
            "outletpayout",
        )
    }

    menu = (
        MenuSection(
            _("MSMEs and creative economy"),
            (
                MenuItem(_("MSME registry"), "msme:msme_list", "msme.view_msme"),
                MenuItem(_("Register an MSME"), "msme:msme_add", "msme.add_msme"),
                MenuItem(_("Registrations by kecamatan"), "msme:report_by_district", "msme.view_msme"),
                MenuItem(_("Sobat UMKM listings"), "msme:listing_list", "msme.view_listing"),
                MenuItem(_("Trainings"), "msme:training_list", "msme.view_training"),
                MenuItem(_("SME Center outlet"), "msme:outlet_product_list", "msme.view_outletproduct"),
                MenuItem(_("Outlet payouts"), "msme:outlet_payout_list", "msme.view_outletpayout"),
            ),
            order=40,
        ),
    )
