"""Implementation plans (备案, section 五): a unit writes its plan and attaches the document,
its liaison or head files it with the office, the office acknowledges it or returns it with a
comment and the unit files it again. Other units see a plan only once acknowledged; the
office sees who has filed and downloads every filed plan as one archive."""

from __future__ import annotations

import io
import zipfile
from datetime import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404
from django.urls import reverse
from django.utils import translation

from complaints.deadlines import BEIJING
from departments.models import Notification
from reports import plan_services as services
from reports.choices import PlanAction, PlanStatus
from reports.figures import member_units
from reports.models import ImplementationPlan, PlanDeadline
from reports.services import ReportError, StaleReport
from tests.factories import unit

PDF_BYTES = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture(autouse=True)
def in_march_2026():
    with time_machine.travel(datetime(2026, 3, 10, 9, 0, tzinfo=BEIJING), tick=False):
        yield


def pdf(name="实施方案.pdf"):
    return SimpleUploadedFile(name, PDF_BYTES, content_type="application/pdf")


def drafted(person, code="market-regulation", title="2026年消费维权工作实施方案", year=2026):
    plan = services.plan_start(unit=unit(code), year=year, acting_user=person)
    plan = services.plan_save(plan_id=plan.id, acting_user=person, title=title, note="要点")
    services.plan_attach(plan_id=plan.id, acting_user=person, uploads=[pdf()])
    return ImplementationPlan.objects.get(id=plan.id)


def filed(person, **kwargs):
    plan = drafted(person, **kwargs)
    return services.plan_file(plan_id=plan.id, acting_user=person)


def actions(plan) -> list[str]:
    return list(plan.events.values_list("action", flat=True))


# --- life cycle -----------------------------------------------------------------------------


def test_a_plan_is_filed_returned_filed_again_and_acknowledged_with_its_history(
    mr_staff, mr_liaison, office_staff
):
    plan = drafted(mr_staff)
    with pytest.raises(ReportError, match="liaison or head"):
        services.plan_file(plan_id=plan.id, acting_user=mr_staff)
    plan = services.plan_file(plan_id=plan.id, acting_user=mr_liaison)
    assert (plan.status, plan.filed_by) == (PlanStatus.FILED, mr_liaison)
    assert Notification.objects.filter(
        recipient=office_staff, key__startswith=f"plan_filed:{plan.id}:"
    ).exists()

    plan = services.plan_return(
        plan_id=plan.id, acting_user=office_staff, comment="请补充工作分工。"
    )
    assert (plan.status, plan.office_comment) == (PlanStatus.RETURNED, "请补充工作分工。")
    assert Notification.objects.filter(
        recipient=mr_staff, key__startswith=f"plan_reviewed:{plan.id}:"
    ).exists()

    services.plan_save(plan_id=plan.id, acting_user=mr_staff, title=plan.title, note="已补充分工")
    services.plan_file(plan_id=plan.id, acting_user=mr_liaison)
    plan = services.plan_acknowledge(plan_id=plan.id, acting_user=office_staff)
    assert (plan.status, plan.reviewed_by) == (PlanStatus.ACKNOWLEDGED, office_staff)
    assert actions(plan) == [
        PlanAction.CREATE,
        PlanAction.SAVE,
        PlanAction.ATTACH,
        PlanAction.FILE,
        PlanAction.RETURN,
        PlanAction.SAVE,
        PlanAction.FILE,
        PlanAction.ACKNOWLEDGE,
    ]
    refile = plan.events.filter(action=PlanAction.FILE).last()
    assert refile.data["refiled"] is True and refile.data["files"] == ["实施方案.pdf"]
    assert plan.events.get(action=PlanAction.RETURN).note == "请补充工作分工。"


def test_a_plan_without_a_file_cannot_be_filed(mr_liaison):
    plan = services.plan_start(unit=unit("market-regulation"), year=2026, acting_user=mr_liaison)
    services.plan_save(plan_id=plan.id, acting_user=mr_liaison, title="实施方案")
    with pytest.raises(ValidationError) as error:
        services.plan_file(plan_id=plan.id, acting_user=mr_liaison)
    assert "attachments" in error.value.message_dict
    plan.refresh_from_db()
    assert plan.status == PlanStatus.DRAFT
    assert PlanAction.FILE not in actions(plan)


def test_a_removed_file_does_not_count_and_the_plan_cannot_then_be_filed(mr_liaison):
    plan = drafted(mr_liaison)
    attachment = plan.attachments.get()
    services.plan_detach(plan_id=plan.id, attachment_id=attachment.id, acting_user=mr_liaison)
    with pytest.raises(ValidationError):
        services.plan_file(plan_id=plan.id, acting_user=mr_liaison)
    attachment.refresh_from_db()
    assert attachment.removed_at is not None  # kept, only hidden
    assert actions(plan)[-1] == PlanAction.DETACH


def test_a_removed_plan_file_answers_404_to_the_unit_and_only_the_office_fetches_it(
    mr_liaison, office_staff, sysadmin, client
):
    plan = filed(mr_liaison)
    services.plan_return(plan_id=plan.id, acting_user=office_staff, comment="请更换附件。")
    attachment = plan.attachments.get()
    services.plan_detach(plan_id=plan.id, attachment_id=attachment.id, acting_user=mr_liaison)
    url = reverse("plan_attachment", args=[plan.id, attachment.id])
    client.force_login(mr_liaison)
    assert client.get(url).status_code == 404
    # Kept so that the history can name what the filed version held: the office reads it.
    for person in (office_staff, sysadmin):
        client.force_login(person)
        assert b"".join(client.get(url).streaming_content) == PDF_BYTES, person


def test_a_plan_needs_a_title_before_filing(mr_liaison):
    plan = drafted(mr_liaison, title="")
    with pytest.raises(ValidationError) as error:
        services.plan_file(plan_id=plan.id, acting_user=mr_liaison)
    assert "title" in error.value.message_dict


def test_a_filed_plan_cannot_be_changed_by_the_unit(mr_liaison):
    plan = filed(mr_liaison)
    with pytest.raises(ReportError, match="cannot be changed now"):
        services.plan_save(plan_id=plan.id, acting_user=mr_liaison, title="改")
    with pytest.raises(ReportError):
        services.plan_attach(plan_id=plan.id, acting_user=mr_liaison, uploads=[pdf()])
    assert ImplementationPlan.objects.get().title == "2026年消费维权工作实施方案"


def test_the_office_reviews_only_filed_plans_and_a_return_needs_a_comment(mr_liaison, office_staff):
    plan = drafted(mr_liaison)
    with translation.override("en"), pytest.raises(ReportError) as refused:
        services.plan_acknowledge(plan_id=plan.id, acting_user=office_staff)
    assert str(refused.value) == (  # not "this one is Draft", a label capitalised mid-sentence
        "Only a filed plan can be acknowledged or returned; this one has the status “Draft”."
    )
    services.plan_file(plan_id=plan.id, acting_user=mr_liaison)
    with pytest.raises(ValidationError):
        services.plan_return(plan_id=plan.id, acting_user=office_staff, comment="  ")
    assert ImplementationPlan.objects.get().status == PlanStatus.FILED


def test_units_cannot_review_plans_not_even_their_own(mr_liaison, mr_head):
    plan = filed(mr_liaison)
    with pytest.raises(Http404):
        services.plan_acknowledge(plan_id=plan.id, acting_user=mr_head)
    with pytest.raises(Http404):
        services.plan_return(plan_id=plan.id, acting_user=mr_head, comment="x")


def test_the_office_cannot_write_a_units_plan(office_staff, mr_liaison):
    plan = drafted(mr_liaison)
    with pytest.raises(ReportError, match="Only people of"):
        services.plan_save(plan_id=plan.id, acting_user=office_staff, title="改")
    with pytest.raises(Http404):
        services.plan_start(unit=unit("market-regulation"), year=2026, acting_user=office_staff)


def test_a_stale_page_changes_nothing(mr_liaison, office_staff):
    plan = drafted(mr_liaison)
    with pytest.raises(StaleReport):
        services.plan_save(
            plan_id=plan.id, acting_user=mr_liaison, title="旧页面", expected_version=1
        )
    services.plan_file(plan_id=plan.id, acting_user=mr_liaison)
    with pytest.raises(StaleReport):
        services.plan_acknowledge(plan_id=plan.id, acting_user=office_staff, expected_version=1)
    assert ImplementationPlan.objects.get().status == PlanStatus.FILED


def test_a_plan_is_for_next_year_this_year_or_the_four_before(mr_liaison):
    services.plan_start(unit=unit("market-regulation"), year=2027, acting_user=mr_liaison)
    for year in (2028, 2021):
        with pytest.raises(ReportError):
            services.plan_start(unit=unit("market-regulation"), year=year, acting_user=mr_liaison)
    again = services.plan_start(unit=unit("market-regulation"), year=2027, acting_user=mr_liaison)
    assert ImplementationPlan.objects.count() == 1
    assert again.events.count() == 1


# --- who sees what ---------------------------------------------------------------------------


def test_other_units_see_a_plan_only_once_the_office_has_acknowledged_it(
    mr_liaison, housing_staff, office_staff, client
):
    plan = filed(mr_liaison)
    with pytest.raises(Http404):
        services.plan_save(plan_id=plan.id, acting_user=housing_staff, title="x")
    client.force_login(housing_staff)
    url = reverse("plan_detail", args=[plan.id])
    assert client.get(url).status_code == 404
    assert 'data-unit="market-regulation"' not in client.get(reverse("plan_list")).content.decode()

    services.plan_acknowledge(plan_id=plan.id, acting_user=office_staff)
    page = client.get(url)
    assert page.status_code == 200
    assert "plan-history" not in page.content.decode()  # the published plan, not its drafts
    assert 'data-unit="market-regulation"' in client.get(reverse("plan_list")).content.decode()
    attachment = plan.attachments.get()
    download = client.get(reverse("plan_attachment", args=[plan.id, attachment.id]))
    assert b"".join(download.streaming_content) == PDF_BYTES
    # Reading it does not make it theirs to change.
    with pytest.raises(ReportError):
        services.plan_save(plan_id=plan.id, acting_user=housing_staff, title="x")
    assert client.post(url, {"title": "x", "version": plan.version + 1}).status_code == 404


def test_the_office_sees_every_unit_with_its_plan_state_and_the_counts(
    mr_liaison, housing_head, office_staff, client
):
    filed(mr_liaison)
    drafted(housing_head, code="housing")
    PlanDeadline.objects.create(year=2026, due_on=datetime(2026, 3, 1).date())
    client.force_login(office_staff)
    page = client.get(reverse("plan_list") + "?year=2026").content.decode()
    assert "17 units · filed, waiting for the office: 1 · acknowledged: 0 · returned: 0" in page
    assert "not filed: 16" in page
    assert 'data-unit="market-regulation" data-status="filed"' in page
    assert 'data-unit="housing" data-status="draft"' in page
    assert 'data-unit="finance" data-status="none"' in page
    assert "Due by 2026-03-01" in page and "Overdue" in page
    assert reverse("plans_archive", args=[2026]) in page


def test_the_archive_holds_every_filed_and_acknowledged_plan_and_nothing_else(
    mr_liaison, housing_head, office_staff, client
):
    from departments.choices import RoleCode
    from tests.factories import UserFactory

    acknowledged = filed(mr_liaison)
    services.plan_acknowledge(plan_id=acknowledged.id, acting_user=office_staff)
    filed(housing_head, code="housing", title="住建委实施方案")
    finance = UserFactory(unit=unit("finance"), roles=[RoleCode.UNIT_LIAISON])
    drafted(finance, code="finance")  # a draft is not in the archive
    returned = filed(
        UserFactory(unit=unit("court"), roles=[RoleCode.UNIT_HEAD]), code="court", title="法院"
    )
    services.plan_return(plan_id=returned.id, acting_user=office_staff, comment="重写")

    client.force_login(office_staff)
    response = client.get(reverse("plans_archive", args=[2026]))
    assert response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    names = sorted(archive.namelist())
    # Numbered as the register numbers its rows (序号), not by the units' sort order.
    row = {u.id: n for n, u in enumerate(member_units(), start=1)}
    mr = unit("market-regulation")
    housing = unit("housing")
    assert row[mr.id] != mr.sort_order
    mr_folder = f"{row[mr.id]:02d}-{mr.name}"
    housing_folder = f"{row[housing.id]:02d}-{housing.name}"
    assert names == sorted(
        [
            f"{mr_folder}/实施方案.txt",
            f"{mr_folder}/01-实施方案.pdf",
            f"{housing_folder}/实施方案.txt",
            f"{housing_folder}/01-实施方案.pdf",
        ]
    )
    assert archive.read(f"{mr_folder}/01-实施方案.pdf") == PDF_BYTES
    text = archive.read(f"{housing_folder}/实施方案.txt").decode()
    assert text.startswith("住建委实施方案\nStatus: Filed\nFiled at: 2026-03-10 09:00")
    assert "要点" in text


def test_the_register_pdf_lists_every_unit_with_its_state_and_the_years_evaluations(
    mr_liaison, office_staff, client, tmp_path
):
    import subprocess
    from datetime import date

    plan = filed(mr_liaison)
    services.plan_return(plan_id=plan.id, acting_user=office_staff, comment="请补充分工")
    services.evaluation_add(
        acting_user=office_staff,
        year=2026,
        kind="expert",
        title="专家组评审意见",
        author="天津财经大学",
        day=date(2026, 3, 1),
        uploads=[pdf("意见.pdf")],
    )
    client.force_login(office_staff)
    response = client.get(reverse("plans_register_pdf", args=[2026]))
    assert response["Content-Type"] == "application/pdf"
    path = tmp_path / "register.pdf"
    path.write_bytes(response.content)
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "2026年度实施方案备案登记表" in text
    assert "已退回修改" in text and "请补充分工" in text
    assert text.count("未报送") == 16 + 1
    # The summary under the table counts every state, those that filed nothing too.
    assert (
        "成员单位共17家：已备案0家，已报送待审核0家，已退回修改1家，未报送16家。"
        in text.replace(" ", "").replace("\n", "")
    )
    assert "专家组评审意见" in text and "天津财经大学" in text
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True)
    cjk = [line for line in fonts.stdout.splitlines() if "CJK" in line]
    assert cjk and all(line.split()[-5] == "yes" for line in cjk), fonts.stdout
    assert client.get(reverse("plans_register_pdf", args=[2019])).status_code == 404


# --- screens ---------------------------------------------------------------------------------


def test_a_refused_filing_says_the_plan_was_saved_but_not_filed(mr_liaison, client):
    """Saving and filing are two steps: the save is kept when filing is refused (the document
    is attached by a form of its own, which would lose a title typed but not saved), so the
    page, shown again with 400, says both, or the unit thinks its text lost or the plan with
    the office."""
    plan = services.plan_start(unit=unit("market-regulation"), year=2026, acting_user=mr_liaison)
    client.force_login(mr_liaison)
    page = client.post(
        reverse("plan_detail", args=[plan.id]),
        {"title": "实施方案", "note": "分工", "version": plan.version, "then": "file"},
    )
    assert page.status_code == 400
    assert [str(m) for m in page.context["messages"]] == [
        "The plan was saved. Not filed with the office: Attach the plan document before filing it."
    ]
    plan.refresh_from_db()
    assert (plan.title, plan.note, plan.status) == ("实施方案", "分工", PlanStatus.DRAFT)


def test_a_unit_files_and_the_office_returns_through_the_screens(mr_liaison, office_staff, client):
    client.force_login(mr_liaison)
    response = client.post(reverse("plan_start"), {"year": "2026"})
    plan = ImplementationPlan.objects.get()
    assert response.url == reverse("plan_detail", args=[plan.id])
    detail = reverse("plan_detail", args=[plan.id])
    client.post(detail, {"title": "实施方案", "note": "", "version": plan.version})
    # Filing without a file: refused with a message, nothing changes.
    page = client.post(
        detail, {"title": "实施方案", "version": plan.version + 1, "then": "file"}, follow=True
    )
    assert "Attach the plan document before filing it." in page.content.decode()
    assert ImplementationPlan.objects.get().status == PlanStatus.DRAFT
    client.post(reverse("plan_attach", args=[plan.id]), {"attachments": [pdf()]})
    plan.refresh_from_db()
    client.post(detail, {"title": "实施方案", "version": plan.version, "then": "file"})
    assert ImplementationPlan.objects.get().status == PlanStatus.FILED

    client.force_login(office_staff)
    plan.refresh_from_db()
    page = client.post(
        reverse("plan_review", args=[plan.id]),
        {"decision": "return", "comment": "", "version": plan.version},
        follow=True,
    )
    assert "Say what the unit should change." in page.content.decode()
    client.post(
        reverse("plan_review", args=[plan.id]),
        {"decision": "return", "comment": "请细化", "version": plan.version},
    )
    assert ImplementationPlan.objects.get().status == PlanStatus.RETURNED
    page = client.get(detail).content.decode()
    assert 'id="plan-history"' in page and "请细化" in page


def test_a_plan_filed_again_shows_the_return_comment_as_earlier_not_as_the_verdict(
    mr_liaison, office_staff, client
):
    plan = filed(mr_liaison)
    services.plan_return(plan_id=plan.id, acting_user=office_staff, comment="请补充工作分工。")
    client.force_login(mr_liaison)
    client.cookies["django_language"] = "zh-hans"

    def head_and_comment() -> tuple[str, str]:
        page = client.get(reverse("plan_detail", args=[plan.id])).content.decode()
        head = page.split('class="page-head"')[1].split("</p>")[0].split("<p")[1]
        comment = page.split('id="office-comment"')[1].split("</div>")[0]
        return head, comment

    head, comment = head_and_comment()
    assert "审核" in head and "协调办意见" in comment and "请补充工作分工。" in comment
    services.plan_file(plan_id=plan.id, acting_user=mr_liaison)
    head, comment = head_and_comment()
    assert "退回修改" in head and "审核" not in head
    assert "退回修改时的意见" in comment and "协调办意见" not in comment
    assert "请补充工作分工。" in comment


def test_the_annual_summaries_page_and_the_menu_lead_to_the_plans(mr_staff, client):
    client.force_login(mr_staff)
    page = client.get(reverse("annual_summaries") + "?year=2025").content.decode()
    assert f"{reverse('plan_list')}?year=2025" in page
    assert f"{reverse('evaluations')}?year=2025" in page
    assert "Plans and summaries" in client.get(reverse("plan_list")).content.decode()


# --- access matrix ---------------------------------------------------------------------------

OWNER, OTHER_UNIT, OFFICE, ANONYMOUS = "mr_liaison", "housing_staff", "office_staff", "anonymous"


def _urls(plan) -> dict[str, tuple[str, str]]:
    attachment = plan.attachments.get()
    return {
        "list": ("get", reverse("plan_list")),
        "start": ("post", reverse("plan_start")),
        "detail": ("get", reverse("plan_detail", args=[plan.id])),
        "save": ("post", reverse("plan_detail", args=[plan.id])),
        "attach": ("post", reverse("plan_attach", args=[plan.id])),
        "file": ("get", reverse("plan_attachment", args=[plan.id, attachment.id])),
        "detach": ("post", reverse("plan_detach", args=[plan.id, attachment.id])),
        "review": ("post", reverse("plan_review", args=[plan.id])),
        "archive": ("get", reverse("plans_archive", args=[2026])),
        "register": ("get", reverse("plans_register_pdf", args=[2026])),
    }


# A filed plan of the Market Regulation Bureau, not yet acknowledged. 302 for a signed-in
# person is the redirect back to the page after the action (with a message); 400 the plan's
# page shown again with why its empty save, review or file (none chosen) was refused.
MATRIX = {
    "list": {OWNER: 200, OTHER_UNIT: 200, OFFICE: 200},
    "start": {OWNER: 302, OTHER_UNIT: 302, OFFICE: 404},
    "detail": {OWNER: 200, OTHER_UNIT: 404, OFFICE: 200},
    "save": {OWNER: 400, OTHER_UNIT: 404, OFFICE: 404},
    "attach": {OWNER: 400, OTHER_UNIT: 404, OFFICE: 404},
    "file": {OWNER: 200, OTHER_UNIT: 404, OFFICE: 200},
    "detach": {OWNER: 302, OTHER_UNIT: 404, OFFICE: 404},
    "review": {OWNER: 404, OTHER_UNIT: 404, OFFICE: 400},
    "archive": {OWNER: 404, OTHER_UNIT: 404, OFFICE: 200},
    "register": {OWNER: 404, OTHER_UNIT: 404, OFFICE: 200},
}
CASES = [
    (name, persona, expected)
    for name, row in MATRIX.items()
    for persona, expected in [*row.items(), (ANONYMOUS, 302)]
]


@pytest.mark.parametrize(("name", "persona", "expected"), CASES)
def test_access_matrix(name, persona, expected, mr_liaison, persona_client):
    plan = filed(mr_liaison)
    client = persona_client(persona)
    method, url = _urls(plan)[name]
    response = getattr(client, method)(url, {"year": "2026"} if name == "start" else {})
    assert response.status_code == expected
    if persona == ANONYMOUS:
        assert "/accounts/login/" in response.url
    # Nobody changed the plan: a refused or empty action leaves it filed.
    assert ImplementationPlan.objects.get(id=plan.id).status == PlanStatus.FILED


# --- reminder --------------------------------------------------------------------------------


def test_the_office_hears_weekly_after_its_date_which_units_have_not_filed(
    mr_liaison, office_staff, office_director, mr_staff
):
    from datetime import date

    from reports import reminders

    def run(y, m, d) -> int:
        with time_machine.travel(datetime(y, m, d, 8, 30, tzinfo=BEIJING), tick=False):
            return reminders.remind_plans_not_filed()

    def told() -> set[str]:
        return set(
            Notification.objects.filter(key__startswith="plans_not_filed:2026:").values_list(
                "recipient__username", flat=True
            )
        )

    assert run(2026, 3, 20) == 0  # no date set: no reminder
    PlanDeadline.objects.create(year=2026, due_on=date(2026, 3, 31))
    filed(mr_liaison)
    assert run(2026, 3, 31) == 0  # the due day itself is still in time
    assert run(2026, 4, 1) == 2  # the office's staff and director, not the units
    assert told() == {office_staff.username, office_director.username}
    note = Notification.objects.filter(recipient=office_staff).get(
        key__startswith="plans_not_filed:2026:", key__endswith=":week0"
    )
    # Written in the district's language, whatever language the scan ran in.
    assert note.title.startswith("16个单位尚未报送2026年度实施方案")
    assert unit("market-regulation").name not in note.body
    assert unit("housing").name in note.body
    assert run(2026, 4, 3) == 0  # the same week
    assert run(2026, 4, 8) == 2  # a week later
    assert run(2026, 7, 1) == 0  # twelve weeks on, it stops
    # The office moves the date later: the new date's first weeks are reminded again.
    PlanDeadline.objects.filter(year=2026).update(due_on=date(2026, 7, 1))
    assert run(2026, 7, 2) == 2


def test_the_register_with_a_long_office_comment_lays_its_tables_out_fixed(
    mr_liaison, office_staff
):
    """A long comment in an automatically laid-out table cell took WeasyPrint minutes to
    measure (every Chinese character is a break opportunity; 8,000 characters, 72 s). The
    tables are laid out fixed: the layout is checked here, not a time, and the PDF builds."""
    import re

    from reports.plan_rendering import build_register_pdf, render_register_html

    plan = filed(mr_liaison)
    comment = "请补充各成员单位的职责分工和时间安排" * 420  # about 8,000 characters
    services.plan_return(plan_id=plan.id, acting_user=office_staff, comment=comment)

    assert re.search(r"table\s*\{[^}]*table-layout:\s*fixed", render_register_html(2026))
    assert build_register_pdf(2026).startswith(b"%PDF")
