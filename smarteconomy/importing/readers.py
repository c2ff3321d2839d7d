"""Reading an uploaded file into a header and raw rows, within the limits that protect the server."""

import csv
import io
import zipfile
import zlib

from django.conf import settings
from django.utils.translation import gettext as _


class FileRefused(Exception):
    """The file as a whole cannot be read. ``row`` and ``column`` say where, when known."""

    def __init__(self, message, *, row=None, column=""):
        super().__init__(message)
        self.message = message
        self.row = row
        self.column = column


XLSX_MAGIC = b"PK\x03\x04"


class Formula(str):
    """A cell that holds a formula: refused by every column, since its value depends on the spreadsheet."""


def is_xlsx(data, filename):
    return data[:4] == XLSX_MAGIC or filename.lower().endswith((".xlsx", ".xlsm"))


def read_table(data, filename, delimiter=None):
    """Return (header, rows, decimal_comma) where rows yields (row_number, [raw cell values]). A CSV file's
    delimiter is the most frequent one on its first line unless ``delimiter`` says it (a caller that knows which
    line is the header: a published table's first line is its title)."""
    if not data:
        raise FileRefused(_("The file is empty."))
    if is_xlsx(data, filename):
        return _read_xlsx(data)
    return _read_csv(data, delimiter)


def _decode(data):
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise FileRefused(
            _(
                "The file is not UTF-8 text (byte 0x%(byte)02X on line %(line)d). In Excel, save it as "
                "“CSV UTF-8 (Comma delimited)”, or upload the XLSX file itself."
            )
            % {"byte": data[exc.start], "line": line},
            row=line,
        ) from None


def _read_csv(data, delimiter=None):
    text = _decode(data)
    if delimiter is None:
        first_line = text.split("\n", 1)[0]
        # Excel with Indonesian regional settings writes semicolons and decimal commas.
        counts = {delimiter: first_line.count(delimiter) for delimiter in (",", ";", "\t")}
        delimiter = max(counts, key=counts.get) if any(counts.values()) else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        header = next(reader)
    except StopIteration:
        raise FileRefused(_("The file is empty.")) from None
    except csv.Error as exc:
        raise FileRefused(_("Row 1 cannot be read as CSV: %(error)s") % {"error": exc}, row=1) from None

    def rows():
        number = 1
        try:
            for number, cells in enumerate(reader, start=2):
                yield number, cells
        except csv.Error as exc:
            raise FileRefused(
                _("Row %(row)d cannot be read as CSV: %(error)s") % {"row": number + 1, "error": exc},
                row=number + 1,
            ) from None

    return header, rows(), delimiter == ";"


# Bytes of each XML part read to look for a DTD: Excel writes none, and the XML declaration comes first.
DTD_SCAN_BYTES = 64 * 1024
# A part this small cannot hurt whatever its ratio (the styles of an empty workbook compress 20 times).
RATIO_MIN_BYTES = 1024 * 1024


def _refuse_dtd(archive, entry):
    """Refuse an XML part that declares a DTD or entities (a "billion laughs" expands a few KB into gigabytes).
    openpyxl parses with defusedxml, which refuses them too, but only deep in the sheet and with a technical
    message; this says it at once, and for every reader (pandas' too)."""
    with archive.open(entry) as part:
        head = part.read(DTD_SCAN_BYTES)
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        head = head.decode("utf-16", errors="ignore").encode()
    if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
        raise FileRefused(
            _(
                "The workbook contains XML declarations (DTD or entities) that Excel never writes; it is refused. "
                "Save it again from Excel."
            )
        )


def check_workbook(data):
    """Check an XLSX file's zip container before anything unpacks it: its member count, its unpacked size, the
    compression ratio of each member (a zip bomb) and XML entity declarations (billion laughs). Every reader of
    an uploaded workbook calls this first (the shared importer, the parking log's bulk path). Returns the
    ZipFile; raises FileRefused."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError):
        raise FileRefused(_("The file is not a valid XLSX workbook.")) from None
    if len(entries) > settings.IMPORT_XLSX_MAX_ENTRIES:
        raise FileRefused(
            _("The workbook holds %(count)d internal files; at most %(max)d are accepted. Save it again from Excel.")
            % {"count": len(entries), "max": settings.IMPORT_XLSX_MAX_ENTRIES}
        )
    unpacked = sum(entry.file_size for entry in entries)
    if unpacked > settings.IMPORT_XLSX_MAX_UNPACKED_BYTES:
        raise FileRefused(
            _("The workbook unpacks to %(size)d MB; at most %(max)d MB are accepted.")
            % {
                "size": unpacked // (1024 * 1024),
                "max": settings.IMPORT_XLSX_MAX_UNPACKED_BYTES // (1024 * 1024),
            }
        )
    for entry in entries:
        ratio = entry.file_size / max(entry.compress_size, 1)
        if entry.file_size > RATIO_MIN_BYTES and ratio > settings.IMPORT_XLSX_MAX_RATIO:
            raise FileRefused(
                _(
                    "The workbook is compressed %(ratio)d times; at most %(max)d times is accepted (a file built "
                    "to fill the server's memory). Save it again from Excel."
                )
                % {"ratio": ratio, "max": settings.IMPORT_XLSX_MAX_RATIO}
            )
    try:
        for entry in entries:
            if entry.filename.lower().endswith((".xml", ".rels", ".vml")):
                _refuse_dtd(archive, entry)
    except (zipfile.BadZipFile, zlib.error, NotImplementedError, OSError, EOFError, RuntimeError):
        raise FileRefused(_("The file is not a valid XLSX workbook.")) from None
    return archive


def _read_xlsx(data):
    check_workbook(data)
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises many types for a damaged workbook
        raise FileRefused(_("The workbook cannot be opened: %(error)s") % {"error": exc}) from None
    # The template's data sheet is called "data"; any other workbook is read from its first sheet.
    sheet = workbook["data"] if "data" in workbook.sheetnames else workbook.worksheets[0]
    iterator = sheet.iter_rows()
    try:
        header_cells = next(iterator)
    except StopIteration:
        raise FileRefused(_("The file is empty.")) from None
    except Exception as exc:  # a damaged sheet, parsed only now (read-only mode)
        raise FileRefused(_("The workbook cannot be opened: %(error)s") % {"error": exc}) from None
    header = ["" if cell.value is None else str(cell.value) for cell in header_cells]

    def rows():
        # In read-only mode openpyxl parses the sheet while iterating: a damaged sheet fails here, not above.
        number = 1
        try:
            for number, cells in enumerate(iterator, start=2):
                yield number, [Formula(cell.value) if cell.data_type == "f" else cell.value for cell in cells]
        except Exception as exc:  # zipfile, XML and openpyxl errors of a damaged workbook
            raise FileRefused(
                _("The workbook cannot be read after row %(row)d: %(error)s") % {"row": number, "error": exc}
            ) from None
        finally:
            workbook.close()

    return header, rows(), False
