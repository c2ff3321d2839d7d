from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation


@pytest.mark.parametrize("language", ["id", "en"])
def test_rupiah_number_and_percent_in_indonesian_format(language):
    template = Template(
        "{% load formatting %}{{ a|rupiah }}|{{ b|rupiah }}|{{ c|number:2 }}|"
        "{{ d|percent }}|{{ e|rupiah }}|{{ f|number }}"
    )
    with translation.override(language):
        html = template.render(
            Context(
                {"a": 1234567, "b": Decimal("-2500.5"), "c": Decimal("1234567.891"), "d": 0.4567, "e": None, "f": 999}
            )
        )
    assert html == "Rp1.234.567|-Rp2.501|1.234.567,89|45,7%||999"


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("id", "2026|Mei 2026|Agustus 2026|Triwulan III 2026|—|junk"),
        ("en", "2026|May 2026|August 2026|Quarter III 2026|—|junk"),
    ],
)
def test_a_period_code_is_shown_as_people_write_it(language, expected):
    """Pages show "Triwulan III 2026", not the code "2026-Q3"; an empty or unknown value never breaks the page."""
    template = Template(
        "{% load formatting %}{{ y|period }}|{{ m|period }}|{{ m2|period:'long' }}|{{ q|period }}|"
        "{{ none|period|default:'—' }}|{{ junk|period }}"
    )
    with translation.override(language):
        html = template.render(
            Context({"y": "2026", "m": "2026-05", "m2": "2026-08", "q": "2026-Q3", "none": None, "junk": "junk"})
        )
    assert html == expected
