"""Scorecard periods and the one rule of what a change makes dirty.

Every write that changes records an indicator reads (a form, a service, an importer, the API, a record action,
the back office) calls ``mark_dirty(source, dates)`` with the data source and the dates it touched, old and new.
What that makes dirty is decided here and nowhere else (``periods_to_recompute``):

- the month of each date and its year (a year's rate is recomputed from its records, not from its months);
- a changed year (yearly data such as GRDP, a year's target) makes the year and all its months dirty;
- for an indicator read as a state at the end of its period (stocks, and rates of stocks), every later period too:
  an MSME registered in May 2023 is in the registry of every month since;
- for a source an indicator reads across periods (``history_sources``), every period.

The nightly recompute also recomputes every period whose snapshot was incomplete: time alone completes a period
in progress or a follow-up window still open, without any record changing."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.utils import timezone
from django.utils.dates import MONTHS, MONTHS_3
from django.utils.translation import gettext

# The core's own data source that indicators read: public holidays and cuti bersama (working days).
HOLIDAYS_SOURCE = "smarteconomy.holidays"


class PeriodError(ValueError):
    pass


@dataclass(frozen=True)
class Period:
    """A year ("2023"), a month ("2023-05") or a quarter ("2023-Q2", for the indicators reported by quarter, such
    as the IKM of PermenPANRB 14/2017)."""

    year: int
    month: int | None = None
    quarter: int | None = None

    def __post_init__(self):
        if self.month is not None and self.quarter is not None:
            raise PeriodError("A period is a year, a month or a quarter, not both a month and a quarter.")
        if (
            self.month is not None
            and not 1 <= self.month <= 12
            or self.quarter is not None
            and not 1 <= self.quarter <= 4
        ):
            raise PeriodError(f"No month {self.month} or quarter {self.quarter}.")

    @classmethod
    def parse(cls, text):
        text = str(text).strip()
        try:
            if len(text) == 4:
                return cls(int(text))
            if len(text) == 7 and text[4] == "-":
                if text[5] in "Qq":
                    quarter = int(text[6])
                    if 1 <= quarter <= 4:
                        return cls(int(text[:4]), quarter=quarter)
                else:
                    month = int(text[5:])
                    if 1 <= month <= 12:
                        return cls(int(text[:4]), month)
        except ValueError:
            pass
        raise PeriodError(f"{text!r} is not a period; use YYYY, YYYY-MM or YYYY-Qn.")

    @classmethod
    def month_of(cls, day):
        """The month of a date, or of a moment in local time (WITA)."""
        if isinstance(day, datetime):
            day = timezone.localtime(day).date() if timezone.is_aware(day) else day.date()
        return cls(day.year, day.month)

    @classmethod
    def quarter_of(cls, day):
        """The quarter of a date, a moment (WITA) or a month."""
        month = day if isinstance(day, Period) else cls.month_of(day)
        return cls(month.year, quarter=(month.start.month - 1) // 3 + 1)

    def __str__(self):
        if self.quarter is not None:
            return f"{self.year}-Q{self.quarter}"
        return f"{self.year}" if self.month is None else f"{self.year}-{self.month:02d}"

    @property
    def first_month(self):
        if self.quarter is not None:
            return 3 * self.quarter - 2
        return self.month or 1

    @property
    def start(self):
        return date(self.year, self.first_month, 1)

    @property
    def is_month(self):
        return self.month is not None

    @property
    def is_quarter(self):
        return self.quarter is not None

    @property
    def is_year(self):
        return self.month is None and self.quarter is None

    @property
    def end(self):
        """The first day after the period."""
        if self.is_year:
            return date(self.year + 1, 1, 1)
        last = self.month if self.month is not None else 3 * self.quarter
        return date(self.year + (last == 12), last % 12 + 1, 1)

    @property
    def last_day(self):
        return self.end - timedelta(days=1)

    @property
    def sort_key(self):
        """Chronological, a year first (before its months and quarters), a quarter after its last month."""
        if self.quarter is not None:
            return (self.year, 3 * self.quarter, 1)
        return (self.year, self.month or 0)

    def moments(self):
        """[start, end) as aware datetimes at local (WITA) midnight, for filtering timestamps."""
        return (
            timezone.make_aware(datetime.combine(self.start, time.min)),
            timezone.make_aware(datetime.combine(self.end, time.min)),
        )

    def has_ended(self):
        return self.end <= timezone.localdate()

    def contains(self, other):
        """Whether ``other`` (a month, a quarter or a year) lies within this period."""
        return self.start <= other.start and other.end <= self.end

    def label(self, *, long=False):
        """As people write it, in the active language: "2023"; "Mei 2023" (long: "Mei 2023" with the full month
        name, "Agustus 2023" rather than "Agu 2023"); "Triwulan II 2023"."""
        if self.is_quarter:
            return gettext("Quarter %(roman)s %(year)s") % {
                "roman": ("I", "II", "III", "IV")[self.quarter - 1],
                "year": self.year,
            }
        if self.is_year:
            return str(self.year)
        month = str((MONTHS if long else MONTHS_3)[self.month])
        return f"{month[:1].upper()}{month[1:]} {self.year}"


def period_label(text, *, long=False):
    """A period's code as people write it (``Period.label``): "2023-05" → "Mei 2023", "2023-Q2" → "Triwulan II
    2023". Text that is not a period code is returned as it is, so a label never breaks a page."""
    try:
        return Period.parse(text).label(long=long)
    except PeriodError:
        return "" if text is None else str(text)


def periods_of_months(months):
    """Every (year, month) given as a monthly period, plus the year of each, oldest first."""
    periods = {Period(year, month) for year, month in months} | {Period(year) for year, _month in months}
    return sorted(periods, key=lambda p: p.sort_key)


def _changed_period(value):
    if isinstance(value, Period):
        return value
    if isinstance(value, date):  # a date or a datetime
        return Period.month_of(value)
    if isinstance(value, int):
        return Period(value)
    return Period.parse(value)


def mark_dirty(source, dates, *, consequences=()):
    """Record that the records of data source ``source`` changed on these dates: dates or moments (their month
    in WITA), ``Period``s (a changed year for yearly data), "YYYY-MM"/"YYYY" texts or years; None is ignored.
    Pass the old and the new dates of a changed record. What this makes dirty is decided by
    ``periods_to_recompute``, at the next recompute.

    This is also the lock check of every write (smarteconomy.sources.ensure_unlocked): when a date falls in an
    approved period of the data source that ``source`` belongs to, PeriodLocked (a ValidationError) is raised and
    the write's transaction leaves nothing written. ``consequences`` are dates whose periods the change makes dirty
    without changing their data: a step of the workflow taken today on an application submitted in a locked month
    (the application's own data stays as it was; the locked month's figures change only in the live scorecard,
    never in a published edition)."""
    from .models import DirtyPeriod
    from .sources import ensure_unlocked

    ensure_unlocked(source, dates)
    changed = {str(_changed_period(value)) for value in (*dates, *consequences) if value is not None and value != ""}
    for period in changed:
        DirtyPeriod.objects.update_or_create(source=source, period=period)


def target_source(indicator_code):
    """The data source of an indicator's targets: a changed target of a year makes that year dirty."""
    return f"target:{indicator_code}"


def periods_to_recompute(periods, changed, *, onwards=False, everything=False):
    """Of ``periods`` (an indicator's), those that changes in ``changed`` (months and years) make dirty: a changed
    month makes itself and its year dirty, a changed year itself and its months; with ``onwards`` (an indicator
    read as a state at the end of its period) every later period too; with ``everything``, all of them."""
    changed = [_changed_period(value) for value in changed]
    if not changed:
        return []
    if everything:
        return list(periods)
    earliest = min(period.start for period in changed)
    wanted = []
    for period in periods:
        if any(period.contains(c) or c.contains(period) for c in changed) or (onwards and period.end > earliest):
            wanted.append(period)
    return wanted


def months_between(start, end):
    """The first day of every month from ``start`` to ``end`` (dates or moments, WITA), for a record that spans
    them (a disruption, a tenancy)."""
    first, last = Period.month_of(start), Period.month_of(end)
    months, year, month = [], first.year, first.month
    while (year, month) <= (last.year, last.month):
        months.append(date(year, month, 1))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def changed_span(old, new, *, open_end=None):
    """The months whose data changes when one end of a span (a tenancy, a disruption) moves from ``old`` to ``new``
    (dates or moments; None: open, i.e. up to ``open_end``, default now): every month between the two, none when
    the end did not move. Ending a running span today changes no month before today; moving an end back into the
    past changes every month it no longer covers."""
    if old == new:
        return []
    open_end = open_end or timezone.now()
    ends = sorted(
        (Period.month_of(old if old is not None else open_end), Period.month_of(new if new is not None else open_end)),
        key=lambda period: period.sort_key,
    )
    return months_between(ends[0].start, ends[1].start)
