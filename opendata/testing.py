"""A sample dataset for the portal's tests, registered only while the apps have declared none (before their
datasets.py are merged) so that every page and download can be exercised."""

from datetime import date
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from . import registry

SAMPLE_CODE = "opendata-sample"


def sample_dataset(code=SAMPLE_CODE):
    return registry.Dataset(
        code=code,
        title=_("Sample: MSME registrations by kelurahan"),
        description=_("A sample aggregate for the portal's tests."),
        producer="dkumkmp",
        frequency="yearly",
        unit=_("registrations"),
        columns=(
            registry.Column("year", _("Year"), type="year"),
            registry.Column("kelurahan_code", _("Kelurahan")),
            registry.Column("registrations", _("Registrations"), type="integer", suppress=True),
            registry.Column("share", _("Share"), type="decimal", unit="%"),
            registry.Column("as_of", _("As of"), type="date"),
        ),
        rows=lambda: [
            {
                "year": 2024,
                "kelurahan_code": "64.71.01.1001",
                "registrations": 2,
                "share": Decimal("12.50"),
                "as_of": date(2024, 12, 31),
            },
            {
                "year": 2024,
                "kelurahan_code": "64.71.01.1002",
                "registrations": 14,
                "share": Decimal("87.50"),
                "as_of": date(2024, 12, 31),
            },
            {"year": 2024, "kelurahan_code": "64.71.01.1003", "registrations": 0, "share": None, "as_of": None},
        ],
        period_covered=lambda: ("2024", "2024"),
        last_updated=lambda: date(2025, 1, 15),
        reference_codes=("Kemendagri region",),
        keywords=("UMKM",),
        contact="dkumkmp@balikpapan.go.id",
        topic="UMKM",
    )


def ensure_dataset():
    """The code of a registered dataset: the first declared one, or the sample when there is none."""
    datasets = registry.all_datasets()
    if datasets:
        return datasets[0].code
    return registry.register(sample_dataset()).code
