"""The one list page of the product: a declaration of (queryset, filterset, table) gets sorting,
filtering, free-text search (the filterset's ``q``), rows per page, keyset pagination and streaming
CSV/XLSX exports of the filtered rows.

Keyset pagination: a page is "the N rows after (or before) this row in the current order", so no page
needs COUNT(*) or an OFFSET, however deep. The cursor is signed, names the sort it was made for and carries
only that row's primary key, never a value of the row: a sort by a phone number must not put the phone number
in the URL (a user who sees it masked could read it there, or edit it to probe the order). The row's sort
values are read again from the list's own rows. A cursor that is not one this list gave for this sort (edited,
made up, from another sort, its row gone from the list) is refused: the first page is shown, with a message.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.core import signing
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db.models import Q
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import TemplateView
from django_tables2.data import TableListData
from django_tables2.utils import OrderByTuple

from .choices import ExportFormat
from .exporting import CHUNK_SIZE, export_response, table_rows
from .exportjobs import export_job_start, export_job_write
from .roles import can_see_personal_data
from .tables import PersonalDataColumn

CURSOR_SALT = "smarteconomy.lists.cursor"
RELATED_ROWS = 25  # as many as django-tables2 showed by default


def _field_at(model, path):
    field = None
    for part in path.split("__"):
        field = model._meta.pk if part == "pk" else model._meta.get_field(part)
        if field.is_relation:
            model = field.related_model
    return field


def request_table(table_class, data, request, **kwargs):
    """A table of exactly ``data``, in its order, for ``request``'s user.

    Its columns see the request (a PersonalDataColumn shows the user's office its numbers in full), but the
    request's ``sort``, ``page`` and ``per_page`` are the list view's to read, not django-tables2's: given the
    request, django-tables2 would sort the page's rows again in Python and paginate them by the request's
    ``per_page`` (a negative one was a server error, and an unlisted one hid rows between two pages). A personal
    data column the user sees masked cannot be sorted by: its order would tell what the mask hides."""
    table = table_class(data, **kwargs)
    table.request = request
    for bound in table.columns.iterall():
        column = bound.column
        if isinstance(column, PersonalDataColumn) and not can_see_personal_data(request.user, column.owner_office):
            column.orderable = False  # the table's own copy of the column
    return table


def related_table(table_class, queryset, request):
    """A record's related rows on its page (a training's participants...): unsorted, the first
    RELATED_ROWS of them, whatever ``page`` or ``per_page`` the request carries."""
    table = request_table(table_class, queryset, request, orderable=False)
    table.paginate(per_page=RELATED_ROWS)
    return table


class PageData(TableListData):
    """One page of model instances for a django-tables2 Table: a list, but one that knows its model, so
    that column headers come from the model's verbose names."""

    def __init__(self, rows, model):
        super().__init__(rows)
        self._model = model

    @property
    def model(self):
        return self._model


class BadCursor(ValueError):
    """A cursor this site did not make (edited, made up, signed with another key): crafted input, answered with
    a 400 that says so. A genuine cursor that no longer fits (another sort, its row gone) is not one of these."""


class Page:
    def __init__(self, rows, has_next, has_previous, next_cursor, previous_cursor, refused_cursor=False):
        self.rows = rows
        self.has_next = has_next
        self.has_previous = has_previous
        self.next_cursor = next_cursor
        self.previous_cursor = previous_cursor
        self.refused_cursor = refused_cursor  # a cursor was given but is not one of this list and sort


def keyset_page(queryset, order, *, per_page, cursor=None, direction="after", sort_key=""):
    """One page of ``queryset`` in ``order`` [(field path, descending)], which must end in a unique
    field (the primary key). A ``cursor`` made for another sort, or whose row is no longer in ``queryset``, gives
    the first page (``refused_cursor``); one this site did not make raises ``BadCursor``."""
    state = _cursor_row(queryset, order, cursor, sort_key) if cursor else None
    backwards = state is not None and direction == "before"
    ordering = [("-" if desc != backwards else "") + path for path, desc in order]
    if state is not None:
        condition = Q()
        for index, (path, desc) in enumerate(order):
            equal = {p: state[i] for i, (p, _d) in enumerate(order[:index])}
            lookup = "lt" if desc != backwards else "gt"
            condition |= Q(**equal, **{f"{path}__{lookup}": state[index]})
        queryset = queryset.filter(condition)
    rows = list(queryset.order_by(*ordering)[: per_page + 1])
    more = len(rows) > per_page
    rows = rows[:per_page]
    if backwards:
        rows.reverse()
    has_next = more if not backwards else True
    has_previous = (state is not None) if not backwards else more

    def make(row):
        return signing.dumps({"s": sort_key, "k": str(row.pk)}, salt=CURSOR_SALT)

    return Page(
        rows,
        has_next and bool(rows),
        has_previous and bool(rows),
        make(rows[-1]) if rows else None,
        make(rows[0]) if rows else None,
        refused_cursor=bool(cursor) and state is None,
    )


def _cursor_row(queryset, order, cursor, sort_key):
    """The sort values, in ``order``, of the row a cursor points at; None for a cursor refused."""
    try:
        data = signing.loads(cursor, salt=CURSOR_SALT)
    except signing.BadSignature as error:  # edited, made up, or signed with another key
        raise BadCursor(cursor) from error
    if not isinstance(data, dict):
        raise BadCursor(cursor)
    if data.get("s") != sort_key:
        return None  # a real cursor of another sort (a link kept from before the sort changed)
    try:
        pk = queryset.model._meta.pk.to_python(data.get("k"))
    except ValidationError as error:
        raise BadCursor(cursor) from error
    # Within the list's own rows: a row the user may not see (or filtered out since) is no position.
    return next(iter(queryset.filter(pk=pk).values_list(*(path for path, _desc in order))[:1]), None)


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
        """The ``per_page`` asked for if it is one of the choices offered, else the first choice."""
        try:
            value = int(self.request.GET.get("per_page", ""))
        except ValueError:
            value = None
        return value if value in settings.LIST_PER_PAGE_CHOICES else settings.LIST_PER_PAGE_CHOICES[0]

    def get(self, request, *args, **kwargs):
        queryset = self.get_queryset()
        filterset = self.get_filterset(queryset)
        # An invalid filter value (e.g. an unknown id) shows no rows rather than ignoring the filter.
        queryset = queryset.none() if filterset.is_bound and not filterset.is_valid() else filterset.qs
        probe_table = request_table(self.table_class, PageData([], queryset.model), request)
        sort_key, order = self.sort_choice(probe_table)
        per_page = self.per_page()
        asked = request.GET.get("per_page", "")
        if asked and asked != str(per_page):
            choices = ", ".join(str(choice) for choice in settings.LIST_PER_PAGE_CHOICES)
            return self.bad_parameter(
                "per_page",
                _("Rows per page can be %(choices)s; “%(asked)s” is not one of them.")
                % {"choices": choices, "asked": asked[:20]},
            )
        export = request.GET.get("export")
        if export in (ExportFormat.CSV, ExportFormat.XLSX):
            return self.export(queryset, order, export)
        direction = "before" if request.GET.get("before") else "after"
        try:
            page = keyset_page(
                queryset,
                order,
                per_page=per_page,
                cursor=request.GET.get(direction),
                direction=direction,
                sort_key=sort_key,
            )
        except BadCursor:
            return self.bad_parameter(
                direction,
                _("The link to that page of the list is not one this site made (it was edited or made up)."),
            )
        if page.refused_cursor:
            messages.warning(
                request,
                _(
                    "The link to that page of the list was made for another sort, or its row is no longer in the list; "
                    "showing the first page."
                ),
            )
        table = request_table(self.table_class, PageData(page.rows, queryset.model), request)
        # The rows are already in order; tell the table so its headers show it, without re-sorting.
        table._order_by = OrderByTuple([sort_key]) if sort_key.lstrip("-") in table.columns else OrderByTuple()
        context = self.get_context_data(table=table, filterset=filterset, page=page, sort_key=sort_key, **kwargs)
        return self.render_to_response(context)

    def bad_parameter(self, name, reason):
        """A 400 for a crafted list parameter (``name``): the reason, and the list without that parameter."""
        query = self.request.GET.copy()
        for key in (name, "after", "before") if name in ("after", "before") else (name,):
            query.pop(key, None)
        back = f"{self.request.path}?{query.urlencode()}" if query else self.request.path
        context = {
            "reason": reason,
            "back_url": back,
            "title": self.title or self.queryset.model._meta.verbose_name_plural,
        }
        return render(self.request, "400.html", context, status=400)

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
        table = request_table(self.table_class, PageData([], self.queryset.model), self.request)
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
