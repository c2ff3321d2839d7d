"""Indonesian number formats for templates: {{ amount|rupiah }} → Rp1.234.567, {{ x|number:2 }} → 1.234,50."""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django import template
from django.utils.formats import number_format
from django.utils.translation import gettext

from smarteconomy.numbers import format_number
from smarteconomy.periods import period_label

register = template.Library()


def _decimal(value):
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


@register.filter
def number(value, decimals=0):
    """Grouped with points, decimal comma; the separators of the active format module (Indonesian)."""
    amount = _decimal(value)
    if amount is None:
        return ""
    decimals = int(decimals)
    # Django's number_format cuts extra digits off; round half up first, as people and spreadsheets do.
    amount = amount.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    return number_format(amount, decimals, use_l10n=True, force_grouping=True)


@register.filter
def rupiah(value, decimals=0):
    """Rupiah as written in Indonesia: Rp1.234.567 (negative: -Rp1.234.567)."""
    amount = _decimal(value)
    if amount is None:
        return ""
    text = number(abs(amount), decimals)
    return f"-Rp{text}" if amount < 0 else f"Rp{text}"


@register.filter
def percent(value, decimals=1):
    """A share as a percentage: 0.4567 → 45,7%."""
    amount = _decimal(value)
    if amount is None:
        return ""
    return f"{number(amount * 100, decimals)}%"


@register.filter
def decimal(value):
    """A number as it is typed into a form, without trailing zeros: 2,5; 25.000; 1.234,5678 (smarteconomy.numbers)."""
    amount = _decimal(value)
    return "" if amount is None else format_number(amount)


@register.filter
def yes_no(value):
    """A yes/no value as a word of the active language (Ya/Tidak, Yes/No), never Python's True/False; any other
    value is returned as it is."""
    if isinstance(value, bool):
        return gettext("Yes") if value else gettext("No")
    return value


@register.filter
def period(value, style=""):
    """A period's code as people read it: {{ "2026-Q3"|period }} → Triwulan III 2026, {{ "2026-05"|period }} → Mei
    2026, {{ "2026-05"|period:"long" }} with the full month name. Codes stay in links, ids and exports."""
    return period_label(value, long=style == "long")
