"""BPS's published GRDP table (one region, one price basis: sectors down, years across) reshaped into the rows of
the long GRDP importer, so that both layouts are validated and written by the same code.

The table as BPS publishes it (Kota Balikpapan Dalam Angka, the PDRB by industry publications, their XLSX/CSV
downloads): title rows, a header row (the sector label column and one column per year, the last years marked
``2023*`` preliminary and ``2024**`` very preliminary), the 17 categories with their sub-categories, the total
row (PDRB), then notes. Every problem is reported with its row and column (the column's header as written).
"""

import re
from dataclasses import dataclass, field
from decimal import Decimal
from types import SimpleNamespace

from django.utils.translation import gettext as _

from smarteconomy.importing import RowError
from smarteconomy.importing.columns import CellError, parse_decimal
from smarteconomy.importing.readers import Formula, read_table

from .choices import STATUS_OF_MARK
from .models import DEFAULT_UNIT

LONG_HEADER = [
    "region_code",
    "region_name",
    "sector_code",
    "year",
    "price_basis",
    "value",
    "unit",
    "source",
    "status",
]

# "2023", "2023*", "2024**", "2023*)" (BPS's own spelling), and 2023.0 (a year typed into a number cell).
YEAR_RE = re.compile(r"((?:19|20)\d{2})(?:\.0)?\s*(\*{0,2})\)?")
MARK_RE = re.compile(r"\s*(\*{1,2})\)?$")
NO_VALUE = {"", "-", "–", "—"}  # noqa: RUF001 (BPS writes a dash, sometimes typeset as an en or em dash)
CENT = Decimal("0.01")
# The stored value has at most 18 digits before the decimal point (GrdpValue.value: 20 digits, 2 decimals).
MAX_WHOLE_DIGITS = 18
PLAIN = SimpleNamespace(decimal_comma=False)  # the context a column needs to check an already parsed number

# The unit as the title states it, and its factor to the stored unit (juta rupiah).
UNITS = {"juta": Decimal(1), "miliar": Decimal(1000), "milyar": Decimal(1000), "triliun": Decimal(1_000_000)}
UNIT_RE = re.compile(
    r"\b(juta|miliar|milyar|triliun)\s*(?:rupiah|rp\b)|\b(?:rupiah|rp\.?)\s*(juta|miliar|milyar|triliun)\b"
)

CATEGORY_RE = re.compile(r"([A-Z](?:\s*[,&/-]?\s*[A-Z])*)\s*(?:[.)]\s*(.*))?", re.DOTALL)
SUB_RE = re.compile(r"(\d{1,2}|[a-z])[.)]\s*\S.*", re.DOTALL)


def normalized(text):
    """A label compared loosely: case, punctuation and the word "dan" ignored."""
    words = re.sub(r"[^\w]+", " ", str(text).casefold()).split()
    return " ".join(word for word in words if word != "dan")


HEADER_LINE_RE = re.compile(r"(?:^|[,;\t])\s*\"?(?:19|20)\d{2}\s*\**\)?\"?\s*(?:[,;\t]|$)")


def sniff_delimiter(data):
    """The delimiter of a CSV table, read on its header line (the first with a year as a field): its title line,
    the one the shared reader looks at, may hold a comma in a semicolon file ("PDRB Kota Balikpapan, 2019-2023")."""
    text = data[:65536].decode("utf-8", errors="ignore")
    for line in text.splitlines():
        counts = {delimiter: line.count(delimiter) for delimiter in (",", ";", "\t")}
        if HEADER_LINE_RE.search(line) and any(counts.values()):
            return max(counts, key=counts.get)
    return None


def _text(cell):
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        cell = int(cell)
    return str(cell).strip()


def _year(cell):
    """(year, mark) of a header cell, or None when it is not a year."""
    if isinstance(cell, bool | Formula):
        return None
    match = YEAR_RE.fullmatch(_text(cell))
    return (int(match.group(1)), match.group(2)) if match else None


@dataclass
class Line:
    """A row of the table body: a category, a sub-category or the total, with its values by year."""

    number: int
    kind: str  # "category", "sub", "total"
    label: str
    code: str = ""
    level: int = 0  # sub-categories: 1 for "1. ...", 2 for "a. ..."
    values: dict = field(default_factory=dict)  # year -> Decimal or None (in the table's unit)
    places: dict = field(default_factory=dict)  # year -> decimal places as written
    marks: dict = field(default_factory=dict)  # year -> BPS's mark on the value ("*" or "**")
    children: list = field(default_factory=list)


@dataclass
class Reshaped:
    header: list
    rows: list  # [(row number, cells of LONG_HEADER)]
    errors: list  # [RowError]
    warnings: list  # [RowError]


class BpsTable:
    """Reads one published table. ``sectors``: {code: Sector}; ``region``: its code; ``unit``: a key of UNITS or
    "" (the title states it)."""

    def __init__(self, sectors, value_column, *, region, price_basis, unit="", source=""):
        self.sectors = sectors
        self.value_column = value_column  # the long importer's: the stored value's limits, checked per cell
        self.by_name = {}
        for sector in sectors.values():
            self.by_name[normalized(sector.name_id)] = sector
            self.by_name[normalized(sector.name_en)] = sector
        self.region = region
        self.price_basis = price_basis
        self.unit = unit
        self.source = source
        self.errors = []
        self.warnings = []

    def error(self, row, column, message):
        self.errors.append(RowError(row, column, message))

    # --- The parts of the table ----------------------------------------------------------------------------

    def reshape(self, data, filename):
        header, rows, _decimal_comma = read_table(data, filename, sniff_delimiter(data))
        table = [(1, list(header))] + [(number, list(cells)) for number, cells in rows]
        start = self.find_header(table)
        if start is None:
            if self.errors:  # a header row was found but cannot be read; its problem is reported
                return self.result([])
            self.error(
                None,
                "",
                _(
                    "No header row found: the table needs a row with the sector label column and one column per "
                    "year (2019, 2020, ..., 2023*, 2024**)."
                ),
            )
            return self.result([])
        index, label_column, years = start
        header_number = table[index][0]
        self.label_name = _text(table[index][1][label_column]) or _("sector label")
        factor = self.find_unit(table[: index + 1], header_number)
        if not self.source:  # the title of the table says which publication it is
            titles = [_text(cell) for _number, cells in table[:index] for cell in cells if _text(cell)]
            self.source = titles[0][:200] if titles else ""
        lines = self.read_body(table[index + 1 :], label_column, years)
        if not any(line.kind == "category" for line in lines) and not self.errors:
            self.error(
                header_number, "", _("The table has no category rows (A. Pertanian, ... R,S,T,U. Jasa lainnya).")
            )
        self.check_sums(lines, years)
        marks = self.report_marks(header_number, years, lines)
        if factor is None:
            return self.result([])
        return self.result(self.long_rows(lines, years, factor, marks))

    def result(self, rows):
        return Reshaped(LONG_HEADER, rows, self.errors, self.warnings)

    def find_header(self, table):
        """(index in table, label column, {column: (year, mark, header text)}) of the first row with years."""
        for index, (number, cells) in enumerate(table):
            year_columns = {position: _year(cell) for position, cell in enumerate(cells)}
            year_columns = {position: year for position, year in year_columns.items() if year}
            if not year_columns:
                continue
            others = [position for position, cell in enumerate(cells) if position not in year_columns and _text(cell)]
            if others:
                label_column = others[0]
            elif min(year_columns) > 0:
                label_column = min(year_columns) - 1
            else:
                self.error(number, _text(cells[0]), _("The header row has no sector label column before the years."))
                return None
            for position in others[1:]:
                self.error(
                    number,
                    _text(cells[position]),
                    _("This column is neither the sector label nor a year; the table has one column per year."),
                )
            years, seen = {}, {}
            for position, (year, mark) in sorted(year_columns.items()):
                text = _text(cells[position])
                if year < 1990:
                    self.error(number, text, _("Year %(year)d is before 1990.") % {"year": year})
                elif year in seen:
                    self.error(
                        number,
                        text,
                        _("Year %(year)d appears twice in the header (also as “%(other)s”).")
                        % {"year": year, "other": seen[year]},
                    )
                else:
                    seen[year] = text
                    years[position] = (year, mark, text)
            return index, label_column, years
        return None

    def find_unit(self, head, header_number):
        """The factor from the table's unit to juta rupiah: the title's unit and/or the one given."""
        stated = {}
        for number, cells in head:
            for cell in cells:
                for match in UNIT_RE.finditer(_text(cell).casefold()):
                    stated.setdefault(match.group(1) or match.group(2), number)
        factors = {UNITS[word] for word in stated}
        if len(factors) > 1:
            self.error(
                max(stated.values()),
                "unit",
                _("The title states more than one unit (%(units)s).") % {"units": ", ".join(sorted(stated))},
            )
            return None
        if self.unit:
            if factors and factors != {UNITS[self.unit]}:
                word = next(iter(stated))
                self.error(
                    stated[word],
                    "unit",
                    _("The title says “%(title)s rupiah” but “%(given)s rupiah” was given.")
                    % {"title": word, "given": self.unit},
                )
                return None
            return UNITS[self.unit]
        if not factors:
            self.error(
                header_number,
                "unit",
                _(
                    "The unit is neither stated in the title (juta rupiah, miliar rupiah) nor given; choose it "
                    "(--unit juta or miliar)."
                ),
            )
            return None
        return factors.pop()

    def decimal_comma(self, body, years):
        """Indonesian numbers (1.234.567,89) unless a value is plainly written with a decimal point."""
        texts = [
            MARK_RE.sub("", cell).replace(" ", "").replace("\u00a0", "")
            for _number, cells in body
            for position in years
            if position < len(cells) and isinstance(cell := cells[position], str) and not isinstance(cell, Formula)
        ]
        if any("," in text for text in texts):
            return True
        return not any(
            re.fullmatch(r"[+-]?\d*\.\d+", text) and not re.fullmatch(r"[+-]?\d{1,3}(\.\d{3})+", text) for text in texts
        )

    def classify(self, number, label):
        """A Line for a row's label, or None for a note (or a row to skip)."""
        if normalized(label).startswith(("produk domestik regional bruto", "pdrb")) or normalized(label) == "total":
            if "migas" in normalized(label):
                self.warnings.append(
                    RowError(number, self.label_name, _("“%(label)s” is not imported.") % {"label": label})
                )
                return "skip"
            return Line(number, "total", label)
        match = CATEGORY_RE.fullmatch(label)
        if match:
            code = re.sub(r"[^A-Z]", "", match.group(1))
            sector = self.sectors.get(code)
            if sector is None:
                return None
            name = (match.group(2) or "").strip()
            if name and normalized(name) not in (normalized(sector.name_id), normalized(sector.name_en)):
                self.warnings.append(
                    RowError(
                        number,
                        self.label_name,
                        _("“%(label)s” is read as category %(code)s (%(name)s).")
                        % {"label": label, "code": sector.code, "name": sector.name_id},
                    )
                )
            return Line(number, "category", label, code=sector.code)
        sector = self.by_name.get(normalized(label))
        if sector is not None:
            return Line(number, "category", label, code=sector.code)
        match = SUB_RE.fullmatch(label)
        if match:
            return Line(number, "sub", label, level=1 if match.group(1).isdigit() else 2)
        return None

    def read_body(self, body, label_column, years):
        decimal_comma = self.decimal_comma(body, years)
        lines, seen, total = [], {}, None
        category = sub = None
        for number, cells in body:
            raw_label = cells[label_column] if label_column < len(cells) else None
            raw_values = {position: cells[position] if position < len(cells) else None for position in years}
            label = _text(raw_label)
            filled = {position: raw for position, raw in raw_values.items() if _text(raw) not in NO_VALUE}
            if not label and not filled:
                continue  # a blank row
            if isinstance(raw_label, Formula):
                self.error(number, self.label_name, _("Formulas are not accepted (%(formula)s).") % {"formula": label})
                continue
            line = self.classify(number, label) if label else None
            if line == "skip":
                continue
            if line is None:
                if filled:
                    self.error(
                        number,
                        self.label_name,
                        _(
                            "Unknown category “%(label)s”: use BPS's 17 categories (A. Pertanian, Kehutanan, dan "
                            "Perikanan ... R,S,T,U. Jasa lainnya), their letters or their names."
                        )
                        % {"label": label},
                    )
                continue  # a note row (source, footnotes) carries no values
            for position, raw in raw_values.items():
                self.read_value(line, position, raw, years[position], decimal_comma)
            if line.kind == "category":
                if line.code in seen:
                    self.error(
                        number,
                        self.label_name,
                        _("Category %(code)s appears twice (first in row %(row)d).")
                        % {"code": line.code, "row": seen[line.code]},
                    )
                    continue
                seen[line.code] = number
                category, sub = line, None
            elif line.kind == "total":
                if total is not None:
                    self.error(
                        number, self.label_name, _("A second total row (first in row %(row)d).") % {"row": total.number}
                    )
                    continue
                total = line
                category = sub = None
            else:
                parent = category if line.level == 1 else sub or category
                if parent is None:
                    self.error(
                        number,
                        self.label_name,
                        _("Sub-category “%(label)s” is not below a category.") % {"label": label},
                    )
                    continue
                parent.children.append(line)
                if line.level == 1:
                    sub = line
            lines.append(line)
        return lines

    def read_value(self, line, position, raw, year_info, decimal_comma):
        year, mark, column = year_info
        if isinstance(raw, Formula):
            self.error(line.number, column, _("Formulas are not accepted (%(formula)s).") % {"formula": raw})
            return
        if isinstance(raw, str):
            found = MARK_RE.search(raw)
            text = MARK_RE.sub("", raw).strip()
            if found:
                line.marks[year] = found.group(1)
            if text in NO_VALUE:
                line.values[year] = None
                return
            raw = text
        elif raw is None:
            line.values[year] = None
            return
        try:
            number = parse_decimal(raw, decimal_comma)
        except CellError as exc:
            self.error(line.number, column, str(exc))
            return
        if number.adjusted() >= MAX_WHOLE_DIGITS:  # 9e9999 would break the sums and the unit's conversion
            self.error(
                line.number,
                column,
                _("Too large: at most %(digits)d digits before the decimal point (got %(value)s).")
                % {"digits": MAX_WHOLE_DIGITS, "value": raw},
            )
            return
        line.values[year] = number
        exponent = number.as_tuple().exponent
        line.places[year] = -exponent if isinstance(exponent, int) and exponent < 0 else 0

    # --- Checks ---------------------------------------------------------------------------------------------

    @staticmethod
    def close(parts, whole, places):
        """Equal within rounding: each figure is rounded to its decimals, so n parts and the whole differ by at
        most (n + 1) half-units of the last decimal."""
        tolerance = Decimal(len(parts) + 1) * Decimal("0.5") * Decimal(10) ** -min(places, 2)
        return abs(sum(parts) - whole) <= tolerance

    def check_sums(self, lines, years):
        columns = {year: text for year, _mark, text in years.values()}
        for line in lines:
            if not line.children:
                continue
            for year, column in columns.items():
                whole = line.values.get(year)
                parts = [child.values.get(year) for child in line.children]
                if whole is None or any(part is None for part in parts):
                    continue  # checked only where every sub-category row has a value
                places = max([line.places.get(year, 0)] + [child.places.get(year, 0) for child in line.children])
                if not self.close(parts, whole, places):
                    self.error(
                        line.number,
                        column,
                        _(
                            "“%(label)s” is %(whole)s in %(year)d but its sub-categories (rows %(first)d–%(last)d) "
                            "add up to %(sum)s."
                        )
                        % {
                            "label": line.label,
                            "whole": whole,
                            "year": year,
                            "first": line.children[0].number,
                            "last": line.children[-1].number,
                            "sum": sum(parts),
                        },
                    )
        totals = [line for line in lines if line.kind == "total"]
        categories = [line for line in lines if line.kind == "category"]
        for total in totals:
            for year, column in columns.items():
                whole = total.values.get(year)
                if whole is None:
                    continue
                parts = [line.values[year] for line in categories if line.values.get(year) is not None]
                places = max([total.places.get(year, 0)] + [line.places.get(year, 0) for line in categories])
                if not self.close(parts, whole, places):
                    self.error(
                        total.number,
                        column,
                        _("The total “%(label)s” is %(whole)s in %(year)d but the categories add up to %(sum)s.")
                        % {"label": total.label, "whole": whole, "year": year, "sum": sum(parts)},
                    )

    def report_marks(self, header_number, years, lines):
        """{year: "*" or "**"} of the years BPS marks preliminary (on the year or on any of its values), reported;
        every value of a marked year is stored with that status."""
        marks = {year: mark for year, mark, _text_ in years.values() if mark}
        for line in lines:
            for year, mark in line.marks.items():
                marks[year] = max(marks.get(year, ""), mark)
        if not marks:
            return marks
        described = ", ".join(
            f"{year}{mark} ({_('very preliminary') if mark == '**' else _('preliminary')})"
            for year, mark in sorted(marks.items())
        )
        self.warnings.append(
            RowError(
                header_number,
                "",
                _("Marked by BPS: %(years)s. The values of these years are stored with that status.")
                % {"years": described},
            )
        )
        return marks

    def long_rows(self, lines, years, factor, marks):
        rows = []
        for line in lines:
            if line.kind != "category":
                continue
            for year, _mark, column in years.values():
                value = line.values.get(year)
                if value is None:
                    continue
                value = value * factor
                if value == value.quantize(CENT):  # 34.597,99933 miliar is 34597999.33 juta, exactly
                    value = value.quantize(CENT)
                try:  # checked here to name the year's column, not "value"
                    self.value_column.to_python(value, PLAIN)
                except CellError as exc:
                    self.error(line.number, column, str(exc))
                    continue
                rows.append(
                    (
                        line.number,
                        [
                            self.region,
                            "",
                            line.code,
                            str(year),
                            self.price_basis,
                            str(value),
                            DEFAULT_UNIT,
                            self.source,
                            STATUS_OF_MARK[marks.get(year, "")],
                        ],
                    )
                )
        return rows
