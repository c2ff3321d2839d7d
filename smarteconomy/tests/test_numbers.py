"""Numbers typed the Indonesian way (2,5 and 25.000) in every number input: the parser, the shared fields and
widget, and a walk over every form and filter of the product."""

import importlib
from decimal import Decimal

import django_filters
import pytest
from django import forms
from django.apps import apps
from django.conf import settings
from django.db import models
from django.test.utils import isolate_apps
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from smarteconomy.forms import (
    LocalizedDecimalField,
    LocalizedFloatField,
    LocalizedIntegerField,
    LocalizedNumberMixin,
    ModelForm,
)
from smarteconomy.numbers import RUPIAH, NumberFormatError, format_number, parse_number

# --- The parser ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2,5", "2.5"),
        ("25.000", "25000"),
        ("1.234.567,89", "1234567.89"),
        ("25000", "25000"),
        ("0,5", "0.5"),
        ("2,50", "2.50"),
        ("-3,75", "-3.75"),
        ("−1.500", "-1500"),  # the typographic minus
        ("  12.000\u00a0", "12000"),  # spaces around, as pasted
        ("007", "7"),
    ],
)
def test_the_indonesian_way_of_writing_a_number_is_read(text, expected):
    number = parse_number(text)
    assert number == Decimal(expected) and str(number) == expected  # 25.000 has no decimal places


@pytest.mark.parametrize(
    "text",
    [
        "2.5",  # a decimal point or a thousands dot? never guessed
        "0.5",
        "25.00",
        "1.23.4",
        "0.500",  # a leading zero before a thousands dot
        "1.2345",
        "1,234.5",  # the English way
        "1,234,567",
        "25,",
        ",5",
        "1.234,",
    ],
)
def test_a_number_written_another_way_is_refused_as_ambiguous(text):
    with pytest.raises(NumberFormatError) as error:
        parse_number(text)
    assert error.value.code == "ambiguous"


@pytest.mark.parametrize("text", ["", "abc", "2,5 kg", "Rp25.000", "25 000", "1e5", "NaN", "--5", "+5", "5-"])
def test_garbage_is_refused(text):
    with pytest.raises(NumberFormatError) as error:
        parse_number(text)
    assert error.value.code == "invalid"


@pytest.mark.parametrize(
    ("value", "grouped", "plain"),
    [
        (Decimal("2.5000"), "2,5", "2,5"),
        (25000, "25.000", "25000"),
        (Decimal("1234567.89"), "1.234.567,89", "1234567,89"),
        (-1234.5, "-1.234,5", "-1234,5"),
        (Decimal("150000.00"), "150.000", "150000"),
        (2026, "2.026", "2026"),
    ],
)
def test_a_value_is_written_back_the_same_way(value, grouped, plain):
    assert format_number(value) == grouped
    assert format_number(value, grouping=False) == plain


@given(st.decimals(min_value=-(10**12), max_value=10**12, places=4, allow_nan=False, allow_infinity=False))
def test_what_is_written_reads_back_as_the_same_number(value):
    assert parse_number(format_number(value)) == value
    assert parse_number(format_number(value, grouping=False)) == value


# --- The fields ----------------------------------------------------------------------------------------------------


class PriceForm(forms.Form):
    price = LocalizedDecimalField(max_digits=16, decimal_places=2, min_value=0, unit=RUPIAH)
    quota = LocalizedIntegerField(min_value=1)
    change = LocalizedFloatField(required=False, unit="%")
    year = LocalizedIntegerField(required=False, grouping=False)


def _clean(**data):
    form = PriceForm({"price": "1", "quota": "1", **data})
    return form.is_valid(), form.cleaned_data, form.errors


def test_fields_read_commas_and_dots():
    valid, cleaned, _errors = _clean(price="25.000", quota="1.200", change="-2,5", year="2026")
    assert valid
    assert cleaned == {"price": Decimal("25000"), "quota": 1200, "change": -2.5, "year": 2026}


def test_fields_never_change_a_magnitude_silently():
    valid, _cleaned, errors = _clean(price="2.5", quota="2,5", change="abc")
    assert not valid
    with translation.override("en"):
        assert errors["price"] == [
            "“2.5” is not clear: write decimals with a comma (2,5) and thousands with a dot (25.000)."
        ]
        assert errors["quota"] == ["Enter a whole number, without decimals."]  # 2,5 people: not rounded to 2 or 3
        assert errors["change"] == ["Enter a number, written as in Indonesia: 25.000 or 2,5."]
    with translation.override("id"):
        assert errors["quota"] == ["Masukkan bilangan bulat, tanpa desimal."]


def test_fields_keep_their_limits():
    valid, _cleaned, errors = _clean(price="-1", quota="0", change="1,5")
    assert not valid and set(errors) == {"price", "quota"}  # negatives where the field allows them only
    valid, _cleaned, errors = _clean(price="1,999")  # three decimals in a field of two: refused, not rounded
    assert not valid and set(errors) == {"price"}


def test_the_input_is_text_with_the_unit_beside_it():
    form = PriceForm(initial={"price": Decimal("25000.00"), "quota": 1200, "change": 2.5, "year": 2026})
    price, quota, change, year = (str(form[name]) for name in ("price", "quota", "change", "year"))
    # <input type=number> would refuse 2,5 in the browser (or drop the comma): a text input with a numeric keyboard.
    assert 'type="number"' not in price + quota + change + year
    assert 'type="text"' in price and 'inputmode="decimal"' in price and 'inputmode="numeric"' in quota
    assert 'value="25.000"' in price and 'value="1.200"' in quota and 'value="2,5"' in change
    assert 'value="2026"' in year  # a year has no thousands dot
    assert price.index('<span class="input-group-text">Rp</span>') < price.index("<input")  # Rp25.000
    assert change.index("<input") < change.index('<span class="input-group-text">%</span>')  # 2,5%
    assert "input-group" not in quota
    bound = PriceForm({"price": "2.5", "quota": "1"})
    assert 'value="2.5"' in str(bound["price"])  # what was typed is shown again as typed, with the error


def test_model_forms_get_the_fields_and_the_units_of_their_model():
    from msme.forms import OutletProductForm, TrainingForm

    commission = OutletProductForm.base_fields["commission_percent"]
    assert isinstance(commission, LocalizedDecimalField) and commission.unit == "%"
    assert OutletProductForm.base_fields["unit_price"].unit == RUPIAH
    quota = TrainingForm.base_fields["quota"]
    assert isinstance(quota, LocalizedIntegerField) and quota.unit is not None
    with translation.override("id"):
        assert 'class="input-group-text">hari</span>' in str(TrainingForm()["follow_up_days"])

    class Inherited(OutletProductForm):
        class Meta(OutletProductForm.Meta):
            fields = ("unit_price",)

    assert isinstance(Inherited.base_fields["unit_price"], LocalizedDecimalField)


# --- Every number input of the product -----------------------------------------------------------------------------

PROJECT_APPS = ("analytics", "cashless", "industry_center", "licensing", "msme", "smarteconomy")
NUMBER_FIELDS = (forms.IntegerField, forms.DecimalField, forms.FloatField)


def _project_classes(base):
    for config in apps.get_app_configs():
        if config.name in PROJECT_APPS:
            for module in ("forms", "filtersets", "views", "admin", "api"):
                try:
                    importlib.import_module(f"{config.name}.{module}")
                except ModuleNotFoundError as error:
                    if error.name != f"{config.name}.{module}":
                        raise
    importlib.import_module(settings.ROOT_URLCONF)
    seen, todo = set(), [base]
    while todo:
        cls = todo.pop()
        for sub in cls.__subclasses__():
            if sub not in seen:
                seen.add(sub)
                todo.append(sub)
    return [
        cls
        for cls in seen
        if cls.__module__.split(".")[0] in PROJECT_APPS and not cls.__module__.startswith("smarteconomy.tests")
    ]


def test_every_number_field_of_every_form_reads_the_indonesian_way():
    classes = _project_classes(forms.BaseForm)
    assert {"TargetForm", "PaymentForm", "ListingForm", "TenancyForm"} <= {cls.__name__ for cls in classes}
    plain = [
        f"{cls.__module__}.{cls.__name__}.{name}: {type(field).__name__}"
        for cls in classes
        for name, field in getattr(cls, "base_fields", {}).items()
        if isinstance(field, NUMBER_FIELDS) and not isinstance(field, LocalizedNumberMixin)
    ]
    assert plain == []


def test_every_number_filter_of_every_list_reads_the_indonesian_way():
    classes = _project_classes(django_filters.FilterSet)
    assert {"GrdpValueFilterSet", "ListingFilterSet"} <= {cls.__name__ for cls in classes}
    plain = [
        f"{cls.__module__}.{cls.__name__}.{name}: {f.field_class.__name__}"
        for cls in classes
        for name, f in cls.base_filters.items()
        if issubclass(f.field_class, NUMBER_FIELDS) and not issubclass(f.field_class, LocalizedNumberMixin)
    ]
    assert plain == []


@isolate_apps("smarteconomy")
def test_a_model_form_of_any_model_number_field_gets_the_shared_field():
    class Sample(models.Model):
        small = models.PositiveSmallIntegerField()
        big = models.BigIntegerField()
        ratio = models.FloatField()
        amount = models.DecimalField(max_digits=10, decimal_places=2)
        kind = models.IntegerField(choices=[(1, "one"), (2, "two")])
        number_units = {"amount": RUPIAH}

        class Meta:
            app_label = "smarteconomy"

        def __str__(self):
            return "sample"

    class SampleForm(ModelForm):
        class Meta:
            model = Sample
            fields = "__all__"

    fields = SampleForm.base_fields
    assert [type(fields[name]) for name in ("small", "big", "ratio", "amount")] == [
        LocalizedIntegerField,
        LocalizedIntegerField,
        LocalizedFloatField,
        LocalizedDecimalField,
    ]
    assert fields["amount"].unit == RUPIAH and fields["small"].min_value == 0
    assert isinstance(fields["kind"], forms.TypedChoiceField)  # a choice stays a choice


@pytest.mark.django_db
def test_every_number_input_of_the_back_office_reads_the_indonesian_way(rf, django_user_model):
    """The editable ModelAdmins and inlines (tariffs, GRDP values, service levels...) too; read-only ones show no
    inputs."""
    from django.contrib import admin

    request = rf.get("/admin/")
    request.user = django_user_model.objects.create_superuser("root", "root@example.org", "x")
    plain, checked = [], set()
    for model_admin in admin.site._registry.values():
        for holder in (model_admin, *model_admin.get_inline_instances(request)):
            if not (
                holder.has_add_permission(request, *(() if holder is model_admin else (None,)))
                or holder.has_change_permission(request)
            ):
                continue
            form = holder.get_form(request) if holder is model_admin else holder.get_formset(request).form
            for name, field in form.base_fields.items():
                if isinstance(field, NUMBER_FIELDS):
                    checked.add(f"{type(holder).__name__}.{name}")
                    if not isinstance(field, LocalizedNumberMixin):
                        plain.append(f"{type(holder).__name__}.{name}: {type(field).__name__}")
    assert {
        "TariffSchemeInline.car_first_hour",
        "GrdpValueAdmin.value",
        "PermitTypeAdmin.service_level_days",
    } <= checked
    assert plain == []
