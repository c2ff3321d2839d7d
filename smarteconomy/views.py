"""Shared pages: home, the generic detail page, reference data, imports, exports and task runs."""

import csv
import logging
from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import DetailView, FormView, TemplateView

from . import filtersets, tables
from .choices import ExportFormat, ExportJobStatus, ImportStatus, Role
from .exporting import XLSX_CONTENT_TYPE, _Echo, neutralize
from .exportjobs import export_jobs_abandon_stale
from .forms import ImportForm
from .importing import get_importer, importers_for, run_import
from .importing.base import UnknownImporter
from .importing.template import build_template
from .lists import ObjectListView, related_table
from .models import ExportJob, ExportLog, ImportBatch, Kecamatan, Kelurahan, Sector, TaskRun
from .roles import can_see_personal_data, free_text_for, mask_field, redact_for, user_role
from .templatetags.formatting import yes_no
from .worklist import worklist_for

logger = logging.getLogger(__name__)


class HomeView(LoginRequiredMixin, TemplateView):
    """Every role's start page: its worklist (smarteconomy.worklist: what needs doing today, each item a count that
    links to its list), then its menu. A role listed in ROLE_HOME_PAGES starts on its own page instead."""

    template_name = "smarteconomy/home.html"

    def get(self, request, *args, **kwargs):
        home = settings.ROLE_HOME_PAGES.get(user_role(request.user))
        if home:
            return redirect(home)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        role = user_role(user)
        context["role_label"] = Role(role).label if role else _("No role assigned")
        context["recent_imports"] = (
            ImportBatch.objects.visible_to(user).select_related("uploaded_by")[:5]
            if user.has_perm("smarteconomy.view_importbatch")
            else []
        )
        if user.has_perm("smarteconomy.view_taskrun"):
            latest = {}
            for run in TaskRun.objects.order_by("-started_at")[:50]:
                latest.setdefault(run.task, run)
            context["latest_runs"] = list(latest.values())
        context["worklist"] = worklist_for(user)
        context["is_bappeda"] = role == Role.BAPPEDA
        context["importers"] = importers_for(user)
        if user.has_perm("smarteconomy.view_reportingperiod") and user.has_perm("smarteconomy.submit_reportingperiod"):
            from .reporting_selectors import to_submit_count

            context["periods_to_submit"] = to_submit_count(user)
        return context


class ObjectDetailView(LoginRequiredMixin, PermissionRequiredMixin, DetailView):
    """A record's page: its fields and, for models with history, the audit trail (who, when, what)."""

    template_name = "smarteconomy/object_detail.html"
    fields = ()
    related_lists = ()  # [(title, attribute returning a queryset, table class)]
    # Personal data on the page and in its change history: {field name: "nik" or "phone"}, shown in full only to
    # ``personal_data_owner`` (an office) and masked for every other role.
    personal_fields = {}
    personal_data_owner = None

    def sees_personal_data(self):
        return can_see_personal_data(self.request.user, self.personal_data_owner)

    def _masked(self, name, value):
        kind = self.personal_fields.get(name)
        if kind is None:
            return free_text_for(self.request.user, self.model, name, value)  # a note may quote a NIK or phone
        if self.sees_personal_data():
            return value
        return mask_field(kind, value)

    def get_permission_required(self):
        meta = self.model._meta
        return (f"{meta.app_label}.view_{meta.model_name}",)

    def get_queryset(self):
        queryset = super().get_queryset()
        if hasattr(queryset, "visible_to"):
            queryset = queryset.visible_to(self.request.user)
        return queryset

    def field_rows(self):
        obj = self.object
        rows = []
        for name in self.fields or [f.name for f in obj._meta.concrete_fields]:
            field = obj._meta.get_field(name)
            display = getattr(obj, f"get_{name}_display", None)
            value = display() if display else getattr(obj, name)
            if "year" in name and isinstance(value, int) and not isinstance(value, bool):
                value = str(value)  # 2023, not the grouped number 2.023
            rows.append((field.verbose_name, self._masked(name, yes_no(value))))
        return rows

    def history_rows(self):
        history = getattr(self.object, "history", None)
        if history is None:
            return None
        records = list(history.select_related("history_user").order_by("-history_date", "-history_id")[:100])
        rows = []
        for index, record in enumerate(records):
            previous = records[index + 1] if index + 1 < len(records) else None
            changes = []
            if previous is not None and record.history_type == "~":
                delta = record.diff_against(previous)
                for change in delta.changes:
                    field = self.model._meta.get_field(change.field)
                    labels = dict(field.flatchoices) if field.choices else {}
                    old = self._masked(change.field, yes_no(labels.get(change.old, change.old)))
                    new = self._masked(change.field, yes_no(labels.get(change.new, change.new)))
                    changes.append((field.verbose_name, old, new))
            rows.append({"record": record, "changes": changes})
        return rows

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["field_rows"] = self.field_rows()
        context["history_rows"] = self.history_rows()
        context["title"] = str(self.object)
        context["verbose_name"] = self.model._meta.verbose_name
        context["related"] = [
            (title, related_table(table_class, getattr(self.object, attr).all(), self.request))
            for title, attr, table_class in self.related_lists
        ]
        return context


# --- Reference data -------------------------------------------------------------------------------------


class KelurahanListView(ObjectListView):
    queryset = Kelurahan.objects.select_related("kecamatan")
    filterset_class = filtersets.KelurahanFilterSet
    table_class = tables.KelurahanTable
    title = gettext_lazy("Kecamatan and kelurahan of Balikpapan")
    default_sort = "code"
    export_name = "kelurahan"
    actions = ((gettext_lazy("Import areas"), "imports:upload", {"importer": "wilayah"}, "smarteconomy.add_kelurahan"),)


class KelurahanDetailView(ObjectDetailView):
    model = Kelurahan
    fields = ("code", "name", "kecamatan", "postal_code")


class KecamatanDetailView(ObjectDetailView):
    model = Kecamatan
    fields = ("code", "name")
    related_lists = ((gettext_lazy("Kelurahan"), "kelurahan", tables.KelurahanTable),)


class SectorListView(ObjectListView):
    queryset = Sector.objects.all()
    filterset_class = filtersets.SectorFilterSet
    table_class = tables.SectorTable
    title = gettext_lazy("BPS sectors (GRDP by business field)")
    default_sort = "order"
    export_name = "bps-sectors"
    actions = ((gettext_lazy("Import sectors"), "imports:upload", {"importer": "sectors"}, "smarteconomy.add_sector"),)


class SectorDetailView(ObjectDetailView):
    model = Sector
    fields = ("code", "order", "name_id", "name_en", "label_in_paper")


# --- Imports ----------------------------------------------------------------------------------------------


class ImporterMixin(LoginRequiredMixin):
    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        try:
            self.importer = get_importer(kwargs["importer"])
        except UnknownImporter:
            raise Http404(_("No such import.")) from None
        if not self.importer.shared_upload:
            raise Http404(_("No such import."))  # it has an upload page of its own (e.g. per location)
        if not request.user.has_perm(self.importer.permission):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class ImportView(ImporterMixin, View):
    """The upload page of any importer: check only (dry run) or import; the report of every bad row."""

    template_name = "smarteconomy/import.html"

    def options(self, data=None):
        """The importer's choices for the whole file (e.g. the region of a published table), or None."""
        return self.importer.options_form(data) if self.importer.options_form else None

    def context(self, form, batch=None, options=None):
        return {
            "importer": self.importer,
            "form": form,
            "options_form": options if options is not None else self.options(),
            "batch": batch,
            "errors_preview": batch.errors[:200] if batch else [],
            "title": _("Import: %(label)s") % {"label": self.importer.label},
        }

    def get(self, request, importer):
        return render(request, self.template_name, self.context(ImportForm()))

    def post(self, request, importer):
        # (An oversized file or a disk too full for the temporary file is answered by UploadGuardMiddleware.)
        form = ImportForm(request.POST, request.FILES)
        options = self.options(request.POST)
        if not form.is_valid() or (options is not None and not options.is_valid()):
            return render(request, self.template_name, self.context(form, options=options), status=400)
        upload = form.cleaned_data["file"]
        batch = run_import(
            self.importer.code,
            data=upload,
            filename=upload.name,
            user=request.user,
            dry_run="dry_run" in request.POST,
            params=options.cleaned_data if options is not None else None,
        )
        status = 200 if batch.status in (ImportStatus.COMMITTED, ImportStatus.VALIDATED) else 422
        # The choices stay as they were (the next table is often the same region's other price basis).
        kept = self.options(request.POST) if options is not None else None
        return render(request, self.template_name, self.context(ImportForm(), batch, kept), status=status)


class ImportTemplateView(ImporterMixin, View):
    def get(self, request, importer):
        if not self.importer.offers_template:
            raise Http404(_("No such import."))
        response = HttpResponse(
            build_template(self.importer),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="template-{self.importer.code}.xlsx"'
        return response


class ImportBatchListView(ObjectListView):
    queryset = ImportBatch.objects.select_related("uploaded_by")
    filterset_class = filtersets.ImportBatchFilterSet
    table_class = tables.ImportBatchTable
    title = gettext_lazy("Import history")
    default_sort = "-created_at"
    export_name = "import-history"


class ImportBatchDetailView(ObjectDetailView):
    model = ImportBatch
    template_name = "smarteconomy/importbatch_detail.html"
    fields = (
        "importer",
        "original_name",
        "office",
        "uploaded_by",
        "source",
        "created_at",
        "finished_at",
        "dry_run",
        "status",
        "message",
        "rows_total",
        "rows_created",
        "rows_updated",
        "errors_count",
        "size_bytes",
        "sha256",
    )

    def field_rows(self):
        # The file name and the message may quote the file's rows: only the importing office reads them in full.
        return [
            (label, redact_for(self.request.user, self.object.office, value)) for label, value in super().field_rows()
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["title"] = self.object.title_for(self.request.user)
        return context


class ImportBatchErrorsView(LoginRequiredMixin, PermissionRequiredMixin, View):
    """The error report of an import as CSV: row, column, message."""

    permission_required = "smarteconomy.view_importbatch"

    def get(self, request, pk):
        batch = get_object_or_404(ImportBatch.objects.visible_to(request.user), pk=pk)
        errors = redact_for(request.user, batch.office, batch.errors)
        writer = csv.writer(_Echo())

        def rows():
            yield "\ufeff"
            yield writer.writerow([_("row"), _("column"), _("message")])
            for error in errors:
                yield writer.writerow([error["row"] or "", neutralize(error["column"]), neutralize(error["message"])])

        response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="import-{batch.pk}-errors.csv"'
        return response


# --- Exports and tasks -----------------------------------------------------------------------------------


class ExportLogListView(ObjectListView):
    queryset = ExportLog.objects.select_related("user")
    filterset_class = filtersets.ExportLogFilterSet
    table_class = tables.ExportLogTable
    title = gettext_lazy("Export log")
    default_sort = "-created_at"
    export_name = "export-log"


class ExportJobListView(LoginRequiredMixin, TemplateView):
    """My exports: the user's own background exports, with their status, progress and download link. The page
    reloads itself while one is being prepared (static/js/export_jobs.js; without JavaScript, a refresh tag)."""

    template_name = "smarteconomy/exportjob_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        export_jobs_abandon_stale(user=self.request.user)
        jobs = list(ExportJob.objects.filter(user=self.request.user)[:50])
        kept = timedelta(days=settings.EXPORT_FILE_RETENTION_DAYS)
        for job in jobs:
            job.expires_at = job.created_at + kept
        context.update(
            title=_("My exports"),
            jobs=jobs,
            any_active=any(job.active for job in jobs),
            retention_days=settings.EXPORT_FILE_RETENTION_DAYS,
            export_inline_max_rows=settings.EXPORT_INLINE_MAX_ROWS,
        )
        return context


class ExportJobDownloadView(LoginRequiredMixin, View):
    """The file of a finished background export, for the user who asked for it only (anyone else: 404)."""

    def get(self, request, pk):
        job = get_object_or_404(
            ExportJob.objects.exclude(file=""), pk=pk, user=request.user, status=ExportJobStatus.SUCCEEDED
        )
        try:
            handle = job.file.open("rb")
        except FileNotFoundError:
            raise Http404(_("The file of this export is no longer kept.")) from None
        content_type = XLSX_CONTENT_TYPE if job.format == ExportFormat.XLSX else "text/csv; charset=utf-8"
        return FileResponse(handle, as_attachment=True, filename=job.filename, content_type=content_type)


class TaskRunListView(ObjectListView):
    queryset = TaskRun.objects.all()
    filterset_class = filtersets.TaskRunFilterSet
    table_class = tables.TaskRunTable
    title = gettext_lazy("Scheduled task runs")
    default_sort = "-started_at"
    export_name = "task-runs"


class TaskRunDetailView(ObjectDetailView):
    model = TaskRun
    template_name = "smarteconomy/taskrun_detail.html"
    fields = ("task", "status", "started_at", "finished_at", "rows_affected", "error", "celery_task_id")


def errors_text(error):
    """A ValidationError's messages as one sentence (for a flash message)."""
    return " ".join(error.messages)


class ServiceFormView(LoginRequiredMixin, PermissionRequiredMixin, FormView):
    """An entry form whose valid data goes to one service (``save``); a ValidationError from the service is shown
    in the form (``form_invalid_from``), never as an error page. A view whose form does more than one save
    overrides ``form_valid`` and uses ``form_invalid_from`` itself."""

    template_name = "smarteconomy/form.html"
    title = ""
    cancel_url_name = None
    enctype = ""  # "multipart/form-data" for a form with a file
    success_message = gettext_lazy("Saved.")

    @property
    def cancel_url(self):
        return reverse(self.cancel_url_name)

    def form_invalid_from(self, form, error):
        """The service refused what the form accepted: show its message in the form, not an error page."""
        if hasattr(error, "error_dict"):
            for field, errors in error.error_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            form.add_error(None, error)
        return self.form_invalid(form)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(title=self.title, cancel_url=self.cancel_url, enctype=self.enctype)
        return context

    def save(self, data):
        """Call the service with the cleaned data; return the saved record."""
        raise NotImplementedError(f"{type(self).__name__} must define save() or form_valid()")

    def saved_url(self, saved):
        """Where to go after saving: the record's page."""
        return saved.get_absolute_url()

    def saved_message(self, saved):
        """The message after saving (``success_message``; a view may name the saved record in it)."""
        return self.success_message

    def form_valid(self, form):
        try:
            saved = self.save(form.cleaned_data)
        except ValidationError as error:
            return self.form_invalid_from(form, error)
        messages.success(self.request, self.saved_message(saved))
        return redirect(self.saved_url(saved))


class RecordFormMixin:
    """A form about one record of ``model`` the user's office may see (another office's: 404), as
    ``self.object``; Cancel goes back to the record's page. For a form that is not the record itself (a decision
    with its reason); RecordEditMixin edits the record."""

    model = None

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and self.has_permission():
            self.object = get_object_or_404(self.model.objects.visible_to(request.user), pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    @property
    def cancel_url(self):
        return self.object.get_absolute_url()


class RecordEditMixin(RecordFormMixin):
    """Edit one record of ``model`` the user's office may see (another office's: 404). The form gets a fresh
    copy, so a change the service refuses leaves ``self.object`` as it was."""

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["instance"] = self.model.objects.get(pk=self.object.pk)
        return kwargs


def form_refusal(form):
    """A bound form's errors as a ValidationError, for a RecordActionView whose small form was not valid."""
    return ValidationError(
        [
            f"{form.fields[name].label}: {' '.join(errors)}" if name in form.fields else " ".join(errors)
            for name, errors in form.errors.items()
        ]
    )


class RecordActionView(LoginRequiredMixin, PermissionRequiredMixin, View):
    """A button on a record's page that calls a service (POST only). ``act(request, record)`` returns the message
    to show; a ValidationError from it (or from ``form_refusal``) is shown as the refusal and the service has
    written nothing. The record is one the user's office may see (another office's: 404)."""

    http_method_names = ["post"]
    model = None
    refused_message = gettext_lazy("Not saved: %(error)s")

    def post(self, request, pk):
        record = get_object_or_404(self.model.objects.visible_to(request.user), pk=pk)
        try:
            message = self.act(request, record)
        except ValidationError as error:
            messages.error(request, self.refused_message % {"error": errors_text(error)})
            return redirect(self.refused_url(record))
        if message:
            messages.success(request, message)
        return redirect(self.done_url(record))

    def act(self, request, record):
        raise NotImplementedError(f"{type(self).__name__} must define act()")

    def done_url(self, record):
        return record.get_absolute_url()

    def refused_url(self, record):
        return record.get_absolute_url()
