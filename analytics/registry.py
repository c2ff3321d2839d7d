"""The indicator registry: each app declares its indicators in its own indicators.py; the registry
discovers them at start-up (as the admin discovers admin.py) and knows nothing else about the apps.

A declaration says what the indicator is (the Satu Data "definition sheet"), how it behaves over time, and
how to compute it for one period: ``compute(period) -> Measurement``, reading through the app's selectors.
"""

import contextvars
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import wraps

from django.utils import translation
from django.utils.translation import gettext_noop

from smarteconomy import sources
from smarteconomy.periods import Period, PeriodError, periods_of_months  # noqa: F401 - re-exported for the apps
from smarteconomy.registries import Registry

from .choices import Direction, Frequency, IndicatorKind

# One error for a bad period and a bad declaration (callers catch RegistryError for both).
RegistryError = PeriodError


def records_page(url_name, filter_prefix=None):
    """An indicator's ``records_url``: the list page behind its value, filtered to the period with the list's
    ``<filter_prefix>_after`` / ``<filter_prefix>_before`` dates (or unfiltered without a prefix); None when the
    page does not exist (smarteconomy.sources.records_page, which the data sources use too)."""
    if filter_prefix is None:
        return sources.records_page(url_name)
    return sources.records_page(url_name, after=f"{filter_prefix}_after", before=f"{filter_prefix}_before")


def share(part, total):
    """part ÷ total in %, or None when there is nothing to divide by (never a zero that means "no data")."""
    return None if not total else part / total * 100


PERIOD_ENDED = gettext_noop("Period %(period)s has ended")
PERIOD_RUNNING = gettext_noop("Period %(period)s is in progress")


def ended_input(period):
    """The input every period-based indicator has: the period is over (a running month is still incomplete). Its
    name says the period's state, so that it reads right among the inputs that arrived and among the missing."""
    ended = period.has_ended()
    return {
        "name": text(PERIOD_ENDED if ended else PERIOD_RUNNING, period=str(period)),
        "present": ended,
        "detail": "",
    }


def is_period_input(item):
    """Whether an input (as stored in a snapshot) is ``ended_input``'s: a state of the period, not an office's
    data (older snapshots said "has ended (in progress)")."""
    name = item.get("name")
    return isinstance(name, dict) and name.get("message") in (PERIOD_ENDED, PERIOD_RUNNING)


def _source_label(source, part):
    """A data source's name (and its part's, e.g. a parking location) as a stored text."""
    with translation.override(None):  # the untranslated name, translated when shown
        name = str(source.name)
    return text(gettext_noop("%(source)s (%(part)s)"), source=text(name), part=part.label) if part.key else text(name)


NOT_REPORTED = gettext_noop("not reported: %(periods)s")
AWAITED = gettext_noop("not arrived yet, due on %(due)s")


def not_reported_input(source, part, periods):
    """The input a data source misses when it did not report (smarteconomy.sources' calendar): ``periods`` ended and
    past their due day, with neither data nor a submission: "tidak dilaporkan"."""
    return {
        "name": text(gettext_noop("Data of %(source)s"), source=_source_label(source, part)),
        "present": False,
        "detail": text(NOT_REPORTED, periods=", ".join(str(p) for p in periods)),
    }


def awaited_input(source, part, due):
    """The input of a period that has ended but is not due yet, with nothing arrived: it may still come in time."""
    return {
        "name": text(gettext_noop("Data of %(source)s"), source=_source_label(source, part)),
        "present": False,
        "detail": text(AWAITED, due=due.isoformat()),
    }


def is_not_reported_input(item):
    detail = item.get("detail")
    return not item.get("present") and isinstance(detail, dict) and detail.get("message") == NOT_REPORTED


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
    # callable(Period, user=None) -> (columns, rows), or None: the rows ``user`` may see (all of them without a user).
    breakdown: object = None
    decimals: int = 0
    # Read as a state at the end of the period (None: when it is a stock)? Then a change makes every later period
    # dirty too (smarteconomy.periods.periods_to_recompute).
    state_at_end: bool | None = None
    # Sources read across periods (e.g. a listing counts as adoption for an earlier training): any change of
    # one makes every period dirty.
    history_sources: tuple = ()

    @property
    def changes_carry_forward(self):
        return self.kind == IndicatorKind.STOCK if self.state_at_end is None else self.state_at_end

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


# Each app's indicators.py declares its indicators; listed in the order of declaration (the scorecard's order).
INDICATORS = Registry("indicators", noun="Indicator", error=RegistryError)
register = INDICATORS.register
autodiscover = INDICATORS.autodiscover
all_indicators = INDICATORS.all
get_indicator = INDICATORS.get


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
