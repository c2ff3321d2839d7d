"""The monitoring report for Bappeda's meetings: the scorecard of one period as an XLSX workbook or a PDF,
produced on demand from the indicator snapshots only (never from the records themselves).

A yearly report shows each indicator's snapshot of that year. A monthly report shows the month's snapshot
of the monthly indicators, and for a yearly indicator its latest year up to that month that has a value
(the latest year at all when none has one): the data of the running year rarely exists yet.
"""

import io
import math
import textwrap
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from xml.sax.saxutils import escape
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.http import HttpResponse, HttpResponseBadRequest
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views import View

from smarteconomy.exporting import neutralize
from smarteconomy.periods import period_label
from smarteconomy.templatetags.formatting import number

from . import registry
from .charts import abbreviate_id
from .choices import Direction, Frequency, Pillar, SnapshotStatus, Unit
from .selectors import last_recompute, snapshot_list
from .views.scorecard import STATUS_STYLE, format_value

WITA = ZoneInfo("Asia/Makassar")
NOT_COMPUTED = "not_computed"
TREND_POINTS = 24  # the longest trend a chart shows (two years of a monthly indicator)
FORMATS = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
# The Bootstrap colours of the scorecard's status badges (STATUS_STYLE), for the PDF and the workbook.
STYLE_COLOURS = {
    "success": ("#198754", "#ffffff"),
    "warning": ("#ffc107", "#212529"),
    "danger": ("#dc3545", "#ffffff"),
    "secondary": ("#6c757d", "#ffffff"),
    "light": ("#e9ecef", "#212529"),
}
VALUE_COLOUR = "#0d6efd"
TARGET_COLOUR = "#fd7e14"


# --------------------------------------------------------------------------------------------------
# The report's content, shared by both formats
# --------------------------------------------------------------------------------------------------


def local_time(moment):
    return f"{timezone.localtime(moment, WITA):%d/%m/%Y %H:%M} WITA"


@dataclass
class ReportRow:
    indicator: registry.Indicator
    snapshot: object  # the IndicatorSnapshot shown, or None when the period has none
    series: list = field(default_factory=list)  # snapshots of the trend, up to the one shown

    @property
    def status(self):
        return self.snapshot.status if self.snapshot else NOT_COMPUTED

    @property
    def status_label(self):
        return status_label(self.status)

    @property
    def colours(self):
        return STYLE_COLOURS[STATUS_STYLE.get(self.status, "light")]

    @property
    def period(self):
        return self.snapshot.period if self.snapshot else ""

    @property
    def completeness(self):
        if not self.snapshot:
            return "–"
        data = self.snapshot.shown_completeness
        return f"{data.get('present', 0)}/{data.get('expected', 0)}"

    def missing(self):
        """(input, detail) of what is missing for the period shown."""
        if not self.snapshot:
            return [("–", _("No snapshot for this period: not computed yet."))]
        data = self.snapshot.shown_completeness
        items = [
            (item.get("name", ""), item.get("detail", "")) for item in data.get("inputs", []) if not item["present"]
        ]
        if not items and self.snapshot.status == SnapshotStatus.INCOMPLETE:
            items = [("–", _("The value could not be computed."))]
        return items

    @property
    def note(self):
        return self.snapshot.shown_completeness["note"] if self.snapshot else ""

    def trend(self):
        """[(period, value, target)] for the trend chart; an incomplete value is left out, as on the page."""
        return [(s.period, s.value if s.status != SnapshotStatus.INCOMPLETE else None, s.target) for s in self.series]

    @property
    def has_trend(self):
        points = self.trend()
        return len(points) >= 2 and any(v is not None or t is not None for _p, v, t in points)


def status_label(status):
    return _("Not computed yet") if status == NOT_COMPUTED else str(SnapshotStatus(status).label)


@dataclass
class Report:
    period: registry.Period
    pillars: list  # [(Pillar, [ReportRow])], every pillar, in the scorecard's order
    data_as_of: object  # datetime or None
    generated_at: datetime
    # A published edition (analytics.models.ScorecardEdition) when the report is one: its rows are the edition's
    # frozen entries, and both formats print its title, publisher and content hash, with their dates fixed to
    # its publication so that the same edition always gives the same file.
    edition: object = None

    @property
    def rows(self):
        return [row for _pillar, rows in self.pillars for row in rows]

    @property
    def title(self):
        # Translators: "Laporan Pemantauan Indikator Smart Economy Kota Balikpapan"
        return _("Monitoring Report of the Smart Economy Indicators of Kota Balikpapan")

    @property
    def period_text(self):
        if self.period.is_month:
            return _("Monthly report, %(period)s") % {"period": period_label(str(self.period), long=True)}
        return _("Yearly report, %(period)s") % {"period": self.period.year}

    @property
    def data_as_of_text(self):
        if self.data_as_of is None:
            return _("Data as of: no recompute has finished yet")
        # Translators: "Data per 28/11/2026 07:33 WITA"
        return _("Data as of %(time)s") % {"time": local_time(self.data_as_of)}

    @property
    def generated_text(self):
        if self.edition is not None:
            return _("Edition “%(title)s”, published on %(time)s by %(name)s") % {
                "title": self.edition.title,
                "time": local_time(self.edition.published_at),
                "name": self.edition.published_by_name,
            }
        return _("Produced on %(time)s from the scorecard snapshots") % {"time": local_time(self.generated_at)}

    @property
    def hash_text(self):
        """The edition's content hash (empty for a report of the live scorecard)."""
        if self.edition is None:
            return ""
        return _("Content hash (SHA-256): %(hash)s") % {"hash": self.edition.content_hash}

    @property
    def status_explanation(self):
        return _(
            "Achievement is the value as a percentage of the target (the target as a percentage of the value "
            "when lower is better). On track: 100%% or more; at risk: %(at_risk)s%% or more; off track: below. "
            "A value whose inputs are not all present is shown as incomplete data."
        ) % {"at_risk": number(settings.SCORECARD_AT_RISK_FROM, 0)}

    def counts(self):
        """[(status, label, count)] for every status, then the indicators without a snapshot."""
        statuses = [*SnapshotStatus.values, NOT_COMPUTED]
        return [(s, status_label(s), sum(1 for row in self.rows if row.status == s)) for s in statuses]

    def missing(self):
        """[(row, input, detail)] of every input missing for the period shown."""
        return [(row, name, detail) for row in self.rows for name, detail in row.missing()]

    @property
    def filename(self):
        if self.edition is not None:
            return f"edisi-smart-economy-{self.period}-{self.edition.pk}"
        return f"laporan-smart-economy-{self.period}"


def _is_year(snapshot):
    return len(snapshot.period) == 4


def _choose(indicator, snapshots, period):
    """The snapshot a report of ``period`` shows for the indicator, and the trend leading to it. A quarterly
    indicator in a report of a month shows its last quarter ended by the end of that month."""
    years = [s for s in snapshots if _is_year(s)]
    months = [s for s in snapshots if not _is_year(s)]
    chosen = None
    if indicator.frequency == Frequency.QUARTERLY and period.is_month:
        ended = [s for s in months if registry.Period.parse(s.period).end <= period.end]
        with_value = [s for s in ended if s.value is not None]
        chosen = (with_value or ended or [None])[-1]
    elif not period.is_month:
        chosen = next((s for s in years if s.period == str(period)), None)
        if chosen is None and indicator.frequency != Frequency.YEARLY:
            in_year = [s for s in months if s.period.startswith(f"{period.year}-")]
            chosen = in_year[-1] if in_year else None
    elif indicator.frequency == Frequency.MONTHLY:
        chosen = next((s for s in months if s.period == str(period)), None)
    else:
        earlier = [s for s in years if int(s.period) <= period.year]
        with_value = [s for s in earlier if s.value is not None]
        chosen = (with_value or earlier or [None])[-1]
    if chosen is None:
        return None, []
    same_kind = years if _is_year(chosen) else months
    series = [s for s in same_kind if s.period_start <= chosen.period_start][-TREND_POINTS:]
    return chosen, series


def build_report(period, user=None):
    """Everything both formats show for one period: one query for the snapshots, one for the last run. With
    ``user``, the indicators withheld from the user (analytics.selectors.indicator_withheld) have no value."""
    by_indicator = {}
    for snapshot in snapshot_list(user=user):
        by_indicator.setdefault(snapshot.indicator_code, []).append(snapshot)
    pillars = []
    for pillar in Pillar:
        rows = []
        for indicator in registry.all_indicators():
            if indicator.pillar == pillar:
                snapshot, series = _choose(indicator, by_indicator.get(indicator.code, []), period)
                rows.append(ReportRow(indicator, snapshot, series))
        pillars.append((pillar, rows))
    run = last_recompute()
    data_as_of = run.finished_at if run else None
    if data_as_of is None:
        times = [s.computed_at for snapshots in by_indicator.values() for s in snapshots]
        data_as_of = max(times) if times else None
    return Report(period=period, pillars=pillars, data_as_of=data_as_of, generated_at=timezone.now())


def default_period():
    """The latest year that has snapshots (this year when there are none)."""
    years = [int(text[:4]) for text in snapshot_list().values_list("period", flat=True).distinct()]
    return registry.Period(max(years) if years else timezone.localdate().year)


def _no_indicator_text():
    return _("No indicator of this pillar is in the scorecard yet.")


def _columns():
    return [
        _("Indicator"),
        _("Period"),
        _("Value"),
        _("Target"),
        _("Achievement (%)"),
        _("Status"),
        _("Completeness"),
    ]


# --------------------------------------------------------------------------------------------------
# XLSX (XlsxWriter, native charts)
# --------------------------------------------------------------------------------------------------


def _sheet_name(text):
    for character in "[]:*?/\\":
        text = text.replace(character, " ")
    return text.strip()[:31]


def monitoring_report_xlsx(*, period):
    return render_xlsx(build_report(period))


def render_xlsx(report):
    import xlsxwriter

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(
        buffer,
        {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False},
    )
    properties = {"title": report.title, "subject": report.period_text, "comments": report.data_as_of_text}
    if report.edition is not None:  # the same edition, the same file: its time is the publication's
        properties["created"] = timezone.make_naive(report.edition.published_at, UTC).replace(microsecond=0)
        properties["keywords"] = report.edition.content_hash
    book.set_properties(properties)
    fmt = _XlsxFormats(book)
    summary = book.add_worksheet(_sheet_name(_("Summary")))
    indicators = book.add_worksheet(_sheet_name(_("Indicators")))
    missing = book.add_worksheet(_sheet_name(_("Incomplete data")))
    trends = book.add_worksheet(_sheet_name(_("Charts")))

    _xlsx_header(summary, report, fmt)
    summary.write_row(5, 0, [_("Status"), _("Indicators")], fmt.header)
    counts = report.counts()
    for offset, (status, label, count) in enumerate(counts, start=6):
        summary.write_string(offset, 0, label, fmt.status(STATUS_STYLE.get(status, "light")))
        summary.write_number(offset, 1, count, fmt.integer)
    summary.write_string(6 + len(counts), 0, _("Total"), fmt.bold)
    summary.write_number(6 + len(counts), 1, len(report.rows), fmt.bold_integer)
    summary.write_string(8 + len(counts), 0, report.status_explanation, fmt.wrap)
    summary.set_row(8 + len(counts), 60)
    summary.set_column(0, 0, 30)
    summary.set_column(1, 1, 12)

    _xlsx_indicators(indicators, report, fmt)
    _xlsx_missing(missing, report, fmt)
    _xlsx_charts(book, summary, trends, report, fmt)
    book.close()
    return buffer.getvalue()


class _XlsxFormats:
    def __init__(self, book):
        self.book = book
        self.title = book.add_format({"bold": True, "font_size": 14})
        self.bold = book.add_format({"bold": True})
        self.header = book.add_format({"bold": True, "bg_color": "#dee2e6", "border": 1, "text_wrap": True})
        self.pillar = book.add_format({"bold": True, "font_size": 12, "font_color": "#0d3b66"})
        self.text = book.add_format({"border": 1, "text_wrap": True, "valign": "top"})
        self.italic = book.add_format({"italic": True, "font_color": "#6c757d"})
        self.wrap = book.add_format({"text_wrap": True, "valign": "top"})
        self.integer = book.add_format({"num_format": "#,##0"})
        self.bold_integer = book.add_format({"num_format": "#,##0", "bold": True})
        self.percent = book.add_format({"num_format": "#,##0.0", "border": 1})
        self._numbers = {}
        self._statuses = {}

    def number(self, decimals, border=True):
        key = (decimals, border)
        if key not in self._numbers:
            pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
            self._numbers[key] = self.book.add_format({"num_format": pattern, "border": int(border)})
        return self._numbers[key]

    def status(self, style):
        if style not in self._statuses:
            fill, ink = STYLE_COLOURS[style]
            self._statuses[style] = self.book.add_format(
                {"bg_color": fill, "font_color": ink, "border": 1, "bold": True}
            )
        return self._statuses[style]


def _xlsx_header(sheet, report, fmt):
    sheet.write_string(0, 0, report.title, fmt.title)
    sheet.write_string(1, 0, report.period_text, fmt.bold)
    sheet.write_string(2, 0, report.data_as_of_text)
    sheet.write_string(3, 0, report.generated_text, fmt.italic)
    if report.hash_text:
        sheet.write_string(4, 0, report.hash_text, fmt.italic)


def _write_number(sheet, row, column, value, cell_format, blank_format):
    if value is None or not math.isfinite(value):
        sheet.write_blank(row, column, None, blank_format)
    else:
        sheet.write_number(row, column, value, cell_format)


def _xlsx_indicators(sheet, report, fmt):
    _xlsx_header(sheet, report, fmt)
    columns = [*_columns(), _("Unit"), _("Note"), _("Code")]
    line = 5
    for pillar, rows in report.pillars:
        sheet.write_string(line, 0, str(pillar.label), fmt.pillar)
        line += 1
        if not rows:
            sheet.write_string(line, 0, _no_indicator_text(), fmt.italic)
            line += 2
            continue
        sheet.write_row(line, 0, columns, fmt.header)
        line += 1
        for row in rows:
            indicator, snapshot = row.indicator, row.snapshot
            sheet.write_string(line, 0, str(indicator.name), fmt.text)
            sheet.write_string(line, 1, row.period or "–", fmt.text)
            decimals = fmt.number(indicator.decimals)
            _write_number(sheet, line, 2, snapshot.value if snapshot else None, decimals, fmt.text)
            _write_number(sheet, line, 3, snapshot.target if snapshot else None, decimals, fmt.text)
            _write_number(sheet, line, 4, snapshot.achievement if snapshot else None, fmt.percent, fmt.text)
            sheet.write_string(line, 5, row.status_label, fmt.status(STATUS_STYLE.get(row.status, "light")))
            sheet.write_string(line, 6, row.completeness, fmt.text)
            sheet.write_string(line, 7, str(Unit(indicator.unit).label), fmt.text)
            sheet.write_string(line, 8, neutralize(row.note), fmt.text)
            sheet.write_string(line, 9, indicator.code, fmt.text)
            line += 1
        line += 1
    for column, width in enumerate([40, 10, 14, 14, 14, 18, 14, 10, 24, 34]):
        sheet.set_column(column, column, width)
    sheet.freeze_panes(5, 1)


def _xlsx_missing(sheet, report, fmt):
    _xlsx_header(sheet, report, fmt)
    missing = report.missing()
    if not missing:
        sheet.write_string(5, 0, _("Every input of the period is present."), fmt.italic)
        sheet.set_column(0, 0, 40)
        return
    sheet.write_row(
        5, 0, [_("Pillar"), _("Indicator"), _("Period"), _("Missing input"), _("Detail"), _("Note")], fmt.header
    )
    for line, (row, name, detail) in enumerate(missing, start=6):
        sheet.write_string(line, 0, str(Pillar(row.indicator.pillar).label), fmt.text)
        sheet.write_string(line, 1, str(row.indicator.name), fmt.text)
        sheet.write_string(line, 2, row.period or "–", fmt.text)
        sheet.write_string(line, 3, neutralize(str(name)), fmt.text)
        sheet.write_string(line, 4, neutralize(str(detail)), fmt.text)
        sheet.write_string(line, 5, neutralize(row.note), fmt.text)
    for column, width in enumerate([26, 36, 10, 28, 36, 24]):
        sheet.set_column(column, column, width)
    sheet.autofilter(5, 0, 5 + len(missing), 5)


def _xlsx_charts(book, summary, sheet, report, fmt):
    """The data of every chart on the Charts sheet; the achievement chart on the summary, the trends here."""
    name = sheet.get_name().replace("'", "''")
    rows = report.rows
    sheet.write_string(0, 0, _("Achievement per indicator"), fmt.title)
    sheet.write_row(1, 0, [_("Indicator"), _("Achievement (%)"), _("Target (100%)")], fmt.header)
    for line, row in enumerate(rows, start=2):
        sheet.write_string(line, 0, str(row.indicator.name), fmt.text)
        _write_number(sheet, line, 1, row.snapshot.achievement if row.snapshot else None, fmt.percent, fmt.text)
        sheet.write_number(line, 2, 100, fmt.percent)
    sheet.set_column(0, 0, 40)
    sheet.set_column(1, 2, 16)
    last = 1 + len(rows)
    if rows:
        chart = book.add_chart({"type": "column"})
        chart.add_series(
            {
                "name": _("Achievement (%)"),
                "categories": f"='{name}'!$A$3:$A${last + 1}",
                "values": f"='{name}'!$B$3:$B${last + 1}",
                "points": [{"fill": {"color": row.colours[0]}} for row in rows],
                "data_labels": {"value": True, "num_format": "#,##0.0"},
            }
        )
        target = book.add_chart({"type": "line"})
        target.add_series(
            {
                "name": _("Target (100%)"),
                "categories": f"='{name}'!$A$3:$A${last + 1}",
                "values": f"='{name}'!$C$3:$C${last + 1}",
                "line": {"color": "#dc3545", "dash_type": "dash", "width": 1.5},
                "marker": {"type": "none"},
            }
        )
        chart.combine(target)
        chart.set_title({"name": _("Achievement per indicator (%)"), "name_font": {"size": 12}})
        chart.set_y_axis({"min": 0, "num_format": "#,##0", "major_gridlines": {"visible": True}})
        chart.set_legend({"position": "bottom"})
        chart.set_size({"width": 620, "height": 320})
        summary.insert_chart(5, 3, chart)

    line = last + 3
    for row in rows:
        if not row.has_trend:
            continue
        points = row.trend()
        indicator = row.indicator
        sheet.write_string(line, 0, str(indicator.name), fmt.pillar)
        sheet.write_row(line + 1, 0, [_("Period"), _("Value"), _("Target")], fmt.header)
        decimals = fmt.number(indicator.decimals)
        for offset, (period, value, target) in enumerate(points, start=line + 2):
            sheet.write_string(offset, 0, period, fmt.text)
            _write_number(sheet, offset, 1, value, decimals, fmt.text)
            _write_number(sheet, offset, 2, target, decimals, fmt.text)
        first, end = line + 3, line + 2 + len(points)
        chart = book.add_chart({"type": "line"})
        for column, label, colour, dash in [
            ("B", _("Value"), VALUE_COLOUR, "solid"),
            ("C", _("Target"), TARGET_COLOUR, "dash"),
        ]:
            chart.add_series(
                {
                    "name": label,
                    "categories": f"='{name}'!$A${first}:$A${end}",
                    "values": f"='{name}'!${column}${first}:${column}${end}",
                    "line": {"color": colour, "width": 2, "dash_type": dash},
                    "marker": {"type": "circle", "size": 5, "fill": {"color": colour}, "border": {"color": colour}},
                }
            )
        chart.set_title({"name": str(indicator.name), "name_font": {"size": 11}})
        chart.set_y_axis({"min": 0, "name": str(Unit(indicator.unit).label), "num_format": decimals.num_format})
        chart.set_legend({"position": "bottom"})
        chart.show_blanks_as("gap")
        chart.set_size({"width": 520, "height": 260})
        sheet.insert_chart(line, 4, chart)
        line += max(len(points) + 4, 15)


# --------------------------------------------------------------------------------------------------
# PDF (reportlab platypus and reportlab.graphics)
# --------------------------------------------------------------------------------------------------

DEJAVU = Path("/usr/share/fonts/truetype/dejavu")


@cache
def pdf_fonts():
    """(regular, bold): DejaVu Sans when the system has it (all of Unicode the report needs), else Helvetica
    (Latin-1 only: the text is then reduced to what it can show)."""
    from reportlab.lib.fonts import addMapping
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    regular, bold = DEJAVU / "DejaVuSans.ttf", DEJAVU / "DejaVuSans-Bold.ttf"
    if regular.is_file() and bold.is_file():
        try:
            pdfmetrics.registerFont(TTFont("DejaVuSans", str(regular)))
            pdfmetrics.registerFont(TTFont("DejaVuSans-Bold", str(bold)))
        except Exception:  # a damaged font file: fall back to the built-in font
            return "Helvetica", "Helvetica-Bold"
        for italic in (0, 1):
            addMapping("DejaVuSans", 0, italic, "DejaVuSans")
            addMapping("DejaVuSans", 1, italic, "DejaVuSans-Bold")
        return "DejaVuSans", "DejaVuSans-Bold"
    return "Helvetica", "Helvetica-Bold"


def _plain(text):
    """Text the font can show: unchanged with DejaVu, the Windows-1252 subset with Helvetica."""
    text = str(text)
    if pdf_fonts()[0] == "Helvetica":
        text = text.encode("cp1252", "replace").decode("cp1252")
    return text


def _markup(text):
    """Text for a Paragraph (which reads a little XML)."""
    return escape(_plain(text))


def monitoring_report_pdf(*, period, compress=True):
    """The report as PDF. ``compress=False`` leaves the page contents readable (for tests) and makes the
    output byte-for-byte reproducible."""
    return render_pdf(build_report(period), compress=compress)


def _styles():
    from reportlab.lib.styles import ParagraphStyle

    regular, bold = pdf_fonts()
    base = ParagraphStyle("base", fontName=regular, fontSize=9, leading=12)
    return {
        "base": base,
        "title": ParagraphStyle("title", base, fontName=bold, fontSize=17, leading=22, spaceAfter=6),
        "subtitle": ParagraphStyle("subtitle", base, fontName=bold, fontSize=11, leading=15, spaceAfter=2),
        "h1": ParagraphStyle(
            "h1", base, fontName=bold, fontSize=13, leading=17, spaceBefore=10, spaceAfter=6, textColor="#0d3b66"
        ),
        "h2": ParagraphStyle("h2", base, fontName=bold, fontSize=11, leading=14, spaceBefore=8, spaceAfter=4),
        "small": ParagraphStyle("small", base, fontSize=8, leading=10, spaceBefore=2, textColor="#495057"),
        "cell": ParagraphStyle("cell", base, fontSize=8, leading=10),
        "cell_bold": ParagraphStyle("cell_bold", base, fontName=bold, fontSize=8, leading=10),
        "cell_right": ParagraphStyle("cell_right", base, fontSize=8, leading=10, alignment=2),
        "head": ParagraphStyle("head", base, fontName=bold, fontSize=7, leading=9, textColor="#ffffff"),
        "note": ParagraphStyle("note", base, fontSize=9, leading=12, textColor="#6c757d"),
    }


def _table_style(header_rows=1):
    from reportlab.lib import colors

    return [
        ("BACKGROUND", (0, 0), (-1, header_rows - 1), colors.HexColor("#0d3b66")),
        ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#adb5bd")),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        ("LEFTPADDING", (0, 0), (-1, -1), 4),
        ("RIGHTPADDING", (0, 0), (-1, -1), 4),
    ]


def render_pdf(report, *, compress=True):
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.platypus import KeepTogether, PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    styles = _styles()
    regular, _bold = pdf_fonts()
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=15 * mm,
        bottomMargin=18 * mm,
        title=_plain(report.title),
        subject=_plain(report.period_text),
        author="Pemerintah Kota Balikpapan",
        creator="Smart Economy Balikpapan",
        keywords=report.edition.content_hash if report.edition is not None else "",
        pageCompression=1 if compress else 0,
        # An edition is reproducible: invariant mode fixes the document id, and its dates are the publication's.
        invariant=0 if compress and report.edition is None else 1,
    )
    width = doc.width
    footer = _plain(f"{report.title} · {report.period_text}")
    if report.edition is not None:
        footer = _plain(f"{report.edition.title} · SHA-256 {report.edition.content_hash[:16]}…")
        published = timezone.localtime(report.edition.published_at, WITA)

        def pdf_date(*_ignored):
            return f"D:{published:%Y%m%d%H%M%S}+08'00'"

    def on_page(canvas, document):
        if report.edition is not None:
            canvas._doc.setDateFormatter(pdf_date)
        canvas.saveState()
        canvas.setFont(regular, 7)
        canvas.setFillColor(colors.HexColor("#6c757d"))
        canvas.drawString(doc.leftMargin, 10 * mm, footer)
        canvas.drawRightString(
            doc.leftMargin + width, 10 * mm, _plain(_("Page %(number)s") % {"number": document.page})
        )
        canvas.restoreState()

    story = [
        Paragraph(_markup(report.title), styles["title"]),
        Paragraph(_markup(report.period_text), styles["subtitle"]),
        Paragraph(_markup(report.data_as_of_text), styles["base"]),
        Paragraph(_markup(report.generated_text), styles["small"]),
        *([Paragraph(_markup(report.hash_text), styles["small"])] if report.hash_text else []),
        Spacer(1, 8),
        Paragraph(_markup(_("Summary")), styles["h1"]),
    ]
    counts = report.counts()
    data = [[Paragraph(_markup(_("Status")), styles["head"]), Paragraph(_markup(_("Indicators")), styles["head"])]]
    style = _table_style()
    for line, (status, label, count) in enumerate(counts, start=1):
        fill, ink = STYLE_COLOURS[STATUS_STYLE.get(status, "light")]
        data.append(
            [Paragraph(_markup(label), _ink(styles["cell_bold"], ink)), Paragraph(number(count), styles["cell_right"])]
        )
        style.append(("BACKGROUND", (0, line), (0, line), colors.HexColor(fill)))
    total = [
        Paragraph(_markup(_("Total")), styles["cell_bold"]),
        Paragraph(number(len(report.rows)), styles["cell_right"]),
    ]
    data.append(total)
    table = Table(data, colWidths=[60 * mm, 25 * mm], hAlign="LEFT")
    table.setStyle(TableStyle(style))
    story += [table, Spacer(1, 6), Paragraph(_markup(report.status_explanation), styles["small"]), Spacer(1, 10)]

    story.append(Paragraph(_markup(_("Achievement per indicator")), styles["h2"]))
    if any(row.snapshot and row.snapshot.achievement is not None for row in report.rows):
        # One chart per page-sized group of indicators (a drawing cannot break across pages).
        for first in range(0, len(report.rows), ACHIEVEMENT_ROWS_PER_CHART):
            story.append(achievement_chart(report.rows[first : first + ACHIEVEMENT_ROWS_PER_CHART], width))
    else:
        story.append(Paragraph(_markup(_("No indicator has an achievement for this period.")), styles["note"]))

    story.append(PageBreak())
    story.append(Paragraph(_markup(_("Indicators per pillar")), styles["h1"]))
    widths = [x * mm for x in (38, 14, 29, 29, 23, 22, 25)]
    for pillar, rows in report.pillars:
        heading = Paragraph(_markup(pillar.label), styles["h2"])
        if not rows:
            story.append(KeepTogether([heading, Paragraph(_markup(_no_indicator_text()), styles["note"])]))
            continue
        data = [[Paragraph(_markup(text), styles["head"]) for text in _columns()]]
        style = _table_style()
        for line, row in enumerate(rows, start=1):
            snapshot, indicator = row.snapshot, row.indicator
            achievement = snapshot.achievement if snapshot else None
            fill, ink = row.colours
            data.append(
                [
                    Paragraph(_markup(indicator.name), styles["cell"]),
                    Paragraph(_markup(period_label(row.period) if row.period else "–"), styles["cell"]),
                    Paragraph(
                        _markup(format_value(indicator, snapshot.value if snapshot else None)), styles["cell_right"]
                    ),
                    Paragraph(
                        _markup(format_value(indicator, snapshot.target if snapshot else None)), styles["cell_right"]
                    ),
                    Paragraph(
                        _markup(f"{number(achievement, 1)}%" if achievement is not None else "–"), styles["cell_right"]
                    ),
                    Paragraph(_markup(row.status_label), _ink(styles["cell_bold"], ink)),
                    Paragraph(_markup(row.completeness), styles["cell_right"]),
                ]
            )
            style.append(("BACKGROUND", (5, line), (5, line), colors.HexColor(fill)))
        table = Table(data, colWidths=widths, repeatRows=1, hAlign="LEFT")
        table.setStyle(TableStyle(style))
        story.append(KeepTogether([heading, table]))
        for row in rows:
            if row.note:
                note = _("Note on %(indicator)s, %(period)s: %(note)s") % {
                    "indicator": row.indicator.name,
                    "period": period_label(row.period),
                    "note": row.note,
                }
                story.append(Paragraph(_markup(note), styles["small"]))

    # Translators: the section "Data belum lengkap"
    story.append(Paragraph(_markup(_("Incomplete data")), styles["h1"]))
    missing = report.missing()
    if not missing:
        story.append(Paragraph(_markup(_("Every input of the period is present.")), styles["note"]))
    else:
        data = [
            [
                Paragraph(_markup(text), styles["head"])
                for text in (_("Indicator"), _("Period"), _("Missing input"), _("Detail"))
            ]
        ]
        for row, name, detail in missing:
            data.append(
                [
                    Paragraph(_markup(row.indicator.name), styles["cell"]),
                    Paragraph(_markup(period_label(row.period) if row.period else "–"), styles["cell"]),
                    Paragraph(_markup(name), styles["cell"]),
                    Paragraph(_markup(detail), styles["cell"]),
                ]
            )
        table = Table(data, colWidths=[x * mm for x in (60, 20, 50, 50)], repeatRows=1, hAlign="LEFT")
        table.setStyle(TableStyle(_table_style()))
        story.append(table)

    trend_rows = [row for row in report.rows if row.has_trend]
    heading = Paragraph(_markup(_("Trends: value and target")), styles["h1"])
    heading.keepWithNext = True
    story.append(heading)
    if not trend_rows:
        story.append(Paragraph(_markup(_("No indicator has two periods or more yet.")), styles["note"]))
    else:
        cell_width = width / 2
        charts = [trend_chart(row, cell_width - 6) for row in trend_rows]
        for start in range(0, len(charts), 2):
            pair = charts[start : start + 2]
            table = Table([pair + [""] * (2 - len(pair))], colWidths=[cell_width, cell_width], hAlign="LEFT")
            table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0)]))
            story.append(table)

    doc.build(story, onFirstPage=on_page, onLaterPages=on_page)
    return buffer.getvalue()


def _ink(style, colour):
    from reportlab.lib.styles import ParagraphStyle

    return ParagraphStyle(f"{style.name}-{colour}", style, textColor=colour)


def _wrap(text, width, lines):
    """At most ``lines`` lines of at most ``width`` characters; an ellipsis when the text is longer."""
    wrapped = textwrap.wrap(_plain(text), width) or [""]
    if len(wrapped) > lines:
        wrapped = wrapped[:lines]
        wrapped[-1] = _plain(wrapped[-1][: width - 1].rstrip() + "…")
    return wrapped


ACHIEVEMENT_ROWS_PER_CHART = 18  # 18 bands of 30 pt and the axes fit in the frame of an A4 page


def achievement_chart(rows, width):
    """A horizontal bar per indicator (coloured by status) with a dashed line at 100 %."""
    from reportlab.graphics.charts.barcharts import HorizontalBarChart
    from reportlab.graphics.shapes import Drawing, Line, String
    from reportlab.lib import colors

    regular, bold = pdf_fonts()
    label_width = 150
    band = 30
    height = band * len(rows) + 50
    values = [row.snapshot.achievement if row.snapshot else None for row in rows]
    top = max([v for v in values if v is not None] + [100])
    value_max = max(120, math.ceil(top * 1.15 / 20) * 20)

    drawing = Drawing(width, height)
    chart = HorizontalBarChart()
    chart.x, chart.y = label_width, 30
    chart.width, chart.height = width - label_width - 20, band * len(rows)
    # The first indicator on top: a horizontal bar chart draws its first category at the bottom.
    chart.data = [list(reversed(values))]
    chart.valueAxis.valueMin, chart.valueAxis.valueMax = 0, value_max
    chart.valueAxis.valueStep = 20 if value_max <= 200 else 50
    chart.valueAxis.labels.fontName = regular
    chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.labelTextFormat = lambda v: f"{number(v, 0)}%"
    chart.valueAxis.visibleGrid = True
    chart.valueAxis.gridStrokeColor = colors.HexColor("#dee2e6")
    chart.categoryAxis.categoryNames = [""] * len(rows)
    chart.categoryAxis.labels.fontSize = 1
    chart.barWidth = band * 0.6
    chart.groupSpacing = band * 0.4
    chart.bars.strokeColor = None
    for index, row in enumerate(reversed(rows)):
        chart.bars[(0, index)].fillColor = colors.HexColor(row.colours[0])
    drawing.add(chart)

    x100 = chart.x + chart.width * 100 / value_max
    drawing.add(
        Line(
            x100,
            chart.y - 4,
            x100,
            chart.y + chart.height + 4,
            strokeColor=colors.HexColor("#dc3545"),
            strokeWidth=1.2,
            strokeDashArray=[4, 2],
        )
    )
    drawing.add(
        String(
            x100 + 3,
            chart.y + chart.height + 6,
            _plain(_("target 100%")),
            fontName=regular,
            fontSize=7,
            fillColor=colors.HexColor("#dc3545"),
        )
    )
    for index, row in enumerate(reversed(rows)):
        middle = chart.y + band * (index + 0.5)
        lines = _wrap(row.indicator.name, 34, 3)
        for number_of_line, text in enumerate(lines):
            y = middle + (len(lines) - 1) * 4.5 - number_of_line * 9 - 3
            drawing.add(String(chart.x - 6, y, text, fontName=regular, fontSize=8, textAnchor="end"))
        value = row.snapshot.achievement if row.snapshot else None
        if value is None:
            text, x = f"– ({row.status_label})", chart.x + 4
        else:
            text, x = f"{number(value, 1)}%", chart.x + chart.width * min(value, value_max) / value_max + 4
        drawing.add(
            String(
                x,
                middle - 3,
                _plain(text),
                fontName=bold if value is not None else regular,
                fontSize=8,
                fillColor=colors.HexColor("#212529" if value is not None else "#6c757d"),
            )
        )
    return drawing


def trend_chart(row, width):
    """A small line chart of the value (solid) and the target (dashed) over the periods up to the report's."""
    from reportlab.graphics.charts.linecharts import HorizontalLineChart
    from reportlab.graphics.shapes import Drawing, Line, String
    from reportlab.graphics.widgets.markers import makeMarker
    from reportlab.lib import colors

    regular, bold = pdf_fonts()
    indicator = row.indicator
    points = row.trend()
    title = _wrap(indicator.name, 48, 2)
    height = 190
    drawing = Drawing(width, height)
    for index, text in enumerate(title):
        drawing.add(String(4, height - 12 - index * 11, text, fontName=bold, fontSize=9))

    chart = HorizontalLineChart()
    chart.x, chart.y = 46, 44
    chart.width, chart.height = width - 56, height - 42 - 18 - 11 * len(title)
    chart.data = [[v for _p, v, _t in points], [t for _p, _v, t in points]]
    known = [x for series in chart.data for x in series if x is not None]
    chart.valueAxis.valueMin = min(0, *known) if known else 0
    if known and max(known) == chart.valueAxis.valueMin:
        chart.valueAxis.valueMax = chart.valueAxis.valueMin + 1
    chart.valueAxis.labels.fontName = regular
    chart.valueAxis.labels.fontSize = 7
    if known and max(abs(x) for x in known) >= 100_000:
        chart.valueAxis.labelTextFormat = lambda v: abbreviate_id(v, 1, trim=True)  # 2,5 M rather than 2.500.000.000
    else:
        chart.valueAxis.labelTextFormat = lambda v: number(v, indicator.decimals if v != int(v) else 0)
    chart.valueAxis.visibleGrid = True
    chart.valueAxis.gridStrokeColor = colors.HexColor("#dee2e6")
    # Months get two-line labels ("Mei" over "2024"), and only every few points when there are many.
    every = math.ceil(len(points) / 8)
    chart.categoryAxis.categoryNames = [
        _plain(period_label(p).replace(" ", "\n")) if (len(points) - 1 - index) % every == 0 else ""
        for index, (p, _v, _t) in enumerate(points)
    ]
    chart.categoryAxis.labels.fontName = regular
    chart.categoryAxis.labels.fontSize = 7
    chart.categoryAxis.labels.leading = 8
    # A series is joined by a line only where it has two points or more: with one point (a target set for one
    # year, a value measured once) or none (no target) ReportLab's line would be a polyline of fewer than two
    # points, which it refuses; a single point shows as its marker.
    chart.joinedLines = 0
    for series, colour, dash in [(0, VALUE_COLOUR, None), (1, TARGET_COLOUR, [3, 2])]:
        if sum(x is not None for x in chart.data[series]) >= 2:
            chart.lines[series].lineStyle = "joinedLine"
        chart.lines[series].strokeColor = colors.HexColor(colour)
        chart.lines[series].strokeWidth = 1.6
        chart.lines[series].strokeDashArray = dash
        chart.lines[series].symbol = makeMarker("FilledCircle", size=4, fillColor=colors.HexColor(colour))
    drawing.add(chart)

    unit = str(Unit(indicator.unit).label)
    direction = _("higher is better") if indicator.direction == Direction.HIGHER else _("lower is better")
    legend_y = 8
    x = 42
    for label, colour, dash in [(_("Value"), VALUE_COLOUR, None), (_("Target"), TARGET_COLOUR, [3, 2])]:
        drawing.add(
            Line(
                x,
                legend_y + 3,
                x + 16,
                legend_y + 3,
                strokeColor=colors.HexColor(colour),
                strokeWidth=1.6,
                strokeDashArray=dash,
            )
        )
        drawing.add(String(x + 20, legend_y, _plain(label), fontName=regular, fontSize=7))
        x += 70
    drawing.add(
        String(
            width - 4,
            legend_y,
            _plain(f"{unit}; {direction}"),
            fontName=regular,
            fontSize=7,
            textAnchor="end",
            fillColor=colors.HexColor("#6c757d"),
        )
    )
    return drawing


# --------------------------------------------------------------------------------------------------
# The download
# --------------------------------------------------------------------------------------------------


class MonitoringReportView(LoginRequiredMixin, PermissionRequiredMixin, View):
    """GET ?period=YYYY|YYYY-MM&format=pdf|xlsx → the monitoring report as an attachment, logged as an export."""

    permission_required = "analytics.view_indicatorsnapshot"

    def get(self, request):
        from smarteconomy.exporting import logged_query
        from smarteconomy.models import ExportLog
        from smarteconomy.roles import redact, user_role

        fmt = (request.GET.get("format") or "pdf").strip().lower()
        if fmt not in FORMATS:
            return _bad_request(_("Unknown format “%(format)s”: use pdf or xlsx.") % {"format": fmt})
        text = (request.GET.get("period") or "").strip()
        if text:
            try:
                period = registry.Period.parse(text)
            except registry.RegistryError:
                period = None
            if period is None or period.is_quarter or not 1990 <= period.year <= 2100:
                return _bad_request(
                    _("“%(period)s” is not a period: use a year (YYYY, e.g. 2023) or a month (YYYY-MM, e.g. 2023-05).")
                    % {"period": text}
                )
        else:
            period = default_period()
        report = build_report(period, user=request.user)
        content = render_pdf(report) if fmt == "pdf" else render_xlsx(report)
        ExportLog.objects.create(
            list_name=request.resolver_match.view_name if request.resolver_match else "analytics:report",
            office=user_role(request.user) or "",
            user=request.user,
            format=fmt,
            query=logged_query(request.GET, redact),
            rows=len(report.rows),
        )
        response = HttpResponse(content, content_type=FORMATS[fmt])
        response["Content-Disposition"] = f'attachment; filename="{report.filename}.{fmt}"'
        add_never_cache_headers(response)
        return response


def _bad_request(message):
    return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")
