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
