"""Tables of the shared pages, and the column types every app's tables use."""

import datetime
import functools
import types

import django_tables2 as tables
import django_tables2.utils
from django.db import models
from django.utils import formats, timezone
from django.utils.html import format_html
from django_tables2.columns import library

from .models import ExportLog, ImportBatch, Kelurahan, Sector, TaskRun
from .roles import can_see_personal_data, mask_nik, mask_phone, owner_office_of, redact_for


def _memoize_signatures(signature):
    """django-tables2 calls every cell's render/value method through ``call_with_appropriate``, which asks
    ``inspect.signature`` which arguments the method takes: about 15 % of a list page's cells. A method's
    signature never changes, so it is remembered per function (bound methods share their function's)."""

    @functools.lru_cache(maxsize=4096)
    def of_function(function, bound):
        return signature(types.MethodType(function, object()) if bound else function)

    def memoized(fn):
        if isinstance(fn, types.MethodType) and isinstance(fn.__func__, types.FunctionType):
            return of_function(fn.__func__, True)
        if isinstance(fn, types.FunctionType):
            return of_function(fn, False)
        return signature(fn)  # partials, callable objects: as django-tables2 does

    memoized.unmemoized = signature
    return memoized


if not hasattr(django_tables2.utils.signature, "unmemoized"):
    django_tables2.utils.signature = _memoize_signatures(django_tables2.utils.signature)


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


@library.register
class FreeTextColumn(tables.Column):
    """Free text (a note, an address, a payer's name) with every NIK and phone number in it masked, exports included,
    unless the user's office owns the record (smarteconomy.roles.free_text_for). Used for every field a model lists in
    ``free_text_fields`` (registered with django-tables2); a table that declares such a column itself uses this
    class."""

    def __init__(self, *args, owner_office=None, **kwargs):
        self.owner_office = owner_office
        super().__init__(*args, **kwargs)

    @classmethod
    def from_field(cls, field, **kwargs):
        model = getattr(field, "model", None)
        if model is not None and field.name in getattr(model, "free_text_fields", ()):
            return cls(owner_office=owner_office_of(model), **kwargs)
        return None

    def _shown(self, value, record, table):
        request = getattr(table, "request", None)
        office = self.owner_office or owner_office_of(type(record))
        return redact_for(getattr(request, "user", None), office, value)

    def render(self, value, record, table):
        return self._shown(value, record, table)

    def value(self, value, record, table):
        return self._shown(value, record, table)


@library.register
class DateColumn(tables.Column):
    """A date in the active language's format (``short``: SHORT_DATE_FORMAT, else DATE_FORMAT, or ``format``),
    a date cell in exports. Used for every model DateField of a table too (registered with django-tables2).

    django-tables2's own DateColumn is a TemplateColumn: it compiles and renders a template for every cell, and
    with the page's RequestContext each of those renders runs every context processor again (25 rows, 25
    times the menu). Formatting in Python gives the same text."""

    def __init__(self, *args, format=None, short=True, **kwargs):
        self.format = format or ("SHORT_DATE_FORMAT" if short else "DATE_FORMAT")
        super().__init__(*args, **kwargs)

    @classmethod
    def from_field(cls, field, **kwargs):
        if isinstance(field, models.DateField) and not isinstance(field, models.DateTimeField):
            return cls(**kwargs)
        return None

    def render(self, value):
        return formats.date_format(value, self.format)

    def value(self, value):
        return value  # a date: the exports write it as a date cell (XLSX) or ISO 8601 (CSV)


@library.register
class DateTimeColumn(DateColumn):
    """A date and time in the current time zone (WITA) in the active language's format; the same local time, without
    an offset, in exports.
    Used for every model DateTimeField of a table too."""

    def __init__(self, *args, format=None, short=True, **kwargs):
        super().__init__(*args, format=format or ("SHORT_DATETIME_FORMAT" if short else "DATETIME_FORMAT"), **kwargs)

    @classmethod
    def from_field(cls, field, **kwargs):
        if isinstance(field, models.DateTimeField):
            return cls(**kwargs)
        return None

    def render(self, value):
        if isinstance(value, datetime.datetime) and timezone.is_aware(value):
            value = timezone.localtime(value)
        return formats.date_format(value, self.format)

    def value(self, value):
        # The wall-clock time in WITA (the current time zone), as on the page: a date-time cell in XLSX,
        # "2026-12-04 04:31:00" in CSV; never UTC, never an offset.
        if isinstance(value, datetime.datetime) and timezone.is_aware(value):
            return timezone.localtime(value).replace(tzinfo=None)
        return value


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


class ImportFileNameColumn(tables.Column):
    """An import's file name: in full for the uploading office, masked for everyone else, exports included."""

    def _shown(self, record, table):
        request = getattr(table, "request", None)
        return record.name_for(getattr(request, "user", None))

    def render(self, record, table):
        return self._shown(record, table)

    def value(self, record, table):
        return self._shown(record, table)


class ImportBatchTable(tables.Table):
    id = tables.Column(linkify=True, verbose_name="#")
    original_name = ImportFileNameColumn()
    status = StatusBadgeColumn()
    created_at = DateTimeColumn(short=True)

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

    def render_importer(self, record):
        return record.get_importer_display()


class ExportLogTable(tables.Table):
    created_at = DateTimeColumn(short=True)

    class Meta:
        model = ExportLog
        fields = ("created_at", "list_name", "format", "user", "office", "rows", "query")
        attrs = {"class": "table table-sm table-hover align-middle"}


class TaskRunTable(tables.Table):
    id = tables.Column(linkify=True, verbose_name="#")
    status = StatusBadgeColumn()
    started_at = DateTimeColumn(short=True)
    finished_at = DateTimeColumn(short=True)

    class Meta:
        model = TaskRun
        fields = ("id", "task", "status", "started_at", "finished_at", "rows_affected", "error")
        attrs = {"class": "table table-sm table-hover align-middle"}
        sequence = ("id", "task", "status", "started_at", "finished_at", "rows_affected", "error")


__all__ = [
    "DateColumn",
    "DateTimeColumn",
    "ExportLogTable",
    "FreeTextColumn",
    "ImportBatchTable",
    "KelurahanTable",
    "PersonalDataColumn",
    "SectorTable",
    "StatusBadgeColumn",
    "TaskRunTable",
]
