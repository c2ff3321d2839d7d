from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from smarteconomy.choices import Role
from smarteconomy.menu import MenuItem, MenuSection
from smarteconomy.roles import ALL_ACTIONS, VIEW

READ_ONLY = {Role.BAPPEDA: VIEW, Role.ADMIN: VIEW}


class IndustryCenterConfig(AppConfig):
    name = "industry_center"
    verbose_name = _("Small-industry centre")

    # DKUMKMP runs the centre and keeps these records; Bappeda and the administrators read them; no one else.
    role_permissions = {
        "centre": {Role.DKUMKMP: ("view", "change"), **READ_ONLY},
        "productionhouse": {Role.DKUMKMP: ALL_ACTIONS, **READ_ONLY},
        "tenant": {Role.DKUMKMP: ALL_ACTIONS, **READ_ONLY},
        "tenancy": {Role.DKUMKMP: ALL_ACTIONS, **READ_ONLY},
        "levybill": {Role.DKUMKMP: ("view", "add", "change"), **READ_ONLY},
        "payment": {Role.DKUMKMP: ("view", "add"), **READ_ONLY},
        "settlementrow": {Role.DKUMKMP: ("view", "add", "change"), **READ_ONLY},
    }

    menu = (
        MenuSection(
            _("Small-industry centre"),
            (
                MenuItem(_("Levy bills"), "industry_center:bill_list", "industry_center.view_levybill"),
                MenuItem(_("Production houses"), "industry_center:house_list", "industry_center.view_productionhouse"),
                MenuItem(_("Tenants"), "industry_center:tenant_list", "industry_center.view_tenant"),
                MenuItem(_("Tenancies"), "industry_center:tenancy_list", "industry_center.view_tenancy"),
                MenuItem(_("Payments"), "industry_center:payment_list", "industry_center.view_payment"),
                MenuItem(
                    _("QRIS reconciliation"), "industry_center:settlement_list", "industry_center.view_settlementrow"
                ),
            ),
            order=40,
        ),
    )
