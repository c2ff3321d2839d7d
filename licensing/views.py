"""The DPMPTSP pages: the application queue, an application's page and workflow, the entry form, service
disruptions and permit types. Every write goes through licensing.services."""

import segno
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.generic import TemplateView

from smarteconomy.choices import Role
from smarteconomy.lists import ObjectListView
from smarteconomy.ratelimit import attempt_allowed
from smarteconomy.roles import user_role
from smarteconomy.views import ObjectDetailView, RecordActionView, RecordEditMixin, RecordFormMixin, ServiceFormView

from . import filtersets, tables
from .choices import OPEN_STATUSES, PermitStatus, ReturnReason, SurveyChannel
from .forms import (
    PermitApplicationCorrectionForm,
    PermitApplicationForm,
    RejectForm,
    ServiceDisruptionForm,
    SurveyForm,
    TrackingForm,
    TransitionForm,
)
from .ikm import CATEGORIES, CATEGORY_LABELS, ikm_table, periods_between, survey_months
from .models import PermitApplication, PermitStatusChange, PermitType, ServiceDisruption, SurveyResponse
from .selectors import (
    application_list,
    application_tracked,
    application_tracking_steps,
    disruption_list,
    holiday_dates,
    working_days_left,
)
from .services import (
    allowed_transitions,
    permit_application_create,
    permit_application_transition,
    permit_application_update,
    service_disruption_save,
    survey_response_create,
)
from .survey import application_pk_of, survey_url

# The button label of each step of the workflow, as the officer says it.
TRANSITION_LABELS = {
    PermitStatus.VERIFICATION: gettext_lazy("Start verification"),
    PermitStatus.RETURNED: gettext_lazy("Return for correction"),
    PermitStatus.RESUBMITTED: gettext_lazy("Record resubmission"),
    PermitStatus.APPROVED: gettext_lazy("Approve"),
    PermitStatus.ISSUED: gettext_lazy("Issue permit"),
    PermitStatus.REJECTED: gettext_lazy("Reject"),
}
TRANSITION_STYLES = {
    PermitStatus.APPROVED: "success",
    PermitStatus.ISSUED: "success",
    PermitStatus.RETURNED: "warning",
}


# --- Applications ---------------------------------------------------------------------------------------


class PermitApplicationListView(ObjectListView):
    """The queue. The status changes are prefetched with the page's rows (working_days_left reads them) and
    the table fetches the holidays once, so the page costs the same number of queries for 5 or 250 rows."""

    queryset = application_list().prefetch_related("changes")
    filterset_class = filtersets.PermitApplicationFilterSet
    table_class = tables.PermitApplicationTable
    title = gettext_lazy("Permit application queue")
    default_sort = "-submitted_at"
    export_name = "permit-applications"
    actions = ((gettext_lazy("Add application"), "licensing:application_add", {}, "licensing.add_permitapplication"),)


class PermitApplicationDetailView(ObjectDetailView):
    model = PermitApplication
    template_name = "licensing/application_detail.html"
    fields = (
        "registration_number",
        "applicant_name",
        "applicant_kind",
        "nib",
        "kbli_codes",
        "permit_type",
        "channel",
        "kelurahan",
        "submitted_at",
        "status",
        "decided_at",
        "issued_at",
        "oss_reference",
        "created_at",
    )

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related("permit_type", "kelurahan__kecamatan")
            .prefetch_related(Prefetch("changes", queryset=PermitStatusChange.objects.select_related("by")))
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        application = self.object
        days_left = working_days_left(application, holiday_dates())
        context["days_left"] = days_left
        context["days_overdue"] = -days_left if days_left is not None and days_left < 0 else 0
        context["clock_paused"] = application.status == PermitStatus.RETURNED
        context["clock_style"] = tables.clock_style(days_left, context["clock_paused"])
        context["status_style"] = tables.PermitStatusColumn.STYLES.get(application.status, "secondary")
        context["timeline"] = list(application.changes.all())
        context["transitions"] = []
        context["can_reject"] = False
        if self.request.user.has_perm("licensing.change_permitapplication"):
            allowed = allowed_transitions(application)
            # A rejection is not a button beside "Approve": it has its own confirmation page with the reason.
            context["can_reject"] = PermitStatus.REJECTED in allowed
            context["transitions"] = [
                {
                    "status": status.value,
                    "label": TRANSITION_LABELS[status],
                    "style": TRANSITION_STYLES.get(status, "primary"),
                    "needs_reason": status == PermitStatus.RETURNED,
                }
                for status in allowed
                if status != PermitStatus.REJECTED
            ]
        context["return_reasons"] = ReturnReason.choices
        context["can_edit"] = self.request.user.has_perm("licensing.change_permitapplication")
        # The public survey link, to hand to the applicant after the decision (DPMPTSP only).
        if self.request.user.has_perm("licensing.add_surveyresponse"):
            context["survey_link"] = survey_url(application, self.request)
        context["survey"] = SurveyResponse.objects.filter(application=application).first()
        # The applicant's tracking code is for the office that serves them (on the receipt), not for Bappeda.
        context["shows_tracking_code"] = user_role(self.request.user) == Role.DPMPTSP
        return context


class PermitApplicationReceiptView(ObjectDetailView):
    """The printable receipt (tanda terima) handed to the applicant: registration number, date, permit type, and
    the tracking code with the address of the public tracking page (also as a QR code). DPMPTSP's counter only
    (the office that records applications), not the offices that only read them."""

    model = PermitApplication
    template_name = "licensing/application_receipt.html"
    fields = ("registration_number",)

    def get_permission_required(self):
        return ("licensing.add_permitapplication",)

    def get_queryset(self):
        return super().get_queryset().select_related("permit_type")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        tracking_url = self.request.build_absolute_uri(reverse("licensing:tracking"))
        context["tracking_url"] = tracking_url
        context["qr_svg"] = segno.make(tracking_url, error="m").svg_inline(scale=4, border=2, title=tracking_url)
        return context


class PermitApplicationTransitionView(RecordActionView):
    """One step of the workflow (POST). A refused step is shown as a message; the service writes nothing then."""

    permission_required = "licensing.change_permitapplication"
    model = PermitApplication
    refused_message = gettext_lazy("Not changed: %(error)s")

    def act(self, request, application):
        form = TransitionForm(request.POST)
        if not form.is_valid():
            raise ValidationError(_("the request was incomplete."))
        data = form.cleaned_data
        if data["to_status"] not in PermitStatus.values:
            raise ValidationError(_("unknown status “%(status)s”.") % {"status": data["to_status"]})
        if data["to_status"] == PermitStatus.REJECTED:
            raise ValidationError(_("a rejection is confirmed on its own page, with its reason."))
        change = permit_application_transition(
            application=application,
            to_status=data["to_status"],
            by=request.user,
            reason=data["reason"],
            note=data["note"],
        )
        return _("The application is now “%(status)s”.") % {"status": change.get_to_status_display()}


class PermitApplicationRejectView(RecordFormMixin, ServiceFormView):
    """The confirmation step of a rejection: a page of its own (not a button beside "Approve"), with the reason
    required; the reason and the note go on the status timeline."""

    permission_required = "licensing.change_permitapplication"
    model = PermitApplication
    form_class = RejectForm
    template_name = "licensing/application_reject.html"

    @property
    def title(self):
        return _("Reject application %(number)s") % {"number": self.object}

    def get(self, request, *args, **kwargs):
        if PermitStatus.REJECTED not in allowed_transitions(self.object):
            messages.error(
                request,
                _("An application that is “%(status)s” cannot be rejected.")
                % {"status": self.object.get_status_display()},
            )
            return redirect(self.object)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["object"] = self.object
        return context

    def form_valid(self, form):
        try:
            permit_application_transition(
                application=self.object, to_status=PermitStatus.REJECTED, by=self.request.user, **form.cleaned_data
            )
        except ValidationError as error:
            return self.form_invalid_from(form, error)
        messages.success(self.request, _("Application %(number)s is rejected.") % {"number": self.object})
        return redirect(self.object)


class PermitApplicationCreateView(ServiceFormView):
    permission_required = "licensing.add_permitapplication"
    form_class = PermitApplicationForm
    title = gettext_lazy("Add a permit application")
    cancel_url_name = "licensing:application_list"

    def save(self, data):
        return permit_application_create(by=self.request.user, **data)

    def saved_message(self, application):
        return _("Application %(number)s recorded as submitted.") % {"number": application}


class PermitApplicationUpdateView(RecordEditMixin, ServiceFormView):
    """Correct a saved application's data on the staff pages (not only in the back office); the status changes
    only through the workflow, so it is not on this form."""

    permission_required = "licensing.change_permitapplication"
    model = PermitApplication
    form_class = PermitApplicationCorrectionForm
    success_message = gettext_lazy("The application's data is corrected; the change is in its history.")

    @property
    def title(self):
        return _("Correct the data of application %(number)s") % {"number": self.object}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["intro"] = _(
            "The status is not corrected here: it changes only through the workflow on the application's page."
        )
        return context

    def save(self, data):
        return permit_application_update(application=self.object, by=self.request.user, **data)


# --- Public tracking ------------------------------------------------------------------------------------

TRACKING_ATTEMPTS = 10  # per client address ...
TRACKING_WINDOW_SECONDS = 10 * 60  # ... within ten minutes of its first attempt


@method_decorator(never_cache, name="dispatch")
class PermitTrackingView(View):
    """The public page (no login) where an applicant follows an application with the registration number and the
    tracking code of the receipt: the status timeline, the working days left and the return reason.

    A wrong code and an unknown number give the same page (licensing.selectors.application_tracked does the same
    work for both), attempts are limited per client address, and nothing is shown that the applicant did not type
    except the permit type, the dates and the statuses: no name, NIK, NIB or phone, no officer, no note."""

    template_name = "licensing/tracking.html"

    def get(self, request):
        return self.page(request, TrackingForm())

    def post(self, request):
        if not attempt_allowed(request, scope="tracking", limit=TRACKING_ATTEMPTS, window=TRACKING_WINDOW_SECONDS):
            response = self.page(request, TrackingForm(), limited=True, status=429)
            response["Retry-After"] = str(TRACKING_WINDOW_SECONDS)
            return response
        form = TrackingForm(request.POST)
        if not form.is_valid():
            return self.page(request, form)
        application = application_tracked(**form.cleaned_data)
        if application is None:
            return self.page(request, form, not_found=True)
        return self.page(request, TrackingForm(), result=tracking_result(application))

    def page(self, request, form, *, status=200, **context):
        context = {
            "form": form,
            "title": _("Track your permit application"),
            "description": _(
                "Follow your permit application at DPMPTSP Balikpapan with the registration number and the tracking "
                "code of your receipt."
            ),
            "attempts": TRACKING_ATTEMPTS,
            "minutes": TRACKING_WINDOW_SECONDS // 60,
            **context,
        }
        return render(request, self.template_name, context, status=status)


def tracking_result(application):
    steps = application_tracking_steps(application)
    days_left = working_days_left(application, holiday_dates())
    returned = application.status == PermitStatus.RETURNED
    return {
        "registration_number": application.registration_number,
        "permit_type": application.permit_type.name,
        "service_level_days": application.permit_type.service_level_days,
        "submitted_at": application.submitted_at,
        "status": application.get_status_display(),
        "status_style": tables.PermitStatusColumn.STYLES.get(application.status, "secondary"),
        "steps": steps,
        "days_left": days_left,
        "days_overdue": -days_left if days_left is not None and days_left < 0 else 0,
        "paused": returned,
        "return_reason": steps[-1]["reason"] if returned and steps else "",
        "decided": application.status not in OPEN_STATUSES,
    }


# --- Service disruptions --------------------------------------------------------------------------------


class ServiceDisruptionListView(ObjectListView):
    queryset = disruption_list()
    filterset_class = filtersets.ServiceDisruptionFilterSet
    table_class = tables.ServiceDisruptionTable
    title = gettext_lazy("Service disruptions")
    default_sort = "-started_at"
    export_name = "service-disruptions"
    actions = (
        (gettext_lazy("Record a disruption"), "licensing:disruption_add", {}, "licensing.add_servicedisruption"),
    )


class ServiceDisruptionDetailView(ObjectDetailView):
    model = ServiceDisruption
    template_name = "licensing/disruption_detail.html"
    fields = ("system", "started_at", "ended_at", "impact", "follow_up", "responsible_unit")


class ServiceDisruptionCreateView(ServiceFormView):
    permission_required = "licensing.add_servicedisruption"
    form_class = ServiceDisruptionForm
    title = gettext_lazy("Record a service disruption")
    cancel_url_name = "licensing:disruption_list"
    success_message = gettext_lazy("Service disruption saved.")

    def save(self, data):
        return service_disruption_save(by=self.request.user, **data)


class ServiceDisruptionUpdateView(RecordEditMixin, ServiceFormView):
    permission_required = "licensing.change_servicedisruption"
    model = ServiceDisruption
    form_class = ServiceDisruptionForm
    title = gettext_lazy("Edit a service disruption")
    success_message = gettext_lazy("Service disruption saved.")

    def save(self, data):
        return service_disruption_save(disruption=self.object, by=self.request.user, **data)


# --- Permit types ---------------------------------------------------------------------------------------


class PermitTypeListView(ObjectListView):
    """Read-only: permit types are edited in the back office."""

    queryset = PermitType.objects.all()
    filterset_class = filtersets.PermitTypeFilterSet
    table_class = tables.PermitTypeTable
    title = gettext_lazy("Permit types")
    default_sort = "code"
    export_name = "permit-types"


# --- Service satisfaction survey (SKM) and index (IKM) ----------------------------------------------------------


class SurveyView(TemplateView):
    """The public SKM form of one decided application, reached through its signed link (no login: the applicant
    has no account). A tampered or unknown link is 404; an application already answered shows a message and takes
    no second answer."""

    template_name = "licensing/survey.html"

    def dispatch(self, request, *args, **kwargs):
        pk = application_pk_of(kwargs["token"])
        self.application = (
            PermitApplication.objects.select_related("permit_type").filter(pk=pk).first() if pk is not None else None
        )
        if self.application is None or not survey_url(self.application):
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def answered(self):
        return SurveyResponse.objects.filter(application=self.application).exists()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["application"] = self.application
        context["title"] = _("Service satisfaction survey")
        context["description"] = _("Service satisfaction survey of DPMPTSP Kota Balikpapan (PermenPANRB 14/2017).")
        context["noindex"] = True  # one applicant's link
        context.setdefault("answered", self.answered())
        context.setdefault("form", SurveyForm())
        return context

    def post(self, request, *args, **kwargs):
        if self.answered():
            return self.render_to_response(self.get_context_data(answered=True))
        form = SurveyForm(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form), status=400)
        try:
            survey_response_create(
                application=self.application,
                scores=form.scores(),
                channel=SurveyChannel.ONLINE,
                comment=form.cleaned_data["comment"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
            return self.render_to_response(self.get_context_data(form=form, answered=self.answered()), status=400)
        return self.render_to_response(self.get_context_data(thanks=True, answered=True))


class IkmView(LoginRequiredMixin, PermissionRequiredMixin, TemplateView):
    """The IKM per quarter (PermenPANRB 14/2017) with the nine elements from the lowest NRR to the highest: the
    lowest are what to improve. Optionally for one permit type."""

    permission_required = "licensing.view_surveyresponse"
    template_name = "licensing/ikm.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        permit_types = list(PermitType.objects.order_by("name"))
        chosen = self.request.GET.get("permit_type", "")
        if chosen not in {permit_type.code for permit_type in permit_types}:
            chosen = ""
        span = survey_months()
        table = []
        if span is not None:
            periods = periods_between(*span, "quarter")
            table = [
                {
                    "period": period,
                    "result": result,
                    "elements": result.elements_lowest_first(),
                }
                for period, result in reversed(ikm_table(periods, chosen or None))
            ]
        context.update(
            title=_("Service satisfaction index (IKM)"),
            table=table,
            permit_types=permit_types,
            chosen=chosen,
            categories=[(name, lowest, CATEGORY_LABELS[name]) for name, lowest in CATEGORIES],
        )
        return context
