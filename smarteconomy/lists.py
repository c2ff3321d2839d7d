"""The one list page of the product: a declaration of (queryset, filterset, table) gets sorting,
filtering, free-text search (the filterset's ``q``), rows per page, keyset pagination and streaming
CSV/XLSX exports of the filtered rows.

Keyset pagination: a page is "the N rows after (or before) this row in the current order", so no page
needs COUNT(*) or an OFFSET, however deep. The cursor names the sort it was made for; a cursor from
another sort is ignored and the first page is shown.
"""

import base64
import binascii
import datetime
import json
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.core.exceptions import FieldDoesNotExist
from django.db.models import Q
from django.urls import reverse
from django.views.generic import TemplateView
from django_tables2.data import TableListData
from django_tables2.utils import OrderByTuple

from .choices import ExportFormat
from .exporting import CHUNK_SIZE, export_response, table_rows
from .exportjobs import export_job_start, export_job_write


def _field_at(model, path):
    field = None
    for part in path.split("__"):
        field = model._meta.pk if part == "pk" else model._meta.get_field(part)
        if field.is_relation:
            model = field.related_model
    return field


def _value_at(obj, path):
    for part in path.split("__"):
        obj = getattr(obj, part)
        if obj is None:
            return None
    return obj.pk if hasattr(obj, "_meta") else obj


def _encode(value):
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


class PageData(TableListData):
    """One page of model instances for a django-tables2 Table: a list, but one that knows its model, so
    that column headers come from the model's verbose names."""

    def __init__(self, rows, model):
        super().__init__(rows)
        self._model = model

    @property
    def model(self):
        return self._model


class Page:
    def __init__(self, rows, has_next, has_previous, next_cursor, previous_cursor):
        self.rows = rows
        self.has_next = has_next
        self.has_previous = has_previous
        self.next_cursor = next_cursor
        self.previous_cursor = previous_cursor


def keyset_page(queryset, order, *, per_page, cursor=None, direction="after", sort_key=""):
    """One page of ``queryset`` in ``order`` [(field path, descending)], which must end in a unique
    field (the primary key)."""
    model = queryset.model
    state = _decode_cursor(cursor, sort_key, len(order)) if cursor else None
    backwards = state is not None and direction == "before"
    ordering = [("-" if desc != backwards else "") + path for path, desc in order]
    if state is not None:
        condition = Q()
        for index, (path, desc) in enumerate(order):
            value = _field_at(model, path).to_python(state[index])
            equal = {p: _field_at(model, p).to_python(state[i]) for i, (p, _d) in enumerate(order[:index])}
            lookup = "lt" if desc != backwards else "gt"
            condition |= Q(**equal, **{f"{path}__{lookup}": value})
        queryset = queryset.filter(condition)
    rows = list(queryset.order_by(*ordering)[: per_page + 1])
    more = len(rows) > per_page
    rows = rows[:per_page]
    if backwards:
        rows.reverse()
    has_next = more if not backwards else True
    has_previous = (state is not None) if not backwards else more

    def make(row):
        values = [_encode(_value_at(row, path)) for path, _desc in order]
        raw = json.dumps({"s": sort_key, "v": values}, separators=(",", ":")).encode()
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    return Page(
        rows,
        has_next and bool(rows),
        has_previous and bool(rows),
        make(rows[-1]) if rows else None,
        make(rows[0]) if rows else None,
    )


def _decode_cursor(cursor, sort_key, length):
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        data = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (ValueError, binascii.Error):
        return None
    if not isinstance(data, dict) or data.get("s") != sort_key:
        return None
    values = data.get("v")
    if not isinstance(values, list) or len(values) != length:
        return None
    return values


class ObjectListView(LoginRequiredMixin, PermissionRequiredMixin, TemplateView):
    """Declare ``queryset`` (or ``get_queryset``), ``filterset_class`` and ``table_class``.

    The permission defaults to the model's view permission; rows are limited to what the user may see
    when the queryset has ``visible_to`` (office-owned records)."""

    queryset = None
    filterset_class = None
    table_class = None
    template_name = "smarteconomy/object_list.html"
    title = None
    default_sort = "-pk"
    export_name = None
    export_max_rows = None  # an export writes at most this many rows (None: all)
    actions = ()  # [(label, url name, url kwargs, permission)]

    def get_permission_required(self):
        if self.permission_required:
            return (self.permission_required,)
        meta = self.queryset.model._meta
        return (f"{meta.app_label}.view_{meta.model_name}",)

    def get_queryset(self):
        queryset = self.queryset.all()
        if hasattr(queryset, "visible_to"):
            queryset = queryset.visible_to(self.request.user)
        return queryset

    def get_filterset(self, queryset):
        return self.filterset_class(self.request.GET or None, queryset=queryset, request=self.request)

    def sort_choice(self, table):
        """(sort key shown in the URL, [(field path, descending)]) for a valid ``sort`` parameter."""
        requested = self.request.GET.get("sort") or self.default_sort
        for candidate in (requested, self.default_sort):
            name = candidate.lstrip("-")
            desc = candidate.startswith("-")
            if name == "pk":
                return candidate, [("pk", desc)]
            column = table.columns[name] if name in table.columns else None  # noqa: SIM401 - no .get()
            if column is None or not column.orderable:
                continue
            paths = [accessor.replace(".", "__").lstrip("-") for accessor in column.order_by]
            model = self.queryset.model
            try:
                fields = [_field_at(model, path) for path in paths]
            except FieldDoesNotExist:
                continue
            if any(field.null for field in fields):
                continue  # keyset pagination needs non-null sort keys
            # A relation sorts by its key, never by the related model's Meta.ordering.
            paths = [f"{path}__pk" if field.is_relation else path for path, field in zip(paths, fields, strict=True)]
            return candidate, [(path, desc) for path in paths] + [("pk", desc)]
        return "-pk", [("pk", True)]

    def per_page(self):
        try:
            value = int(self.request.GET.get("per_page", 25))
        except ValueError:
            value = 25
        return value if value in settings.LIST_PER_PAGE_CHOICES else 25

    def get(self, request, *args, **kwargs):
        queryset = self.get_queryset()
        filterset = self.get_filterset(queryset)
        # An invalid filter value (e.g. an unknown id) shows no rows rather than ignoring the filter.
        queryset = queryset.none() if filterset.is_bound and not filterset.is_valid() else filterset.qs
        probe_table = self.table_class(PageData([], queryset.model), request=request)
        sort_key, order = self.sort_choice(probe_table)
        export = request.GET.get("export")
        if export in (ExportFormat.CSV, ExportFormat.XLSX):
            return self.export(queryset, order, export)
        direction = "before" if request.GET.get("before") else "after"
        page = keyset_page(
            queryset,
            order,
            per_page=self.per_page(),
            cursor=request.GET.get(direction),
            direction=direction,
            sort_key=sort_key,
        )
        table = self.table_class(PageData(page.rows, queryset.model), request=request)
        # The rows are already in order; tell the table so its headers show it, without re-sorting.
        table._order_by = OrderByTuple([sort_key]) if sort_key.lstrip("-") in table.columns else OrderByTuple()
        context = self.get_context_data(table=table, filterset=filterset, page=page, sort_key=sort_key, **kwargs)
        return self.render_to_response(context)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        meta = self.queryset.model._meta
        context["title"] = self.title or meta.verbose_name_plural
        context["per_page"] = self.per_page()
        context["per_page_choices"] = settings.LIST_PER_PAGE_CHOICES
        context["actions"] = [
            (label, reverse(url_name, kwargs=url_kwargs))
            for label, url_name, url_kwargs, perm in self.actions
            if self.request.user.has_perm(perm)
        ]
        # How many filters are in effect: on a phone the filter form starts folded unless some are (or one is wrong).
        not_filters = {"sort", "per_page", "after", "before", "export"}
        context["filters_active"] = sum(
            1 for key, value in self.request.GET.items() if key not in not_filters and value
        )
        return context

    def export(self, queryset, order, fmt):
        """Up to EXPORT_INLINE_MAX_ROWS rows stream at once; more are written by a background task (exportjobs),
        which calls this view again as the same user, with ``request.export_job`` set, to write the file."""
        table = self.table_class(PageData([], self.queryset.model), request=self.request)
        ordering = [("-" if desc else "") + path for path, desc in order]
        ordered = queryset.order_by(*ordering)
        name = self.export_name or self.queryset.model._meta.model_name
        job = getattr(self.request, "export_job", None)
        if job is not None:
            return export_job_write(job, table, ordered, limit=self.export_max_rows)
        records = ordered[: self.export_max_rows] if self.export_max_rows else ordered
        limit = settings.EXPORT_INLINE_MAX_ROWS
        if records[: limit + 1].count() > limit:
            title = self.title or self.queryset.model._meta.verbose_name_plural
            return export_job_start(self.request, name=name, fmt=fmt, title=title)
        return export_response(
            self.request, table_rows(table, records.iterator(chunk_size=CHUNK_SIZE)), name=name, fmt=fmt
        )
