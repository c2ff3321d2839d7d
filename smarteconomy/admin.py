from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.utils.translation import gettext
from simple_history.admin import SimpleHistoryAdmin

from .forms import LocalizedNumbersAdminMixin
from .models import (
    ApiToken,
    ExportLog,
    ImportBatch,
    Kecamatan,
    Kelurahan,
    PublicHoliday,
    ReportingPeriod,
    Sector,
    SourceSchedule,
    TaskRun,
    User,
)
from .periods import HOLIDAYS_SOURCE, mark_dirty
from .roles import redact
from .sources import ensure_unlocked
from .tokens import api_token_create


class MarksDirtyAdmin:
    """A back-office change of records an indicator reads marks their dates dirty, as the services do
    (smarteconomy.periods): ``dirty_source`` and ``dirty_dates(obj)``; the dates before and after a change.

    It is also the lock check of the back office: a record dated in an approved period of the source is neither
    saved nor deleted (PeriodLocked before anything is written; BackOfficeAdminMixin shows the message)."""

    dirty_source = None

    def dirty_dates(self, obj):
        raise NotImplementedError

    def locked_dates(self, stored, obj):
        """The dates whose periods a save changes, for the lock (default: every dirty date before and after); an
        admin narrows it as its app's service does (e.g. only the months between an old and a new end)."""
        return [*(self.dirty_dates(stored) if stored is not None else []), *self.dirty_dates(obj)]

    def save_model(self, request, obj, form, change):
        stored = type(obj)._default_manager.filter(pk=obj.pk).first() if obj.pk else None
        before = self.dirty_dates(stored) if stored is not None else []
        # Before the save: simple_history's revert saves outside a transaction of its own.
        locked = self.locked_dates(stored, obj)
        ensure_unlocked(self.dirty_source, locked)
        super().save_model(request, obj, form, change)
        mark_dirty(self.dirty_source, locked, consequences=[*before, *self.dirty_dates(obj)])

    def delete_model(self, request, obj):
        mark_dirty(self.dirty_source, self.dirty_dates(obj))
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        mark_dirty(self.dirty_source, [day for obj in queryset for day in self.dirty_dates(obj)])
        super().delete_queryset(request, queryset)


@admin.register(User)
class SmartEconomyUserAdmin(UserAdmin, SimpleHistoryAdmin):
    """Only a superuser grants superuser or staff rights or single permissions (for the others they are read-only,
    and a posted value is ignored), an administrator does not change their own role (the office whose personal data
    one sees in full), and only a superuser changes or deletes a superuser (its password included):
    the administrators' role manages accounts without being able to raise anyone, itself included, above it."""

    list_display = ("username", "first_name", "last_name", "email", "is_active", "is_staff")
    list_filter = ("groups", "is_active", "is_staff")
    superuser_only_fields = ("is_superuser", "is_staff", "user_permissions")

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            readonly += [name for name in self.superuser_only_fields if name not in readonly]
            if obj is not None and obj.pk == request.user.pk:
                readonly.append("groups")  # a role is given by a colleague, never taken by oneself
        return readonly

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_delete_permission(request, obj)

    def delete_queryset(self, request, queryset):
        # The list's "delete selected" action asks for the permission without the objects.
        if not request.user.is_superuser and queryset.filter(is_superuser=True).exists():
            raise PermissionDenied
        super().delete_queryset(request, queryset)


admin.site.unregister(Group)


@admin.register(Group)
class RoleGroupAdmin(GroupAdmin):
    """A role's permissions are declared in the code (each AppConfig's ``role_permissions``) and set again after every
    migrate; only a superuser changes them in between. Otherwise an administrator could give the administrators'
    group any permission, itself included."""

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            readonly += [name for name in ("name", "permissions") if name not in readonly]
        return readonly

    def has_add_permission(self, request):
        return request.user.is_superuser and super().has_add_permission(request)

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser and super().has_delete_permission(request, obj)


@admin.register(ApiToken)
class ApiTokenAdmin(SimpleHistoryAdmin):
    """An administrator creates a token for an account (a portal, a parking operator) and sees its key once, on the
    page that follows; afterwards only its first characters are shown. A lost key is replaced: delete, create."""

    list_display = ("prefix_shown", "user", "name", "created_at")
    list_filter = ("created_at",)
    search_fields = ("user__username", "name", "prefix")
    fields = ("user", "name")
    autocomplete_fields = ("user",)

    @admin.display(description=ApiToken._meta.get_field("prefix").verbose_name, ordering="prefix")
    def prefix_shown(self, obj):
        return f"{obj.prefix}…"

    def has_change_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        token, obj.shown_key = api_token_create(user=obj.user, name=obj.name)
        obj.pk, obj.prefix, obj.created_at = token.pk, token.prefix, token.created_at

    def response_add(self, request, obj, post_url_continue=None):
        response = TemplateResponse(
            request,
            "admin/smarteconomy/apitoken/created.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "token": obj,
                "key": obj.shown_key,
                "title": gettext("API token created"),
            },
        )
        response["Cache-Control"] = "no-store"
        return response


@admin.register(Kecamatan)
class KecamatanAdmin(SimpleHistoryAdmin):
    list_display = ("code", "name")
    search_fields = ("code", "name")


@admin.register(Kelurahan)
class KelurahanAdmin(SimpleHistoryAdmin):
    list_display = ("code", "name", "kecamatan", "postal_code")
    list_filter = ("kecamatan",)
    search_fields = ("code", "name", "postal_code")


@admin.register(Sector)
class SectorAdmin(LocalizedNumbersAdminMixin, SimpleHistoryAdmin):
    list_display = ("order", "code", "name_id", "name_en")
    search_fields = ("code", "name_id", "name_en")


@admin.register(PublicHoliday)
class PublicHolidayAdmin(MarksDirtyAdmin, SimpleHistoryAdmin):
    list_display = ("date", "name", "kind")
    list_filter = ("kind",)
    date_hierarchy = "date"
    # Working days count holidays: a holiday added, moved or removed changes the licensing indicators.
    dirty_source = HOLIDAYS_SOURCE

    def dirty_dates(self, obj):
        return [obj.date]


class ReadOnlyAdmin(admin.ModelAdmin):
    """The back office shows these records and neither adds, changes nor deletes them (a published edition, the
    value history)."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyRecordAdmin(ReadOnlyAdmin, SimpleHistoryAdmin):
    """Records that change only through their app's services (an MSME's duplicate check, quotas, stock and balance
    rules; a levy bill's amounts, states and reconciliation), from the staff pages: read-only, with their history."""


class ReadOnlyLogAdmin(admin.ModelAdmin):
    """Logs are written by the system only."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ImporterFilter(admin.SimpleListFilter):
    """The import types by their names ("MSME registry"), not their codes ("msmes")."""

    title = ImportBatch._meta.get_field("importer").verbose_name
    parameter_name = "importer"

    def lookups(self, request, model_admin):
        codes = ImportBatch.objects.order_by().values_list("importer", flat=True).distinct()
        return sorted(((code, ImportBatch(importer=code).get_importer_display()) for code in codes), key=lambda c: c[1])

    def queryset(self, request, queryset):
        return queryset.filter(importer=self.value()) if self.value() else queryset


@admin.register(ImportBatch)
class ImportBatchAdmin(ReadOnlyLogAdmin):
    list_display = (
        "id",
        "created_at",
        "importer_name",
        "masked_file_name",
        "office",
        "status",
        "rows_total",
        "errors_count",
    )
    list_filter = (ImporterFilter, "office", "status")
    # The messages quote the file's rows; the back office (Diskominfo) is not the office that owns them.
    # The file name may hold a NIK or a phone number too; the stored file is served to the uploading office only.
    exclude = ("message", "errors", "warnings", "original_name", "file")
    readonly_fields = ("masked_file_name", "masked_message", "masked_errors", "masked_warnings")

    @admin.display(description=ImportBatch._meta.get_field("original_name").verbose_name)
    def masked_file_name(self, obj):
        return obj.masked_name or redact(obj.original_name)

    @admin.display(description=ImportBatch._meta.get_field("importer").verbose_name, ordering="importer")
    def importer_name(self, obj):
        return obj.get_importer_display()

    @admin.display(description=ImportBatch._meta.get_field("message").verbose_name)
    def masked_message(self, obj):
        return redact(obj.get_message_display())

    @admin.display(description=ImportBatch._meta.get_field("errors").verbose_name)
    def masked_errors(self, obj):
        return redact(obj.errors)

    @admin.display(description=ImportBatch._meta.get_field("warnings").verbose_name)
    def masked_warnings(self, obj):
        return redact(obj.warnings)


@admin.register(ExportLog)
class ExportLogAdmin(ReadOnlyLogAdmin):
    list_display = ("created_at", "list_name", "format", "user", "rows")


@admin.register(TaskRun)
class TaskRunAdmin(ReadOnlyLogAdmin):
    list_display = ("id", "task", "status", "started_at", "finished_at", "rows_affected")
    list_filter = ("task", "status")


@admin.register(ReportingPeriod)
class ReportingPeriodAdmin(ReadOnlyLogAdmin, SimpleHistoryAdmin):
    """The reporting workflow's rows, read only: they change through the workflow's steps (the Reporting pages,
    ``manage.py period_approval``), which check who may take them and keep the reason."""

    list_display = ("source", "part", "period", "status", "submitted_by", "submitted_at", "decided_by", "decided_at")
    list_filter = ("source", "status")

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(SourceSchedule)
class SourceScheduleAdmin(SimpleHistoryAdmin):
    list_display = ("source", "start", "end", "note")
