from django import forms
from django.utils.translation import gettext_lazy as _

from smarteconomy.forms import style_form

from .choices import PriceBasis, source_label
from .models import Region
from .selectors import grdp_releases, grdp_years, regions_with_grdp

METHOD_LABELS = {
    "classic": _("Classic (one period, start → end)"),
    "dynamic": _("Dynamic (sum of the annual decompositions)"),
    "annual-average": _("Annual average (dynamic ÷ number of years)"),
    "esteban-marquillas": _("Esteban-Marquillas (DS = competitive + allocation effect)"),
}
VARIANT_LABELS = {
    "compound": _("Compound growth (= LQ end ÷ LQ start)"),
    "arithmetic": _("Arithmetic mean of annual growth rates"),
}


class LeadingSectorsForm(forms.Form):
    """The analyst's choices. Defaults: Kota Balikpapan against Kalimantan Timur, the widest window, ADHK."""

    # Plain choices from one query (a ModelChoiceField would query the regions again for every rendering).
    region = forms.ChoiceField(label=_("Region"))
    reference = forms.ChoiceField(label=_("Reference region"))
    price_basis = forms.ChoiceField(choices=PriceBasis.choices, label=_("Price basis"), initial=PriceBasis.ADHK)
    start = forms.TypedChoiceField(coerce=int, label=_("From year"))
    end = forms.TypedChoiceField(coerce=int, label=_("Until year"))
    method = forms.ChoiceField(choices=list(METHOD_LABELS.items()), label=_("Shift-share method"), initial="classic")
    variant = forms.ChoiceField(choices=list(VARIANT_LABELS.items()), label=_("Dynamic LQ variant"), initial="compound")
    vintage = forms.CharField(label=_("Release"), required=False)
    compare = forms.CharField(label=_("Compare LQ classes with release"), required=False)

    def __init__(self, data=None, **kwargs):
        self.regions = {region.code: region for region in regions_with_grdp()}
        price_basis = (data or {}).get("price_basis") or PriceBasis.ADHK
        years = grdp_years(price_basis=price_basis if price_basis in PriceBasis.values else PriceBasis.ADHK)
        # A price basis without data is refused by clean_price_basis with a message that says so; the year
        # selects keep the years of any basis, so that the form stays usable (switch back to the other basis).
        self.basis_without_data = price_basis if not years and price_basis in PriceBasis.values else None
        if self.basis_without_data:
            years = grdp_years()
        defaults = {
            "region": "64.71",
            "reference": "64",
            "price_basis": PriceBasis.ADHK,
            "start": years[0] if years else "",
            "end": years[-1] if years else "",
            "method": "classic",
            "variant": "compound",
        }
        merged = {**defaults, **{k: v for k, v in (data or {}).items() if v not in ("", None)}}
        super().__init__(merged, **kwargs)
        self.fields["region"].choices = [(code, str(region)) for code, region in self.regions.items()]
        self.fields["reference"].choices = self.fields["region"].choices
        # Years as plain text: the Indonesian number format would print 2.019.
        self.fields["start"].choices = [(y, str(y)) for y in years]
        self.fields["end"].choices = [(y, str(y)) for y in years]
        self.releases = {release.label: release for release in grdp_releases()}
        release_choices = [(label, source_label(label)) for label in self.releases]
        for name, empty in (("vintage", _("Latest values")), ("compare", _("No comparison"))):
            self.fields[name].widget = forms.Select(choices=[("", empty), *release_choices])
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-select form-select-sm"

    def clean_price_basis(self):
        basis = self.cleaned_data["price_basis"]
        if basis == self.basis_without_data:
            raise forms.ValidationError(
                _("There is no %(basis)s GRDP data yet: choose another price basis, or import the BPS tables."),
                params={"basis": basis},  # the code (ADHB): its label has a colon of its own
            )
        return basis

    def _release(self, name):
        label = self.cleaned_data[name]
        if not label:
            return None
        if label not in self.releases:
            raise forms.ValidationError(
                _("There is no GRDP release “%(label)s”: choose one of the list (%(count)d releases)."),
                params={"label": label, "count": len(self.releases)},
            )
        return self.releases[label]

    def clean_vintage(self):
        return self._release("vintage")

    def clean_compare(self):
        return self._release("compare")

    def clean_region(self):
        return self.regions[self.cleaned_data["region"]]

    def clean_reference(self):
        return self.regions[self.cleaned_data["reference"]]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("region") and cleaned.get("region") == cleaned.get("reference"):
            self.add_error("reference", _("Choose a reference region other than the region."))
        # start = end is one year: its LQ (growth, shift-share and Klassen then say they need two years).
        if cleaned.get("start") and cleaned.get("end") and cleaned["start"] > cleaned["end"]:
            self.add_error("end", _("The end year must not be before the start year."))
        return cleaned


class GrdpOptionsForm(forms.Form):
    """The release (vintage) a GRDP file is imported into."""

    vintage = forms.CharField(
        label=_("Release"),
        max_length=200,
        required=False,
        help_text=_(
            "E.g. PDRB Kaltim 2024, rilis Juli 2025. An existing release's values are replaced; a new label keeps "
            "the older releases. Empty: the source of the values names the release."
        ),
    )
    release_date = forms.DateField(
        label=_("Release date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("The publication date of a new release (empty: today)."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_form(self)


class GrdpBpsOptionsForm(GrdpOptionsForm):
    """What a BPS table as published does not say in its rows: whose table it is, its price basis, and its unit
    when the title does not state it; and the release it belongs to."""

    field_order = ["region", "price_basis", "unit", "source", "vintage", "release_date"]

    region = forms.ChoiceField(label=_("Region"))
    price_basis = forms.ChoiceField(choices=PriceBasis.choices, label=_("Price basis"))
    unit = forms.ChoiceField(
        label=_("Unit"),
        required=False,
        choices=[
            ("", _("As stated in the title of the table")),
            ("juta", _("juta rupiah (million)")),
            ("miliar", _("miliar rupiah (billion)")),
        ],
    )
    source = forms.CharField(
        label=_("Source"),
        max_length=200,
        required=False,
        help_text=_("E.g. BPS Kota Balikpapan, PDRB menurut lapangan usaha 2024. Empty: the title of the table."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = [
            (code, f"{code} {name}") for code, name in Region.objects.order_by("code").values_list("code", "name")
        ]
        style_form(self)


class ProvinceComparisonForm(forms.Form):
    """The year, price basis and release of the province comparison (all optional: the latest by default)."""

    price_basis = forms.ChoiceField(choices=PriceBasis.choices, label=_("Price basis"), required=False)
    year = forms.TypedChoiceField(coerce=int, label=_("Year"), required=False, empty_value=None)
    vintage = forms.ChoiceField(
        label=_("Release"),
        required=False,
        error_messages={"invalid_choice": _("There is no GRDP release “%(value)s”: choose one of the list.")},
    )

    def __init__(self, data=None, **kwargs):
        super().__init__(data, **kwargs)
        self.releases = {release.label: release for release in grdp_releases()}
        years = grdp_years()
        self.fields["year"].choices = [("", _("Latest year")), *((y, str(y)) for y in reversed(years))]
        self.fields["vintage"].choices = [("", _("Latest values")), *((k, source_label(k)) for k in self.releases)]
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-select form-select-sm"

    def clean_price_basis(self):
        return self.cleaned_data["price_basis"] or PriceBasis.ADHK

    def clean_vintage(self):
        label = self.cleaned_data["vintage"]
        return self.releases[label] if label else None
