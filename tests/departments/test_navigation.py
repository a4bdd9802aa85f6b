"""The menu marks the entry a page belongs to."""

import pytest

from departments.navigation import menu_for


@pytest.mark.parametrize(
    "path, active",
    [
        ("/", "home"),
        ("/reports/", "report_list"),
        ("/reports/12/", "report_list"),
        ("/reports/plans/", "plan_list"),
        ("/reports/annual/?year=2026", "plan_list"),
        ("/reports/evaluations/", "plan_list"),
        ("/meetings/3/", "meeting_list"),
        ("/meetings/actions/", "meeting_list"),
    ],
)
def test_the_active_entry_is_the_page_s_own(office_staff, path, active):
    from django.urls import reverse

    items = menu_for(office_staff, path)
    marked = [i["url"] for i in items if i["active"]]
    assert marked == [reverse(active)]


def test_the_menu_groups_its_entries_under_headings(client, office_staff):
    from django.conf import settings

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(office_staff)
    page = client.get("/").content.decode()
    headings = [
        "Order handling",
        "Escalation",
        "Coordination",
        "Reporting",
        "Directory and settings",
    ]
    positions = [page.index(f'<li class="nav-section">{h}</li>') for h in headings]
    assert positions == sorted(positions)
    meetings = page.index('href="/meetings/"')
    assert positions[2] < meetings < positions[3]


def test_the_api_documentation_is_in_the_menu_of_those_who_connect_the_hotline(
    office_director, leader, sysadmin
):
    """The office and administrators set up the hotline's API clients; the group leader
    has no use for the API's documentation in his menu."""
    from django.urls import reverse

    def urls(user):
        return [i["url"] for i in menu_for(user, "/")]

    assert reverse("api_docs") in urls(office_director)
    assert reverse("api_docs") in urls(sysadmin)
    assert reverse("api_docs") not in urls(leader)
