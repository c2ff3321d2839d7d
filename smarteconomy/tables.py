"""Tables of the shared pages, and the column types every app's tables use."""

import django_tables2 as tables
from django.utils.html import format_html

from .models import ExportLog, ImportBatch, Kelurahan, Sector, TaskRun
from .roles import can_see_personal_data, mask_nik, mask_phone


class PersonalDataColumn(tables.Column):
    """NIK or phone number: in full for the owning office, masked for everyone else, exports included."""

    def __init__(self, *args, owner_office, kind="nik", **kwargs):
        self.owner_office = owner_office
        self.mask = mask_nik if kind == "nik" else mask_phone
        super().__init__(*args, **kwargs)

    def _shown(self, value, table):
        request = getattr(table, "request", None)
        if request is not None and can_see_personal_data(request.user, self.owner_office):
            return value
        return self.mask(value)

    def render(self, value, table):
        return self._shown(value, table)

    def value(self, value, table):
        return self._shown(value, table)


class YearColumn(tables.Column):
    """A year as written (2023), not as a grouped number (2.023)."""

    def render(self, value):
        return str(value)

    def value(self, value):
        return value


class KelurahanTable(tables.Table):
    code = tables.Column(linkify=True)
    name = tables.Column(linkify=True)
    kecamatan = tables.Column(order_by=("kecamatan__code",))

    class Meta:
        model = Kelurahan
        fields = ("code", "name", "kecamatan", "postal_code")
        attrs = {"class": "table table-sm table-hover align-middle"}


class SectorTable(tables.Table):
    order = tables.Column(verbose_name="#")
    code = tables.Column(linkify=True)

    class Meta:
        model = Sector
        fields = ("order", "code", "name_id", "name_en", "label_in_paper")
        attrs = {"class": "table table-sm table-hover align-middle"}


class StatusBadgeColumn(tables.Column):
    STYLES = {
        "committed": "success",
        "succeeded": "success",
        "validated": "info",
        "running": "primary",
        "refused": "danger",
        "failed": "danger",
        "skipped": "warning",
        "abandoned": "warning",
    }

    def render(self, value, record, bound_column):
        raw = getattr(record, bound_column.accessor)
        return format_html('<span class="badge text-bg-{}">{}</span>', self.STYLES.get(raw, "secondary"), value)

    def value(self, value):
        return value


class ImportBatchTable(tables.Table):
    id = tables.Column(linkify=True, verbose_name="#")
    status = StatusBadgeColumn()
    created_at = tables.DateTimeColumn(short=True)

    class Meta:
        model = ImportBatch
        fields = (
            "id",
            "created_at",
            "importer",
            "original_name",
            "office",
            "uploaded_by",
            "source",
            "dry_run",
            "status",
            "rows_total",
            "rows_created",
            "rows_updated",
            "errors_count",
        )
        attrs = {"class": "table table-sm table-hover align-middle"}


class ExportLogTable(tables.Table):
    created_at = tables.DateTimeColumn(short=True)

    class Meta:
        model = ExportLog
        fields = ("created_at", "list_name", "format", "user", "office", "rows", "query")
        attrs = {"class": "table table-sm table-hover align-middle"}


class TaskRunTable(tables.Table):
    id = tables.Column(linkify=True, verbose_name="#")
    status = StatusBadgeColumn()
    started_at = tables.DateTimeColumn(short=True)
    finished_at = tables.DateTimeColumn(short=True)

    class Meta:
        model = TaskRun
        fields = ("id", "task", "status", "started_at", "finished_at", "rows_affected", "error")
        attrs = {"class": "table table-sm table-hover align-middle"}
        sequence = ("id", "task", "status", "started_at", "finished_at", "rows_affected", "error")


__all__ = [
    "ExportLogTable",
    "ImportBatchTable",
    "KelurahanTable",
    "PersonalDataColumn",
    "SectorTable",
    "StatusBadgeColumn",
    "TaskRunTable",
]
