from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpResponseBadRequest
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import View
from django.views.generic import TemplateView

from . import services
from .choices import Delivery
from .models import Notification, NotificationPreference
from .reports import all_reports
from .rules import all_rules, get_rule
from .selectors import forget_unread_count, notification_list


class NotificationListView(LoginRequiredMixin, TemplateView):
    """The bell's page: the user's own notifications, newest first, and their e-mail preference for each rule that
    concerns their role."""

    template_name = "notifications/notification_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        notifications = notification_list(user)
        for notification in notifications:
            rule = get_rule(notification.rule)
            notification.rule_label = rule.label if rule else notification.rule
        chosen = dict(NotificationPreference.objects.filter(user=user).values_list("rule", "delivery"))
        preferences = [
            (rule, chosen.get(rule.code, rule.default), Delivery.choices, "")
            for rule in all_rules()
            if rule.is_for(user)
        ]
        # The scheduled reports of the user's role: sent on their day, or off (never in the daily digest).
        preferences += [
            (
                report,
                chosen.get(report.code, report.default),
                [(value, label) for value, label in Delivery.choices if value in report.choices],
                report.schedule,
            )
            for report in all_reports()
            if report.is_for(user)
        ]
        context.update(
            title=_("Notifications"),
            notifications=notifications,
            any_unread=any(n.read_at is None for n in notifications),
            preferences=preferences,
        )
        return context


class NotificationReadView(LoginRequiredMixin, View):
    """POST: mark one of the user's notifications read (``pk``) and open its link (``open``), or mark all read."""

    http_method_names = ["post"]

    def post(self, request):
        pk = request.POST.get("pk")
        if pk is not None and not pk.isdigit():
            # Never "mark all read" for a malformed one (a page once sent "1.825": Indonesian digit grouping).
            return HttpResponseBadRequest(_("Unknown notification."))
        if pk:
            services.notification_mark_read(user=request.user, pks=[int(pk)])
            forget_unread_count(request)
            if request.POST.get("open"):
                # The notification's own link, never one from the form: no open redirect.
                link = Notification.objects.filter(pk=pk, recipient=request.user).values_list("link", flat=True).first()
                if link and url_has_allowed_host_and_scheme(link, allowed_hosts={request.get_host()}):
                    return redirect(link)
        else:
            count = services.notification_mark_read(user=request.user)
            forget_unread_count(request)
            messages.success(
                request,
                ngettext("%(count)d notification marked read.", "%(count)d notifications marked read.", count)
                % {"count": count},
            )
        return redirect("notifications:list")


class NotificationPreferencesView(LoginRequiredMixin, View):
    """POST: the user's delivery for each rule and scheduled report of their role (fields ``rule-<code>``)."""

    http_method_names = ["post"]

    def post(self, request):
        for rule in [*all_rules(), *all_reports()]:
            if not rule.is_for(request.user):
                continue
            chosen = request.POST.get(f"rule-{rule.code}")
            if chosen in getattr(rule, "choices", Delivery.values):
                services.preference_set(user=request.user, rule_code=rule.code, delivery=chosen)
        messages.success(request, _("Your notification settings were saved."))
        return redirect("notifications:list")
