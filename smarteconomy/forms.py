from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.forms.models import ModelFormMetaclass
from django.forms.renderers import DjangoTemplates
from django.template import Context
from django.template.base import render_value_in_context
from django.utils.html import conditional_escape, escape
from django.utils.safestring import SafeData
from django.utils.translation import gettext_lazy as _

from .numbers import RUPIAH, NumberFormatError, format_number, parse_number


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("File (CSV or XLSX)"),
        help_text=_("At most 20 MB. CSV must be UTF-8; comma or semicolon separated."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,text/csv", "class": "form-control"}),
    )


def style_form(form):
    """Bootstrap classes on every widget of a form (called from the form's __init__)."""
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxInput):
            css = "form-check-input"
        elif isinstance(widget, forms.Select):
            css = "form-select"
        else:
            css = "form-control"
        widget.attrs.setdefault("class", css)
        if isinstance(field, forms.DateField):  # the browser's date input sends ISO; typed dates may be Indonesian
            field.input_formats = ["%Y-%m-%d", "%d/%m/%Y"]


class DateInput(forms.DateInput):
    """The browser's date picker (ISO value, shown in the user's locale)."""

    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


# --- Numbers ------------------------------------------------------------------------------------------------------
# Every number a person types (targets, prices, amounts, quotas, budgets, tariffs...) goes through one field: the
# Indonesian way of writing it (2,5 and 25.000: smarteconomy.numbers), in a text input (the browser's
# <input type=number> refuses 2,5 or reads it as 25), with its unit beside it. Model forms get these fields from
# ModelForm below (formfield_for_dbfield); other forms and the filters declare them; a test walks every form and
# filter of the product and fails on a plain IntegerField, DecimalField or FloatField.


class LocalizedNumberInput(forms.TextInput):
    """A text input for a number in the Indonesian format, with the unit beside it (Rp before, others after)."""

    template_name = "smarteconomy/widgets/number.html"

    def __init__(self, attrs=None, *, unit=None, grouping=True):
        super().__init__(attrs)
        self.unit = unit
        self.grouping = grouping

    def format_value(self, value):
        if value is None or value == "":
            return None
        if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
            return format_number(value, grouping=self.grouping)
        return str(value)  # what was typed, shown again as typed

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        css = context["widget"]["attrs"].get("class", "")
        context["widget"].update(
            unit=self.unit,
            unit_before=str(self.unit) == RUPIAH,
            small="form-control-sm" in css.split(),
        )
        return context


class LocalizedNumberMixin:
    """The parsing and the widget shared by the three number fields. ``unit``: shown beside the input;
    ``grouping=False`` for numbers written without a thousands dot (years, registry numbers)."""

    widget = LocalizedNumberInput
    input_mode = "decimal"
    default_error_messages = {
        "invalid": _("Enter a number, written as in Indonesia: 25.000 or 2,5."),
        "ambiguous": _(
            "“%(value)s” is not clear: write decimals with a comma (2,5) and thousands with a dot (25.000)."
        ),
    }

    def __init__(self, *, unit=None, grouping=True, widget=None, localize=False, **kwargs):
        # Any other widget (a model form's or the admin's <input type=number>) would refuse 2,5 in the browser.
        attrs = getattr(widget, "attrs", None) or {}
        attrs = {k: v for k, v in attrs.items() if k not in ("type", "step", "min", "max")}
        super().__init__(widget=LocalizedNumberInput(attrs, unit=unit, grouping=grouping), **kwargs)
        self.unit = unit
        self.grouping = grouping

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs.setdefault("inputmode", self.input_mode)
        return attrs

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, bool):
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        if isinstance(value, int | float | Decimal):
            number = Decimal(str(value))
        else:
            try:
                number = parse_number(value)
            except NumberFormatError as error:
                raise ValidationError(
                    self.error_messages[error.code], code=error.code, params={"value": str(value).strip()}
                ) from None
        return self.convert(number)

    def convert(self, number):
        return number


class LocalizedIntegerField(LocalizedNumberMixin, forms.IntegerField):
    input_mode = "numeric"
    default_error_messages = {"not_whole": _("Enter a whole number, without decimals.")}

    def convert(self, number):
        if number != number.to_integral_value():
            raise ValidationError(self.error_messages["not_whole"], code="not_whole")  # never rounded silently
        return int(number)


class LocalizedDecimalField(LocalizedNumberMixin, forms.DecimalField):
    pass


class LocalizedFloatField(LocalizedNumberMixin, forms.FloatField):
    def convert(self, number):
        return float(number)


NUMBER_FORM_FIELDS = [
    (models.DecimalField, LocalizedDecimalField),
    (models.FloatField, LocalizedFloatField),
    (models.IntegerField, LocalizedIntegerField),  # with every Positive/Small/BigIntegerField
]


def _number_form_field(db_field):
    if not db_field.choices:
        for model_field, form_field in NUMBER_FORM_FIELDS:
            if isinstance(db_field, model_field):
                return form_field
    return None


def formfield_for_dbfield(db_field, **kwargs):
    """A model field's form field, numbers as LocalizedNumberMixin fields with the unit the model declares in
    ``number_units`` ({field name: unit}, the units of smarteconomy.numbers); a ``year``, and the fields the model
    lists in ``plain_numbers`` (a row number), without a thousands dot."""
    form_field = _number_form_field(db_field)
    if form_field is not None:
        model = db_field.model
        kwargs.setdefault("form_class", form_field)
        kwargs.setdefault("unit", getattr(model, "number_units", {}).get(db_field.name))
        kwargs.setdefault("grouping", db_field.name not in {"year", *getattr(model, "plain_numbers", ())})
    return db_field.formfield(**kwargs)


class LocalizedNumbersAdminMixin:
    """For the back office's editable ModelAdmins and inlines: numbers typed as in the staff pages' forms."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        form_field = _number_form_field(db_field)
        if form_field is not None:
            width = "vIntegerField" if form_field is LocalizedIntegerField else "vBigIntegerField"  # the admin's CSS
            kwargs.setdefault("widget", forms.TextInput(attrs={"class": width}))
            return formfield_for_dbfield(db_field, **kwargs)
        return super().formfield_for_dbfield(db_field, request, **kwargs)


class _ModelFormMetaclass(ModelFormMetaclass):
    def __new__(mcs, name, bases, attrs):
        meta = attrs.get("Meta")
        if meta is not None and not hasattr(meta, "formfield_callback"):
            attrs["Meta"] = type("Meta", (meta,), {"formfield_callback": staticmethod(formfield_for_dbfield)})
        return super().__new__(mcs, name, bases, attrs)


class ModelForm(forms.ModelForm, metaclass=_ModelFormMetaclass):
    """The base of the product's model forms: its numbers are typed the Indonesian way, with their unit."""


SELECT_TEMPLATE = "django/forms/widgets/select.html"
OPTION_TEMPLATE = "django/forms/widgets/select_option.html"


def _stringformat(value):
    """``value|stringformat:'s'`` in an autoescaped template."""
    text = str(value)
    return text if isinstance(value, SafeData) else escape(text)


def _attrs(attrs):
    """django/forms/widgets/attrs.html."""
    return "".join(
        f" {conditional_escape(name)}" if value is True else f' {conditional_escape(name)}="{_stringformat(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


class ListFilterRenderer(DjangoTemplates):
    """The renderer of the list pages' filter forms. Django renders a <select> with one template include per
    option; the filters' kelurahan, kecamatan and choice lists (dozens of options) made that a fifth of a list
    page's time. A select (with Django's own option template) is built here in Python with the same markup;
    every other widget is rendered by Django's templates as usual."""

    def render(self, template_name, context, request=None):
        widget = context.get("widget") or {}
        groups = widget.get("optgroups")
        if template_name != SELECT_TEMPLATE or groups is None:
            return super().render(template_name, context, request)
        if any(option["template_name"] != OPTION_TEMPLATE for _name, options, _index in groups for option in options):
            return super().render(template_name, context, request)
        cell = Context(autoescape=True)
        parts = [f'<select name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>']
        for group_name, options, _index in groups:
            if group_name:
                parts.append(f'\n  <optgroup label="{render_value_in_context(group_name, cell)}">')
            for option in options:
                parts.append(
                    f'\n  <option value="{_stringformat(option["value"])}"{_attrs(option["attrs"])}>'
                    f"{render_value_in_context(option['label'], cell)}</option>\n"
                )
            if group_name:
                parts.append("\n  </optgroup>")
        parts.append("\n</select>")
        return "".join(parts)  # as BaseRenderer.render's .strip() leaves it


LIST_FILTER_RENDERER = ListFilterRenderer()
