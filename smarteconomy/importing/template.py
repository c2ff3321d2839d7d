"""The XLSX template of an importer: fill it offline, upload it later."""

import io

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

MAX_TEMPLATE_ROWS = 50_000


def build_template(importer_class):
    """Sheet "data": the header and drop-down lists of allowed values. Sheet "petunjuk" (instructions):
    each column's meaning and one example row. Sheet "pilihan": the lists behind the drop-downs."""
    workbook = Workbook()
    data = workbook.active
    data.title = "data"
    guide = workbook.create_sheet("petunjuk")
    lists = workbook.create_sheet("pilihan")
    bold = Font(bold=True)
    header_fill = PatternFill("solid", fgColor="DCE6F1")

    for index, column in enumerate(importer_class.columns, start=1):
        letter = get_column_letter(index)
        cell = data.cell(row=1, column=index, value=column.name)
        cell.font = bold
        cell.fill = header_fill
        data.column_dimensions[letter].width = max(14, len(column.name) + 4)
        allowed = column.allowed_values()
        if allowed:
            for row, value in enumerate(allowed, start=1):
                lists.cell(row=row, column=index, value=value)
            validation = DataValidation(
                type="list",
                formula1=f"=pilihan!${letter}$1:${letter}${len(allowed)}",
                allow_blank=not column.required,
                showErrorMessage=True,
                errorTitle=_("Value not allowed"),
                error=_("Choose a value from the list."),
            )
            data.add_data_validation(validation)
            validation.add(f"{letter}2:{letter}{MAX_TEMPLATE_ROWS}")
    data.freeze_panes = "A2"
    lists.sheet_state = "hidden"

    guide.append([str(importer_class.label)])
    guide["A1"].font = Font(bold=True, size=14)
    if importer_class.description:
        guide.append([str(importer_class.description)])
    guide.append([_("Fill in the sheet “data”, one row per record, then upload the file. Do not change the header.")])
    guide.append([])
    guide.append([_("Column"), _("Required"), _("Type"), _("Allowed values"), _("Explanation")])
    for cell in guide[guide.max_row]:
        cell.font = bold
    for column in importer_class.columns:
        allowed = column.allowed_values()
        guide.append(
            [
                column.name,
                _("yes") if column.required else _("no"),
                str(column.type_label),
                ", ".join(allowed[:40]) + (" …" if allowed and len(allowed) > 40 else "") if allowed else "",
                str(column.help_text),
            ]
        )
    guide.append([])
    guide.append([_("Example row:")])
    guide[guide.max_row][0].font = bold
    guide.append(importer_class.column_names())
    for cell in guide[guide.max_row]:
        cell.font = bold
        cell.fill = header_fill
    guide.append([column.example for column in importer_class.columns])
    for letter, width in zip("ABCDE", (24, 10, 34, 40, 60), strict=True):
        guide.column_dimensions[letter].width = width

    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
