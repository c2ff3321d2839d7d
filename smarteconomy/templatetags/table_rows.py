"""The rows of a django-tables2 table, built in Python for smarteconomy/_table.html.

django-tables2's template renders every cell through the template engine: the cell's ``td`` attributes are
recomputed for each cell (merged dicts, class sets, a format_html_join), and the loop and its conditions are
interpreted once per cell. On a list page (25 to 250 rows of 8 to 14 columns) that was about a third of the
page's time. The same output is built here with the same django-tables2 calls: the cells still come from
``BoundRow.items()`` (render_* methods, linkify, choices' labels), a column's ``td`` attributes are computed once
unless they contain a callable (then per cell, as django-tables2 does), and a cell is localized and escaped
exactly as ``{{ cell }}`` (or ``|localize`` / ``|unlocalize`` when the column says so) would.
"""

from django import template
from django.template.base import render_value_in_context
from django.templatetags.l10n import localize, unlocalize
from django.utils.html import format_html
from django.utils.safestring import mark_safe

register = template.Library()


def _td_is_static(table, bound_column):
    """True when the ``td`` attributes cannot depend on the record (no callable in the table's or the column's
    ``td``/``cell`` attributes)."""
    for attrs in (table.attrs, bound_column.column.attrs):
        for key in ("td", "cell"):
            if any(callable(value) for value in (attrs.get(key) or {}).values()):
                return False
    return True


def _cell_html(cell, bound_column, context):
    if bound_column.localize is None:
        return render_value_in_context(cell, context)
    return render_value_in_context(localize(cell) if bound_column.localize else unlocalize(cell), context)


@register.simple_tag(takes_context=True)
def table_rows(context, table):
    """The ``<tr>`` elements of the table's current page (or its empty text)."""
    columns = list(table.columns)
    static_td = {column.name: column.attrs["td"].as_html() for column in columns if _td_is_static(table, column)}
    rows = []
    for row in table.paginated_rows:
        cells = []
        for column, cell in row.items():
            td = static_td[column.name] if column.name in static_td else column.attrs["td"].as_html()
            cells.append(f"<td {td}>{_cell_html(cell, column, context)}</td>")
        rows.append(format_html("<tr {}>{}</tr>", row.attrs.as_html(), mark_safe("".join(cells))))  # noqa: S308
    if not rows and table.empty_text:
        rows.append(format_html('<tr><td colspan="{}">{}</td></tr>', len(columns), table.empty_text))
    return mark_safe("\n".join(rows))  # noqa: S308 - every part is escaped above
