from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from smarteconomy.choices import Role
from smarteconomy.roles import ALL_ACTIONS, VIEW


class NotificationsConfig(AppConfig):
    """Notifications: each app declares its rules in ``<app>/notifications.py`` (notifications.rules); this app keeps
    the notifications, each user's preferences, the outbox of e-mails and the bell. Every user sees their own
    notifications and sets their own preferences (no model permission needed); the administrators see all of them
    in the back office, with the e-mails that failed."""

    name = "notifications"
    verbose_name = _("Notifications")

    role_permissions = {
        "notification": {Role.ADMIN: VIEW},
        "notificationpreference": {Role.ADMIN: ALL_ACTIONS},
        "outboxmessage": {Role.ADMIN: VIEW},
    }

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from . import rules

        rules.autodiscover()
        user_logged_in.connect(_count_unread_at_login, dispatch_uid="notifications_count_unread_at_login")


def _count_unread_at_login(sender, request, user, **kwargs):
    """The bell's number counted once at login, so that pages read it from the session (notifications.selectors)."""
    if request is not None and hasattr(request, "session"):
        from .selectors import remember_unread_count

        remember_unread_count(request, user)
