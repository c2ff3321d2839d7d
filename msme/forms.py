"""Forms of the msme pages. They only collect input: the writes go through msme.services."""

import uuid
from pathlib import Path

from django import forms
from django.utils.translation import gettext_lazy as _

from smarteconomy.forms import DateInput, LocalizedIntegerField, ModelForm, style_form
from smarteconomy.models import Kelurahan

from .choices import OutletMovementKind
from .models import Listing, Msme, OutletPayout, OutletProduct, Training
from .services import MSME_FIELDS
from .validators import validate_image_size


class MsmeIdField(forms.ModelChoiceField):
    """An MSME by its registry number (the registry is too long for a drop-down list)."""

    widget = forms.NumberInput

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("MSME (registry number)"))
        kwargs.setdefault("error_messages", {"invalid_choice": _("No MSME has this registry number.")})
        super().__init__(queryset=Msme.objects.all(), **kwargs)


class MsmeForm(ModelForm):
    class Meta:
        model = Msme
        fields = MSME_FIELDS
        widgets = {"registered_on": DateInput(), "qris_since": DateInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kelurahan"].queryset = Kelurahan.objects.select_related("kecamatan").order_by(
            "kecamatan__name", "name"
        )
        self.fields["kelurahan"].label_from_instance = lambda k: f"{k.name} ({k.kecamatan.name})"
        self.fields["owner_nik"].help_text = _(
            "16 digits: region code, birth date DDMMYY (day + 40 for women), serial."
        )
        self.fields["nib"].help_text = _("Optional: 13 digits, from OSS.")
        style_form(self)

    def _post_clean(self):
        # The service validates the whole record (and the duplicates); the form only checks the fields.
        pass


class PhotoField(forms.ImageField):
    """A listing's photo: its size and pixels are checked before Django's ImageField opens it, so that a file too
    large (in bytes or pixels) is refused with a message that says so, not as "not an image"."""

    def to_python(self, data):
        if data not in self.empty_values:
            validate_image_size(data)
        image = super().to_python(data)
        if image is not None:
            # Stored under a generated name: the uploader's file name may carry a NIK or phone number, and the
            # photo's address is shown to every office that sees the listing.
            image.name = f"{uuid.uuid4().hex}{Path(image.name).suffix.lower()}"
        return image


class ListingForm(ModelForm):
    msme = MsmeIdField()
    photo = PhotoField(label=_("photo"), required=False, help_text=_("Optional: JPEG, PNG or WebP, at most 2 MB."))

    class Meta:
        model = Listing
        fields = ("msme", "product_name", "category", "price", "photo", "listed_on", "active", "delisted_on")
        widgets = {"listed_on": DateInput(), "delisted_on": DateInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_form(self)

    def _post_clean(self):
        pass


class TrainingForm(ModelForm):
    class Meta:
        model = Training
        fields = (
            "title",
            "partner",
            "starts_on",
            "ends_on",
            "topics",
            "location",
            "quota",
            "budget",
            "realized_cost",
            "weight_never_trained",
            "weight_no_digital_payment",
            "weight_kecamatan_equity",
            "weight_has_products",
            "follow_up_days",
        )
        widgets = {"starts_on": DateInput(), "ends_on": DateInput(), "topics": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_form(self)

    def _post_clean(self):
        pass


class ApplyForm(forms.Form):
    msme = MsmeIdField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_form(self)


class ParticipantActionForm(forms.Form):
    action = forms.ChoiceField(
        choices=[("select", "select"), ("withdraw", "withdraw"), ("attended", "attended"), ("absent", "absent"),
                 ("qris", "qris")]
    )  # fmt: skip
    qris_adopted_on = forms.DateField(required=False, input_formats=["%Y-%m-%d"])


class OutletProductForm(ModelForm):
    msme = MsmeIdField()

    class Meta:
        model = OutletProduct
        fields = ("msme", "name", "unit_price", "commission_percent")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_form(self)

    def _post_clean(self):
        pass


class OutletMovementForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=OutletMovementKind.choices)
    quantity = LocalizedIntegerField(label=_("Quantity"), min_value=1)
    on = forms.DateField(label=_("Date"), widget=DateInput())
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_form(self)


class OutletPayoutForm(ModelForm):
    msme = MsmeIdField()

    class Meta:
        model = OutletPayout
        fields = ("msme", "month", "amount", "paid_on", "method", "reference")
        widgets = {"month": DateInput(), "paid_on": DateInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_form(self)

    def _post_clean(self):
        pass
