"""Importers of reference data: Kemendagri areas of Balikpapan and the BPS sectors."""

from collections import defaultdict

from django.db.models import F
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .choices import HolidayKind, Role
from .importing import ChoiceColumn, DateColumn, Importer, IntegerColumn, TextColumn, register
from .importing.base import RowError
from .models import Kecamatan, Kelurahan, PublicHoliday, Sector
from .periods import HOLIDAYS_SOURCE, mark_dirty
from .services import record_upsert

PARKED_ORDER = 10_000
AREA_LEVELS = [("kota", "kota"), ("kecamatan", "kecamatan"), ("kelurahan", "kelurahan")]
CODE_SHAPE = {"kota": r"64\.71", "kecamatan": r"64\.71\.\d{2}", "kelurahan": r"64\.71\.\d{2}\.\d{4}"}


def _count(outcomes):
    return outcomes.count("created"), outcomes.count("updated")


def _name_collisions(rows, *, stored, key, message):
    """Rows whose name (``key``) another area would also have once the file is saved: the database refuses two
    kecamatan with one name, or two kelurahan with one name in the same kecamatan. ``stored``: {code: key}."""
    final = {**stored, **{values["kode_kemendagri"]: key(values) for _number, values in rows}}
    codes_of = defaultdict(list)
    for code, name in final.items():
        codes_of[name].append(code)
    errors = []
    for number, values in rows:
        others = [code for code in codes_of[key(values)] if code != values["kode_kemendagri"]]
        if others:
            errors.append(RowError(number, "nama", message % {"codes": ", ".join(sorted(others))}))
    return errors


@register
class WilayahImporter(Importer):
    """The Kemendagri list of Kota Balikpapan: one row per kota, kecamatan and kelurahan."""

    code = "wilayah"
    label = gettext_lazy("Kecamatan and kelurahan (Kemendagri codes)")
    description = gettext_lazy(
        "One row per area: the city (kota), its kecamatan and their kelurahan, with Kemendagri codes."
    )
    office = Role.ADMIN
    permission = "smarteconomy.add_kelurahan"
    columns = (
        TextColumn(
            "kode_kemendagri",
            max_length=13,
            regex=r"64\.71(\.\d{2}(\.\d{4})?)?",
            regex_message=gettext_lazy("Use a Kemendagri code of Balikpapan: 64.71, 64.71.NN or 64.71.NN.NNNN."),
            example="64.71.01.1001",
        ),
        ChoiceColumn("level", choices=AREA_LEVELS, example="kelurahan"),
        TextColumn(
            "kecamatan",
            max_length=100,
            required=False,
            example="Balikpapan Timur",
            help_text=gettext_lazy("Name of the kecamatan the kelurahan belongs to."),
        ),
        TextColumn("nama", max_length=100, example="Manggar"),
        TextColumn(
            "kode_pos",
            max_length=5,
            regex=r"\d{5}",
            required=False,
            example="76116",
            regex_message=gettext_lazy("A postal code has 5 digits."),
        ),
    )
    key = ("kode_kemendagri",)

    def clean_row(self, values, row_number):
        import re

        level = values["level"]
        if not re.fullmatch(CODE_SHAPE[level], values["kode_kemendagri"]):
            return [("kode_kemendagri", _("This code does not have the shape of a %(level)s code.") % {"level": level})]
        if level == "kelurahan" and not values["kecamatan"]:
            return [("kecamatan", _("A kelurahan needs its kecamatan."))]
        return []

    def clean_all(self, rows):
        in_file = {v["kode_kemendagri"] for _, v in rows if v["level"] == "kecamatan"}
        known = set(Kecamatan.objects.values_list("code", flat=True))
        errors = _name_collisions(
            [(n, v) for n, v in rows if v["level"] == "kecamatan"],
            stored=dict(Kecamatan.objects.values_list("code", "name")),
            key=lambda v: v["nama"],
            message=gettext_lazy("Kecamatan %(codes)s has the same name; each kecamatan needs its own name."),
        )
        errors += _name_collisions(
            [(n, v) for n, v in rows if v["level"] == "kelurahan"],
            stored={
                code: (kecamatan, name)
                for code, kecamatan, name in Kelurahan.objects.values_list("code", "kecamatan__code", "name")
            },
            key=lambda v: (v["kode_kemendagri"][:8], v["nama"]),
            message=gettext_lazy(
                "Kelurahan %(codes)s of the same kecamatan has the same name; each kelurahan needs its own name."
            ),
        )
        return errors + [
            RowError(
                number,
                "kode_kemendagri",
                _("Kecamatan %(code)s is neither in this file nor in the database.")
                % {"code": v["kode_kemendagri"][:8]},
            )
            for number, v in rows
            if v["level"] == "kelurahan" and v["kode_kemendagri"][:8] not in in_file | known
        ]

    def save(self, rows):
        outcomes = []
        for _number, values in rows:
            if values["level"] == "kecamatan":
                outcomes.append(
                    record_upsert(
                        model=Kecamatan,
                        lookup={"code": values["kode_kemendagri"]},
                        values={"name": values["nama"]},
                        by=self.ctx.user,
                    )
                )
        kecamatan = {k.code: k for k in Kecamatan.objects.all()}
        for _number, values in rows:
            if values["level"] == "kelurahan":
                code = values["kode_kemendagri"]
                outcomes.append(
                    record_upsert(
                        model=Kelurahan,
                        by=self.ctx.user,
                        lookup={"code": code},
                        values={
                            "name": values["nama"],
                            "kecamatan": kecamatan[code[:8]],
                            "postal_code": values["kode_pos"] or "",
                        },
                    )
                )
        return _count(outcomes)


@register
class SectorImporter(Importer):
    """The 17 BPS sectors of GRDP by business field, with Indonesian and English names."""

    code = "sectors"
    label = gettext_lazy("BPS sectors (GRDP by business field)")
    office = Role.ADMIN
    permission = "smarteconomy.add_sector"
    columns = (
        IntegerColumn("order", min_value=1, max_value=99, example="1"),
        TextColumn(
            "code",
            max_length=4,
            regex=r"[A-Z]{1,4}",
            example="A",
            regex_message=gettext_lazy("A BPS sector code is 1 to 4 capital letters."),
        ),
        TextColumn("name_id", max_length=200, example="Pertanian, Kehutanan, dan Perikanan"),
        TextColumn("name_en", max_length=200, example="Agriculture, Forestry and Fishing"),
        TextColumn("label_in_paper", max_length=200, required=False, example=""),
    )
    key = ("code",)

    def clean_all(self, rows):
        seen = {}
        errors = []
        for number, values in rows:
            if values["order"] in seen:
                errors.append(
                    RowError(number, "order", _("Duplicate of row %(row)d.") % {"row": seen[values["order"]]})
                )
            seen[values["order"]] = number
        # The order is unique in the database too: a sector that this file does not list keeps its order.
        in_file = {values["code"] for _number, values in rows}
        kept = {order: code for code, order in Sector.objects.values_list("code", "order") if code not in in_file}
        for number, values in rows:
            if values["order"] in kept:
                errors.append(
                    RowError(
                        number,
                        "order",
                        _("Sector %(code)s already has the order %(order)d; give this sector another order.")
                        % {"code": kept[values["order"]], "order": values["order"]},
                    )
                )
        return errors

    def save(self, rows):
        # Orders are unique: a file that swaps two sectors' orders would collide halfway through. The sectors whose
        # order changes are first parked above every order a file may give (at most 99), without history.
        stored = dict(Sector.objects.values_list("code", "order"))
        moving = [v["code"] for _number, v in rows if v["code"] in stored and stored[v["code"]] != v["order"]]
        Sector.objects.filter(code__in=moving).update(order=F("order") + PARKED_ORDER)
        outcomes = [
            record_upsert(
                model=Sector,
                by=self.ctx.user,
                lookup={"code": values["code"]},
                values={
                    "order": values["order"],
                    "name_id": values["name_id"],
                    "name_en": values["name_en"],
                    "label_in_paper": values["label_in_paper"] or "",
                },
            )
            for _number, values in rows
        ]
        return _count(outcomes)


@register
class PublicHolidayImporter(Importer):
    """Public holidays and cuti bersama (the yearly joint ministerial decree, SKB 3 Menteri)."""

    code = "holidays"
    label = gettext_lazy("Public holidays and collective leave")
    office = Role.ADMIN
    permission = "smarteconomy.add_publicholiday"
    columns = (
        DateColumn("date", example="2026-08-17"),
        TextColumn("name", max_length=200, example="Hari Kemerdekaan Republik Indonesia"),
        ChoiceColumn(
            "kind", choices=HolidayKind.choices, required=False, default=HolidayKind.NATIONAL, example="national"
        ),
    )
    key = ("date",)

    def save(self, rows):
        outcomes = [
            record_upsert(
                model=PublicHoliday,
                lookup={"date": v["date"]},
                values={"name": v["name"], "kind": v["kind"] or HolidayKind.NATIONAL},
                by=self.ctx.user,
            )
            for _number, v in rows
        ]
        mark_dirty(
            HOLIDAYS_SOURCE,
            [v["date"] for (_number, v), outcome in zip(rows, outcomes, strict=True) if outcome == "created"],
        )
        return _count(outcomes)
