"""Tables of the analytics pages. Display values are rounded and in Indonesian format; exports carry full
precision (the ``value`` of each column)."""

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from smarteconomy.tables import YearColumn
from smarteconomy.templatetags.formatting import number, percent

from .choices import MARK_OF_STATUS, GrdpStatus, source_label, unit_label
from .models import GrdpValue, Region

TABLE_ATTRS = {"class": "table table-sm table-hover align-middle"}


class NumberColumn(tables.Column):
    """A figure shown rounded with Indonesian separators, exported at full precision."""

    def __init__(self, *args, decimals=2, as_percent=False, **kwargs):
        self.decimals = decimals
        self.as_percent = as_percent
        kwargs.setdefault("attrs", {"td": {"class": "num"}, "th": {"class": "num"}})
        super().__init__(*args, **kwargs)

    def render(self, value):
        return percent(value, self.decimals) if self.as_percent else number(value, self.decimals)

    def value(self, value):
        return value


class GrdpValueTable(tables.Table):
    id = tables.Column(linkify=True, verbose_name="#")
    region = tables.Column(order_by=("region__code",))
    sector = tables.Column(order_by=("sector__order",))
    year = YearColumn()
    value = NumberColumn(decimals=2)

    class Meta:
        model = GrdpValue
        fields = ("id", "region", "sector", "year", "price_basis", "value", "unit", "status", "release", "source")
        attrs = TABLE_ATTRS

    def render_release(self, value):
        return source_label(value.label)

    def value_release(self, value):
        return value.label

    def render_source(self, value):
        return source_label(value)

    def value_source(self, value):
        return source_label(value)

    def render_unit(self, value):
        return unit_label(value)

    def value_unit(self, value):
        return unit_label(value)


class RegionTable(tables.Table):
    code = tables.Column(linkify=True)
    name = tables.Column(linkify=True)

    class Meta:
        model = Region
        fields = ("code", "name", "level")
        attrs = TABLE_ATTRS


class SectorRowsTable(tables.Table):
    """Rows are dicts with sector_code, sector_name and the measures; sorted in Python (17 rows).

    ``compact_rows`` gives the display cells directly (NumberColumn's formatting, no per-cell template and
    signature inspection): these tables are rendered on every analysis and must be cheap."""

    def compact_rows(self):
        columns = list(self.columns)
        rows = []
        for bound_row in self.rows:
            record = bound_row.record
            cells = []
            for column in columns:
                value = record.get(column.name)
                if isinstance(column.column, NumberColumn):
                    cells.append((column.column.render(value), "num"))
                else:
                    cells.append(("" if value is None else value, ""))
            rows.append(cells)
        return rows

    sector_code = tables.Column(verbose_name=_("Code"))
    sector_name = tables.Column(verbose_name=_("Sector"))

    class Meta:
        attrs = TABLE_ATTRS
        orderable = True


def year_mark(year, statuses):
    """2023* for a preliminary year, 2024** for a very preliminary one (BPS's marks), 2019 for a final one."""
    return f"{year}{MARK_OF_STATUS[statuses.get(year, GrdpStatus.FINAL)]}"


def status_columns(statuses):
    """Hidden columns of each year's status: not on the page (the years' marks are), in the CSV/XLSX exports."""
    return [
        (
            f"status_{year}",
            tables.Column(verbose_name=_("Status %(year)s") % {"year": year}, visible=False, orderable=False),
        )
        for year in statuses
    ]


def lq_table_class(years, statuses=None):
    statuses = statuses or {}
    attrs = {f"lq_{year}": NumberColumn(decimals=3, verbose_name=f"LQ {year_mark(year, statuses)}") for year in years}
    attrs["lq_mean"] = NumberColumn(decimals=3, verbose_name=_("LQ mean"))
    attrs["class_label"] = tables.Column(verbose_name=_("Class"))
    return type("LqTable", (SectorRowsTable,), attrs)


class DlqTable(SectorRowsTable):
    dlq = NumberColumn(decimals=3, verbose_name=_("DLQ"))
    slq_mean = NumberColumn(decimals=3, verbose_name=_("SLQ (LQ mean)"))
    quadrant = tables.Column(verbose_name=_("Position"))


class ShiftShareTable(SectorRowsTable):
    base_value = NumberColumn(decimals=0, verbose_name=_("Base year value"))
    end_value = NumberColumn(decimals=0, verbose_name=_("End year value"))
    delta = NumberColumn(decimals=0, verbose_name=_("Change (ΔQ)"))
    regional_share = NumberColumn(decimals=0, verbose_name=_("Regional share (PR)"))
    proportional_shift = NumberColumn(decimals=0, verbose_name=_("Proportional shift (PS)"))
    differential_shift = NumberColumn(decimals=0, verbose_name=_("Differential shift (DS)"))


class EstebanMarquillasTable(ShiftShareTable):
    competitive_effect = NumberColumn(decimals=0, verbose_name=_("Competitive effect (CE)"))
    allocation_effect = NumberColumn(decimals=0, verbose_name=_("Allocation effect (AE)"))


class KlassenTable(SectorRowsTable):
    lq_mean = NumberColumn(decimals=3, verbose_name=_("LQ mean"))
    region_growth = NumberColumn(decimals=2, as_percent=True, verbose_name=_("Growth in the region (per year)"))
    reference_growth = NumberColumn(decimals=2, as_percent=True, verbose_name=_("Growth in the reference (per year)"))
    quadrant = tables.Column(verbose_name=_("Klassen quadrant"))
