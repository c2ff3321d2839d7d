"""The filter forms' renderer: a <select> built in Python, byte for byte Django's own."""

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from smarteconomy.forms import LIST_FILTER_RENDERER


class SampleForm(forms.Form):
    plain = forms.ChoiceField(choices=[("", "---------"), ("a", "Alpha & <Omega>"), (2023, 2023), ("c", "C")])
    grouped = forms.ChoiceField(
        choices=[("Kota", [("k1", "Klandasan Ilir"), ("k2", "Prapatan")]), ("x", gettext_lazy("Status"))],
        widget=forms.Select(attrs={"class": "form-select form-select-sm", "data-x": 'say "hi"', "disabled": False}),
    )
    multiple = forms.MultipleChoiceField(choices=[("a", "A"), ("b", mark_safe("<b>B</b>"))], required=False)
    yes_no = forms.NullBooleanField(widget=forms.NullBooleanSelect(attrs={"autofocus": True}))


@pytest.mark.parametrize("data", [{}, {"plain": "2023", "grouped": "k2", "multiple": ["a", "b"], "yes_no": "true"}])
@pytest.mark.parametrize("language", ["id", "en"])
def test_selects_are_rendered_as_djangos_templates_render_them(data, language):
    with translation.override(language):
        ours = SampleForm(data or None, renderer=LIST_FILTER_RENDERER)
        django = SampleForm(data or None, renderer=DjangoTemplates())
        for name in SampleForm.base_fields:
            assert str(ours[name]) == str(django[name]), name
    assert "Alpha &amp; &lt;Omega&gt;" in str(ours["plain"]) and "<b>B</b>" in str(ours["multiple"])


def test_other_widgets_are_left_to_djangos_templates():
    class Other(forms.Form):
        text = forms.CharField()
        when = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
        radio = forms.ChoiceField(choices=[("a", "A")], widget=forms.RadioSelect)

    for name in Other.base_fields:
        assert str(Other(renderer=LIST_FILTER_RENDERER)[name]) == str(Other(renderer=DjangoTemplates())[name])
