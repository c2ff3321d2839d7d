"""Indicator 6: e-parking transaction logs and their daily summaries."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from smarteconomy.choices import Role
from smarteconomy.menu import MenuItem, MenuSection
from smarteconomy.roles import ALL_ACTIONS, VIEW


class CashlessConfig(AppConfig):
    name = "cashless"
    verbose_name = _("Cashless e-parking")

    # Operators upload their own location's logs (scoped by OperatorMembership in the querysets); Bappeda and
    # the administrators read every location; the administrators keep the locations and tariffs.
    role_permissions = {
        "parkinglocation": {Role.ADMIN: ALL_ACTIONS, Role.BAPPEDA: VIEW, Role.PARKING_OPERATOR: VIEW},
        "tariffscheme": {Role.ADMIN: ALL_ACTIONS, Role.BAPPEDA: VIEW, Role.PARKING_OPERATOR: VIEW},
        "operatormembership": {Role.ADMIN: ALL_ACTIONS},
        "parkingtransaction": {Role.PARKING_OPERATOR: ("view", "add"), Role.BAPPEDA: VIEW, Role.ADMIN: VIEW},
        "dailysummary": {Role.PARKING_OPERATOR: VIEW, Role.BAPPEDA: VIEW, Role.ADMIN: VIEW},
        # The months archived out of the log (cashless.archive): the administrators see them in the back office.
        "parkingarchive": {Role.ADMIN: VIEW},
    }

    menu = (
        MenuSection(
            _("Cashless e-parking"),
            (
                MenuItem(_("Summary"), "cashless:summary", "cashless.view_dailysummary"),
                MenuItem(_("Transaction log"), "cashless:transaction_list", "cashless.view_parkingtransaction"),
                MenuItem(_("Upload transactions"), "cashless:upload", "cashless.add_parkingtransaction"),
            ),
            order=60,
        ),
    )
