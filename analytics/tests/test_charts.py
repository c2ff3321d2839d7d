"""The server-side SVG charts: well-formed, escaped, CSP-safe markup with geometry that matches the data."""

import xml.etree.ElementTree as ET

import pytest
from django.utils import translation
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


# --- sparkline -----------------------------------------------------------------------------------


def by_class(root, tag, name):
    return [e for e in root.iter(f"{SVG}{tag}") if e.get("class") == name]


def polyline_points(element):
    return [tuple(float(n) for n in pair.split(",")) for pair in element.get("points").split()]


def test_sparkline_root_is_small_accessible_and_csp_safe():
    svg = charts.sparkline([1, 2, 3], title="Tren PDRB", testid="spark", status="on_track")
    root = parse(svg)
    assert root.get("class") == "sparkline"
    assert root.get("role") == "img" and root.get("aria-label") == "Tren PDRB"
    assert root.get("data-testid") == "spark"
    assert root.get("viewBox") == "0 0 120 28"
    assert root[0].tag == f"{SVG}title" and root[0].text == "Tren PDRB"
    assert "style=" not in svg and "<style" not in svg and "<script" not in svg


@pytest.mark.parametrize(
    ("status", "colour"),
    [("on_track", "#198754"), ("at_risk", "#b58105"), ("off_track", "#b02a37"), ("", "#6c757d"), ("?", "#6c757d")],
)
def test_sparkline_colour_follows_status(status, colour):
    root = parse(charts.sparkline([1, 3, 2], title="t", status=status))
    (line,) = by_class(root, "polyline", "sparkline-line")
    (dot,) = by_class(root, "circle", "last-point")
    assert line.get("stroke") == colour and dot.get("fill") == colour


def test_sparkline_gap_for_none_and_dot_on_last_value():
    root = parse(charts.sparkline([1, 2, None, 3, 4], title="t"))
    lines = by_class(root, "polyline", "sparkline-line")
    assert [len(polyline_points(line)) for line in lines] == [2, 2]  # split around the None, not drawn as zero
    assert polyline_points(lines[0])[-1][0] < polyline_points(lines[1])[0][0]
    (dot,) = by_class(root, "circle", "last-point")
    assert (fx(dot, "cx"), fx(dot, "cy")) == polyline_points(lines[1])[-1]
    assert dot.find("svg:title", NS).text == "4,00"
    # higher values are drawn higher up; every point stays inside the viewBox
    points = polyline_points(lines[0]) + polyline_points(lines[1])
    assert [p[1] for p in points] == sorted((p[1] for p in points), reverse=True)
    assert all(0 <= x <= 120 and 0 <= y <= 28 for x, y in points)


def test_sparkline_trailing_none_puts_the_dot_on_the_last_known_value():
    root = parse(charts.sparkline([1, 2, 3, None], title="t"))
    (line,) = by_class(root, "polyline", "sparkline-line")
    (dot,) = by_class(root, "circle", "last-point")
    assert (fx(dot, "cx"), fx(dot, "cy")) == polyline_points(line)[-1]
    assert fx(dot, "cx") < 110  # a gap is left for the incomplete last period


def test_sparkline_one_or_zero_values():
    root = parse(charts.sparkline([None, 5, None], title="Satu"))
    assert not list(root.iter(f"{SVG}polyline"))
    assert len(by_class(root, "circle", "last-point")) == 1
    root = parse(charts.sparkline([7], title="Satu"))
    (dot,) = by_class(root, "circle", "last-point")
    assert fx(dot, "cx") == 60 and fx(dot, "cy") == 14
    for values in ([], [None, None], [float("nan")]):
        root = parse(charts.sparkline(values, title="Kosong", testid="s"))
        assert root.get("class") == "sparkline" and root[0].text == "Kosong"
        assert not list(root.iter(f"{SVG}polyline")) and not list(root.iter(f"{SVG}circle"))


def test_sparkline_flat_series_sits_in_the_middle_and_lone_values_stay_visible():
    root = parse(charts.sparkline([2, 2, 2], title="t"))
    assert {y for _, y in polyline_points(by_class(root, "polyline", "sparkline-line")[0])} == {14}
    root = parse(charts.sparkline([1, None, 3, None, 2, 4], title="t"))
    assert len(by_class(root, "circle", "isolated-point")) == 2  # 1 and 3 have no neighbour to join
    assert len(by_class(root, "polyline", "sparkline-line")) == 1


def test_sparkline_escapes_title_and_testid():
    svg = charts.sparkline([1, 2], title="PDRB <b> & co", testid='"x"')
    assert "<b>" not in svg and "PDRB &lt;b&gt; &amp; co" in svg
    root = parse(svg)
    assert root.get("aria-label") == "PDRB <b> & co" and root.get("data-testid") == '"x"'


# --- line chart ----------------------------------------------------------------------------------

GROWTH = [("2019", 5.21), ("2020", -2.07), ("2021", 3.69), ("2022", None), ("2023", 5.05), ("2024", 5.03)]
GROWTH_TARGETS = [("2021", 4.0), ("2022", 4.5), ("2023", 5.0), ("2024", 5.2), ("2025", 5.4)]


def texts_of(root, name):
    return [" ".join(part.strip() for part in t.itertext()).strip() for t in by_class(root, "text", name)]


def y_ticks(root):
    return [(fx(t, "y") - 4, t.text) for t in by_class(root, "text", "y-tick")]


def test_line_chart_root_accessibility_and_csp():
    svg = charts.line_chart(GROWTH, title="Pertumbuhan", y_label="Persen", target_points=GROWTH_TARGETS, testid="t")
    root = parse(svg)
    assert root.get("class") == "chart" and root.get("role") == "img" and root.get("data-testid") == "t"
    assert root[0].tag == f"{SVG}title" and root[0].text == "Pertumbuhan" == root.get("aria-label")
    assert "style=" not in svg and "<style" not in svg and "<script" not in svg
    for text in root.iter(f"{SVG}text"):
        assert text.get("font-family") == "sans-serif" and text.get("font-size")
    assert "Persen" in texts_of(root, "y-label")


def test_line_chart_one_dot_and_label_per_value_and_gap_markers():
    root = parse(charts.line_chart(GROWTH, title="x", value_format=2))
    dots = by_class(root, "circle", "point")
    assert len(dots) == 5 == sum(v is not None for _, v in GROWTH)
    assert [d.get("data-period") for d in dots] == ["2019", "2020", "2021", "2023", "2024"]
    assert texts_of(root, "value-label") == ["5,21", "-2,07", "3,69", "5,05", "5,03"]
    assert dots[0].find("svg:title", NS).text == "2019: Nilai 5,21"
    (missing,) = by_class(root, "circle", "missing-point")
    assert missing.get("data-period") == "2022" and missing.get("fill") == "#ffffff"
    assert texts_of(root, "missing-label") == ["data belum lengkap"]
    # the hollow marker sits on the x axis, at the 2022 position between its neighbours
    x_labels = {t.text: fx(t, "x") for t in by_class(root, "text", "x-label")}
    assert fx(missing, "cx") == pytest.approx(x_labels["2022"])
    assert fx(dots[2], "cx") < fx(missing, "cx") < fx(dots[3], "cx")
    assert fx(missing, "cy") == max(y for y, _ in y_ticks(root))


def test_line_chart_legends_and_gap_labels_read_in_the_active_language():
    """The legends were fixed Indonesian strings: "Nilai" and "data belum lengkap" on English pages too."""
    with translation.override("en"):
        root = parse(charts.line_chart(GROWTH, title="x", target_points=GROWTH_TARGETS))
    assert {"Value", "Target", "incomplete data"} <= set(texts_of(root, "legend"))
    assert texts_of(root, "missing-label") == ["incomplete data"]
    assert by_class(root, "circle", "point")[0].find("svg:title", NS).text.startswith("2019: Value ")
    assert not {"Nilai", "data belum lengkap"} & set(texts_of(root, "legend"))


def test_line_chart_value_line_is_split_at_none():
    root = parse(charts.line_chart([("2019", 1), ("2020", 2), ("2021", None), ("2022", 3), ("2023", 4)], title="x"))
    lines = by_class(root, "polyline", "value-line")
    assert [len(polyline_points(line)) for line in lines] == [2, 2]
    dots = by_class(root, "circle", "point")
    assert polyline_points(lines[0])[-1] == (fx(dots[1], "cx"), fx(dots[1], "cy"))
    assert polyline_points(lines[1])[0] == (fx(dots[2], "cx"), fx(dots[2], "cy"))
    root = parse(charts.line_chart([("2019", 1), ("2020", 2), ("2021", 3)], title="x"))
    assert [len(polyline_points(line)) for line in by_class(root, "polyline", "value-line")] == [3]
    assert not by_class(root, "circle", "missing-point")


def test_line_chart_target_series_dashed_with_legend():
    root = parse(charts.line_chart(GROWTH, title="x", target_points=GROWTH_TARGETS))
    lines = by_class(root, "polyline", "target-line")
    assert lines and all(line.get("stroke-dasharray") for line in lines)
    value_line = by_class(root, "polyline", "value-line")[0]
    assert lines[0].get("stroke") != value_line.get("stroke") and not value_line.get("stroke-dasharray")
    assert len(by_class(root, "line", "target-mark")) == len(GROWTH_TARGETS)
    assert {"Nilai", "Target"} <= set(texts_of(root, "legend"))
    assert "2025" in texts_of(root, "x-label")  # a target beyond the data extends the x axis
    # the target mark of 2023 (5.0) is a little below the 2023 value (5.05), at the same x
    mark = next(m for m in by_class(root, "line", "target-mark") if m.get("data-period") == "2023")
    dot = next(d for d in by_class(root, "circle", "point") if d.get("data-period") == "2023")
    assert (fx(mark, "x1") + fx(mark, "x2")) / 2 == pytest.approx(fx(dot, "cx"))
    assert fx(mark, "y1") > fx(dot, "cy")


def test_line_chart_without_targets_has_no_target_series():
    root = parse(charts.line_chart([("2019", 1), ("2020", 2)], title="x"))
    assert not by_class(root, "polyline", "target-line") and not by_class(root, "line", "target-mark")
    assert "Target" not in texts_of(root, "legend")
    assert "stroke-dasharray" not in str(charts.line_chart([("2019", 1), ("2020", 2)], title="x"))
    root = parse(charts.line_chart([("2019", 1), ("2020", 2)], title="x", target_points=[("2019", None)]))
    assert not by_class(root, "polyline", "target-line")


def test_line_chart_y_axis_starts_at_zero_with_round_indonesian_ticks():
    points = [("2022", 1_250), ("2023", 1_480.5), ("2024", 2_310)]
    root = parse(charts.line_chart(points, title="x", value_format=1))
    ticks = y_ticks(root)
    labels = [text for _, text in ticks]
    assert labels[0] == "0" and "1.000" in labels and "2.000" in labels
    assert 4 <= len(labels) <= 6
    assert texts_of(root, "value-label") == ["1.250,0", "1.480,5", "2.310,0"]
    # the dots sit at their values on that axis
    zero_y, thousand_y = ticks[0][0], ticks[labels.index("1.000")][0]
    dot = by_class(root, "circle", "point")[0]
    assert fx(dot, "cy") == pytest.approx(zero_y + (thousand_y - zero_y) * 1.25, abs=0.02)
    big = parse(charts.line_chart([("2023", 4_977_207.31), ("2024", 5_200_000)], title="x", value_format=0))
    assert "2 jt" in [text for _, text in y_ticks(big)]
    assert texts_of(big, "value-label") == ["4.977.207", "5.200.000"]


@pytest.mark.parametrize(
    "points",
    [
        [("2024", 7.5)],  # a single point
        [("2022", None), ("2023", None)],  # all incomplete
        [("2021", 3), ("2022", 3), ("2023", 3)],  # equal values
        [("2021", 0), ("2022", 0)],  # equal zeros
        [("2021", -3.5), ("2022", -1.2), ("2023", -4.8)],  # all negative
        [("2021", -0.01), ("2022", 4.99)],
        [("2021", 0.0004), ("2022", 0.0009)],
    ],
)
def test_line_chart_edge_cases_have_four_to_six_ticks_covering_the_data(points):
    root = parse(charts.line_chart(points, title="x"))
    ticks = y_ticks(root)
    assert 4 <= len(ticks) <= 6
    assert len(by_class(root, "circle", "point")) == sum(v is not None for _, v in points)
    assert len(by_class(root, "circle", "missing-point")) == sum(v is None for _, v in points)
    top, bottom = min(y for y, _ in ticks), max(y for y, _ in ticks)
    for dot in by_class(root, "circle", "point"):
        assert top <= fx(dot, "cy") <= bottom
    width = float(root.get("viewBox").split()[2])
    for element in by_class(root, "circle", "point") + by_class(root, "circle", "missing-point"):
        assert 0 < fx(element, "cx") < width


def test_line_chart_negative_values_extend_the_axis_below_zero():
    root = parse(charts.line_chart([("2021", -3.5), ("2022", 2.0)], title="x"))
    labels = [text for _, text in y_ticks(root)]
    assert labels[0].startswith("-") and "0" in labels
    zero_y = dict((text, y) for y, text in y_ticks(root))["0"]
    low, high = by_class(root, "circle", "point")
    assert fx(low, "cy") > zero_y > fx(high, "cy")
    assert texts_of(root, "value-label") == ["-3,5", "2,0"]


def test_line_chart_single_point_and_empty_input():
    root = parse(charts.line_chart([("2024", 7.5)], title="x"))
    (dot,) = by_class(root, "circle", "point")
    assert not list(root.iter(f"{SVG}polyline"))
    assert texts_of(root, "x-label") == ["2024"] and texts_of(root, "value-label") == ["7,5"]
    root = parse(charts.line_chart([], title="Kosong", testid="e"))
    assert root[0].text == "Kosong" and root.get("data-testid") == "e"
    root = parse(charts.line_chart([("2022", None)], title="x", target_points=[("2022", 3), ("2023", 4)]))
    assert by_class(root, "polyline", "target-line") and not by_class(root, "circle", "point")


def test_line_chart_thins_x_labels_and_keeps_the_latest_period():
    points = [(f"{2023 + m // 12}-{m % 12 + 1:02d}", 100 + m) for m in range(24)]
    root = parse(charts.line_chart(points, title="x", value_format=0))
    labels = texts_of(root, "x-label")
    assert 6 <= len(labels) <= 12 and labels[-1] == "2024-12"
    assert len(by_class(root, "circle", "point")) == 24  # every dot is still drawn
    xs = [fx(t, "x") for t in by_class(root, "text", "x-label")]
    assert xs == sorted(xs)
    assert len(texts_of(parse(charts.line_chart(points[:12], title="x")), "x-label")) == 12


def test_line_chart_sorts_periods_and_merges_target_periods():
    root = parse(charts.line_chart([("2024-05", 2), ("2024-03", 1)], title="x", target_points=[("2024-04", 1.5)]))
    assert texts_of(root, "x-label") == ["2024-03", "2024-04", "2024-05"]
    root = parse(charts.line_chart([("Q2", 2), ("Q1", 1)], title="x"))  # not dates: kept in the given order
    assert texts_of(root, "x-label") == ["Q2", "Q1"]


def test_line_chart_escapes_everything():
    svg = charts.line_chart(
        [("<2023>", 1), ("R&D", None)],
        title="A & <b>",
        y_label="<y>",
        target_points=[("<2023>", 2), ("R&D", 3)],
        testid='"x"',
        value_format=lambda v: f"<{v}>",
    )
    assert "<b>" not in svg and "<y>" not in svg and "<2023>" not in svg and "<1>" not in svg
    assert "&lt;2023&gt;" in svg and "R&amp;D" in svg and "&lt;y&gt;" in svg
    root = parse(svg)
    assert root.get("aria-label") == "A & <b>" and root.get("data-testid") == '"x"'
    assert texts_of(root, "x-label") == ["<2023>", "R&D"]
    assert texts_of(root, "value-label") == ["<1.0>"]
    assert by_class(root, "circle", "point")[0].find("svg:title", NS).text == "<2023>: Nilai <1.0>; Target <2.0>"
