"""The district report's files are built by a real worker process (PostgreSQL and Redis, as
in CI), on the slow queue, while the page shows the state moving."""

from __future__ import annotations

import os
import uuid

import pytest
from django.conf import settings
from django.urls import reverse

from departments.choices import RoleCode
from reports import figures, services
from reports.choices import FileState
from reports.models import DistrictReport
from tests.factories import UserFactory, unit
from tests.helpers import start_worker, stop_worker, wait_for

REDIS_URL = os.environ.get("REDIS_URL", "")
ON_POSTGRES = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")


def test_building_the_files_is_routed_to_the_slow_queue():
    from wuqing_consumer.celery import app

    route = app.amqp.router.route({}, "reports.tasks.build_district_report_files")
    assert route["queue"].name == "slow"
    assert app.amqp.router.route({}, "reports.tasks.remind_periodic_duties")["queue"].name != "slow"


@pytest.mark.services
@pytest.mark.skipif(not REDIS_URL, reason="REDIS_URL is not set: needs a real Redis")
@pytest.mark.skipif(not ON_POSTGRES, reason="needs PostgreSQL shared with the worker process")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_real_worker_builds_the_published_files_and_the_page_follows(client):
    from reports.tasks import build_district_report_files

    director = UserFactory(unit=unit("office"), roles=[RoleCode.OFFICE_DIRECTOR])
    period = figures.Period(2026, 3)
    services.district_report_save(period=period, acting_user=director, analysis="总体平稳。")
    report = services.district_report_publish(period=period, acting_user=director)
    client.force_login(director)
    status_url = reverse("district_report_status", args=[period.label])
    assert 'data-state="pending"' in client.get(status_url).content.decode()

    db = settings.DATABASES["default"]
    env = dict(os.environ)
    env["DATABASE_URL"] = (
        f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    )
    queue = f"test-slow-{uuid.uuid4().hex[:8]}"
    worker = start_worker(env, queue)
    try:
        build_district_report_files.apply_async((report.id,), queue=queue)
        built = wait_for(
            lambda: DistrictReport.objects.get(id=report.id).file_state == FileState.READY, 120
        )
    finally:
        output = stop_worker(worker)
    assert built, output
    page = client.get(status_url).content.decode()
    assert 'data-state="ready"' in page
    download = client.get(reverse("district_report_file", args=[period.label, "pdf"]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF")
