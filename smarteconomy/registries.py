"""The one shape of the product's start-up registries: each app declares its pieces in a module of its own
(``<app>/indicators.py``, ``sources.py``, ``datasets.py``, ``notifications.py``, ``worklist.py``), and the app that
owns the registry discovers them when Django starts (its ``AppConfig.ready``).

A registry holds its entries by code, refuses a code declared twice, lists them in its order and finds one by
code. What a kind of entry must satisfy beyond a unique code (a dataset's columns, the indicators a data source
covers) is checked by the ``check`` given to the registry, before anything is registered."""

from django.utils.module_loading import autodiscover_modules


class Registry:
    def __init__(self, module, *, noun, error, order=None, check=None, unknown=None):
        self.module = module  # the module each app declares its entries in, e.g. "indicators"
        self.noun = noun  # how the messages name an entry, e.g. "Indicator"
        self.error = error  # the exception raised for a code declared twice or unknown
        self.order = order  # a sort key, or None for the order of declaration
        self.check = check
        # The message of an unknown code, with %(code)r; a translated one where users read it (a command's error).
        self.unknown = unknown or f"Unknown {noun.lower()} %(code)r."
        self.entries = {}

    def register(self, entry):
        if entry.code in self.entries:
            raise self.error(f"{self.noun} {entry.code} is declared twice.")
        if self.check is not None:
            self.check(entry)
        self.entries[entry.code] = entry
        return entry

    def autodiscover(self):
        autodiscover_modules(self.module)

    def all(self):
        entries = list(self.entries.values())
        return entries if self.order is None else sorted(entries, key=self.order)

    def get(self, code):
        try:
            return self.entries[code]
        except KeyError:
            raise self.error(self.unknown % {"code": code}) from None

    def find(self, code):
        """The entry of ``code``, or None."""
        return self.entries.get(code)
