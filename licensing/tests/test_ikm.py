"""The IKM (PermenPANRB 14/2017) on hand-computed examples, its category boundaries and the ikm_report command."""

import io
import json
from decimal import Decimal
from fractions import Fraction

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from licensing.ikm import category, ikm_for, ikm_of_scores, periods_between

from .skm import answered, moment

# Four answers, U1..U9.
FOUR = [
    (4, 4, 3, 4, 4, 4, 4, 3, 4),
    (3, 4, 3, 4, 3, 4, 4, 2, 3),
    (4, 3, 2, 4, 4, 3, 4, 3, 3),
    (3, 3, 3, 4, 4, 4, 4, 2, 3),
]
# By hand: the element totals are 14, 14, 11, 16, 15, 15, 16, 10, 13, so the NRRs (totals / 4) are
#   U1 3.5, U2 3.5, U3 2.75, U4 4, U5 3.75, U6 3.75, U7 4, U8 2.5, U9 3.25; their sum is 31.
# Weighted NRR = NRR × 1/9; IKM = 25 × (sum of the weighted NRRs) = 25 × 31 / 9 = 775 / 9 = 86.111... -> 86.11,
# category B (76.61-88.30). With the rounded weight 0.111 it would be 31 × 0.111 × 25 = 86.025: not what we publish.
# Lowest first: U8 2.5, U3 2.75, U9 3.25, then U1 = U2 3.5 (element order), U5 = U6 3.75, U4 = U7 4.


def test_the_hand_computed_example():
    result = ikm_of_scores(FOUR)
    assert result.responses == 4
    assert [result.nrr[f"u{n}"] for n in range(1, 10)] == [
        Fraction(7, 2),
        Fraction(7, 2),
        Fraction(11, 4),
        Fraction(4),
        Fraction(15, 4),
        Fraction(15, 4),
        Fraction(4),
        Fraction(5, 2),
        Fraction(13, 4),
    ]
    assert result.ikm == Fraction(775, 9)
    assert result.ikm_rounded == Decimal("86.11")
    assert result.category == "B"
    assert [(code, nrr) for code, _name, nrr in result.elements_lowest_first()] == [
        ("u8", Decimal("2.5")),
        ("u3", Decimal("2.75")),
        ("u9", Decimal("3.25")),
        ("u1", Decimal("3.5")),
        ("u2", Decimal("3.5")),
        ("u5", Decimal("3.75")),
        ("u6", Decimal("3.75")),
        ("u4", Decimal("4")),
        ("u7", Decimal("4")),
    ]


# The A/B boundary with 100 answers: 79 of (4,4,4,4,4,3,3,3,3) (sum 32) and 21 of (4,4,4,4,3,3,3,3,3) (sum 31).
# NRRs: U1-U4 4, U5 (79 × 4 + 21 × 3) / 100 = 3.79, U6-U9 3; sum 31.79.
# IKM = 25 × 31.79 / 9 = 794.75 / 9 = 88.30555... -> 88.31: category A (88.31-100).
# With one more answer of sum 31 instead (78 and 22): sum 31.78, IKM = 794.5 / 9 = 88.2777... -> 88.28: category B.
# With the rounded weight 0.111, the first would be 31.79 × 0.111 × 25 = 88.21725: B. The exact 1/9 decides it.
HIGH, LOW = (4, 4, 4, 4, 4, 3, 3, 3, 3), (4, 4, 4, 4, 3, 3, 3, 3, 3)


def test_the_a_b_boundary_needs_the_exact_weight():
    a = ikm_of_scores([HIGH] * 79 + [LOW] * 21)
    assert a.nrr["u5"] == Fraction(379, 100)
    assert a.ikm == Fraction(79475, 900)
    assert (a.ikm_rounded, a.category) == (Decimal("88.31"), "A")
    b = ikm_of_scores([HIGH] * 78 + [LOW] * 22)
    assert (b.ikm_rounded, b.category) == (Decimal("88.28"), "B")


@pytest.mark.parametrize(
    ("ikm", "expected"),
    [
        (Decimal("100"), "A"),
        (Decimal("88.31"), "A"),
        (Fraction(88305, 1000), "A"),  # 88.305 rounds half up to 88.31
        (Decimal("88.3049"), "B"),  # rounds to 88.30
        (Decimal("88.30"), "B"),
        (Decimal("76.61"), "B"),
        (Decimal("76.60"), "C"),
        (Decimal("76.605"), "B"),
        (Decimal("65.00"), "C"),
        (Decimal("64.995"), "C"),
        (Decimal("64.99"), "D"),
        (Decimal("25"), "D"),
        (None, ""),
    ],
)
def test_category_boundaries_on_the_rounded_ikm(ikm, expected):
    assert category(ikm) == expected


def test_no_answers_no_ikm():
    result = ikm_of_scores([])
    assert (result.responses, result.ikm, result.category, result.elements_lowest_first()) == (0, None, "", [])


def test_periods():
    assert [str(p) for p in periods_between("2025-02", "2025-07")] == ["2025-Q1", "2025-Q2", "2025-Q3"]
    assert [str(p) for p in periods_between("2025-11", "2026-01", "month")] == ["2025-11", "2025-12", "2026-01"]
    assert [str(p) for p in periods_between("2024-05", "2025-01", "year")] == ["2024", "2025"]


# The command ---------------------------------------------------------------------------------------------------


@pytest.fixture
def answers(db):
    """The four answers in 2025-Q1 (type pbg), and one in 2025-Q2 of another type (all 4: IKM 100)."""
    for index, scores in enumerate(FOUR):
        answered(f"SKM-{index}", scores, at=moment(2025, 2 + index % 2, 12, 9))
    answered("SKM-Q2", (4,) * 9, at=moment(2025, 4, 2, 9), type_code="siup")


def report(*args):
    out = io.StringIO()
    call_command("ikm_report", *args, stdout=out)
    return out.getvalue()


def test_ikm_for_a_quarter_reads_the_answers(answers):
    q1, q2 = periods_between("2025-01", "2025-06")
    assert ikm_for(q1).ikm == Fraction(775, 9)
    assert ikm_for(q2).ikm == 100
    assert ikm_for(q1, "siup").responses == 0


def test_ikm_report_csv(answers):
    lines = report("--start", "2025-01", "--end", "2025-09", "--format", "csv").splitlines()
    assert lines == [
        "period,responses,u1,u2,u3,u4,u5,u6,u7,u8,u9,ikm,category",
        "2025-Q1,4,3.5,3.5,2.75,4,3.75,3.75,4,2.5,3.25,86.11,B",
        "2025-Q2,1,4,4,4,4,4,4,4,4,4,100.00,A",
        "2025-Q3,0,,,,,,,,,,,",
    ]


def test_ikm_report_json_by_month_and_permit_type(answers):
    rows = json.loads(
        report(
            "--start",
            "2025-02",
            "--end",
            "2025-04",
            "--period-length",
            "month",
            "--permit-type",
            "pbg",
            "--format",
            "json",
        )
    )
    assert [(row["period"], row["responses"], row["ikm"], row["category"]) for row in rows] == [
        ("2025-02", 2, "88.89", "A"),
        ("2025-03", 2, "83.33", "B"),
        ("2025-04", 0, "", ""),
    ]
    # February: the first and third answers; totals 8, 7, 5, 8, 8, 7, 8, 6, 7 = 64, so the NRRs sum to 64 / 2 = 32
    # (U3 = 5 / 2 = 2.5) and IKM = 25 × 32 / 9 = 88.888... -> 88.89, A. March: the second and fourth; totals
    # 6, 7, 6, 8, 7, 8, 8, 4, 6 = 60, NRRs sum to 30, IKM = 25 × 30 / 9 = 83.333... -> 83.33, B.
    assert rows[0]["u3"] == "2.5"


def test_full_precision_nrr(db):
    for index, scores in enumerate([(4,) * 9, (4,) * 9, (3,) * 9]):
        answered(f"P-{index}", scores, at=moment(2025, 1, 20, 9))
    row = json.loads(report("--start", "2025-01", "--end", "2025-01", "--format", "json"))[0]
    assert row["u1"] == "3.666666666666666666666666667"
    assert (row["ikm"], row["category"]) == ("91.67", "A")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--start", "2025-13", "--end", "2025-12", "--format", "csv"], "not a month"),
        (["--start", "2025", "--end", "2025-12", "--format", "csv"], "not a month"),
        (["--start", "2025-06", "--end", "2025-01", "--format", "csv"], "before the start"),
        (["--start", "2025-01", "--end", "2025-03", "--format", "xml"], "Unknown format"),
        (["--start", "2025-01", "--end", "2025-03", "--period-length", "week", "--format", "csv"], "period length"),
        (["--start", "2025-01", "--end", "2025-03", "--permit-type", "nope", "--format", "csv"], "No permit type"),
    ],
)
def test_ikm_report_refuses_bad_arguments(db, args, message):
    with pytest.raises(CommandError, match=message):
        report(*args)


# The scorecard and the public dataset ------------------------------------------------------------------------------


def test_the_scorecard_indicator_is_quarterly_with_its_year(answers):
    from analytics.registry import get_indicator
    from smarteconomy.periods import Period

    indicator = get_indicator("licensing.service_satisfaction_index")
    assert indicator.frequency == "quarterly"
    assert [str(p) for p in indicator.periods()] == ["2025", "2025-Q1", "2025-Q2"]
    # Q1: the four answers above (IKM 86.11, B, as the dataset below); Q2: one answer of all 4s (100.00, A).
    assert indicator.compute(Period.parse("2025-Q1")).value == 86.11
    assert indicator.compute(Period.parse("2025-Q2")).value == 100.0
    # The five answers of 2025: totals 14+4, 14+4, 11+4, 16+4, 15+4, 15+4, 16+4, 10+4, 13+4 = 124 + 36 = 160 over 5
    # answers: the NRRs sum to 32, IKM = 25 × 32 / 9 = 88.89 (A).
    assert indicator.compute(Period(2025)).value == 88.89
    assert indicator.compute(Period.parse("2024-Q4")).value is None


def test_the_quarters_on_the_scorecard_and_in_the_monthly_report(answers, role_users, client):
    from analytics.models import IndicatorSnapshot
    from analytics.reports import build_report
    from analytics.scorecard import indicators_recompute
    from smarteconomy.periods import Period

    indicators_recompute(full=True)
    code = "licensing.service_satisfaction_index"
    snapshots = dict(IndicatorSnapshot.objects.filter(indicator_code=code).values_list("period", "value"))
    assert snapshots == {"2025": 88.89, "2025-Q1": 86.11, "2025-Q2": 100.0}
    # The report of May 2025 shows the last quarter ended by then (Q1); of June, Q2; of the year, the year.
    for period, shown in (("2025-05", "2025-Q1"), ("2025-06", "2025-Q2"), ("2025", "2025")):
        row = next(row for row in build_report(Period.parse(period)).rows if row.indicator.code == code)
        assert row.snapshot.period == shown, period
    client.force_login(role_users["bappeda"])
    html = client.get(reverse("analytics:indicator_detail", args=[code])).content.decode()
    assert "2025-Q1" in html and "2025-Q2" in html


def test_the_public_dataset_per_quarter(answers):
    from licensing.datasets import _ikm_covered  # registers the dataset
    from opendata.registry import get_dataset

    dataset = get_dataset("licensing-ikm-by-quarter")
    rows = dataset.rows()
    assert [row["period"] for row in rows] == ["2025-Q1", "2025-Q2"]
    q1, q2 = rows
    assert (q1["responses"], q1["u8"], q1["ikm"], q1["category"], q1["lowest_element"]) == (
        4,
        Decimal("2.5000"),
        Decimal("86.11"),
        "B",
        "U8",
    )
    # One answer in Q2: "<3", and its scores are not published.
    assert (q2["responses"], q2["u1"], q2["ikm"], q2["category"]) == ("<3", None, None, "")
    assert set(q1) == {column.key for column in dataset.columns}
    assert _ikm_covered() == ("2025-Q1", "2025-Q2")
    assert dataset.last_updated() is not None
