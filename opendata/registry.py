"""The public datasets of the open-data portal (Satu Data Indonesia, Perpres 39/2019).

Each app declares its public datasets in its own ``datasets.py`` (``register(Dataset(...))``), discovered at start-up
like the indicators and the data sources; ``opendata`` imports nothing else from the apps. Only aggregates are ever
declared: a dataset's ``rows()`` returns counts, sums, rates per period/category/area, never a record of a person, so
nothing personal can reach the portal. A count below ``SUPPRESS_BELOW`` in a cell at kelurahan level is published as
"<3" (``suppress``)."""

from dataclasses import dataclass, field

from django.db.models import Max
from django.utils.translation import gettext_lazy as _

from smarteconomy.registries import Registry

SUPPRESS_BELOW = 3
SUPPRESSED = "<3"
LICENCE = "CC-BY-4.0"
CITY_CODE = _("Kemendagri region code 64.71 (Kota Balikpapan)")


class DatasetError(ValueError):
    pass


@dataclass(frozen=True)
class Column:
    """One column of a dataset's table: its key (the CSV header and JSON key), its label, unit and type
    ("string", "integer", "decimal", "date", "year", "period"), and whether small counts in it are suppressed."""

    key: str
    label: object  # a lazy translation
    type: str = "string"
    unit: object = ""
    suppress: bool = False


@dataclass(frozen=True)
class Dataset:
    """One public dataset with its Satu Data metadata.

    ``rows()`` returns a list of dicts keyed by the columns' keys (aggregates only). ``period_covered()`` returns
    (first, last) as texts ("2019", "2023-01"), ``last_updated()`` a datetime or date (None: unknown)."""

    code: str  # e.g. "licensing-permits-by-month": the URL slug and CKAN package name
    title: object
    description: object
    producer: str  # the producing office (smarteconomy.choices.Role)
    frequency: str  # "monthly", "quarterly", "yearly", "per edition"
    unit: object
    columns: tuple  # of Column
    rows: object  # callable() -> list[dict]
    period_covered: object  # callable() -> (first, last)
    last_updated: object  # callable() -> datetime | date | None
    reference_codes: tuple = ()  # e.g. ("Kemendagri region", "BPS sector (KBLI 2020 categories)")
    keywords: tuple = ()
    contact: str = ""  # an office's e-mail address or desk
    version: str = "1.0"
    licence: str = LICENCE
    topic: object = ""  # a theme for the catalogue ("Perizinan", "UMKM", ...)
    extra: dict = field(default_factory=dict)


def _check_columns(dataset):
    keys = [column.key for column in dataset.columns]
    if len(keys) != len(set(keys)):
        raise DatasetError(f"Dataset {dataset.code} has a column twice.")


# Each app's datasets.py declares its public datasets.
DATASETS = Registry(
    "datasets", noun="Dataset", error=DatasetError, order=lambda dataset: dataset.code, check=_check_columns
)
register = DATASETS.register
autodiscover = DATASETS.autodiscover
all_datasets = DATASETS.all
get_dataset = DATASETS.get


def suppress(count):
    """A count as published: "<3" for 1 and 2 (small-cell suppression); 0 and None stay as they are."""
    if count is None or count == 0:
        return count
    return SUPPRESSED if count < SUPPRESS_BELOW else count


# Helpers of the apps' datasets.py ------------------------------------------------------------------------------------


def percent(part, total):
    """A share in % rounded to 2 decimals as published (None when there is nothing to divide by)."""
    from analytics.registry import share

    value = share(part, total)
    return None if value is None else round(value, 2)


def last_change(*models):
    """The last moment any record of ``models`` changed (their django-simple-history tables), or None."""
    moments = [model.history.aggregate(last=Max("history_date"))["last"] for model in models]
    moments = [moment for moment in moments if moment]
    return max(moments) if moments else None


def months_covered(periods):
    """The first and the last month among ``periods`` as texts ("2023-01", "2025-10"), or (None, None)."""
    months = [str(period) for period in periods if period.is_month]
    return (months[0], months[-1]) if months else (None, None)
