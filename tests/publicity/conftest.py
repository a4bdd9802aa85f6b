from datetime import datetime

import pytest
import time_machine
from django.conf import settings
from django.utils import translation

from complaints.deadlines import BEIJING
from publicity import services
from publicity.choices import ReleaseKind

# Valid unified social credit codes (GB 32100 check character).
CODE_A = "91120222MA05K1234X"
CODE_B = "91120222MA06AB7C85"
CODE_C = "92120222MA0RRR001J"


@pytest.fixture(autouse=True)
def english_pages(client):
    """Messages and pages in English, so the tests can quote what they expect."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield


def at(y, m, d, hh=9, mm=0):
    return datetime(y, m, d, hh, mm, tzinfo=BEIJING)


def entry(name="武清区某某商贸有限公司", code=CODE_A, **overrides) -> dict:
    return {
        "business_name": name,
        "credit_code": code,
        "violation": "销售过期食品",
        "penalty": "罚款人民币五万元",
        "decided_on": "2026-10-20",
        "exposure_from": "2026-11-01",
        "exposure_until": "2027-04-30",
        **overrides,
    }


def published(unit_person, liaison, office, *, kind=ReleaseKind.VIOLATORS, entries=None, **kw):
    """A release taken through the whole life: drafted, submitted, approved, published."""
    with time_machine.travel(at(2026, 11, 20), tick=False):
        release = services.release_create(
            acting_user=unit_person,
            kind=kind,
            title=kw.get("title", "2026年第四季度失信违法主体名单"),
            body=kw.get("body", "根据有关规定，现将下列失信违法主体予以公示。"),
            entries=entries if entries is not None else [entry()],
        )
        services.release_submit(release_id=release.id, acting_user=liaison)
        services.release_approve(
            release_id=release.id, acting_user=office, opinion_note="舆情风险低，可以发布。"
        )
        return services.release_publish(release_id=release.id, acting_user=office)
