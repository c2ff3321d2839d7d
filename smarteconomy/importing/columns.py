"""Column types of the shared importer: each turns one raw cell (text from a CSV, a typed value from an
XLSX) into a Python value, or raises ``CellError`` with a message for the user."""

import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from .readers import Formula


class CellError(ValueError):
    """A cell's value is not acceptable; the message is shown to the user with the row and column."""


class Column:
    """A column of an import file. ``name`` is the header exactly as in the template."""

    type_label = gettext_lazy("text")

    def __init__(self, name, *, required=True, help_text="", example="", default=None):
        self.name = name
        self.required = required
        self.help_text = help_text
        self.example = example
        self.default = default

    def parse(self, raw, ctx):
        if isinstance(raw, Formula):
            raise CellError(
                _("Formulas are not accepted (%(formula)s); copy the column and paste it back as values.")
                % {"formula": raw}
            )
        if isinstance(raw, str) and "\x00" in raw:
            # Never typed by a person; PostgreSQL cannot store it, so refuse it here with the row and column.
            raise CellError(_("The value contains a NUL character (byte 0x00); remove it."))
        if raw is None or (isinstance(raw, str) and raw.strip() == ""):
            if self.required:
                raise CellError(_("This column is required."))
            return self.default
        return self.to_python(raw.strip() if isinstance(raw, str) else raw, ctx)

    def to_python(self, value, ctx):
        return str(value)

    def allowed_values(self):
        """Values offered as a drop-down list in the XLSX template, or None."""
        return None


class TextColumn(Column):
    def __init__(self, name, *, max_length=None, regex=None, regex_message="", **kwargs):
        kwargs.setdefault("default", "")  # an empty optional text cell is "", as Django stores empty text
        super().__init__(name, **kwargs)
        self.max_length = max_length
        self.regex = re.compile(regex) if regex else None
        self.regex_message = regex_message

    def to_python(self, value, ctx):
        if isinstance(value, float) and value.is_integer():
            value = int(value)  # a code typed into a number cell: 76116.0 -> "76116"
        text = str(value).strip()
        if self.max_length and len(text) > self.max_length:
            raise CellError(
                _("At most %(max)d characters allowed, got %(got)d.") % {"max": self.max_length, "got": len(text)}
            )
        if self.regex and not self.regex.fullmatch(text):
            raise CellError(self.regex_message or _("“%(value)s” has the wrong format.") % {"value": text})
        return text


def parse_decimal(value, decimal_comma):
    """A number from a cell. Text uses the file's convention: 1.234,56 in semicolon CSV files (Excel with
    Indonesian regional settings), 1234.56 otherwise. Numeric XLSX cells are taken as they are."""
    if isinstance(value, bool):
        raise CellError(_("“%(value)s” is not a number.") % {"value": value})
    if isinstance(value, int | Decimal):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value))
    text = str(value).strip().replace("\u00a0", "").replace(" ", "")
    if text.lower().startswith("rp"):
        text = text[2:]
    if decimal_comma:
        # The point only groups thousands (1.250.000,50); "1250000.50" must not silently become 125000050.
        if "." in text and not re.fullmatch(r"[+-]?\d{1,3}(\.\d{3})+(,\d*)?", text):
            raise CellError(
                _(
                    "“%(value)s”: in this file the decimal separator is a comma and the point separates thousands "
                    "(1.234.567,89)."
                )
                % {"value": value}
            )
        text = text.replace(".", "").replace(",", ".")
    elif "," in text:
        raise CellError(
            _("“%(value)s”: use a point as the decimal separator and no thousands separator (1234567.89).")
            % {"value": value}
        )
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise CellError(_("“%(value)s” is not a number.") % {"value": value}) from None
    if not number.is_finite():
        raise CellError(_("“%(value)s” is not a number.") % {"value": value})
    return number


class DecimalColumn(Column):
    type_label = gettext_lazy("number")

    def __init__(self, name, *, min_value=None, max_value=None, decimal_places=None, max_digits=None, **kwargs):
        """``max_digits`` and ``decimal_places`` as on the model's DecimalField: a value the database column cannot
        hold is refused here, with its row, not while saving."""
        super().__init__(name, **kwargs)
        self.min_value = min_value
        self.max_value = max_value
        self.decimal_places = decimal_places
        self.max_digits = max_digits

    def to_python(self, value, ctx):
        number = parse_decimal(value, ctx.decimal_comma)
        if self.min_value is not None and number < self.min_value:
            if self.min_value == 0:
                raise CellError(_("Must not be negative (got %(value)s).") % {"value": value})
            raise CellError(_("Must be at least %(min)s (got %(value)s).") % {"min": self.min_value, "value": value})
        if self.max_value is not None and number > self.max_value:
            raise CellError(_("Must be at most %(max)s (got %(value)s).") % {"max": self.max_value, "value": value})
        if self.decimal_places is not None:
            exponent = number.as_tuple().exponent
            if isinstance(exponent, int) and -exponent > self.decimal_places:
                raise CellError(
                    _("At most %(places)d decimal places allowed (got %(value)s).")
                    % {"places": self.decimal_places, "value": value}
                )
        if self.max_digits is not None:
            whole_digits = max(number.adjusted() + 1, 0) if number else 0
            allowed = self.max_digits - (self.decimal_places or 0)
            if whole_digits > allowed:
                raise CellError(
                    _("Too large: at most %(digits)d digits before the decimal point (got %(value)s).")
                    % {"digits": allowed, "value": value}
                )
        return number


class IntegerColumn(DecimalColumn):
    type_label = gettext_lazy("whole number")

    def to_python(self, value, ctx):
        number = super().to_python(value, ctx)
        if number != number.to_integral_value():
            raise CellError(_("“%(value)s” is not a whole number.") % {"value": value})
        return int(number)


DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y")
DATETIME_FORMATS = (
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%dT%H:%M",
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
    "%d/%m/%Y %H.%M",
)


# Dates outside these years are typing errors in the records of a city office; year 1 or 9999 would also break
# the date arithmetic done with them (a window of days before, a conversion from WITA to UTC).
MIN_YEAR, MAX_YEAR = 1900, 2100


def _check_year(parsed, value):
    if not MIN_YEAR <= parsed.year <= MAX_YEAR:
        raise CellError(
            _("“%(value)s” is not a plausible date: the year must be from %(min)d to %(max)d.")
            % {"value": value, "min": MIN_YEAR, "max": MAX_YEAR}
        )
    return parsed


class DateColumn(Column):
    type_label = gettext_lazy("date (YYYY-MM-DD or DD/MM/YYYY)")

    def to_python(self, value, ctx):
        if isinstance(value, datetime):
            return _check_year(value.date(), value)
        if isinstance(value, date):
            return _check_year(value, value)
        for fmt in DATE_FORMATS:
            try:
                parsed = datetime.strptime(str(value), fmt).date()
            except ValueError:
                continue
            return _check_year(parsed, value)
        raise CellError(_("“%(value)s” is not a valid date; use YYYY-MM-DD or DD/MM/YYYY.") % {"value": value})


class DateTimeColumn(Column):
    """A local time (WITA) unless the text carries its own offset."""

    type_label = gettext_lazy("date and time (YYYY-MM-DD HH:MM, WITA)")

    def to_python(self, value, ctx):
        parsed = None
        if isinstance(value, datetime):
            parsed = value
        else:
            text = str(value)
            try:
                parsed = datetime.fromisoformat(text)
            except ValueError:
                for fmt in DATETIME_FORMATS:
                    try:
                        parsed = datetime.strptime(text, fmt)
                        break
                    except ValueError:
                        continue
        if parsed is None:
            raise CellError(_("“%(value)s” is not a valid date and time; use YYYY-MM-DD HH:MM.") % {"value": value})
        _check_year(parsed, value)
        if timezone.is_naive(parsed):
            parsed = timezone.make_aware(parsed, ctx.tz)
        return parsed


_MISSING = object()


class ChoiceColumn(Column):
    """One of a fixed set of values. Accepts the code or its label, in any letter case."""

    type_label = gettext_lazy("one of the listed values")

    def __init__(self, name, *, choices, **kwargs):
        super().__init__(name, **kwargs)
        self.choices = list(choices)

    def _lookup(self):
        """{casefolded code or label: code}, built once per language instead of translating every label for
        every row (a 50,000-row file has hundreds of thousands of choice cells). The first choice whose code or
        label matches wins, as before."""
        language = get_language()
        cache = self.__dict__.setdefault("_lookup_cache", {})
        if language not in cache:
            table = {}
            for code, label in self.choices:
                table.setdefault(str(code).casefold(), code)
                table.setdefault(str(label).casefold(), code)
            cache[language] = table
        return cache[language]

    def to_python(self, value, ctx):
        text = str(value).strip().casefold()
        found = self._lookup().get(text, _MISSING)
        if found is not _MISSING:
            return found
        raise CellError(
            _("“%(value)s” is not allowed; use one of: %(allowed)s.")
            % {"value": value, "allowed": ", ".join(str(code) for code, _label in self.choices)}
        )

    def allowed_values(self):
        return [str(code) for code, _label in self.choices]


class BooleanColumn(ChoiceColumn):
    type_label = gettext_lazy("yes or no (ya/tidak)")
    TRUE = ("ya", "yes", "y", "true", "1")
    FALSE = ("tidak", "no", "n", "false", "0")

    def __init__(self, name, **kwargs):
        super().__init__(name, choices=[("ya", "ya"), ("tidak", "tidak")], **kwargs)

    def to_python(self, value, ctx):
        text = str(value).strip().casefold()
        if text in self.TRUE:
            return True
        if text in self.FALSE:
            return False
        raise CellError(_("“%(value)s” is not allowed; use ya or tidak.") % {"value": value})


class LookupColumn(Column):
    """A code that must exist in reference data, e.g. a kelurahan code or a BPS sector code.

    ``lookup`` returns {code: object}; it is loaded once per import, not once per row."""

    type_label = gettext_lazy("code from the reference list")

    def __init__(self, name, *, lookup, what="", **kwargs):
        super().__init__(name, **kwargs)
        self.lookup = lookup
        self.what = what

    def to_python(self, value, ctx):
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        table = ctx.lookup_table(self)
        code = str(value).strip()
        found = table.get(code)
        if found is None:
            found = table.get(code.upper())
        if found is None:
            raise CellError(_("Unknown %(what)s code “%(value)s”.") % {"what": self.what or self.name, "value": code})
        return found

    def allowed_values(self):
        return sorted(str(code) for code in self.lookup())
