"""The GRDP importer: BPS tables of value added by sector, for any registered region."""

from collections import defaultdict

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from smarteconomy.choices import Role
from smarteconomy.importing import (
    ChoiceColumn,
    DecimalColumn,
    Importer,
    IntegerColumn,
    LookupColumn,
    RowError,
    TextColumn,
    register,
)
from smarteconomy.models import Sector
from smarteconomy.services import record_upsert

from .bps_layout import LONG_HEADER, UNITS, BpsTable
from .choices import GrdpStatus, PriceBasis, RegionLevel
from .forms import GrdpBpsOptionsForm, GrdpOptionsForm
from .models import DEFAULT_UNIT, GrdpRelease, GrdpValue, Region
from .selectors import grdp_values
from .services import (
    GRDP_SOURCE,
    grdp_release_get_or_create,
    grdp_release_label,
    grdp_value_upsert,
    parse_release_date,
)


class RegionCodeColumn(LookupColumn):
    """A Kemendagri region code. A spreadsheet may have turned 64.10 into the number 64.1: put it back."""

    def to_python(self, value, ctx):
        if isinstance(value, float) and not value.is_integer():
            value = f"{value:.2f}"
        return super().to_python(value, ctx)


@register
class RegionImporter(Importer):
    """Regions whose GRDP can be imported (the province and its kabupaten/kota by default)."""

    code = "regions"
    label = gettext_lazy("Regions (Kemendagri codes)")
    office = Role.ADMIN
    permission = "analytics.add_region"
    columns = (
        TextColumn(
            "code",
            max_length=5,
            regex=r"\d{2}(\.\d{2})?",
            example="64.71",
            regex_message=gettext_lazy("Use a Kemendagri code: 64 or 64.71."),
        ),
        TextColumn("name", max_length=100, example="Kota Balikpapan"),
        ChoiceColumn("level", choices=RegionLevel.choices, example="city"),
    )
    key = ("code",)

    def save(self, rows):
        outcomes = [
            record_upsert(
                model=Region,
                lookup={"code": v["code"]},
                values={"name": v["name"], "level": v["level"]},
                by=self.ctx.user,
            )
            for _number, v in rows
        ]
        return outcomes.count("created"), outcomes.count("updated")


@register
class GrdpImporter(Importer):
    code = "grdp"
    label = gettext_lazy("GRDP (PDRB) by sector")
    description = gettext_lazy(
        "One row per region, BPS sector, year and price basis, as BPS publishes them. Each import is a release "
        "(its label below, or the source column): re-importing a row into the same release replaces its value, "
        "with the change kept in the history; a new release keeps the older one's values for comparison."
    )
    office = Role.BAPPEDA
    permission = "analytics.add_grdpvalue"
    lock_source = GRDP_SOURCE
    lock_columns = ("year",)
    columns = (
        RegionCodeColumn(
            "region_code",
            what=gettext_lazy("region"),
            example="64.71",
            lookup=lambda: {region.code: region for region in Region.objects.all()},
        ),
        TextColumn("region_name", max_length=100, required=False, example="Kota Balikpapan"),
        LookupColumn(
            "sector_code",
            what=gettext_lazy("BPS sector"),
            example="C",
            lookup=lambda: {sector.code: sector for sector in Sector.objects.all()},
        ),
        IntegerColumn("year", min_value=1990, max_value=2100, example="2023"),
        ChoiceColumn("price_basis", choices=PriceBasis.choices, example="ADHK"),
        DecimalColumn(
            "value",
            min_value=0,
            decimal_places=2,
            max_digits=GrdpValue._meta.get_field("value").max_digits,
            example="28543120.55",
            help_text=gettext_lazy("In the unit of the unit column (million rupiah by default)."),
        ),
        TextColumn("unit", max_length=30, required=False, example=DEFAULT_UNIT),
        TextColumn("source", max_length=200, required=False, example="BPS Kota Balikpapan, PDRB 2024"),
        ChoiceColumn(
            "status",
            choices=GrdpStatus.choices,
            required=False,
            example="final",
            help_text=gettext_lazy("final (default), preliminary (2023*) or very_preliminary (2024**)."),
        ),
    )
    key = ("region_code", "sector_code", "year", "price_basis")
    options_form = GrdpOptionsForm

    def release_problems(self):
        """[(param, message)] of the release chosen for the whole file (``vintage``, ``release_date``)."""
        params = self.ctx.params
        label = str(params.get("vintage") or "").strip()
        problems = []
        if len(label) > 200:
            problems.append(("vintage", _("The release label has at most 200 characters.")))
        try:
            released_on = parse_release_date(params.get("release_date"))
        except ValueError:
            problems.append(("release_date", _("The release date is a date: YYYY-MM-DD.")))
            released_on = None
        existing = GrdpRelease.objects.filter(label=label).first() if label else None
        if existing and released_on and existing.released_on != released_on:
            problems.append(
                (
                    "release_date",
                    _("The release “%(label)s” exists, dated %(date)s: leave the date empty or give that date.")
                    % {"label": label, "date": existing.released_on.isoformat()},
                )
            )
        self.release_label, self.released_on = label, released_on
        return problems

    def read(self, data, filename):
        problems = self.release_problems()
        if problems:
            self.reading_errors = [RowError(None, column, message) for column, message in problems]
            return self.column_names(), iter(()), False
        return super().read(data, filename)

    def release_for(self, source):
        label = grdp_release_label(vintage=self.release_label, source=source)
        releases = self.__dict__.setdefault("_releases", {})
        if label not in releases:
            releases[label] = grdp_release_get_or_create(label=label, released_on=self.released_on)
        return releases[label]

    def clean_row(self, values, row_number):
        name = values["region_name"]
        if name and name.casefold() != values["region_code"].name.casefold():
            self.ctx.warn(
                _("Region name “%(given)s” differs from the registered name “%(name)s”; the code is used.")
                % {"given": name, "name": values["region_code"].name},
                row_number,
                "region_name",
            )
        return []

    def clean_all(self, rows):
        sectors = defaultdict(set)
        first_row = {}
        for number, values in rows:
            key = (values["region_code"].code, values["year"], values["price_basis"])
            sectors[key].add(values["sector_code"].code)
            first_row.setdefault(key, number)
        all_codes = set(Sector.objects.values_list("code", flat=True))
        for key, present in sorted(sectors.items()):
            missing = sorted(all_codes - present)
            if missing:
                self.ctx.warn(
                    _(
                        "%(region)s %(year)s %(basis)s has %(count)d of %(total)d sectors (missing: %(missing)s); "
                        "totals are the sum of the sectors present."
                    )
                    % {
                        "region": key[0],
                        "year": key[1],
                        "basis": key[2],
                        "count": len(present),
                        "total": len(all_codes),
                        "missing": ", ".join(missing),
                    },
                    first_row[key],
                    "sector_code",
                )
        return []

    def lock_candidates(self, rows):
        # A row equal to the value the results read (the latest release's) changes nothing (a BPS table repeats
        # earlier years; a new release repeats the unrevised values): no change to a locked year. A revised value
        # of a locked year is refused, whichever release it comes in.
        stored = {
            (region, sector, year, basis): (value, status)
            for region, sector, year, basis, value, status in grdp_values()
            .filter(year__in={values["year"] for _number, values in rows})
            .values_list("region_id", "sector_id", "year", "price_basis", "value", "status")
        }
        return [
            (number, values)
            for number, values in rows
            if stored.get((values["region_code"].pk, values["sector_code"].pk, values["year"], values["price_basis"]))
            != (values["value"], values["status"] or GrdpStatus.FINAL)
        ]

    def save(self, rows):
        outcomes = [
            grdp_value_upsert(
                region=values["region_code"],
                sector=values["sector_code"],
                year=values["year"],
                price_basis=values["price_basis"],
                value=values["value"],
                unit=values["unit"] or DEFAULT_UNIT,
                source=values["source"] or "",
                release=self.release_for(values["source"] or ""),
                status=values["status"] or GrdpStatus.FINAL,
                by=self.ctx.user,
            )
            for _number, values in rows
        ]
        return outcomes.count("created"), outcomes.count("updated")


@register
class GrdpBpsImporter(GrdpImporter):
    """The same values from BPS's table as published (one region and price basis; sectors down, years across),
    reshaped into the rows of the long importer: validated, lock-checked and written by the same code."""

    code = "grdp_bps"
    label = gettext_lazy("GRDP (PDRB) by sector: BPS table as published")
    description = gettext_lazy(
        "One table per region and price basis, as in BPS publications and their downloads: sectors down, years "
        "across. Choose the region, the price basis and the release below; a re-import into the same release "
        "replaces its values (the change is kept in the history), a new release keeps the older one's values."
    )
    options_form = GrdpBpsOptionsForm
    offers_template = False
    layout_help = (
        gettext_lazy("CSV or XLSX (first sheet). Title and note rows above and below the table are skipped."),
        gettext_lazy(
            "The header row has the sector label column and one column per year; 2023* (preliminary) and 2024** "
            "(very preliminary) are accepted, on a year or a value."
        ),
        gettext_lazy(
            "Rows: the 17 categories as BPS labels them (A. Pertanian, Kehutanan, dan Perikanan ... M,N. Jasa "
            "Perusahaan, R,S,T,U. Jasa lainnya), or their letters or names alone. Sub-category rows (1. ..., "
            "a. ...) are checked against their category and not imported."
        ),
        gettext_lazy("The total row (Produk Domestik Regional Bruto, PDRB) must equal the sum of the categories."),
        gettext_lazy(
            "Numbers as 1.234.567,89 or 1234567.89; - or empty for no value. The unit (juta or miliar rupiah) from "
            "the title, or chosen below; values are stored in juta rupiah."
        ),
    )

    def read(self, data, filename):
        params = self.ctx.params
        region = Region.objects.filter(code=str(params.get("region") or "").strip()).first()
        basis = str(params.get("price_basis") or "").strip().upper()
        unit = str(params.get("unit") or "").strip().casefold().removesuffix(" rupiah")
        problems = self.release_problems()
        if region is None:
            problems.append(("region", _("Choose a registered region (its Kemendagri code, e.g. 64.71).")))
        if basis not in PriceBasis.values:
            problems.append(("price_basis", _("Choose the price basis: ADHK or ADHB.")))
        if unit and unit not in UNITS:
            problems.append(("unit", _("The unit is juta or miliar (rupiah).")))
        if problems:
            self.reading_errors = [RowError(None, column, message) for column, message in problems]
            return LONG_HEADER, iter(()), False
        table = BpsTable(
            {sector.code: sector for sector in Sector.objects.all()},
            self.columns[self.column_names().index("value")],
            region=region.code,
            price_basis=basis,
            unit=unit,
            source=str(params.get("source") or "").strip()[:200],
        )
        reshaped = table.reshape(data, filename)
        self.reading_errors = reshaped.errors
        self.ctx.warnings.extend(reshaped.warnings)
        return reshaped.header, iter(reshaped.rows), False
