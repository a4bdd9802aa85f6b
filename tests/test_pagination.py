"""The page links keep the list's filters."""

from django.core.paginator import Paginator
from django.template.loader import render_to_string
from django.test import RequestFactory


def test_the_next_and_previous_links_keep_every_filter():
    request = RequestFactory().get(
        "/meetings/actions/", {"show": "overdue", "unit": "housing", "page": "2"}
    )
    page = Paginator(range(100), 25).get_page(2)
    html = render_to_string("includes/pagination.html", {"page": page}, request=request)
    assert 'href="?show=overdue&amp;unit=housing&amp;page=3"' in html
    assert 'href="?show=overdue&amp;unit=housing&amp;page=1"' in html
