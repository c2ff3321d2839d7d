from django.contrib import admin, messages
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from smarteconomy.admin import ReadOnlyLogAdmin

from . import services
from .choices import OutboxStatus
from .models import Notification, NotificationPreference, OutboxMessage


@admin.register(OutboxMessage)
class OutboxMessageAdmin(ReadOnlyLogAdmin):
    """The e-mails of the notifications. A failed one (tried NOTIFICATIONS_MAX_ATTEMPTS times) stays here, with its
    last error, until an administrator sends it again."""

    list_display = ("created_at", "to", "subject", "status", "attempts", "next_attempt_at", "sent_at", "last_error")
    list_filter = ("status",)
    search_fields = ("to", "subject", "key")
    actions = ["send_again"]

    def get_queryset(self, request):
        # A scheduled report's PDF is stored in its row: not read for the list.
        return super().get_queryset(request).defer("attachment")

    @admin.action(description=_("Send the failed e-mails again"))
    def send_again(self, request, queryset):
        failed = list(queryset.filter(status=OutboxStatus.FAILED))
        for message in failed:
            services.outbox_retry(message=message)
        count = len(failed)
        self.message_user(
            request,
            ngettext("%(count)d e-mail will be sent again.", "%(count)d e-mails will be sent again.", count)
            % {"count": count},
            messages.SUCCESS,
        )

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Notification)
class NotificationAdmin(ReadOnlyLogAdmin):
    list_display = ("created_at", "recipient", "rule", "written_title", "delivery", "read_at")
    list_select_related = ("recipient",)

    @admin.display(description=_("title"), ordering="title")
    def written_title(self, notification):
        """The title as it was written, in the recipient's language (an Indonesian title on an English page is marked
        as Indonesian, for screen readers and the product's language check)."""
        return format_html('<span lang="{}">{}</span>', notification.recipient.language or "id", notification.title)

    list_filter = ("rule", "delivery")
    search_fields = ("title", "object_key", "recipient__username")


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(SimpleHistoryAdmin):
    list_display = ("user", "rule", "delivery")
    list_filter = ("rule", "delivery")
