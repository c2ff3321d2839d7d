"""Imports of the msme app through the shared importer: the MSME registry (50,000 rows in seconds: validated
row by row, checked for duplicates in bulk, written with bulk inserts) and the Sobat UMKM catalogue."""

from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.utils import bulk_create_with_history

from smarteconomy.choices import Role
from smarteconomy.importing import (
    BooleanColumn,
    ChoiceColumn,
    DateColumn,
    DecimalColumn,
    Importer,
    LookupColumn,
    TextColumn,
    register,
)
from smarteconomy.importing.base import RowError
from smarteconomy.importing.columns import CellError
from smarteconomy.models import Kelurahan
from smarteconomy.periods import mark_dirty
from smarteconomy.services import record_upsert

from .choices import BusinessCategory, MsmeStatus, Scale
from .duplicates import find_candidates_bulk, name_key
from .models import MONEY, Listing, MarketplaceCategory, Msme
from .services import LISTINGS_SOURCE, REGISTRY_SOURCE, msme_merge
from .validators import nik_problem, normalize_phone, validate_phone

CHUNK = 2000


class NikColumn(TextColumn):
    type_label = gettext_lazy("NIK (16 digits)")

    def to_python(self, value, ctx):
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        text = super().to_python(value, ctx)
        problem = nik_problem(text)
        if problem:
            raise CellError(problem)
        return text


class PhoneColumn(TextColumn):
    type_label = gettext_lazy("phone number")

    def to_python(self, value, ctx):
        if isinstance(value, float) and value.is_integer():
            value = "0" + str(int(value))  # a spreadsheet number cell drops the leading 0
        text = super().to_python(value, ctx)
        from django.core.exceptions import ValidationError

        try:
            validate_phone(text)
        except ValidationError as error:
            raise CellError(error.messages[0]) from None
        return normalize_phone(text)


class DuplicateOfColumn(TextColumn):
    """Empty: refuse the row when it may be a duplicate. "new": a different business. A number: the id of the
    registered MSME this row completes (merge)."""

    def to_python(self, value, ctx):
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        text = str(value).strip().casefold()
        if text in ("new", "baru"):
            return "new"
        if text.isdigit() and text.isascii() and len(text) <= 18:  # an id the database can hold (64 bits)
            return int(text)
        raise CellError(_("Write “new” (a different business) or the id of the registered MSME to merge into."))


def kelurahan_lookup():
    table = {}
    for kelurahan in Kelurahan.objects.select_related("kecamatan"):
        table[kelurahan.code] = kelurahan
    return table


@register
class MsmeImporter(Importer):
    code = "msmes"
    label = gettext_lazy("MSME registry")
    description = gettext_lazy(
        "One row per MSME. Each row is checked for duplicates (same NIK or NIB, or a similar name in the same "
        "kelurahan or with the same phone): a row that may already be registered is refused unless its "
        "duplicate_of column says “new” (a different business) or gives the id of the registered MSME it "
        "completes (merge)."
    )
    office = Role.DKUMKMP
    permission = "msme.add_msme"
    lock_source = REGISTRY_SOURCE
    lock_columns = ("registered_on",)
    columns = (
        TextColumn("name", max_length=200, example="Amplang Ibu Sari"),
        TextColumn("owner_name", max_length=200, example="Sari Wulandari"),
        NikColumn("owner_nik", example="6471054107850003"),
        TextColumn(
            "nib",
            required=False,
            regex=r"\d{13}",
            regex_message=gettext_lazy("An NIB has exactly 13 digits."),
            example="9120001234567",
        ),
        PhoneColumn("phone", required=False, example="081234567890"),
        TextColumn("address", max_length=300, required=False, example="Jl. Mulawarman No. 12"),
        LookupColumn("kelurahan", what=gettext_lazy("kelurahan"), lookup=kelurahan_lookup, example="64.71.01.1001"),
        ChoiceColumn("business_category", choices=BusinessCategory.choices, example="culinary"),
        ChoiceColumn("scale", choices=Scale.choices, required=False, default=Scale.MICRO, example="micro"),
        DateColumn("registered_on", example="2022-03-15"),
        ChoiceColumn("status", choices=MsmeStatus.choices, required=False, default=MsmeStatus.ACTIVE, example="active"),
        DateColumn("qris_since", required=False, example=""),
        DuplicateOfColumn(
            "duplicate_of",
            required=False,
            default=None,
            example="",
            help_text=gettext_lazy("Empty, “new”, or the id of the registered MSME this row completes."),
        ),
    )

    def clean_all(self, rows):
        errors = []
        merge_ids = {values["duplicate_of"] for _n, values in rows if isinstance(values["duplicate_of"], int)}
        known = set(Msme.objects.filter(pk__in=merge_ids).values_list("pk", flat=True))
        for number, values in rows:
            target = values["duplicate_of"]
            if isinstance(target, int) and target not in known:
                errors.append(
                    RowError(number, "duplicate_of", _("No registered MSME has the id %(id)d.") % {"id": target})
                )
        entries = [
            {
                "name": values["name"],
                "kelurahan_id": values["kelurahan"].pk,
                "phone": values["phone"],
                "owner_nik": values["owner_nik"],
                "nib": values["nib"],
            }
            for _number, values in rows
        ]
        against_registry, within_file = find_candidates_bulk(entries)
        for index, (number, values) in enumerate(rows):
            if values["duplicate_of"] is not None:
                continue
            for candidate in against_registry.get(index, ()):
                errors.append(
                    RowError(
                        number,
                        "duplicate_of",
                        _(
                            "May already be registered as %(candidate)s. Write its id in duplicate_of to merge, or "
                            "“new” if it is a different business."
                        )
                        % {"candidate": candidate.describe()},
                    )
                )
            for earlier, reasons in within_file.get(index, ()):
                from .choices import DuplicateReason

                errors.append(
                    RowError(
                        number,
                        "duplicate_of",
                        _(
                            "May be the same business as row %(row)d (%(reasons)s). Write “new” if it is a different one."
                        )
                        % {
                            "row": rows[earlier][0],
                            "reasons": ", ".join(str(DuplicateReason(r).label) for r in reasons),
                        },
                    )
                )
        return errors

    def stored_lock_dates(self, rows):
        """A merge changes the registered MSME: its registration month too."""
        targets = {number: values["duplicate_of"] for number, values in rows if isinstance(values["duplicate_of"], int)}
        stored = dict(Msme.objects.filter(pk__in=targets.values()).values_list("pk", "registered_on"))
        return {number: [stored.get(pk)] for number, pk in targets.items()}

    def save(self, rows):
        by = self.ctx.user if getattr(self.ctx.user, "pk", None) else None
        new, merged, dates = [], 0, []
        for _number, values in rows:
            fields = {name: values[name] for name in values if name != "duplicate_of"}
            fields["nib"] = fields["nib"] or ""
            if isinstance(values["duplicate_of"], int):
                msme_merge(into=Msme(pk=values["duplicate_of"]), by=by, **fields)
                merged += 1
            else:
                new.append(Msme(name_key=name_key(fields["name"]), **fields))
            dates.append(values["registered_on"])
        # The values were validated column by column above: bulk inserts (with their history rows) instead of
        # one full_clean() and two INSERTs per row.
        insert_with_history(Msme, new, by=by)
        mark_dirty(REGISTRY_SOURCE, dates)
        return len(new), merged


def insert_with_history(model, objects, *, by=None):
    """Insert ``objects`` and their "created" history rows. On PostgreSQL: ids taken from the table's sequence
    (exact, whatever else is being inserted at the same time), then COPY for the rows and the history rows,
    several times faster than INSERT statements compiled by the ORM. Elsewhere: bulk_create_with_history."""
    if not objects:
        return
    if connection.vendor != "postgresql":
        for start in range(0, len(objects), CHUNK):
            bulk_create_with_history(objects[start : start + CHUNK], model, batch_size=CHUNK, default_user=by)
        return
    from psycopg import sql

    now = timezone.now()
    fields = [f for f in model._meta.local_concrete_fields if not f.primary_key]
    for obj in objects:
        for field in fields:
            if getattr(field, "auto_now_add", False) or getattr(field, "auto_now", False):
                setattr(obj, field.attname, now)
    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)", [table, len(objects)]
        )
        for obj, (pk,) in zip(objects, cursor.fetchall(), strict=True):
            obj.pk = pk
            obj._state.adding = False
        history = model.history.model
        history_fields = [f for f in history._meta.local_concrete_fields if f.attname != "history_id"]
        extra = {
            "history_date": now,
            "history_type": "+",
            "history_change_reason": None,
            "history_user_id": by and by.pk,
        }
        raw = cursor.cursor  # the psycopg cursor under Django's wrapper
        for target, columns, row_of in (
            (
                table,
                [model._meta.pk, *fields],
                lambda obj: [getattr(obj, f.attname) for f in [model._meta.pk, *fields]],
            ),
            (
                history._meta.db_table,
                history_fields,
                lambda obj: [
                    extra[f.attname] if f.attname in extra else _plain(getattr(obj, f.attname)) for f in history_fields
                ],
            ),
        ):
            statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
                sql.Identifier(target), sql.SQL(", ").join(sql.Identifier(f.column) for f in columns)
            )
            # Django's wrapper turns psycopg's errors into django.db's, which the shared importer reports.
            with connection.wrap_database_errors, raw.copy(statement) as copy:
                for obj in objects:
                    copy.write_row([_plain(value) for value in row_of(obj)])


def _plain(value):
    return value.name or "" if hasattr(value, "field") and hasattr(value, "name") else value


@register
class ListingImporter(Importer):
    code = "listings"
    label = gettext_lazy("Sobat UMKM catalogue")
    description = gettext_lazy(
        "One row per product of the Sobat UMKM marketplace, with the registry id of its MSME. A row with a "
        "marketplace product id already imported updates that listing."
    )
    office = Role.DKUMKMP
    lock_source = LISTINGS_SOURCE
    lock_columns = ("listed_on", "delisted_on")
    permission = "msme.add_listing"
    columns = (
        TextColumn("external_id", max_length=40, required=False, example="SU-000123"),
        LookupColumn(
            "msme_id",
            what=gettext_lazy("MSME"),
            lookup=lambda: {str(pk): pk for pk in Msme.objects.values_list("pk", flat=True)},
            example="1",
            help_text=gettext_lazy("The id of the MSME in the registry (shown on its page)."),
        ),
        TextColumn("product_name", max_length=200, example="Amplang kepiting 250 g"),
        LookupColumn(
            "category",
            what=gettext_lazy("marketplace category"),
            lookup=lambda: {c.code: c for c in MarketplaceCategory.objects.all()},
            example="makanan-ringan",
        ),
        DecimalColumn("price", min_value=0, decimal_places=2, max_digits=MONEY["max_digits"], example="25000"),
        DateColumn("listed_on", example="2023-05-02"),
        BooleanColumn("active", required=False, default=True, example="ya"),
        DateColumn("delisted_on", required=False, example=""),
    )

    def clean_row(self, values, row_number):
        errors = []
        if values["delisted_on"]:
            if values["delisted_on"] < values["listed_on"]:
                errors.append(("delisted_on", _("The delisting date is before the listing date.")))
            values["active"] = False
        return errors

    def clean_all(self, rows):
        errors, seen = [], {}
        for number, values in rows:
            external = values["external_id"]
            if not external:
                continue
            if external in seen:
                errors.append(
                    RowError(
                        number,
                        "external_id",
                        _("Duplicate of row %(row)d: the same product id appears twice in this file.")
                        % {"row": seen[external]},
                    )
                )
            seen.setdefault(external, number)
        return errors

    def stored_lock_dates(self, rows):
        """An updated listing (same external id) changes its stored dates too."""
        numbers = {values["external_id"]: number for number, values in rows if values["external_id"]}
        stored = Listing.objects.filter(external_id__in=numbers).values_list("external_id", "listed_on", "delisted_on")
        return {numbers[external]: [listed, delisted] for external, listed, delisted in stored}

    def save(self, rows):
        by = self.ctx.user if getattr(self.ctx.user, "pk", None) else None
        created = updated = 0
        new, dates = [], []
        for _number, values in rows:
            fields = {
                "msme_id": values["msme_id"],
                "product_name": values["product_name"],
                "category": values["category"],
                "price": values["price"],
                "listed_on": values["listed_on"],
                "active": values["active"],
                "delisted_on": values["delisted_on"],
            }
            dates += [values["listed_on"], values["delisted_on"]]
            stored = values["external_id"] and Listing.objects.filter(external_id=values["external_id"]).first()
            if stored:
                dates += [stored.listed_on, stored.delisted_on]  # an updated listing changes its old dates too
                outcome = record_upsert(
                    model=Listing, lookup={"external_id": values["external_id"]}, values=fields, by=by
                )
                updated += outcome == "updated"
            else:
                new.append(Listing(external_id=values["external_id"] or None, **fields))
        bulk_create_with_history(new, Listing, batch_size=CHUNK, default_user=by)
        created = len(new)
        mark_dirty(LISTINGS_SOURCE, dates)
        return created, updated
