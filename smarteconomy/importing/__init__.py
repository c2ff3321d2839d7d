"""The shared importer: one implementation behind every upload page, import command and API endpoint.

An app declares an ``Importer`` subclass (columns, key, how to save) in its ``importers.py`` and registers it
with ``@register``; ``run_import`` does the rest: size and format limits, decoding, header check, every
row's validation with a report of every bad row, all-or-nothing writing, dry runs and the ImportBatch log.
"""

from .base import (
    BulkImporter,
    BulkOutcome,
    Importer,
    ImportError_,
    RowError,
    get_importer,
    importers_for,
    register,
    run_import,
)
from .columns import (
    BooleanColumn,
    ChoiceColumn,
    Column,
    DateColumn,
    DateTimeColumn,
    DecimalColumn,
    IntegerColumn,
    LookupColumn,
    TextColumn,
)

__all__ = [
    "BulkImporter",
    "BulkOutcome",
    "RowError",
    "BooleanColumn",
    "ChoiceColumn",
    "Column",
    "DateColumn",
    "DateTimeColumn",
    "DecimalColumn",
    "ImportError_",
    "Importer",
    "IntegerColumn",
    "LookupColumn",
    "TextColumn",
    "get_importer",
    "importers_for",
    "register",
    "run_import",
]
