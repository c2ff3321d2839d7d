from django import forms
from django.forms.renderers import DjangoTemplates
from django.template import Context
from django.template.base import render_value_in_context
from django.utils.html import conditional_escape, escape
from django.utils.safestring import SafeData
from django.utils.translation import gettext_lazy as _


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
