"""The password change page, throttled like the login: a wrong current password counts as a failed login of that
user name from that address (django-axes' own counter, so the same limit, cool-off, log line and unlock in the
back office); after AXES_FAILURE_LIMIT failures the form is refused until the cool-off has passed, and a change
that succeeds clears the count. Without it, a session left open was enough to guess the password at leisure."""

import logging

from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_client_ip_address
from django.conf import settings
from django.contrib.auth import get_user_model, user_login_failed
from django.contrib.auth import views as auth_views
from django.utils.translation import gettext as _
from django.views.i18n import set_language as django_set_language

logger = logging.getLogger(__name__)


class PasswordChangeView(auth_views.PasswordChangeView):
    def post(self, request, *args, **kwargs):
        if AxesProxyHandler.is_locked(request, self._credentials()):
            logger.warning("password change refused: too many wrong current passwords (user id %s)", request.user.pk)
            form = self.get_form()
            form.errors.clear()
            form.add_error(
                None,
                _(
                    "Too many wrong current passwords: the password cannot be changed for %(minutes)d minutes. "
                    "Try again later, or ask the administrator (Diskominfo) to unlock the account."
                )
                % {"minutes": settings.AXES_COOLOFF_TIME.total_seconds() // 60},
            )
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form):
        if "old_password" in form.errors:
            # django-axes records the failure; at the limit it turns this response into its lockout page.
            user_login_failed.send(sender=__name__, credentials=self._credentials(), request=self.request)
        return super().form_invalid(form)

    def form_valid(self, form):
        AxesProxyHandler.reset_attempts(
            username=self.request.user.get_username(), ip_address=get_client_ip_address(self.request)
        )
        return super().form_valid(form)

    def _credentials(self):
        return {settings.AXES_USERNAME_FORM_FIELD: self.request.user.get_username()}


def set_language(request):
    """Django's language switch (a cookie), which also remembers a signed-in user's choice on their account, so that
    what is sent to them outside a request (the notifications' e-mails) is in their language too."""
    response = django_set_language(request)
    language = request.POST.get("language")
    available = {code for code, _name in settings.LANGUAGES}
    if request.method == "POST" and request.user.is_authenticated and language in available:
        get_user_model().objects.filter(pk=request.user.pk).exclude(language=language).update(language=language)
    return response
