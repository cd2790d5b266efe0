"""``time_short`` writes what ``<time datetime="{{ v|date:'c' }}">{{ v|date:"d/m/y H:i" }}</time>`` writes."""

import datetime as dt

import pytest
from django.template import Context, Template

DJANGO_DATES = Template("""<time datetime="{{ value|date:'c' }}">{{ value|date:"d/m/y H:i" }}</time>""")
TIME_SHORT = Template("{% load parvis_ui %}{{ value|time_short }}")


@pytest.mark.parametrize(
    "value",
    [
        dt.datetime(2026, 3, 29, 0, 59, 59, tzinfo=dt.UTC),  # 01:59 in Paris, just before summer time
        dt.datetime(2026, 3, 29, 1, 0, tzinfo=dt.UTC),  # 03:00 in Paris
        dt.datetime(2025, 12, 31, 23, 30, 12, 345678, tzinfo=dt.UTC),  # already 2026 in Paris
        dt.datetime(2026, 7, 4, 8, 5, tzinfo=dt.timezone(dt.timedelta(hours=-4))),
        None,
    ],
)
def test_time_short_writes_the_same_time_element_as_the_date_filters_in_paris_time(value):
    context = {"value": value}
    assert TIME_SHORT.render(Context(context)) == DJANGO_DATES.render(Context(context))


def test_time_short_shows_the_day_and_time_in_paris():
    html = TIME_SHORT.render(Context({"value": dt.datetime(2025, 12, 31, 23, 30, tzinfo=dt.UTC)}))
    assert html == '<time datetime="2026-01-01T00:30:00+01:00">01/01/26 00:30</time>'
