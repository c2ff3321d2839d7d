"""The one rule of what a change makes dirty (smarteconomy.periods)."""

from datetime import UTC, date, datetime

import pytest

from smarteconomy.models import DirtyPeriod
from smarteconomy.periods import Period, PeriodError, mark_dirty, months_between, periods_to_recompute

MONTHS_2025 = [Period(2025, m) for m in range(1, 13)]
PERIODS = [*MONTHS_2025, Period(2025), Period(2026, 1), Period(2026)]


def names(periods):
    return sorted(str(p) for p in periods)


def test_a_changed_month_makes_itself_and_its_year_dirty():
    assert names(periods_to_recompute(PERIODS, ["2025-05"])) == ["2025", "2025-05"]


def test_a_changed_year_makes_itself_and_its_months_dirty():
    assert names(periods_to_recompute(PERIODS, ["2026"])) == ["2026", "2026-01"]
    assert len(periods_to_recompute(PERIODS, [Period(2025)])) == 13


def test_a_state_read_at_the_end_of_the_period_makes_every_later_period_dirty():
    dirty = names(periods_to_recompute(PERIODS, ["2025-11"], onwards=True))
    assert dirty == ["2025", "2025-11", "2025-12", "2026", "2026-01"]


def test_a_source_read_across_periods_makes_every_period_dirty():
    assert len(periods_to_recompute(PERIODS, ["2026-01"], everything=True)) == len(PERIODS)
    assert periods_to_recompute(PERIODS, [], everything=True) == []  # no change, nothing dirty


@pytest.mark.django_db
def test_mark_dirty_records_the_local_month_of_dates_and_moments():
    # 30 November 2026, 20.00 UTC is 1 December 04.00 WITA: December changed.
    mark_dirty("x.source", [datetime(2026, 11, 30, 20, tzinfo=UTC), date(2025, 5, 17), None, 2019, "2024-02"])
    mark_dirty("x.source", [date(2025, 5, 1)])  # marked once
    assert sorted(DirtyPeriod.objects.values_list("period", flat=True)) == ["2019", "2024-02", "2025-05", "2026-12"]


def test_months_between_spans_every_month_of_a_record():
    assert months_between(date(2025, 11, 20), date(2026, 2, 1)) == [
        date(2025, 11, 1),
        date(2025, 12, 1),
        date(2026, 1, 1),
        date(2026, 2, 1),
    ]


def test_a_quarter_is_a_period_of_three_months():
    q4 = Period.parse("2025-Q4")
    assert (str(q4), q4.start, q4.end, q4.last_day) == (
        "2025-Q4",
        date(2025, 10, 1),
        date(2026, 1, 1),
        date(2025, 12, 31),
    )
    assert q4.is_quarter and not q4.is_month and not q4.is_year
    assert Period.quarter_of(date(2025, 2, 28)) == Period(2025, quarter=1) == Period.parse("2025-q1")
    assert Period.quarter_of(datetime(2025, 6, 30, 16, 30, tzinfo=UTC)) == Period(2025, quarter=3)  # 1 July WITA
    assert Period(2025).contains(q4) and q4.contains(Period(2025, 11)) and not q4.contains(Period(2025, 9))
    ordered = sorted(
        [Period(2025, quarter=2), Period(2025), Period(2025, quarter=1), Period(2024, quarter=4)],
        key=lambda p: p.sort_key,
    )
    assert [str(p) for p in ordered] == ["2024-Q4", "2025", "2025-Q1", "2025-Q2"]


@pytest.mark.parametrize("text", ["2025-Q0", "2025-Q5", "2025-QQ", "2025-13", "2025-00", "25-Q1"])
def test_what_is_not_a_period(text):
    with pytest.raises(PeriodError):
        Period.parse(text)


def test_a_changed_month_makes_its_quarter_dirty_and_a_changed_year_every_quarter():
    periods = [Period(2025), *(Period(2025, quarter=q) for q in range(1, 5)), Period(2026, quarter=1)]
    assert names(periods_to_recompute(periods, ["2025-05"])) == ["2025", "2025-Q2"]
    assert names(periods_to_recompute(periods, ["2025"])) == ["2025", "2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4"]
