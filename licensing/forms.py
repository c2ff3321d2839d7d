"""Forms of the licensing pages. They only collect input: the writes go through licensing.services."""

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from smarteconomy.forms import DateTimeLocalInput, ModelForm, style_form
from smarteconomy.models import Kelurahan

from .choices import REJECT_REASONS_FOR_OFFICERS, ReturnReason
from .ikm import ELEMENT_NAMES
from .models import (
    TRACKING_CODE_ALPHABET,
    TRACKING_CODE_LENGTH,
    PermitApplication,
    PermitType,
    ServiceDisruption,
)
from .services import APPLICATION_DATA_FIELDS


class PermitApplicationForm(ModelForm):
    """A new application; it is recorded as submitted (licensing.services.permit_application_create)."""

    class Meta:
        model = PermitApplication
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
            "oss_reference",
        )
        widgets = {"submitted_at": DateTimeLocalInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        active = Q(active=True)
        if self.instance.permit_type_id:  # a correction keeps a type that has since been retired
            active |= Q(pk=self.instance.permit_type_id)
        self.fields["permit_type"].queryset = PermitType.objects.filter(active)
        self.fields["kelurahan"].queryset = Kelurahan.objects.select_related("kecamatan").order_by(
            "kecamatan__name", "name"
        )
        self.fields["kelurahan"].label_from_instance = lambda k: f"{k.name} ({k.kecamatan.name})"
        self.fields["nib"].help_text = _("13 digits, from OSS.")
        self.fields["kbli_codes"].help_text = _("5 digits each; separate several with commas (47111,56101).")
        if "submitted_at" in self.fields:
            self.fields["submitted_at"].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d"]
            if not self.is_bound:
                self.initial.setdefault("submitted_at", timezone.localtime().replace(second=0, microsecond=0))
        style_form(self)

    def clean_submitted_at(self):
        value = self.cleaned_data["submitted_at"]
        if value and value > timezone.now():
            raise forms.ValidationError(_("The submission cannot be in the future."))
        return value


class PermitApplicationCorrectionForm(PermitApplicationForm):
    """A correction of a saved application's data (licensing.services.permit_application_update): the status and
    the submission time are not here, they change only through the workflow."""

    class Meta(PermitApplicationForm.Meta):
        fields = APPLICATION_DATA_FIELDS


class TransitionForm(forms.Form):
    to_status = forms.CharField()
    reason = forms.ChoiceField(label=_("Reason"), choices=[("", "---------"), *ReturnReason.choices], required=False)
    note = forms.CharField(label=_("Note"), max_length=500, required=False)


class RejectForm(forms.Form):
    """The confirmation step of a rejection: the reason is required and stays on the timeline."""

    reason = forms.ChoiceField(
        label=_("Reason for rejection"), choices=[("", "---------"), *REJECT_REASONS_FOR_OFFICERS]
    )
    note = forms.CharField(
        label=_("Explanation for the applicant"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when the reason is “Other”. Shown on the status timeline."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_form(self)


class ServiceDisruptionForm(ModelForm):
    class Meta:
        model = ServiceDisruption
        fields = ("system", "started_at", "ended_at", "impact", "follow_up", "responsible_unit")
        widgets = {
            "started_at": DateTimeLocalInput(),
            "ended_at": DateTimeLocalInput(),
            "impact": forms.Textarea(attrs={"rows": 3}),
            "follow_up": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("started_at", "ended_at"):
            self.fields[name].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d"]
        style_form(self)


class TrackingForm(forms.Form):
    """The public tracking page's question: the registration number and the code from the receipt. The code is
    accepted in either case, with or without the dash and spaces of the printed form."""

    registration_number = forms.CharField(label=_("Registration number"), max_length=40)
    tracking_code = forms.CharField(
        label=_("Tracking code"),
        max_length=20,
        help_text=_("The code printed on your receipt, for example ABCDE-23456."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_form(self)
        self.fields["registration_number"].widget.attrs.update({"autocomplete": "off", "spellcheck": "false"})
        self.fields["tracking_code"].widget.attrs.update(
            {"autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters"}
        )

    def clean_tracking_code(self):
        code = "".join(self.cleaned_data["tracking_code"].split()).replace("-", "").upper()
        if len(code) != TRACKING_CODE_LENGTH or any(char not in TRACKING_CODE_ALPHABET for char in code):
            raise forms.ValidationError(
                _("A tracking code has %(length)s letters and digits (no 0, 1, I or O)."),
                params={"length": TRACKING_CODE_LENGTH},
            )
        return code


# The nine questions of the SKM with their four answers, worst (1) to best (4), as PermenPANRB 14/2017 words them.
NOT_SUITABLE = (_("Not suitable"), _("Less suitable"), _("Suitable"), _("Very suitable"))
SURVEY_QUESTIONS = {
    "u1": (_("How well do the service requirements match the type of service?"), NOT_SUITABLE),
    "u2": (
        _("How easy is the service procedure at this unit?"),
        (_("Not easy"), _("Less easy"), _("Easy"), _("Very easy")),
    ),
    "u3": (
        _("How fast was the service delivered?"),
        (_("Not fast"), _("Less fast"), _("Fast"), _("Very fast")),
    ),
    "u4": (
        _("How fair is the cost or tariff of the service?"),
        (_("Very expensive"), _("Fairly expensive"), _("Cheap"), _("Free of charge")),
    ),
    "u5": (
        _("How well does the service product match what the service standard promises?"),
        NOT_SUITABLE,
    ),
    "u6": (
        _("How competent were the staff in delivering the service?"),
        (_("Not competent"), _("Less competent"), _("Competent"), _("Very competent")),
    ),
    "u7": (
        _("How polite and friendly were the staff?"),
        (
            _("Not polite and friendly"),
            _("Less polite and friendly"),
            _("Polite and friendly"),
            _("Very polite and friendly"),
        ),
    ),
    "u8": (
        _("How are complaints from service users handled?"),
        (_("No complaint handling"), _("Exists but does not work"), _("Works but not fully"), _("Well managed")),
    ),
    "u9": (
        _("What is the quality of the facilities and infrastructure?"),
        (_("Poor"), _("Adequate"), _("Good"), _("Very good")),
    ),
}


class SurveyForm(forms.Form):
    """The public SKM form: the nine elements, each answered 1-4, and an optional comment."""

    comment = forms.CharField(
        label=_("Comments and suggestions (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        comment = self.fields.pop("comment")
        for code, (question, answers) in SURVEY_QUESTIONS.items():
            self.fields[code] = forms.TypedChoiceField(
                label=question,
                choices=[(str(score), answer) for score, answer in enumerate(answers, start=1)],
                coerce=int,
                widget=forms.RadioSelect,
                error_messages={"required": _("Choose one answer.")},
            )
        self.fields["comment"] = comment

    def questions(self):
        """(element code, element name, bound field) in order, for the template."""
        return [(code.upper(), ELEMENT_NAMES[code], self[code]) for code in SURVEY_QUESTIONS]

    def scores(self):
        return [self.cleaned_data[code] for code in SURVEY_QUESTIONS]
