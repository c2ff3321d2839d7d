"""The indicator registry: each app declares its indicators in its own indicators.py; the registry
discovers them at start-up (as the admin discovers admin.py) and knows nothing else about the apps.

A declaration says what the indicator is (the Satu Data "definition sheet"), how it behaves over time, and
how to compute it for one period: ``compute(period) -> Measurement``, reading through the app's selectors.
"""

import contextvars
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import wraps
from urllib.parse import urlencode

from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_noop

from .choices import Direction, Frequency, IndicatorKind

_INDICATORS = {}


class RegistryError(ValueError):
    pass


@dataclass(frozen=True)
class Period:
    """A year ("2023") or a month ("2023-05")."""

    year: int
    month: int | None = None

    @classmethod
    def parse(cls, text):
        text = str(text).strip()
        try:
            if len(text) == 4:
                return cls(int(text))
            if len(text) == 7 and text[4] == "-":
                month = int(text[5:])
                if 1 <= month <= 12:
                    return cls(int(text[:4]), month)
        except ValueError:
            pass
        raise RegistryError(f"{text!r} is not a period; use YYYY or YYYY-MM.")

    def __str__(self):
        return f"{self.year}" if self.month is None else f"{self.year}-{self.month:02d}"

    @property
    def start(self):
        return date(self.year, self.month or 1, 1)

    @property
    def is_month(self):
        return self.month is not None

    @property
    def end(self):
        """The first day after the period."""
        if self.month is None:
            return date(self.year + 1, 1, 1)
        return date(self.year + (self.month == 12), self.month % 12 + 1, 1)

    @property
    def last_day(self):
        return self.end - timedelta(days=1)

    def moments(self):
        """[start, end) as aware datetimes at local (WITA) midnight, for filtering timestamps."""
        return (
            timezone.make_aware(datetime.combine(self.start, time.min)),
            timezone.make_aware(datetime.combine(self.end, time.min)),
        )

    def has_ended(self):
        return self.end <= timezone.localdate()


def periods_of_months(months):
    """Every (year, month) given as a monthly period, plus the year of each, oldest first."""
    periods = {Period(year, month) for year, month in months} | {Period(year) for year, _month in months}
    return sorted(periods, key=lambda p: (p.year, p.month or 0))


def records_page(url_name, filter_prefix=None):
    """An indicator's ``records_url``: the list page behind its value, filtered to the period with the list's
    ``<filter_prefix>_after`` / ``<filter_prefix>_before`` dates (or unfiltered without a prefix). The URL is
    built when asked (the page's app may not be installed): None when the page does not exist."""

    def url(period):
        try:
            base = reverse(url_name)
        except NoReverseMatch:
            return None
        if filter_prefix is None:
            return base
        dates = {f"{filter_prefix}_after": period.start.isoformat(), f"{filter_prefix}_before": period.last_day}
        return f"{base}?{urlencode(dates)}"

    return url


def share(part, total):
    """part ÷ total in %, or None when there is nothing to divide by (never a zero that means "no data")."""
    return None if not total else part / total * 100


def ended_input(period):
    """The input every period-based indicator has: the period is over (a running month is still incomplete)."""
    ended = period.has_ended()
    return {
        "name": text(gettext_noop("Period %(period)s has ended"), period=str(period)),
        "present": ended,
        "detail": "" if ended else text(gettext_noop("in progress")),
    }


# Texts kept as data live in the core (smarteconomy.texts), where every app's services use them; the
# indicators import them from here.
from smarteconomy.texts import render_text, text  # noqa: E402, F401


def render_completeness(data):
    """A snapshot's stored completeness with its texts translated for display."""
    data = data or {}
    return {
        "present": data.get("present", 0),
        "expected": data.get("expected", 0),
        "note": render_text(data.get("note", "")),
        "inputs": [
            {
                "name": render_text(item.get("name")),
                "present": item.get("present"),
                "detail": render_text(item.get("detail")),
            }
            for item in data.get("inputs", [])
        ],
    }


@dataclass
class Measurement:
    """The value of an indicator for a period and which of its inputs were there. ``value`` is None when it
    cannot be computed at all; an incomplete measurement keeps its value but is shown as incomplete."""

    value: float | None
    inputs: list = field(default_factory=list)  # [{"name": text, "present": bool, "detail": text}]
    note: object = ""  # a text() or a plain string

    @property
    def complete(self):
        return self.value is not None and all(item["present"] for item in self.inputs)

    @property
    def completeness(self):
        present = sum(1 for item in self.inputs if item["present"])
        return {"present": present, "expected": len(self.inputs), "inputs": self.inputs, "note": self.note}


@dataclass(frozen=True)
class Indicator:
    """One indicator of the scorecard. Names and texts are lazy translations (Indonesian first)."""

    code: str
    pillar: str
    name: object
    definition: object
    formula: object
    unit: str
    kind: str
    direction: str
    frequency: str
    source_office: str
    sources: tuple  # data-source codes whose changes make periods dirty (e.g. "analytics.grdp")
    compute: object  # callable(Period) -> Measurement
    periods: object  # callable() -> [Period] the data can support
    records_url: object = None  # callable(Period) -> URL of the records behind the number, or None
    breakdown: object = None  # callable(Period) -> (columns, rows), or None
    decimals: int = 0

    def __post_init__(self):
        if self.kind not in IndicatorKind.values:
            raise RegistryError(f"{self.code}: unknown kind {self.kind!r}")
        if self.direction not in Direction.values or self.frequency not in Frequency.values:
            raise RegistryError(f"{self.code}: unknown direction or frequency")


_run_cache = contextvars.ContextVar("indicator_run_cache", default=None)


@contextmanager
def shared_computations():
    """Within this block (one recompute of the scorecard), a computation marked ``shared_per_run`` is done once
    per arguments and its result shared: e.g. two indicators reading the same decided applications."""
    if _run_cache.get() is not None:  # already inside one: share its results
        yield
        return
    token = _run_cache.set({})
    try:
        yield
    finally:
        _run_cache.reset(token)


def in_shared_computations():
    return _run_cache.get() is not None


def shared_per_run(function):
    """Share a computation's result between the indicators of one recompute (see ``shared_computations``).
    Outside a recompute it is computed on every call. The result must not be changed by its callers."""

    @wraps(function)
    def wrapper(*args):
        cache = _run_cache.get()
        if cache is None:
            return function(*args)
        key = (function.__module__, function.__qualname__, args)
        if key not in cache:
            cache[key] = function(*args)
        return cache[key]

    return wrapper


def register(indicator):
    if indicator.code in _INDICATORS:
        raise RegistryError(f"Indicator {indicator.code} is declared twice.")
    _INDICATORS[indicator.code] = indicator
    return indicator


def autodiscover():
    autodiscover_modules("indicators")


def all_indicators():
    return list(_INDICATORS.values())


def get_indicator(code):
    try:
        return _INDICATORS[code]
    except KeyError:
        raise RegistryError(f"Unknown indicator {code!r}.") from None


def aggregate(indicator, values):
    """One value for a longer period from the values of its sub-periods (e.g. a year from 12 months).

    A flow adds up; a stock is the level at the end of the period (the last value): summing stocks would
    count the same things again in every period, so it is refused. A rate cannot be built from rates: it is
    recomputed from its parts, never summed or averaged."""
    values = list(values)
    if any(value is None for value in values):
        return None
    if indicator.kind == IndicatorKind.FLOW:
        return sum(values)
    if indicator.kind == IndicatorKind.STOCK:
        return values[-1] if values else None
    raise RegistryError(f"{indicator.code} is a rate: recompute it for the longer period instead of aggregating.")


def sum_over_periods(indicator, values):
    """Summing across periods, allowed for flows only."""
    if indicator.kind != IndicatorKind.FLOW:
        raise RegistryError(f"{indicator.code} is a {indicator.kind}: its values cannot be summed across periods.")
    return sum(values)
