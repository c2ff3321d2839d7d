"""Streaming CSV and XLSX exports of a list page's filtered rows, safe to open in a spreadsheet."""

import csv
import datetime
import html
import os
import re
import tempfile
from decimal import Decimal

import django_tables2
from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.encoding import force_str
from django.utils.html import strip_tags
from django.utils.safestring import SafeData
from django.utils.translation import gettext
from django_tables2.rows import BoundRow

# A cell that starts with one of these is a formula to Excel and LibreOffice (CSV injection).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
CHUNK_SIZE = 2000
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def neutralize(value):
    """Text that a spreadsheet would run as a formula gets a leading apostrophe; numbers stay numbers."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def plain(value):
    """A cell value as a spreadsheet should get it: numbers and dates typed, local time (WITA) without an offset,
    yes/no in the user's language (Ya/Tidak), text otherwise."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return gettext("Yes") if value else gettext("No")
    if isinstance(value, int | float | Decimal):
        return value
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.replace(tzinfo=None, microsecond=0)
    if isinstance(value, datetime.date):
        return value
    return neutralize(force_str(value))


class _Echo:
    def write(self, value):
        return value


def csv_chunks(rows, on_done=None):
    """Rows as UTF-8 CSV text, line by line, after a BOM (so that Excel reads the encoding right)."""
    writer = csv.writer(_Echo())
    count = -1
    yield "\ufeff"
    for count, row in enumerate(rows):  # noqa: B007 - count is read after the loop
        yield writer.writerow([_csv_text(plain(cell)) for cell in row])
    if on_done:
        on_done(max(count, 0))


def csv_response(rows, filename, on_done=None):
    """Stream rows as UTF-8 CSV (with BOM)."""
    response = StreamingHttpResponse(csv_chunks(rows, on_done), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


def _csv_text(value):
    if isinstance(value, datetime.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def xlsx_response(rows, filename, sheet_name="data", on_done=None):
    """Write rows to a temporary XLSX file in constant memory, then stream the file."""
    handle, path = tempfile.mkstemp(suffix=".xlsx")
    os.close(handle)
    count = write_xlsx(rows, path, sheet_name)
    if on_done:
        on_done(count)
    stream = open(path, "rb")  # noqa: SIM115 - FileResponse closes it
    os.unlink(path)  # the open handle keeps the data until the response is sent
    return FileResponse(
        stream,
        as_attachment=True,
        filename=f"{filename}.xlsx",
        content_type=XLSX_CONTENT_TYPE,
    )


def write_xlsx(rows, path, sheet_name="data"):
    """Write rows (the first is the header) to an XLSX file at ``path`` in constant memory; returns the number of
    rows after the header."""
    import xlsxwriter

    workbook = xlsxwriter.Workbook(
        path,
        {
            "constant_memory": True,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
            "remove_timezone": True,
        },
    )
    sheet = workbook.add_worksheet(sheet_name[:31])
    bold = workbook.add_format({"bold": True})
    date_format = workbook.add_format({"num_format": "dd/mm/yyyy"})
    datetime_format = workbook.add_format({"num_format": "dd/mm/yyyy hh:mm"})
    count = -1
    for count, row in enumerate(rows):
        for column, cell in enumerate(row):
            value = plain(cell)
            if count == 0:
                sheet.write_string(0, column, str(value), bold)
            elif isinstance(value, datetime.datetime):
                sheet.write_datetime(count, column, value, datetime_format)
            elif isinstance(value, datetime.date):
                sheet.write_datetime(count, column, value, date_format)
            elif isinstance(value, int | float | Decimal):
                sheet.write_number(count, column, float(value))
            else:
                sheet.write_string(count, column, value)
    workbook.close()
    return max(count, 0)


def table_rows(table, records):
    """The header and one row per record, as a django-tables2 Table exports them (its ``value`` methods:
    masked personal data, full-precision figures), each cell made plain by ``export_value``."""
    columns = [column for column in table.columns.iterall() if not column.column.exclude_from_export]
    yield [str(column.header) for column in columns]
    for record in records:
        row = BoundRow(record, table=table)
        yield [export_value(row, column) for column in columns]


_TAGS = re.compile(r"<[^>]*>")


def export_value(row, column):
    """One cell of an export: what the column's ``value`` gives, except where django-tables2 gives a page's text.

    - A BooleanColumn exports ``str(bool)`` ("True"): the cell gets the boolean, which ``plain`` writes as Ya/Tidak.
    - A column without a ``value`` of its own exports what it renders, HTML included (a badge, a second line under
      a ``<br>``): the cell gets the text a reader sees, each tag a space."""
    value = row.get_cell_value(column.name)
    if isinstance(column.column, django_tables2.BooleanColumn) and value in ("True", "False"):
        return value == "True"
    if isinstance(value, SafeData):
        return " ".join(html.unescape(strip_tags(_TAGS.sub(" ", str(value)))).split())
    return value


def logged_query(params, redact):
    """The export's filters for the log, which Bappeda and the administrators read: a search for a NIK or a phone
    number is kept masked (each value is masked before it is URL-encoded, so "+62 812..." is found too)."""
    masked = params.copy()
    for key in masked:
        masked.setlist(key, [redact(value) for value in params.getlist(key)])
    return masked.urlencode(safe="*")


def export_log_create(request, fmt):
    """The ExportLog row of an export that ``request`` asks for (its filters masked)."""
    from .models import ExportLog
    from .roles import redact, user_role

    return ExportLog.objects.create(
        list_name=request.resolver_match.view_name if request.resolver_match else "",
        office=user_role(request.user) or "",
        user=request.user,
        format=fmt,
        query=logged_query(request.GET, redact),
    )


def export_response(request, rows, *, name, fmt):
    """A streaming CSV or XLSX download, logged in ExportLog with the filters that chose its rows."""
    from .models import ExportLog

    log = export_log_create(request, fmt)

    def done(count):
        ExportLog.objects.filter(pk=log.pk).update(rows=count)

    filename = f"{name}-{datetime.date.today().isoformat()}"
    if fmt == "csv":
        return csv_response(rows, filename, on_done=done)
    return xlsx_response(rows, filename, on_done=done)
