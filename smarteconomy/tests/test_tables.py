"""The shared table machinery: date columns formatted in Python, the rows built by the ``table_rows`` tag
(the same HTML as django-tables2's own template), and the memoized signature lookups."""

import functools
import re
from datetime import UTC, date, datetime

import django_tables2 as tables
import pytest
from django.template import Context, RequestContext, Template
from django.test import RequestFactory
from django.utils import translation
from django.utils.html import format_html
from django_tables2 import utils as tables_utils

from smarteconomy.models import ImportBatch, PublicHoliday
from smarteconomy.tables import DateColumn, DateTimeColumn

MOMENT = datetime(2025, 3, 4, 1, 15, tzinfo=UTC)  # 09:15 WITA
DAY = date(2025, 12, 31)


@pytest.mark.parametrize("language", ["id", "en"])
def test_date_columns_show_what_the_date_filter_shows_in_wita(language):
    with translation.override(language):
        for column, value, filter_format in (
            (DateTimeColumn(), MOMENT, "SHORT_DATETIME_FORMAT"),
            (DateTimeColumn(short=False), MOMENT, "DATETIME_FORMAT"),
            (DateTimeColumn(format="Y-m-d H:i"), MOMENT, "Y-m-d H:i"),
            (DateColumn(), DAY, "SHORT_DATE_FORMAT"),
            (DateColumn(format="F Y"), DAY, "F Y"),
        ):
            expected = Template(f'{{{{ value|date:"{filter_format}" }}}}').render(Context({"value": value}))
            assert column.render(value) == expected
    assert DateTimeColumn(format="Y-m-d H:i").render(MOMENT) == "2025-03-04 09:15"


def test_date_columns_export_the_date_and_the_wita_wall_clock_time():
    # 01:15 UTC is 09:15 WITA: the export says what the page says, with no offset (it was "01:15:00+00:00").
    assert DateTimeColumn().value(MOMENT) == datetime(2025, 3, 4, 9, 15)
    assert DateColumn().value(DAY) == DAY


def test_model_date_fields_get_the_python_date_columns():
    assert isinstance(tables.table_factory(PublicHoliday).base_columns["date"], DateColumn)
    assert isinstance(tables.table_factory(ImportBatch).base_columns["created_at"], DateTimeColumn)


class SampleTable(tables.Table):
    name = tables.Column(attrs={"td": {"class": "text-nowrap"}})
    amount = tables.Column()
    raw = tables.Column(accessor="amount", localize=False)
    localized = tables.Column(accessor="amount", localize=True)
    marked = tables.Column(accessor="name", empty_values=())
    on = DateColumn()
    code = tables.Column(attrs={"td": {"data-code": lambda record: record["code"], "class": "small"}})
    note = tables.Column(default="–")

    def render_marked(self, value, record):
        return format_html("<b>{}</b> #{}", value, record["code"])


ROWS = [
    {"name": "Warung <Sari> & Co", "amount": 1234567, "on": DAY, "code": "A1", "note": None},
    {"name": "Toko Jaya", "amount": 1500.5, "on": None, "code": "B'2", "note": "ok"},
]


def tbody(html):
    body = re.search(r"<tbody[^>]*>(.*)</tbody>", html, re.S).group(1)
    return re.sub(r">\s+<", "><", re.sub(r"\s+", " ", body)).strip()


def render(table, template_name):
    request = RequestFactory().get("/")
    template = Template("{% load django_tables2 %}{% render_table table template_name %}")
    return template.render(RequestContext(request, {"table": table, "template_name": template_name}))


@pytest.mark.parametrize("language", ["id", "en"])
@pytest.mark.parametrize("rows", [ROWS, []])
def test_table_rows_give_the_html_of_django_tables2s_own_template(language, rows):
    with translation.override(language):
        ours = tbody(render(SampleTable(rows, empty_text="Nothing here"), "smarteconomy/_table.html"))
        theirs = tbody(render(SampleTable(rows, empty_text="Nothing here"), "django_tables2/bootstrap5.html"))
    assert ours == theirs
    if rows:
        assert 'data-code="B&#x27;2"' in ours and "Warung &lt;Sari&gt; &amp; Co" in ours
        assert "<b>Toko Jaya</b> #B&#x27;2" in ours
    else:
        assert "Nothing here" in ours


def test_signatures_are_memoized_and_the_same_as_inspects():
    class Column:
        def render(self, value, record, **kwargs):
            return value

    def plain(value, table):
        return value

    signature = tables_utils.signature
    assert hasattr(signature, "unmemoized")
    first, second = Column().render, Column().render
    assert signature(first) == signature.unmemoized(first) == (("value", "record"), "kwargs")
    assert signature(second) is signature(first)  # one lookup per function, whatever the instance
    assert signature(plain) == signature.unmemoized(plain) == (("value", "table"), None)
    partial = functools.partial(plain, table=None)
    assert signature(partial) == signature.unmemoized(partial)
