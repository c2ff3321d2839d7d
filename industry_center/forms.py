"""Forms of the industry-centre pages. They only collect input: the writes go through industry_center.services."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from smarteconomy.forms import DateInput, DateTimeLocalInput, LocalizedIntegerField, ModelForm, style_form
from smarteconomy.numbers import RUPIAH

from .choices import PaymentChannel
from .models import ProductionHouse, Tenancy, Tenant

DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d"]


class ProductionHouseForm(ModelForm):
    class Meta:
        model = ProductionHouse
        fields = ("centre", "unit_code", "commodity", "equipment_level", "upgrade_notes", "active")
        widgets = {"upgrade_notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_form(self)


class TenantForm(ModelForm):
    class Meta:
        model = Tenant
        fields = ("name", "owner_name", "nib", "phone", "notes")
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["nib"].help_text = _("13 digits, from OSS; optional.")
        style_form(self)


class TenancyForm(ModelForm):
    class Meta:
        model = Tenancy
        fields = ("tenant", "house", "start", "end", "monthly_levy")
        widgets = {"start": DateInput(), "end": DateInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["house"].queryset = ProductionHouse.objects.filter(active=True).select_related("centre")
        self.fields["end"].help_text = _("Empty while the tenancy goes on.")
        style_form(self)


class PaymentForm(forms.Form):
    channel = forms.ChoiceField(label=_("Channel"), choices=PaymentChannel.choices)
    amount = LocalizedIntegerField(label=_("Amount (Rp)"), min_value=1, unit=RUPIAH)
    paid_at = forms.DateTimeField(label=_("Paid at"), widget=DateTimeLocalInput(), input_formats=DATETIME_FORMATS)
    reference = forms.CharField(
        label=_("Reference"),
        max_length=64,
        required=False,
        help_text=_("The RRN of a QRIS payment or the bank reference of a transfer; empty for cash."),
    )
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args, bill=None, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("paid_at", timezone.localtime().replace(second=0, microsecond=0))
            if bill is not None:
                self.initial.setdefault("amount", bill.outstanding)
        style_form(self)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=300)


class ResolveForm(forms.Form):
    bill_number = forms.CharField(label=_("Bill number"), max_length=25)


class IssueMonthForm(forms.Form):
    period = forms.DateField(label=_("Month"), input_formats=["%Y-%m", "%Y-%m-%d"], required=False)
