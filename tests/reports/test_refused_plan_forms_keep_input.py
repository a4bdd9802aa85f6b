"""A unit's implementation plan refused (a text too long, the plan changed by someone else
meanwhile, filing without its document) or the office's review refused (returning without
a comment, the plan changed meanwhile) comes back with 400, what was typed in its field and
the reason beside it, and nothing saved. Before, each refusal redirected to the plan's page,
which answered 200 with the plan as stored: the title, the note or the comment typed were
gone."""

from __future__ import annotations

import re
from datetime import datetime

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from complaints.deadlines import BEIJING
from reports import plan_services as services
from reports.choices import PlanStatus
from reports.models import ImplementationPlan, PlanEvent
from tests.factories import unit
from tests.helpers import form_html, input_value, textarea_text

pytestmark = pytest.mark.django_db

STALE = (
    "Someone else changed this plan while you had it open, so nothing was saved. The rest "
    "of the page shows the plan as it is now; the form you sent keeps what you typed: "
    "check it and send it again."
)
"""What a page opened before someone else's change says: the plan's status and history
are as they are now, its form holds what was typed (not the current text)."""

PDF_BYTES = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture(autouse=True)
def in_march_2026():
    with time_machine.travel(datetime(2026, 3, 10, 9, 0, tzinfo=BEIJING), tick=False):
        yield


def pdf() -> SimpleUploadedFile:
    return SimpleUploadedFile("实施方案.pdf", PDF_BYTES, content_type="application/pdf")


def _drafted(person) -> ImplementationPlan:
    plan = services.plan_start(unit=unit("market-regulation"), year=2026, acting_user=person)
    return services.plan_save(plan_id=plan.id, acting_user=person, title="初稿", note="要点")


def _filed(person) -> ImplementationPlan:
    plan = _drafted(person)
    services.plan_attach(plan_id=plan.id, acting_user=person, uploads=[pdf()])
    return services.plan_file(plan_id=plan.id, acting_user=person)


def _reason(page: str, dom_id: str) -> str:
    tag = re.search(rf'<(?:input|textarea)[^>]*\bid="{dom_id}"[^>]*>', page).group(0)
    assert f'aria-describedby="{dom_id}-refused"' in tag, tag
    assert " autofocus" in tag
    return page.split(f'id="{dom_id}-refused">', 1)[1].split("</div>", 1)[0]


def _unchanged(plan: ImplementationPlan) -> None:
    stored = ImplementationPlan.objects.get(id=plan.id)
    assert (stored.title, stored.note, stored.status, stored.version) == (
        plan.title,
        plan.note,
        plan.status,
        plan.version,
    )
    assert PlanEvent.objects.filter(plan=plan).count() == plan.events.count()


def _post(client, person, url, data):
    client.force_login(person)
    client.cookies["django_language"] = "en"
    return client.post(url, data)


def test_a_title_too_long_comes_back_with_what_was_typed(client, mr_staff):
    plan = _drafted(mr_staff)
    events = plan.events.count()
    sent = {"version": plan.version, "title": "题" * 201, "note": "二〇二六年分工方案"}

    response = _post(client, mr_staff, reverse("plan_detail", args=[plan.id]), sent)

    assert response.status_code == 400
    page = response.content.decode()
    form = form_html(page, "plan-form")
    assert input_value(form, "title") == sent["title"]
    assert textarea_text(form, "note") == sent["note"]
    assert _reason(page, "id_title") == "The title may be at most 200 characters."
    _unchanged(plan)
    assert plan.events.count() == events


def test_a_plan_changed_meanwhile_keeps_what_was_typed_and_the_current_version(
    client, mr_staff, mr_liaison
):
    seen = _drafted(mr_staff)
    plan = services.plan_save(plan_id=seen.id, acting_user=mr_liaison, title="联络员改的", note="")
    sent = {"version": seen.version, "title": "我改的标题", "note": "我写的要点"}

    response = _post(client, mr_staff, reverse("plan_detail", args=[plan.id]), sent)

    assert response.status_code == 400
    page = response.content.decode()
    form = form_html(page, "plan-form")
    assert (input_value(form, "title"), textarea_text(form, "note")) == ("我改的标题", "我写的要点")
    assert input_value(form, "version") == str(plan.version)  # sent again, it saves
    assert _reason(page, "id_title") == STALE
    _unchanged(plan)


def test_a_plan_filed_meanwhile_says_so_rather_than_that_the_form_keeps_it(
    client, mr_staff, mr_liaison
):
    """A filed plan's page has no form to keep what was typed."""
    seen = _drafted(mr_staff)
    services.plan_attach(plan_id=seen.id, acting_user=mr_liaison, uploads=[pdf()])
    plan = services.plan_file(plan_id=seen.id, acting_user=mr_liaison)
    sent = {"version": seen.version, "title": "我改的标题", "note": "我写的要点"}

    response = _post(client, mr_staff, reverse("plan_detail", args=[plan.id]), sent)

    assert response.status_code == 400
    page = response.content.decode()
    assert "This plan is with the office (" in page
    assert STALE not in page
    assert 'id="plan-form"' not in page
    _unchanged(plan)


def test_a_refused_filing_comes_back_beside_the_document_with_the_save_kept(client, mr_liaison):
    """Filing is the second step of "save and file": the save is kept, as the document is
    attached by a form of its own which would lose a title not saved; nothing is filed."""
    plan = _drafted(mr_liaison)
    sent = {"version": plan.version, "title": "实施方案", "note": "分工", "then": "file"}

    response = _post(client, mr_liaison, reverse("plan_detail", args=[plan.id]), sent)

    assert response.status_code == 400
    page = response.content.decode()
    form = form_html(page, "plan-form")
    assert (input_value(form, "title"), textarea_text(form, "note")) == ("实施方案", "分工")
    assert _reason(page, "plan-files") == "Attach the plan document before filing it."
    plan.refresh_from_db()
    assert (plan.title, plan.status) == ("实施方案", PlanStatus.DRAFT)
    assert input_value(form, "version") == str(plan.version)


def test_a_return_without_a_comment_comes_back_beside_the_comment(client, mr_liaison, office_staff):
    plan = _filed(mr_liaison)

    response = _post(
        client,
        office_staff,
        reverse("plan_review", args=[plan.id]),
        {"decision": "return", "comment": "  ", "version": plan.version},
    )

    assert response.status_code == 400
    page = response.content.decode()
    assert _reason(page, "id_comment") == "Say what the unit should change."
    _unchanged(plan)


def test_a_review_of_a_plan_changed_meanwhile_keeps_the_comment(client, mr_liaison, office_staff):
    plan = _filed(mr_liaison)
    comment = "请补充各科室分工和时间表"

    response = _post(
        client,
        office_staff,
        reverse("plan_review", args=[plan.id]),
        {"decision": "return", "comment": comment, "version": plan.version - 1},
    )

    assert response.status_code == 400
    page = response.content.decode()
    assert re.search(rf'id="id_comment"[^>]*>{comment}</textarea>', page)
    assert "changed while you were reading it" in _reason(page, "id_comment")
    _unchanged(plan)
    assert plan.status == PlanStatus.FILED
