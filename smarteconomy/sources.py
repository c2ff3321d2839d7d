"""The data sources and their reporting calendar, and the one lock check of every write.

Each app declares the data sources that feed its indicators in its own ``sources.py`` (``register(DataSource(...))``),
discovered at start-up like the indicators: what is expected (the responsible office, the frequency, the due day, the
start and the optional end), and which of the codes its writes pass to ``mark_dirty`` are its data (``covers``).

The calendar (``calendar_cells``) says, for every source, part and period: expected or not, when it is due, how much
data arrived, and where it stands in the reporting workflow (smarteconomy.reporting): submitted, on time, approved.

The lock: an approved period (``ReportingPeriod``) refuses every write that would change its data. Every write
already tells ``smarteconomy.periods.mark_dirty`` the source and the dates it touched, so the check sits there
(``ensure_unlocked``) and is reached by the entry forms, the record actions, the importers, the API, the admin and the
loaders alike; it raises ``PeriodLocked``, a ValidationError, inside the write's transaction, so nothing is
written. Importers also call ``locked_rows`` up front to list every row that falls in a locked period."""

import calendar
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from urllib.parse import urlencode

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError
from django.urls import NoReverseMatch, reverse
from django.utils import formats, timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .choices import ReportingStatus, Role, SourceFrequency
from .periods import Period, PeriodError
from .registries import Registry

_BY_COVERED_CODE = {}


@dataclass(frozen=True)
class Part:
    """A part of a source that reports on its own (a parking location): its key, its name and its own dates."""

    key: str
    label: str
    start: date | None = None
    end: date | None = None


@dataclass(frozen=True)
class DataSource:
    """One data source that feeds the scorecard.

    ``received()`` returns {part key: set of what arrived}: periods ("2025-10", "2025") for a monthly or yearly
    source, days ("2025-10-03") for a daily one; a source without parts uses the key "". ``parts()`` returns the
    parts (each with its own start and end) of a source that reports per part; ``part_of_user(user)`` the keys of the
    parts a user of the responsible office answers for (all of them when None)."""

    code: str
    name: object  # a lazy translation
    office: str  # the responsible office (smarteconomy.choices.Role)
    frequency: str  # SourceFrequency
    start: date
    received: object  # callable() -> {part key: set of str}
    end: date | None = None
    due_day: int = 10  # a month (of a monthly or daily source) is due on this day of the following month
    yearly_due: tuple = (9, 30)  # a year is due on this (month, day) of the following year (BPS's release lag)
    covers: tuple = ()  # the mark_dirty codes whose writes are this source's data (the lock is checked there)
    feeds: tuple = ()  # the codes of the indicators computed from this source's data (their completeness follows it)
    parts: object = None  # callable() -> [Part], or None: the source reports as a whole
    parts_of_user: object = None  # callable(user) -> set of part keys, or None: all parts
    records_url: object = None  # callable(Period, part key) -> URL of the records of a period, or None
    description: object = ""

    def __post_init__(self):
        if self.frequency not in SourceFrequency.values:
            raise PeriodError(f"{self.code}: unknown frequency {self.frequency!r}")
        if self.office not in Role.values:
            raise PeriodError(f"{self.code}: unknown office {self.office!r}")

    @property
    def yearly(self):
        return self.frequency == SourceFrequency.YEARLY

    def period_of(self, value):
        """The reporting period (a month, or a year for a yearly source) of a date, a moment (WITA), a Period, a
        year or a "YYYY(-MM)" text."""
        if isinstance(value, Period):
            period = value
        elif isinstance(value, datetime | date):
            period = Period.month_of(value)
        elif isinstance(value, int):
            period = Period(value)
        else:
            period = Period.parse(value)
        if self.yearly:
            return Period(period.year)
        if not period.is_month:
            raise PeriodError(f"{self.code} reports monthly: {period} is a year.")
        return period

    def parse_period(self, text):
        """A period typed by a person: a month for a monthly or daily source, a year for a yearly one."""
        period = Period.parse(text)
        if self.yearly and not period.is_year:
            raise PeriodError(_("%(source)s reports yearly: give a year (YYYY).") % {"source": self.name})
        if not self.yearly and not period.is_month:
            raise PeriodError(_("%(source)s reports monthly: give a month (YYYY-MM).") % {"source": self.name})
        return period

    def due(self, period):
        """The day by which a period is due."""
        if self.yearly:
            month, day = self.yearly_due
            return date(period.year + 1, month, day)
        following = period.end
        last = calendar.monthrange(following.year, following.month)[1]
        return date(following.year, following.month, min(self.due_day, last))

    def all_parts(self):
        if self.parts is None:
            return [Part("", "", self.start, self.end)]
        return list(self.parts())

    def part(self, key):
        for part in self.all_parts():
            if part.key == key:
                return part
        raise PeriodError(_("%(source)s has no part %(part)r.") % {"source": self.name, "part": key})

    def schedule(self):
        """(start, end) of the source: its declaration, or the administrators' schedule where one is set."""
        from .models import SourceSchedule

        row = SourceSchedule.objects.filter(source=self.code).first()
        return (row.start, row.end) if row else (self.start, self.end)

    def span(self, part, schedule=None):
        """[start, end] of a part: its own dates within the source's."""
        source_start, source_end = schedule or self.schedule()
        start = max(filter(None, (source_start, part.start)))
        ends = [day for day in (source_end, part.end) if day]
        return start, (min(ends) if ends else None)

    def expected_units(self, period, part, span=None):
        """What a period of a part should hold: 1 for a month or a year within the part's dates (0 outside), the
        number of its days within them for a daily source."""
        start, end = span or self.span(part)
        first, last = max(period.start, start), min(period.last_day, end or period.last_day)
        if first > last:
            return 0
        if self.frequency == SourceFrequency.DAILY:
            return (last - first).days + 1
        # A monthly or yearly period is expected when the source had started by its last day.
        return 1

    def received_units(self, period, part, received, span=None):
        """How much of a period of a part arrived (``received``: the part's set from ``received()``)."""
        if self.frequency != SourceFrequency.DAILY:
            return int(str(period) in received)
        start, end = span or self.span(part)
        first, last = max(period.start, start), min(period.last_day, end or period.last_day)
        count, day = 0, first
        while day <= last:
            count += day.isoformat() in received
            day += timedelta(days=1)
        return count


def records_page(url_name, *, after=None, before=None, part_query=None):
    """A ``records_url`` (of a data source or an indicator): the list page of the records of a period, filtered with
    its ``after``/``before`` date parameters (the period's first and last day), and for a part with the parameters
    ``part_query(part key)`` returns. Built when asked (the page's app may not be installed): None when the page
    does not exist."""

    def url(period, part=""):
        try:
            base = reverse(url_name)
        except NoReverseMatch:
            return None
        query = dict(part_query(part)) if part_query and part else {}
        if after:
            query[after] = period.start.isoformat()
        if before:
            query[before] = period.last_day.isoformat()
        return f"{base}?{urlencode(query)}" if query else base

    return url


def _check_covers(source):
    for code in source.covers:
        if code in _BY_COVERED_CODE:
            raise PeriodError(f"{code} is covered by {_BY_COVERED_CODE[code].code} and {source.code}.")


# Each app's sources.py declares its data sources.
SOURCES = Registry(
    "sources",
    noun="Data source",
    error=PeriodError,
    order=lambda source: source.code,
    check=_check_covers,
    unknown=gettext_lazy("Unknown data source %(code)r."),
)
all_sources = SOURCES.all
get_source = SOURCES.get


def register(source):
    SOURCES.register(source)
    _BY_COVERED_CODE.update(dict.fromkeys(source.covers, source))
    return source


def sources_feeding(indicator_code):
    """The data sources an indicator is computed from (those that declare it in ``feeds``), by code."""
    return [source for source in all_sources() if indicator_code in source.feeds]


def calendar_source(code):
    """The DirtyPeriod code of a source's calendar: a step of the workflow or a new schedule changes which periods
    are reported, and so the completeness of the indicators it feeds (analytics.scorecard.dirty_periods)."""
    return f"calendar:{code}"


def calendar_changed(code, periods):
    """Record that the reporting state of ``periods`` (Periods, texts or years) of source ``code`` changed, for the
    next incremental recompute. No lock check: the data did not change."""
    from .models import DirtyPeriod

    for period in {str(p) for p in periods}:
        DirtyPeriod.objects.update_or_create(source=calendar_source(code), period=period)


def source_covering(code):
    """The data source whose data a mark_dirty code is, or None (derived data, targets, reference data)."""
    return _BY_COVERED_CODE.get(code)


# The lock -----------------------------------------------------------------------------------------------------


def _who(row):
    return (row.decided_by.get_full_name() or row.decided_by.username) if row.decided_by else _("an administrator")


def reopen_hint():
    """How to ask for a reopening: the one sentence every refusal ends with."""
    return _("To correct it, ask Bappeda to reopen the period (Reporting page: %(url)s).") % {
        "url": reverse("reporting:overview")
    }


def _locked_message(source, row):
    when = date_format(timezone.localtime(row.decided_at), "DATETIME_FORMAT") if row.decided_at else "?"
    part = f" ({source.part(row.part).label})" if row.part else ""
    return _(
        "The data of %(source)s%(part)s for %(period)s is locked: it was approved by %(who)s on %(when)s and "
        "nothing in it may change. To correct it, ask Bappeda to reopen the period (Reporting page: %(url)s)."
    ) % {
        "source": source.name,
        "part": part,
        "period": row.period,
        "who": _who(row),
        "when": when,
        "url": reverse("reporting:overview"),
    }


def lock_details(source, locks):
    """What an API caller is told of a refusal by a lock (the 409's body, beside ``detail``): the source, its
    part, every locked period in the way with who locked it and when, and how to ask for a reopening."""
    locks = list(locks)
    first = locks[0] if locks else None
    return {
        "code": "period_locked",
        "source": source.code,
        "source_name": str(source.name),
        "part": first.part if first else "",
        "periods": [row.period for row in locks],
        "locked_by": _who(first) if first else "",
        "locked_at": first.decided_at.isoformat() if first and first.decided_at else None,
        "locks": [
            {
                "period": row.period,
                "part": row.part,
                "locked_by": _who(row),
                "locked_at": row.decided_at.isoformat() if row.decided_at else None,
            }
            for row in locks
        ],
        "reopen": reopen_hint(),
    }


def lock_details_of(code, periods, part=""):
    """``lock_details`` of the approved ``periods`` (texts) of a source's part, e.g. those an import's rows hit."""
    source = _source_of(code)
    return lock_details(source, locks_of(source, periods, part))


class PeriodLocked(ValidationError):
    """A write would change data of an approved (locked) period. Its message names the source, the period, who
    locked it and when, and how to ask for a reopening. A ValidationError, so that every write path that shows a
    refusal shows this one too (the API answers 409). ``locks`` are the ReportingPeriod rows in the way."""

    def __init__(self, source, locks):
        self.source = source
        self.locks = list(locks)
        super().__init__([_locked_message(source, row) for row in self.locks], code="period_locked")

    def details(self):
        return lock_details(self.source, self.locks)


def locks_of(source, periods, part=""):
    """The approved ReportingPeriod rows of ``source`` among ``periods`` (texts) for one part; every approved
    period of the part when ``periods`` is None."""
    from .models import ReportingPeriod

    rows = ReportingPeriod.objects.select_related("decided_by").filter(
        source=source.code, part=part, status=ReportingStatus.APPROVED
    )
    if periods is not None:
        periods = sorted(set(periods))
        if not periods:
            return []
        rows = rows.filter(period__in=periods)
    return list(rows.order_by("period"))


def _source_of(code):
    return SOURCES.find(code) or source_covering(code)


def has_locks(code):
    """Whether any period (of any part) of the source of ``code`` is approved: when none is, an importer skips the
    per-row work of the lock."""
    from .models import ReportingPeriod

    source = _source_of(code)
    return source is not None and (
        ReportingPeriod.objects.filter(source=source.code, status=ReportingStatus.APPROVED).exists()
    )


def ensure_unlocked(code, dates, part=""):
    """Refuse (PeriodLocked) a write of data source ``code`` (a source's code, or a mark_dirty code a source covers)
    dated on ``dates`` (dates, moments, Periods, years, texts; None ignored) when any falls in an approved period.
    Codes no source covers (derived data, targets) are never locked."""
    source = _source_of(code)
    if source is None:
        return
    periods = {str(source.period_of(value)) for value in dates if value is not None and value != ""}
    locks = locks_of(source, periods, part)
    if locks:
        raise PeriodLocked(source, locks)


def locked_hits(code, rows, part=""):
    """The rows of a file that fall in a locked period: ``rows`` are (row number, column, dates); returns
    [(row number, column, the ReportingPeriod in the way, the locked message)], one per row and column in a locked
    period (one query, and one message per locked period, whatever the number of rows)."""
    source = _source_of(code)
    if source is None:
        return []
    rows = [
        (number, column, [source.period_of(day) for day in dates if day is not None and day != ""])
        for number, column, dates in rows
    ]
    locks = {row.period: row for row in locks_of(source, {str(p) for _n, _c, periods in rows for p in periods}, part)}
    messages = {period: _locked_message(source, row) for period, row in locks.items()}
    hits = []
    for number, column, periods in rows:
        hit = next((locks[str(p)] for p in periods if str(p) in locks), None)
        if hit is not None:
            hits.append((number, column, hit, messages[hit.period]))
    return hits


def locked_rows(code, rows, part=""):
    """The rows of a file that fall in a locked period, for an importer to list them all: ``rows`` are
    (row number, column, dates); returns [(row number, column, message)], one per row in a locked period."""
    return [(number, column, message) for number, column, _lock, message in locked_hits(code, rows, part)]


def locked_periods(code, part=""):
    """{period text: locked message} of every approved period of one part of a source, for a bulk importer that
    checks its rows in arrays (the parking log) rather than one by one."""
    source = _source_of(code)
    if source is None:
        return {}
    return {row.period: _locked_message(source, row) for row in locks_of(source, None, part)}


@contextmanager
def stop_if_locked(loader):
    """For the demo and bench loaders, which write in bulk past the services: a write into a locked period stops
    the loader with the locked message (a CommandError), nothing of it written. Put it outside the loader's
    transaction, so that the refusal rolls it back before it is reported."""
    try:
        yield
    except PeriodLocked as locked:
        raise CommandError(f"{loader}: nothing was loaded. {' '.join(locked.messages)}") from None


# The calendar -------------------------------------------------------------------------------------------------


@dataclass
class Cell:
    """One period of one part of a source in the reporting calendar."""

    source: DataSource
    part: Part
    period: Period
    due: date
    expected_units: int
    received_units: int
    status: str = ReportingStatus.OPEN
    submitted_at: datetime | None = None
    submitted_by: object = None
    decided_at: datetime | None = None
    decided_by: object = None
    reason: str = ""
    extra: dict = field(default_factory=dict)

    @property
    def expected(self):
        """Expected: within the part's dates and ended (a period in progress is not yet expected)."""
        return self.expected_units > 0 and self.period.has_ended()

    @property
    def submitted(self):
        return self.status in (ReportingStatus.SUBMITTED, ReportingStatus.APPROVED)

    @property
    def on_time(self):
        return self.submitted_at is not None and timezone.localtime(self.submitted_at).date() <= self.due

    @property
    def late(self):
        """Expected, not submitted and past its due day."""
        return self.expected and not self.submitted and timezone.localdate() > self.due

    @property
    def locked(self):
        return self.status == ReportingStatus.APPROVED

    @property
    def has_data(self):
        return self.received_units > 0

    @property
    def not_reported(self):
        """Past due with neither a submission nor any data: "tidak dilaporkan"."""
        return self.late and not self.has_data


def source_periods(source, part, *, until=None, span=None):
    """Every reporting period of a part from its start to ``until`` (default: the period in progress)."""
    start, end = span or source.span(part)
    until = min(filter(None, (until or timezone.localdate(), end)))
    if source.yearly:
        return [Period(year) for year in range(start.year, until.year + 1)]
    periods, year, month = [], start.year, start.month
    while (year, month) <= (until.year, until.month):
        periods.append(Period(year, month))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return periods


def calendar_cells(sources=None, *, periods=None):
    """The calendar's cells for ``sources`` (default: all), every period of every part (or only ``periods``,
    texts), with what arrived and the workflow state. Reads each source's ``received()`` once."""
    from .models import ReportingPeriod

    sources = list(sources) if sources is not None else all_sources()
    states = {
        (row.source, row.part, row.period): row
        for row in ReportingPeriod.objects.select_related("submitted_by", "decided_by").filter(
            source__in=[s.code for s in sources]
        )
    }
    cells = []
    for source in sources:
        received = source.received()
        schedule = source.schedule()
        for part in source.all_parts():
            got = received.get(part.key, set())
            span = source.span(part, schedule)
            for period in source_periods(source, part, span=span):
                if periods is not None and str(period) not in periods:
                    continue
                cell = Cell(
                    source=source,
                    part=part,
                    period=period,
                    due=source.due(period),
                    expected_units=source.expected_units(period, part, span),
                    received_units=source.received_units(period, part, got, span),
                )
                row = states.get((source.code, part.key, str(period)))
                if row is not None:
                    cell.status, cell.reason = row.status, row.reason
                    cell.submitted_at, cell.submitted_by = row.submitted_at, row.submitted_by
                    cell.decided_at, cell.decided_by = row.decided_at, row.decided_by
                cells.append(cell)
    return cells


def rate(part, whole):
    """part ÷ whole in % (None when nothing is expected), formatted by the caller."""
    return None if not whole else part / whole * 100


def summary(cells):
    """DHIS2's reporting rate summary of some cells: expected, submitted, on time, approved, not reported, and
    completeness (submitted ÷ expected) and timeliness (on time ÷ expected) in %."""
    expected = [c for c in cells if c.expected]
    submitted = [c for c in expected if c.submitted]
    on_time = [c for c in submitted if c.on_time]
    return {
        "expected": len(expected),
        "submitted": len(submitted),
        "on_time": len(on_time),
        "approved": sum(1 for c in expected if c.locked),
        "late": sum(1 for c in expected if c.late),
        "not_reported": sum(1 for c in expected if c.not_reported),
        "completeness": rate(len(submitted), len(expected)),
        "timeliness": rate(len(on_time), len(expected)),
    }


def format_rate(value):
    # Rounded first: number_format cuts a float's decimals (2 of 12 read "16,6 %").
    return "–" if value is None else f"{formats.number_format(round(value, 1), 1)} %"
