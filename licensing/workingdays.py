"""Working days of the city's offices: Monday to Friday, less public holidays and cuti bersama.

Pure functions: the caller passes the set of holiday dates (see selectors.holiday_dates)."""

from datetime import timedelta


def is_working_day(day, holidays):
    return day.weekday() < 5 and day not in holidays


def add_working_days(start, days, holidays):
    """The date ``days`` working days after ``start`` (the day of submission itself does not count)."""
    day = start
    remaining = days
    while remaining > 0:
        day += timedelta(days=1)
        if is_working_day(day, holidays):
            remaining -= 1
    return day


def working_days_between(start, end, holidays):
    """Working days after ``start`` up to and including ``end`` (0 when end <= start)."""
    if end <= start:
        return 0
    count = 0
    day = start
    while day < end:
        day += timedelta(days=1)
        if is_working_day(day, holidays):
            count += 1
    return count


class WorkingDayCounter:
    """``between(a, b)`` gives what working_days_between gives, in constant time, from a cumulative count over
    the days from ``first`` to ``last`` (for computing many applications' processing times at once)."""

    def __init__(self, first, last, holidays):
        self.first = first
        self.cumulative = [0]
        day, count = first, 0
        while day <= last:
            day += timedelta(days=1)
            count += is_working_day(day, holidays)
            self.cumulative.append(count)

    def between(self, start, end):
        if end <= start:
            return 0
        return self.cumulative[(end - self.first).days] - self.cumulative[(start - self.first).days]


def processing_working_days(changes, holidays, *, until=None, between=None):
    """Working days an application spent with the office, from submission to decision (or ``until``), not
    counting the time it was returned to the applicant for correction (the office cannot act then).

    ``changes`` are (status, date) pairs in order, the first being the submission. ``between`` replaces
    working_days_between (e.g. a WorkingDayCounter's, when many applications are counted together)."""
    from .choices import DECISIONS, PermitStatus

    if between is None:

        def between(start, end):
            return working_days_between(start, end, holidays)

    total = 0
    clock_from = None
    for status, day in changes:
        if status in DECISIONS:
            return total + (between(clock_from, day) if clock_from is not None else 0)
        if status in (PermitStatus.SUBMITTED, PermitStatus.RESUBMITTED) and clock_from is None:
            clock_from = day
        elif status == PermitStatus.RETURNED and clock_from is not None:
            total += between(clock_from, day)
            clock_from = None
    if clock_from is not None and until is not None:
        total += between(clock_from, until)
    return total
