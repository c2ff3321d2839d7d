"""The permit importer: an export of Spontan or OSS applications, recorded through the licensing services so
that every imported application has its status history."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from smarteconomy.choices import Role
from smarteconomy.importing import (
    ChoiceColumn,
    DateTimeColumn,
    Importer,
    IntegerColumn,
    LookupColumn,
    TextColumn,
    register,
)
from smarteconomy.importing.base import RowError
from smarteconomy.models import Kelurahan

from .choices import ApplicantKind, Channel, PermitStatus, RejectReason, SurveyChannel
from .models import SURVEY_ELEMENTS, PermitApplication, PermitType
from .services import (
    APPLICATIONS_SOURCE,
    SURVEY_SOURCE,
    permit_application_create,
    permit_application_transition,
    survey_refusal,
    survey_response_create,
)

S = PermitStatus
IMPORT_STATUSES = [
    (S.SUBMITTED.value, S.SUBMITTED.label),
    (S.APPROVED.value, S.APPROVED.label),
    (S.REJECTED.value, S.REJECTED.label),
    (S.ISSUED.value, S.ISSUED.label),
]
COMPARED = (
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
)


class KbliColumn(TextColumn):
    """5-digit KBLI codes separated by commas; spaces around the commas are dropped."""

    def to_python(self, value, ctx):
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        return super().to_python("".join(str(value).split()), ctx)


@register
class PermitApplicationImporter(Importer):
    code = "permits"
    label = gettext_lazy("Permit applications (Spontan / OSS export)")
    description = gettext_lazy(
        "One row per application, as exported from Spontan or OSS. A historical export may give the final "
        "status with its decision and issue times; the workflow steps are recorded at those times. An "
        "application already recorded is refused unless the row is identical (statuses change only through "
        "the workflow)."
    )
    office = Role.DPMPTSP
    permission = "licensing.add_permitapplication"
    lock_source = APPLICATIONS_SOURCE
    lock_columns = ("submitted_at", "decided_at", "issued_at")
    columns = (
        TextColumn("registration_number", max_length=40, example="SPT/2025/000123"),
        TextColumn("applicant_name", max_length=200, example="CV Maju Jaya"),
        ChoiceColumn("applicant_kind", choices=ApplicantKind.choices, example="company"),
        TextColumn(
            "nib",
            max_length=13,
            regex=r"\d{13}",
            regex_message=gettext_lazy("An NIB has exactly 13 digits."),
            required=False,
            example="9120001234567",
        ),
        KbliColumn(
            "kbli_codes",
            max_length=200,
            regex=r"\d{5}(,\d{5})*",
            regex_message=gettext_lazy("KBLI codes have 5 digits; separate several with commas (47111,56101)."),
            required=False,
            example="47111,56101",
            help_text=gettext_lazy('In a CSV file, put several codes in quotes: "47111,56101".'),
        ),
        LookupColumn(
            "permit_type",
            what=gettext_lazy("permit type"),
            example="pbg",
            lookup=lambda: {permit_type.code: permit_type for permit_type in PermitType.objects.all()},
        ),
        ChoiceColumn("channel", choices=[(c.value, c.label) for c in Channel], example="spontan"),
        LookupColumn(
            "kelurahan",
            what=gettext_lazy("kelurahan"),
            required=False,
            example="64.71.01.1001",
            lookup=lambda: {kelurahan.code: kelurahan for kelurahan in Kelurahan.objects.all()},
        ),
        DateTimeColumn("submitted_at", example="2025-03-04 09:15"),
        ChoiceColumn(
            "status",
            choices=IMPORT_STATUSES,
            required=False,
            default=S.SUBMITTED.value,
            example="submitted",
            help_text=gettext_lazy("Empty for a new application; approved, rejected or issued in a historical export."),
        ),
        DateTimeColumn("decided_at", required=False, example=""),
        DateTimeColumn("issued_at", required=False, example=""),
        TextColumn("oss_reference", max_length=60, required=False, example=""),
    )
    key = ("registration_number",)

    def clean_row(self, values, row_number):
        status = values["status"] or S.SUBMITTED
        values["status"] = status
        decided, issued = values["decided_at"], values["issued_at"]
        errors = []
        if status == S.SUBMITTED:
            if decided:
                errors.append(("decided_at", _("A submitted application has no decision time; leave it empty.")))
            if issued:
                errors.append(("issued_at", _("A submitted application has no issue time; leave it empty.")))
        else:
            if not decided:
                errors.append(
                    ("decided_at", _("An application that is %(status)s needs its decision time.") % {"status": status})
                )
            if status == S.ISSUED and not issued:
                errors.append(("issued_at", _("An issued application needs its issue time.")))
            if status != S.ISSUED and issued:
                errors.append(("issued_at", _("Only an issued application has an issue time.")))
        if decided and decided < values["submitted_at"]:
            errors.append(("decided_at", _("The decision time is before the submission time.")))
        if issued and decided and issued < decided:
            errors.append(("issued_at", _("The issue time is before the decision time.")))
        return errors

    def clean_all(self, rows):
        numbers = [values["registration_number"] for _number, values in rows]
        existing = {
            application.registration_number: application
            for application in PermitApplication.objects.filter(registration_number__in=numbers)
        }
        self.unchanged = set()
        errors = []
        for number, values in rows:
            application = existing.get(values["registration_number"])
            if application is None:
                continue
            if all(getattr(application, name) == values[name] for name in COMPARED):
                self.unchanged.add(values["registration_number"])
                continue
            errors.append(
                RowError(
                    number,
                    "registration_number",
                    _(
                        "Application %(number)s is already recorded with other values. Its status changes only "
                        "through the workflow; correct it there, or remove the row."
                    )
                    % {"number": values["registration_number"]},
                )
            )
        return errors

    def lock_candidates(self, rows):
        # A row already recorded identically writes nothing: it is no change to a locked month.
        unchanged = getattr(self, "unchanged", ())
        return [(number, values) for number, values in rows if values["registration_number"] not in unchanged]

    def save(self, rows):
        created = 0
        by = self.ctx.user if getattr(self.ctx.user, "pk", None) else None
        for _number, values in rows:
            if values["registration_number"] in getattr(self, "unchanged", ()):
                continue
            application = permit_application_create(
                by=by,
                registration_number=values["registration_number"],
                applicant_name=values["applicant_name"],
                applicant_kind=values["applicant_kind"],
                nib=values["nib"] or "",
                kbli_codes=values["kbli_codes"] or "",
                permit_type=values["permit_type"],
                channel=values["channel"],
                kelurahan=values["kelurahan"],
                submitted_at=values["submitted_at"],
                oss_reference=values["oss_reference"] or "",
            )
            status = values["status"]
            if status != S.SUBMITTED:
                steps = [(S.VERIFICATION, values["submitted_at"])]
                steps.append((S.REJECTED if status == S.REJECTED else S.APPROVED, values["decided_at"]))
                if status == S.ISSUED:
                    steps.append((S.ISSUED, values["issued_at"]))
                for to_status, at in steps:
                    # A historical export carries no reason for a rejection: say so rather than invent one.
                    reason = RejectReason.NOT_RECORDED if to_status == S.REJECTED else ""
                    permit_application_transition(
                        application=application, to_status=to_status, at=at, by=by, reason=reason, note=_("Imported")
                    )
            created += 1
        return created, 0


@register
class SurveyResponseImporter(Importer):
    """The paper SKM forms collected at the counter, typed in: one answer per decided application."""

    code = "skm"
    label = gettext_lazy("Service satisfaction survey (SKM) paper forms")
    description = gettext_lazy(
        "One row per paper form: the application's registration number, when the form was filled in, the nine "
        "elements U1-U9 scored 1 (worst) to 4 (best) and the comment. An application is answered once: a number "
        "already answered, twice in the file, not yet decided or a form dated before the decision refuses the file."
    )
    office = Role.DPMPTSP
    permission = "licensing.add_surveyresponse"
    lock_source = SURVEY_SOURCE
    lock_columns = ("submitted_at",)
    columns = (
        TextColumn("registration_number", max_length=40, example="SPT/2025/000123"),
        DateTimeColumn("submitted_at", example="2025-03-20 10:00"),
        *(IntegerColumn(name, min_value=1, max_value=4, example="4") for name in SURVEY_ELEMENTS),
        TextColumn("comment", max_length=2000, required=False, example="Petugas ramah"),
    )
    key = ("registration_number",)

    def clean_row(self, values, row_number):
        # One query per row (a quarter's paper forms are a few hundred rows), so that an unknown, undecided or
        # answered application is reported along with the bad cells of other rows, not only once they are fixed.
        application = (
            PermitApplication.objects.select_related("survey")
            .filter(registration_number=values["registration_number"])
            .first()
        )
        if application is None:
            message = _("No application with registration number %(number)s.")
            return [("registration_number", message % {"number": values["registration_number"]})]
        refusal = survey_refusal(application, values["submitted_at"])
        if refusal:
            field, message = refusal
            return [("submitted_at" if field == "submitted_at" else "registration_number", message)]
        values["application"] = application
        return []

    def save(self, rows):
        by = self.ctx.user if getattr(self.ctx.user, "pk", None) else None
        for _number, values in rows:
            survey_response_create(
                application=values["application"],
                scores=[values[name] for name in SURVEY_ELEMENTS],
                channel=SurveyChannel.PAPER,
                submitted_at=values["submitted_at"],
                comment=values["comment"] or "",
                by=by,
            )
        return len(rows), 0
