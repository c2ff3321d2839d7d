"""The computations, checked against cases computed by hand and against properties that must always hold."""

import math
from pathlib import Path

import pandas as pd
import pytest
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from analytics import economics as ec

HERE = Path(__file__).resolve().parent


def panel(q, e):
    return ec.Panel(q=pd.DataFrame(q, dtype="float64"), e=pd.DataFrame(e, dtype="float64"))


# A textbook case: 4 sectors, two years. Every expected number below was computed by hand.
TEXTBOOK = panel(
    q={2019: {"A": 100, "B": 200, "C": 300, "D": 400}, 2023: {"A": 110, "B": 180, "C": 390, "D": 420}},
    e={2019: {"A": 1000, "B": 3000, "C": 2000, "D": 4000}, 2023: {"A": 1200, "B": 3000, "C": 2400, "D": 4400}},
)


def test_location_quotient_by_hand():
    lq = ec.lq_summary(TEXTBOOK, 2019, 2023)
    assert lq["lq_2019"].tolist() == pytest.approx([1.0, 2 / 3, 1.5, 1.0])
    assert lq["lq_2023"].tolist() == pytest.approx([11 / 12, 0.6, 1.625, 21 / 22])
    assert lq["lq_mean"].tolist() == pytest.approx([(1 + 11 / 12) / 2, (2 / 3 + 0.6) / 2, 1.5625, (1 + 21 / 22) / 2])
    assert lq["class"].tolist() == [ec.NON_BASIS, ec.NON_BASIS, ec.BASIS, ec.NON_BASIS]


def test_classic_shift_share_by_hand():
    ss = ec.shift_share(TEXTBOOK, 2019, 2023, "classic")
    # G = 0.1; g = .2, 0, .2, .1; r = .1, -.1, .3, .05
    assert ss["regional_share"].tolist() == pytest.approx([10, 20, 30, 40, 100])
    assert ss["proportional_shift"].tolist() == pytest.approx([10, -20, 30, 0, 20])
    assert ss["differential_shift"].tolist() == pytest.approx([-10, -20, 30, -20, -20])
    assert ss["delta"].tolist() == pytest.approx([10, -20, 90, 20, 100])
    assert list(ss.index) == ["A", "B", "C", "D", "TOTAL"]
    assert "competitive_effect" not in ss.columns


def test_esteban_marquillas_by_hand():
    em = ec.shift_share(TEXTBOOK, 2019, 2023, "esteban-marquillas")
    # homothetic base q* = Q0 * e0 / E0 = 100, 300, 200, 400
    assert em["competitive_effect"].tolist() == pytest.approx([-10, -30, 20, -20, -40])
    assert em["allocation_effect"].tolist() == pytest.approx([0, 10, 10, 0, 20])
    assert (em["competitive_effect"] + em["allocation_effect"]).tolist() == pytest.approx(
        em["differential_shift"].tolist()
    )


def test_dynamic_lq_compound_equals_the_ratio_of_lqs_and_arithmetic_differs():
    dlq = ec.dynamic_lq(TEXTBOOK, 2019, 2023, "compound")
    lq = ec.lq_summary(TEXTBOOK, 2019, 2023)
    assert dlq["dlq"].tolist() == pytest.approx((lq["lq_2023"] / lq["lq_2019"]).tolist())
    assert dlq["dlq"].tolist() == pytest.approx([11 / 12, 0.9, 1.625 / 1.5, 21 / 22])
    assert dlq["quadrant"].tolist() == [ec.DLQ_LAGGING, ec.DLQ_LAGGING, ec.DLQ_LEADING, ec.DLQ_LAGGING]
    # The arithmetic variant needs every year between start and end.
    with pytest.raises(ec.EconomicsError, match="2020, 2021, 2022"):
        ec.dynamic_lq(TEXTBOOK, 2019, 2023, "arithmetic")


THREE_YEARS = panel(
    q={2020: {"X": 100, "Y": 100}, 2021: {"X": 110, "Y": 100}, 2022: {"X": 121, "Y": 100}},
    e={2020: {"X": 1000, "Y": 1000}, 2021: {"X": 1100, "Y": 1000}, 2022: {"X": 1210, "Y": 1000}},
)


def test_dynamic_and_annual_average_shift_share_by_hand():
    dynamic = ec.shift_share(THREE_YEARS, 2020, 2022, "dynamic")
    # pair 1: G = .05 → PR 5, 5; PS 5, -5. pair 2: G = 110/2100 → PR 5.761905, 5.238095; PS 5.238095, -5.238095
    assert dynamic.loc["X", "regional_share"] == pytest.approx(5 + 110 * 110 / 2100)
    assert dynamic.loc["Y", "regional_share"] == pytest.approx(5 + 100 * 110 / 2100)
    assert dynamic.loc["X", "proportional_shift"] == pytest.approx(5 + 110 * (0.1 - 110 / 2100))
    assert dynamic.loc["Y", "proportional_shift"] == pytest.approx(-5 - 100 * 110 / 2100)
    assert dynamic["differential_shift"].tolist() == pytest.approx([0, 0, 0])
    assert dynamic["delta"].tolist() == pytest.approx([21, 0, 21])
    classic = ec.shift_share(THREE_YEARS, 2020, 2022, "classic")
    assert classic.loc["X", "regional_share"] == pytest.approx(10.5)  # differs from the dynamic sum
    average = ec.shift_share(THREE_YEARS, 2020, 2022, "annual-average")
    assert average["regional_share"].tolist() == pytest.approx((dynamic["regional_share"] / 2).tolist())
    assert average["base_value"].tolist() == [100, 100, 200]
    # The arithmetic DLQ variant: mean of annual growth rates.
    arithmetic = ec.dynamic_lq(THREE_YEARS, 2020, 2022, "arithmetic")
    g_x, g_total = 0.1, (0.05 + 11 / 210) / 2
    big_g_x, big_g_total = 0.1, (0.05 + 110 / 2100) / 2
    assert arithmetic.loc["X", "dlq"] == pytest.approx(
        (((1 + g_x) / (1 + g_total)) / ((1 + big_g_x) / (1 + big_g_total))) ** 2
    )


def test_klassen_quadrants():
    data = panel(
        q={2019: {"A": 400, "B": 400, "C": 100, "D": 100}, 2023: {"A": 480, "B": 400, "C": 130, "D": 100}},
        e={2019: {"A": 1000, "B": 1000, "C": 1000, "D": 1000}, 2023: {"A": 1100, "B": 1100, "C": 1100, "D": 1100}},
    )
    result = ec.klassen(data, 2019, 2023)
    assert result["quadrant"].tolist() == [ec.KLASSEN_I, ec.KLASSEN_II, ec.KLASSEN_III, ec.KLASSEN_IV]
    assert result.loc["A", "region_growth"] == pytest.approx(1.2 ** (1 / 4) - 1)
    assert result.loc["A", "reference_growth"] == pytest.approx(1.1 ** (1 / 4) - 1)


@translation.override("en")
def test_refusals():
    with pytest.raises(ec.EconomicsError, match="smaller than the region"):
        ec.check_reference_contains_region(panel({2019: {"A": 10}}, {2019: {"A": 5}}))
    with pytest.raises(ec.EconomicsError, match="2021"):
        ec.shift_share(TEXTBOOK, 2019, 2021)
    with pytest.raises(ec.EconomicsError, match="every year|2020"):
        ec.shift_share(TEXTBOOK, 2019, 2023, "dynamic")
    with pytest.raises(ec.EconomicsError, match="must not be after the end year"):
        ec.lq_summary(TEXTBOOK, 2023, 2019)
    with pytest.raises(ec.EconomicsError, match="Unknown method"):
        ec.shift_share(TEXTBOOK, 2019, 2023, "magic")
    zero = panel({2019: {"A": 0, "B": 5}, 2023: {"A": 1, "B": 6}}, {2019: {"A": 1, "B": 10}, 2023: {"A": 2, "B": 12}})
    with pytest.raises(ec.EconomicsError, match="zero for A"):
        ec.shift_share(zero, 2019, 2023)


def test_one_year_is_a_window_for_the_lq_and_growth_says_it_needs_two_years():
    """The most common LQ request is one year; a method that needs growth refuses it with a clear message."""
    lq = ec.lq_summary(TEXTBOOK, 2023, 2023)
    assert list(lq.columns) == ["lq_2023", "lq_mean", "class"]
    assert lq["lq_mean"].tolist() == pytest.approx([11 / 12, 0.6, 1.625, 21 / 22])
    for compute in (ec.klassen, ec.dynamic_lq, ec.shift_share):
        with translation.override("en"), pytest.raises(ec.EconomicsError, match="needs two different years"):
            compute(TEXTBOOK, 2023, 2023)


def test_errors_are_translated_messages_with_named_placeholders():
    """An error keeps its untranslated message and named parameters (for a stored note) and reads in the active
    language; the Indonesian interface never shows the English sentence."""
    with pytest.raises(ec.EconomicsError) as caught:
        ec.shift_share(TEXTBOOK, 2019, 2021)
    error = caught.value
    assert error.message == "No GRDP data for both regions in %(years)s (window %(start)s–%(end)s)."
    assert error.params == {"years": "2021", "start": 2019, "end": 2021}
    with translation.override("en"):
        assert str(error) == "No GRDP data for both regions in 2021 (window 2019–2021)."
    with translation.override("id"):
        assert str(error) == "Tidak ada data PDRB kedua wilayah untuk 2021 (rentang 2019–2021)."
    zero = panel({2019: {"A": 0, "B": 5}, 2023: {"A": 1, "B": 6}}, {2019: {"A": 1, "B": 10}, 2023: {"A": 2, "B": 12}})
    for compute in (ec.shift_share, ec.klassen):
        with pytest.raises(ec.EconomicsError) as caught:
            compute(zero, 2019, 2023)
        assert "%(" in caught.value.message and caught.value.params
        with translation.override("id"):
            assert "tidak terdefinisi" in str(caught.value) and "A" in str(caught.value)


def test_the_demo_data_reproduces_the_published_regional_share_and_shows_the_papers_sign_errors():
    long = pd.read_csv(HERE.parent / "data" / "grdp_demo_2019_2023.csv", dtype={"region_code": str})
    long = long.rename(columns={"region_code": "region", "sector_code": "sector"})
    order = ["A", "B", "C", "D", "E", "F", "G", "H", "I", "J", "K", "L", "MN", "O", "P", "Q", "RSTU"]
    data = ec.panel_from_long(long, region="64.71", reference="64", sector_order=order)
    ours = ec.shift_share(data, 2019, 2023, "classic")
    published = pd.read_csv(HERE / "table2_shiftshare_published.csv").set_index("sector_code")
    assert ours.loc[order, "regional_share"].tolist() == pytest.approx(published["PR"].tolist(), abs=0.01)
    assert ours.loc[order, "delta"].tolist() == pytest.approx(published["delta_Q"].tolist(), abs=0.01)
    # Magnitudes agree; signs do not everywhere: the published table breaks ΔQ = PR + PS + DS in 7 rows.
    assert ours.loc[order, "proportional_shift"].abs().tolist() == pytest.approx(
        published["PS"].abs().tolist(), abs=0.02
    )
    assert ours.loc[order, "differential_shift"].abs().tolist() == pytest.approx(
        published["DS"].abs().tolist(), rel=1e-5
    )
    broken = published[(published.PR + published.PS + published.DS - published.delta_Q).abs() > 1]
    assert len(broken) == 7
    identity = ours.regional_share + ours.proportional_shift + ours.differential_shift - ours.delta
    assert identity.abs().max() < 1e-6
    # The LQ of both years classifies the same 12 sectors as basis as the paper's five-year mean.
    lq = ec.lq_summary(data, 2019, 2023)
    paper = pd.read_csv(HERE / "table1_lq_published.csv").set_index("sector_code")
    assert (lq.loc[order, "class"] == ec.BASIS).tolist() == (paper["class_in_paper"] == "Basis").tolist()
    assert int((lq["class"] == ec.BASIS).sum()) == 12


positive = st.floats(min_value=1.0, max_value=1e9, allow_nan=False, allow_infinity=False)


@st.composite
def panels(draw, years=2):
    sectors = draw(st.integers(min_value=1, max_value=17))
    q = {2019 + y: {f"S{i}": draw(positive) for i in range(sectors)} for y in range(years)}
    e = {
        year: {s: v * draw(st.floats(min_value=1.0, max_value=1e3)) for s, v in row.items()} for year, row in q.items()
    }
    return panel(q, e)


@settings(max_examples=200, deadline=None, derandomize=True)
@given(panels())
def test_property_shift_share_identity_holds_for_every_sector_and_the_total(data):
    for method in ("classic", "esteban-marquillas"):
        ss = ec.shift_share(data, 2019, 2020, method)
        residual = ss.regional_share + ss.proportional_shift + ss.differential_shift - ss.delta
        # Rounding error grows with the size of the values themselves (q ~ 1e9), not only the components.
        columns = ["base_value", "end_value", "regional_share", "proportional_shift", "differential_shift", "delta"]
        scale = ss[columns].abs().max(axis=1) + 1
        assert ((residual.abs() / scale) < 1e-9).all()
        if method == "esteban-marquillas":
            split = ss.competitive_effect + ss.allocation_effect - ss.differential_shift
            assert ((split.abs() / (ss.differential_shift.abs() + scale)) < 1e-9).all()


@settings(max_examples=100, deadline=None, derandomize=True)
@given(panels(years=4), st.floats(min_value=1e-3, max_value=1e6))
def test_property_lq_does_not_depend_on_the_unit(data, factor):
    scaled = ec.Panel(q=data.q * factor, e=data.e * factor)
    assert ec.location_quotient(scaled).to_numpy() == pytest.approx(ec.location_quotient(data).to_numpy(), rel=1e-9)


@settings(max_examples=100, deadline=None, derandomize=True)
@given(panels(years=5))
def test_property_dynamic_sums_telescope_to_the_change_over_the_window(data):
    dynamic = ec.shift_share(data, 2019, 2023, "dynamic")
    expected = data.q[2023] - data.q[2019]
    for sector in data.q.index:
        assert math.isclose(dynamic.loc[sector, "delta"], expected[sector], rel_tol=1e-9, abs_tol=1e-6)
        parts = dynamic.loc[sector, ["regional_share", "proportional_shift", "differential_shift"]].sum()
        assert math.isclose(parts, expected[sector], rel_tol=1e-9, abs_tol=1e-3)
