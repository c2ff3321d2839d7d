"""Numbers as they are written in Indonesia: a decimal comma and a thousands dot (1.234.567,89).

``parse_number`` reads what someone typed into a form and ``format_number`` writes a value back into an input, with
one rule in both interface languages (the English interface keeps the Indonesian figures: smarteconomy/formats/en).
The rule never changes a magnitude silently:

- a comma is the decimal separator, and there is at most one: ``2,5`` is two and a half;
- a dot groups thousands, and only as a complete grouping: ``25.000``, ``1.234.567,89`` (a first group of one to
  three digits without a leading zero, then groups of exactly three);
- any other arrangement of digits, dots and commas is refused as ambiguous rather than guessed: ``2.5``, ``0.5``,
  ``25.00``, ``1.23.4``, ``1,234.5``, ``1,234,567`` (was the dot a decimal point? the comma a thousands
  separator?); the message asks for the Indonesian way of writing it;
- a leading minus (``-`` or the typographic ``−``) makes a negative number; whether one is allowed is the field's
  business (its minimum);
- nothing else: no spaces inside, no exponent, no currency sign or percent sign (the unit stands beside the input).
"""

import re
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

# The units shown beside a number input (the unit of a model's field: ``number_units`` on the model).
RUPIAH = "Rp"  # before the number, as it is written: Rp25.000
PERCENT = "%"
DAYS = _("days")
WORKING_DAYS = _("working days")
HOURS = _("hours")
POINTS = _("points")
PEOPLE = _("people")

_NUMBER = re.compile(
    r"(?P<sign>[-−])?"
    r"(?P<whole>[0-9]+|[1-9][0-9]{0,2}(?:\.[0-9]{3})+)"
    r"(?:,(?P<fraction>[0-9]+))?"
)
_DIGITS_AND_SEPARATORS = re.compile(r"[-−]?[0-9.,]+")


class NumberFormatError(ValueError):
    """``code`` is ``"ambiguous"`` (digits and separators, not in the Indonesian way) or ``"invalid"``."""

    def __init__(self, code):
        super().__init__(code)
        self.code = code


def parse_number(text):
    """The Decimal a person wrote in ``text`` (see the module's rule), or NumberFormatError."""
    text = str(text).strip().replace("\u00a0", "").replace("\u202f", "")
    match = _NUMBER.fullmatch(text)
    if match is None:
        # Digits and separators in another arrangement (2.5, 1,234,567, 25,) were meant as a number: say how to
        # write it; anything else is not a number.
        raise NumberFormatError("ambiguous" if _DIGITS_AND_SEPARATORS.fullmatch(text) else "invalid")
    whole = match["whole"].replace(".", "")
    # No fraction, no decimal places: 25.000 is Decimal("25000"), which fits a field without decimals.
    number = Decimal(f"{whole}.{match['fraction']}" if match["fraction"] else whole)
    return -number if match["sign"] else number


def format_number(value, *, grouping=True):
    """``value`` (int, Decimal or float) as an input shows it: 25.000, 2,5, 1.234.567,89; no trailing zeros."""
    number = value if isinstance(value, Decimal) else Decimal(str(value))
    if not number.is_finite():
        return str(value)
    sign = "-" if number < 0 else ""
    number = abs(number)
    if number == number.to_integral_value():
        whole, fraction = str(int(number)), ""
    else:
        whole, fraction = format(number.normalize(), "f").split(".")
    if grouping:
        whole = f"{int(whole):,}".replace(",", ".")
    return sign + whole + ("," + fraction if fraction else "")
