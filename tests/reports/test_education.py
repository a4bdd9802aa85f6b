"""Consumer education events (section 五): units log them; the quarter's totals feed block 4
of the unit's report and the district figures; units see only their own."""

from __future__ import annotations

from datetime import date, datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.http import Http404
from django.urls import reverse

from complaints.deadlines import BEIJING
from reports import figures, services
from reports.models import EducationEvent
from tests.factories import unit


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(datetime(2026, 11, 16, 10, tzinfo=BEIJING), tick=False):
        yield


def log(user, day, people, **kwargs):
    return services.education_log(
        acting_user=user,
        day=day,
        title=kwargs.pop("title", "3·15 消费维权进校园"),
        audience=kwargs.pop("audience", "school"),
        channel=kwargs.pop("channel", "on_site"),
        people_reached=people,
        **kwargs,
    )


def test_the_quarters_events_feed_the_report_and_the_district_figures(
    mr_staff, mr_liaison, housing_staff
):
    log(mr_staff, date(2026, 7, 15), 120)
    log(mr_staff, date(2026, 9, 30), 80, channel="wechat", audience="online")
    log(mr_staff, date(2026, 10, 1), 999)  # next quarter
    log(housing_staff, date(2026, 8, 1), 40, audience="community")
    q3 = figures.Period(2026, 3)
    assert figures.portal_figures(q3, unit=unit("market-regulation"))["education"] == {
        "events": 2,
        "people_reached": 200,
    }
    assert figures.district_figures(q3)["education"] == {"events": 3, "people_reached": 240}
    report = services.report_start(
        unit=unit("market-regulation"), year=2026, quarter=3, acting_user=mr_liaison
    )
    assert report.portal_figures["education"]["people_reached"] == 200


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"day": None}, "day"),
        ({"day": date(2026, 11, 17)}, "day"),
        ({"day": date(1, 11, 1)}, "day"),
        ({"title": " "}, "title"),
        ({"audience": "aliens"}, "audience"),
        ({"channel": "pigeon"}, "channel"),
        ({"people": -5}, "people_reached"),
    ],
)
def test_a_bad_event_is_refused_and_nothing_is_written(mr_staff, kwargs, field):
    day = kwargs.pop("day", date(2026, 11, 1))
    people = kwargs.pop("people", 10)
    with pytest.raises(ValidationError) as caught:
        log(mr_staff, day, people, **kwargs)
    assert field in caught.value.message_dict
    assert not EducationEvent.objects.exists()


def test_units_see_their_own_events_and_the_office_logs_none(
    mr_staff, housing_staff, office_staff, client
):
    mine = log(mr_staff, date(2026, 11, 2), 30)
    theirs = log(housing_staff, date(2026, 11, 3), 20)
    with pytest.raises(Http404):
        log(office_staff, date(2026, 11, 3), 20)
    client.force_login(mr_staff)
    page = client.get(reverse("education_events")).content.decode()
    assert f'data-event="{mine.id}"' in page and f'data-event="{theirs.id}"' not in page
    response = client.post(
        reverse("education_events"),
        {
            "day": "2026-11-10",
            "title": "社区讲座",
            "audience": "community",
            "channel": "on_site",
            "people_reached": "55",
        },
    )
    assert response.status_code == 302
    assert EducationEvent.objects.filter(title="社区讲座", unit=unit("market-regulation")).exists()
    client.force_login(office_staff)
    page = client.get(reverse("education_events")).content.decode()
    assert f'data-event="{theirs.id}"' in page and 'id="education-form"' not in page
