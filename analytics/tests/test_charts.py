"""The server-side SVG charts: well-formed, escaped, CSP-safe markup with geometry that matches the data."""

import xml.etree.ElementTree as ET

import pytest
from django.utils.safestring import SafeString

from analytics import charts

NS = {"svg": "http://www.w3.org/2000/svg"}
SVG = "{http://www.w3.org/2000/svg}"

LQ_ITEMS = [
    ("A – Pertanian, Kehutanan, dan Perikanan", 0.131, False),
    ("B – Pertambangan dan Penggalian", 0.0009, False),
    ("C – Industri Pengolahan", 2.856, True),
    ("D – Pengadaan Listrik dan Gas", 1.479, True),
    ("G – Perdagangan Besar dan Eceran; Reparasi Mobil dan Sepeda Motor", 1.445, True),
]
SERIES = [
    ("PR", "Regional share", "#64748b"),
    ("PS", "Proportional shift", "#0f7c7a"),
    ("DS", "Differential", "#c2410c"),
]
SS_ITEMS = [
    ("A", {"PR": 82_262.69, "PS": -54_144.46, "DS": -12_822.89}),
    ("C", {"PR": 4_977_207.31, "PS": 1_287_861.8, "DS": 3_461_503.11}),
    ("I", {"PR": 140_926.53, "PS": 39_585.17, "DS": -109_886.72}),
]
QUADRANTS = {"top_right": "Maju", "top_left": "Potensial", "bottom_right": "Tertekan", "bottom_left": "Tertinggal"}


def parse(svg):
    assert isinstance(svg, SafeString)
    root = ET.fromstring(str(svg))  # raises if the markup is not well-formed XML
    assert root.tag == f"{SVG}svg"
    return root


def bars(root):
    return [r for r in root.iter(f"{SVG}rect") if r.get("class") == "bar"]


def shown(text):
    """The visible characters of a <text>: its own text plus what follows a <title> child."""
    return (text.text or "") + "".join(child.tail or "" for child in text)


def fx(element, name):
    return float(element.get(name))


def scatter(points, **kwargs):
    options = dict(title="Kuadran", x_label="PS", y_label="DS", x_line=0, y_line=0, quadrant_labels=QUADRANTS)
    options.update(kwargs)
    return charts.quadrant_scatter(points, **options)


ALL_CHARTS = [
    lambda: charts.horizontal_bar_chart(LQ_ITEMS, title="LQ", reference_line=1, reference_label="LQ = 1", testid="t"),
    lambda: charts.diverging_component_chart(SS_ITEMS, title="Shift-share", series=SERIES, testid="t"),
    lambda: scatter([("C", 1.2, 3.4), ("A", -0.5, -0.1)], testid="t"),
]


# --- number formatting -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "decimals", "expected"),
    [
        (1234.5, 1, "1.234,5"),
        (1234567.891, 2, "1.234.567,89"),
        (-1234.5, 1, "-1.234,5"),
        (0.0009, 4, "0,0009"),
        (1.25, 1, "1,3"),  # half up, not banker's rounding
        (-0.04, 1, "0,0"),  # never "-0,0"
        (999, 0, "999"),
        (float("nan"), 1, "\u2013"),
        (None, 1, "\u2013"),
    ],
)
def test_format_id(value, decimals, expected):
    assert charts.format_id(value, decimals) == expected


def test_format_id_trim():
    assert charts.format_id(2.5, 2, trim=True) == "2,5"
    assert charts.format_id(3, 2, trim=True) == "3"


@pytest.mark.parametrize(
    ("value", "decimals", "expected"),
    [
        (1_250_000, 1, "1,3 jt"),  # decided: one decimal, rounded half up
        (1_250_000, 2, "1,25 jt"),
        (1_200_000, 1, "1,2 jt"),
        (3_400_000_000, 1, "3,4 M"),
        (-3_400_000_000, 1, "-3,4 M"),
        (2_500_000_000_000, 1, "2,5 T"),
        (45_300, 1, "45,3 rb"),
        (999.96, 1, "1,0 rb"),
        (999_960, 1, "1,0 jt"),  # would be "1.000,0 rb"
        (512.34, 1, "512,3"),
        (0, 1, "0,0"),
    ],
)
def test_abbreviate_id(value, decimals, expected):
    assert charts.abbreviate_id(value, decimals) == expected


def test_nice_ticks_cover_the_range_and_include_zero():
    ticks, step = charts._nice_ticks(0, 2.856, 6)
    assert ticks[0] == 0 and ticks[-1] >= 2.856 and step == 0.5
    ticks, step = charts._nice_ticks(-54_144, 4_977_207, 6)
    assert ticks[0] <= -54_144 and ticks[-1] >= 4_977_207 and 0 in ticks


# --- common properties ---------------------------------------------------------------------------


@pytest.mark.parametrize("make", ALL_CHARTS)
def test_root_element_accessibility_and_csp(make):
    svg = make()
    root = parse(svg)
    assert root.get("role") == "img"
    assert root.get("class") == "chart"
    assert root.get("data-testid") == "t"
    assert root.get("aria-label")
    assert root.get("viewBox").startswith("0 0 ")
    assert root[0].tag == f"{SVG}title" and root[0].text == root.get("aria-label")
    assert "style=" not in svg and "<style" not in svg and "<script" not in svg


@pytest.mark.parametrize("make", ALL_CHARTS)
def test_text_uses_sans_serif(make):
    root = parse(make())
    for text in root.iter(f"{SVG}text"):
        assert text.get("font-family") == "sans-serif"
        assert text.get("font-size")


# --- horizontal bar chart ------------------------------------------------------------------------


def test_one_bar_per_item_with_colours():
    root = parse(charts.horizontal_bar_chart(LQ_ITEMS, title="LQ", reference_line=1))
    found = bars(root)
    assert len(found) == len(LQ_ITEMS)
    assert [b.get("fill") for b in found] == ["#8aa4c8", "#8aa4c8", "#0f7c7a", "#0f7c7a", "#0f7c7a"]


def test_bar_widths_are_proportional_and_tiny_values_stay_visible():
    root = parse(charts.horizontal_bar_chart(LQ_ITEMS, title="LQ"))
    widths = [fx(b, "width") for b in bars(root)]
    assert widths[2] == pytest.approx(widths[3] * 2.856 / 1.479, rel=0.01)
    assert 0 < widths[1] < 3  # 0.0009 is a sliver, not invisible


def test_reference_line_position_is_proportional():
    root = parse(charts.horizontal_bar_chart(LQ_ITEMS, title="LQ", reference_line=1, reference_label="LQ = 1"))
    line = next(e for e in root.iter(f"{SVG}line") if e.get("class") == "reference-line")
    c_bar = bars(root)[2]
    zero_x = fx(c_bar, "x")
    one_unit = fx(c_bar, "width") / 2.856
    assert fx(line, "x1") == pytest.approx(zero_x + one_unit, abs=0.05)
    assert line.get("stroke-dasharray")
    assert "LQ = 1" in [t.text for t in root.iter(f"{SVG}text")]


def test_value_labels_are_indonesian_and_tiny_values_keep_significant_digits():
    items = [("Big", 1234.5, False), ("Tiny", 0.0009, False), ("LQ", 2.87, True)]
    root = parse(charts.horizontal_bar_chart(items, title="x"))
    labels = [t.text for t in root.iter(f"{SVG}text") if t.get("class") == "value-label"]
    assert labels == ["1.234,5", "0,0009", "2,9"]
    root = parse(charts.horizontal_bar_chart(items, title="x", value_format=lambda v: f"<{v}>"))
    labels = [t.text for t in root.iter(f"{SVG}text") if t.get("class") == "value-label"]
    assert labels[0] == "<1234.5>"


def test_long_labels_are_truncated_with_full_text_in_bar_title():
    long = "G – Perdagangan Besar dan Eceran; Reparasi Mobil dan Sepeda Motor"
    root = parse(charts.horizontal_bar_chart([(long, 1.4, True)], title="x"))
    label = next(t for t in root.iter(f"{SVG}text") if shown(t).startswith("G – "))
    assert shown(label).endswith("…") and len(shown(label)) <= 38
    assert label.find("svg:title", NS).text == long
    assert bars(root)[0].find("svg:title", NS).text.startswith(long)


def test_labels_are_escaped():
    svg = charts.horizontal_bar_chart(
        [("R&D <script>", 1.0, True)], title="A & B <i>", reference_line=1, reference_label="<1 & 2>", testid='"x"'
    )
    assert "<script>" not in svg and "<i>" not in svg
    assert "R&amp;D &lt;script&gt;" in svg and "&lt;1 &amp; 2&gt;" in svg
    root = parse(svg)
    assert root.get("aria-label") == "A & B <i>"
    assert root.get("data-testid") == '"x"'
    assert bars(root)[0].find("svg:title", NS).text.startswith("R&D <script>")


def test_all_zero_and_empty_input_do_not_raise():
    root = parse(charts.horizontal_bar_chart([("a", 0, False), ("b", 0.0, True)], title="zero"))
    assert [fx(b, "width") for b in bars(root)] == [0, 0]
    parse(charts.horizontal_bar_chart([("a", 0, False)], title="zero", reference_line=0))
    parse(charts.horizontal_bar_chart([], title="empty"))
    parse(charts.horizontal_bar_chart([("a", float("nan"), False), ("b", None, True)], title="missing"))


def test_negative_bars_go_left_of_zero():
    root = parse(charts.horizontal_bar_chart([("up", 2.0, False), ("down", -1.0, False)], title="x"))
    up, down = bars(root)
    zero_x = fx(up, "x")
    assert fx(down, "x") < zero_x
    assert fx(down, "x") + fx(down, "width") == pytest.approx(zero_x)


# --- diverging component chart -------------------------------------------------------------------


def test_one_bar_per_item_and_series():
    root = parse(charts.diverging_component_chart(SS_ITEMS, title="SS", series=SERIES))
    found = bars(root)
    assert len(found) == len(SS_ITEMS) * len(SERIES)
    assert [b.get("fill") for b in found[:3]] == [colour for _, _, colour in SERIES]
    legend = [r for r in root.iter(f"{SVG}rect") if r.get("class") == "legend-swatch"]
    assert len(legend) == len(SERIES)
    assert {"Regional share", "Proportional shift", "Differential"} <= {t.text for t in root.iter(f"{SVG}text")}


def test_negative_components_left_of_zero_axis_positive_right():
    root = parse(charts.diverging_component_chart(SS_ITEMS, title="SS", series=SERIES))
    axis = next(e for e in root.iter(f"{SVG}line") if e.get("class") == "zero-axis")
    zero_x = fx(axis, "x1")
    for bar in bars(root):
        value = float(bar.get("data-value"))
        if value < 0:
            assert fx(bar, "x") < zero_x
            assert fx(bar, "x") + fx(bar, "width") == pytest.approx(zero_x, abs=0.01)
        else:
            assert fx(bar, "x") == pytest.approx(zero_x, abs=0.01)
    c_pr, c_ps = bars(root)[3], bars(root)[4]
    assert fx(c_pr, "width") / fx(c_ps, "width") == pytest.approx(4_977_207.31 / 1_287_861.8, rel=0.01)


def test_axis_ticks_are_abbreviated_in_indonesian():
    root = parse(charts.diverging_component_chart(SS_ITEMS, title="SS", series=SERIES))
    texts = {t.text for t in root.iter(f"{SVG}text")}
    assert "1 jt" in texts and "5 jt" in texts and "0" in texts
    items = [("x", {"PR": 1_500_000_000, "PS": -420_000_000, "DS": 0})]
    texts = {
        t.text for t in parse(charts.diverging_component_chart(items, title="SS", series=SERIES)).iter(f"{SVG}text")
    }
    assert {"-500 jt", "0", "500 jt", "1 M", "1,5 M"} <= texts


def test_bar_titles_hold_exact_values():
    root = parse(charts.diverging_component_chart(SS_ITEMS, title="SS", series=SERIES))
    title = bars(root)[5].find("svg:title", NS).text
    assert title == "C – Differential: 3,46 jt (3.461.503)"


def test_diverging_escapes_and_survives_zero_missing_and_empty():
    svg = charts.diverging_component_chart(
        [("Jasa & <Lainnya>", {"PR": 0, "PS": 0})], title="<SS>", series=[*SERIES[:2], ("X", "A&B", "#000")]
    )
    assert "Jasa &amp; &lt;Lainnya&gt;" in svg and "A&amp;B" in svg and "<SS>" not in svg
    root = parse(svg)
    assert len(bars(root)) == 3
    assert all(fx(b, "width") == 0 for b in bars(root))
    parse(charts.diverging_component_chart([], title="empty", series=SERIES))


# --- quadrant scatter ----------------------------------------------------------------------------


def test_one_circle_per_point_and_quadrant_labels():
    points = [("A", -54_144.46, -12_822.89), ("C", 1_287_861.8, 3_461_503.11), ("I", 39_585.17, -109_886.72)]
    root = parse(scatter(points))
    circles = [c for c in root.iter(f"{SVG}circle") if c.get("class") == "point"]
    assert len(circles) == 3
    quadrants = {t.get("data-quadrant"): t.text for t in root.iter(f"{SVG}text") if t.get("class") == "quadrant-label"}
    assert quadrants == QUADRANTS
    labels = [t.text for t in root.iter(f"{SVG}text") if t.get("class") == "point-label"]
    assert labels == ["A", "C", "I"]
    assert circles[1].find("svg:title", NS).text == "C: PS 1,29 jt (1.287.862); DS 3,46 jt (3.461.503)"


def test_points_sit_in_the_right_quadrant():
    root = parse(scatter([("TR", 2, 3), ("BL", -1, -2), ("TL", -3, 1)]))
    dividers = {e.get("data-axis"): e for e in root.iter(f"{SVG}line") if e.get("class") == "divider"}
    line_x, line_y = fx(dividers["x"], "x1"), fx(dividers["y"], "y1")
    tr, bl, tl = (c for c in root.iter(f"{SVG}circle") if c.get("class") == "point")
    assert fx(tr, "cx") > line_x and fx(tr, "cy") < line_y  # SVG y grows downwards
    assert fx(bl, "cx") < line_x and fx(bl, "cy") > line_y
    assert fx(tl, "cx") < line_x and fx(tl, "cy") < line_y


def test_scatter_edge_cases():
    root = parse(scatter([("Only", 0, 0)]))  # single point exactly on both lines
    (circle,) = (c for c in root.iter(f"{SVG}circle") if c.get("class") == "point")
    dividers = {e.get("data-axis"): e for e in root.iter(f"{SVG}line") if e.get("class") == "divider"}
    assert fx(circle, "cx") == pytest.approx(fx(dividers["x"], "x1"))
    assert fx(circle, "cy") == pytest.approx(fx(dividers["y"], "y1"))
    # an outlier stays inside the plot, and so do the others
    root = parse(scatter([("a", 1, 1), ("b", 2, 1.5), ("far", 1_000_000, -500_000)], x_line=1, y_line=1))
    width = float(root.get("viewBox").split()[2])
    for c in root.iter(f"{SVG}circle"):
        assert 0 < fx(c, "cx") < width
    parse(scatter([]))
    parse(scatter([("nan", float("nan"), 1), ("ok", 1, 1)]))
    parse(scatter([("a", 5, 5), ("b", 5, 5)], quadrant_labels={}))


def test_scatter_escapes_everything():
    svg = scatter(
        [("C&<", 1, 2, "Industri <Pengolahan> & co")],
        title="T&<",
        x_label="x<1",
        y_label="y&",
        quadrant_labels={"top_right": "<b>Maju & tumbuh</b>"},
    )
    assert "<b>" not in svg and "&lt;b&gt;Maju &amp; tumbuh&lt;/b&gt;" in svg
    root = parse(svg)
    circle = next(c for c in root.iter(f"{SVG}circle") if c.get("class") == "point")
    assert circle.find("svg:title", NS).text.startswith("Industri <Pengolahan> & co: x<1 ")
