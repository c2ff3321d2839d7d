from django import forms
from django.utils.translation import gettext_lazy as _


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("File (CSV or XLSX)"),
        help_text=_("At most 20 MB. CSV must be UTF-8; comma or semicolon separated."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,text/csv", "class": "form-control"}),
    )
