"""Writes on implementation plans (备案) and on the year's evaluations and expert opinions
(section 五): one function per action, each in one transaction, each leaving its history row.
Kept apart from `services` (quarterly reports and summaries) so each file stays readable;
errors are the same `ReportError` / `StaleReport` the views already handle."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from complaints.attachments import check_uploads, files_removed_on_rollback, store_upload
from departments import access
from departments.models import Unit, User
from departments.notifications import Message, notify_many, office_people, unit_people
from wuqing_consumer import language
from wuqing_consumer.dates import FIRST_YEAR, date_error
from wuqing_consumer.language import written
from wuqing_consumer.texts import too_long

from .choices import EvaluationAction, EvaluationKind, PlanAction, PlanStatus
from .models import (
    EvaluationAttachment,
    EvaluationEvent,
    ImplementationPlan,
    PlanAttachment,
    PlanEvent,
    YearEvaluation,
)
from .services import ReportError, StaleReport

MAX_NOTE = 20000


def _plan_event(
    plan: ImplementationPlan, action: str, user: User | None, note: str = "", **data
) -> PlanEvent:
    return PlanEvent.objects.create(
        plan=plan,
        action=action,
        actor=user if user is not None and user.is_authenticated else None,
        note=note,
        data=data,
    )


def _plan_url(plan: ImplementationPlan) -> str:
    return reverse("plan_detail", kwargs={"plan_id": plan.id})


def plan_years(today: date | None = None) -> list[int]:
    """Plans are filed for the coming year as well as for this and past years."""
    this_year = (today or timezone.localdate()).year
    return list(range(this_year + 1, this_year - 5, -1))


def _lock_plan_for_unit(
    user: User, plan_id: int, expected_version: int | None
) -> ImplementationPlan:
    """The plan, locked, when the user's unit may still change it."""
    plan = access.plan_or_404(user, plan_id=plan_id, lock=True)
    if not access.works_on_unit_report(user, plan.unit_id):
        # Another unit reading a published plan, or the office: neither may change it.
        raise ReportError(_("Only people of %(unit)s can change its plan.") % {"unit": plan.unit})
    if not plan.is_editable:
        raise ReportError(
            _("This plan is with the office (%(status)s) and cannot be changed now.")
            % {"status": plan.get_status_display()}
        )
    if expected_version is not None and plan.version != expected_version:
        raise StaleReport(
            _(
                "Someone else changed this plan while you had it open, so nothing was "
                "saved. The rest of the page shows the plan as it is now; the form you sent "
                "keeps what you typed: check it and send it again."
            )
        )
    return plan


@transaction.atomic
def plan_start(*, unit: Unit, year: int, acting_user: User) -> ImplementationPlan:
    """The unit's plan for the year, created on first use (one per unit and year)."""
    if unit.is_office or not access.works_on_unit_report(acting_user, unit.id):
        raise Http404
    if year not in plan_years():
        raise ReportError(
            _("A plan can be filed for next year, this year or the four years before.")
        )
    try:
        with transaction.atomic():
            plan, created = ImplementationPlan.objects.get_or_create(unit=unit, year=year)
    except IntegrityError:
        return ImplementationPlan.objects.get(unit=unit, year=year)
    if created:
        _plan_event(plan, PlanAction.CREATE, acting_user)
    return plan


@transaction.atomic
def plan_save(
    *,
    plan_id: int,
    acting_user: User,
    title: str,
    note: str = "",
    expected_version: int | None = None,
) -> ImplementationPlan:
    plan = _lock_plan_for_unit(acting_user, plan_id, expected_version)
    title = (title or "").strip()
    note = (note or "").strip()
    errors: dict[str, list[str]] = {}
    if len(title) > 200:
        errors["title"] = [_("The title may be at most 200 characters.")]
    if len(note) > MAX_NOTE:
        errors["note"] = [
            _("The note may be at most %(n)s characters.") % {"n": MAX_NOTE},
        ]
    if errors:
        raise ValidationError(errors)
    changed = {
        field: [getattr(plan, field), value]
        for field, value in (("title", title), ("note", note))
        if getattr(plan, field) != value
    }
    if not changed:
        return plan
    plan.title, plan.note = title, note
    plan.version += 1
    plan.save(update_fields=["title", "note", "version", "updated_at"])
    _plan_event(plan, PlanAction.SAVE, acting_user, changes=changed)
    return plan


@files_removed_on_rollback()
@transaction.atomic
def plan_attach(
    *, plan_id: int, acting_user: User, uploads: Iterable[UploadedFile]
) -> list[PlanAttachment]:
    plan = _lock_plan_for_unit(acting_user, plan_id, None)
    checked = check_uploads(uploads)
    if not checked:
        raise ValidationError({"attachments": _("Choose at least one file.")})
    stored = [
        store_upload(PlanAttachment(plan=plan), upload, content_type, acting_user)
        for upload, content_type in checked
    ]
    plan.version += 1
    plan.save(update_fields=["version", "updated_at"])
    _plan_event(plan, PlanAction.ATTACH, acting_user, files=[a.original_name for a in stored])
    return stored


@transaction.atomic
def plan_detach(*, plan_id: int, attachment_id: int, acting_user: User) -> None:
    """Take a file off a plan still in the unit's hands; the file is kept, only hidden, so
    the history can name what a filed version held."""
    plan = _lock_plan_for_unit(acting_user, plan_id, None)
    attachment = access.get_or_404(
        plan.attachments.filter(removed_at__isnull=True), id=attachment_id
    )
    attachment.removed_at = timezone.now()
    attachment.save(update_fields=["removed_at"])
    plan.version += 1
    plan.save(update_fields=["version", "updated_at"])
    _plan_event(plan, PlanAction.DETACH, acting_user, files=[attachment.original_name])


@transaction.atomic
def plan_file(
    *, plan_id: int, acting_user: User, expected_version: int | None = None
) -> ImplementationPlan:
    """The liaison or head files the plan (again, after a return) with the office."""
    plan = _lock_plan_for_unit(acting_user, plan_id, expected_version)
    if not access.submits_unit_report(acting_user, plan.unit_id):
        raise ReportError(_("Only the unit's liaison or head can file its plan."))
    errors: dict[str, list[str]] = {}
    if not plan.title.strip():
        errors["title"] = [_("Give the plan a title before filing it.")]
    files = [a.original_name for a in plan.attachments.filter(removed_at__isnull=True)]
    if not files:
        errors["attachments"] = [_("Attach the plan document before filing it.")]
    if errors:
        raise ValidationError(errors)
    refiled = plan.status == PlanStatus.RETURNED
    plan.status = PlanStatus.FILED
    plan.filed_at = timezone.now()
    plan.filed_by = acting_user
    plan.version += 1
    plan.save(update_fields=["status", "filed_at", "filed_by", "version", "updated_at"])
    _plan_event(plan, PlanAction.FILE, acting_user, files=files, refiled=refiled)
    values = {"unit": language.unit(plan.unit), "year": plan.year}
    message = Message(
        key=f"plan_filed:{plan.id}:{plan.version}",
        category="report",
        title=(
            written("%(unit)s filed its implementation plan for %(year)s again", **values)
            if refiled
            else written("%(unit)s filed its implementation plan for %(year)s", **values)
        ),
        url=_plan_url(plan),
    )
    notify_many([(message, office_people(), None)])
    return plan


def _lock_plan_for_review(
    user: User, plan_id: int, expected_version: int | None
) -> ImplementationPlan:
    if not access.reviews_unit_reports(user):
        raise Http404
    plan = access.plan_or_404(user, plan_id=plan_id, lock=True)
    if expected_version is not None and plan.version != expected_version:
        raise StaleReport(
            _("This plan changed while you were reading it. Look at it again before deciding.")
        )
    if plan.status != PlanStatus.FILED:
        raise ReportError(
            _(
                "Only a filed plan can be acknowledged or returned; "
                "this one has the status “%(status)s”."
            )
            % {"status": plan.get_status_display()}
        )
    return plan


def _tell_unit(plan: ImplementationPlan, title: str, body: str = "") -> None:
    message = Message(
        key=f"plan_reviewed:{plan.id}:{plan.version}",
        category="report",
        title=title,
        body=body,
        url=_plan_url(plan),
    )
    notify_many([(message, unit_people([plan.unit_id]), None)])


def _review_comment(comment: str) -> str:
    """The office's comment as typed, refused past `MAX_NOTE` rather than cut to it."""
    comment = (comment or "").strip()
    if problem := too_long(comment, MAX_NOTE, _("the comment")):
        raise ValidationError({"comment": problem})
    return comment


@transaction.atomic
def plan_acknowledge(
    *, plan_id: int, acting_user: User, comment: str = "", expected_version: int | None = None
) -> ImplementationPlan:
    """The office takes the plan on record; from then on every unit can read it."""
    comment = _review_comment(comment)
    plan = _lock_plan_for_review(acting_user, plan_id, expected_version)
    plan.status = PlanStatus.ACKNOWLEDGED
    plan.office_comment = comment
    plan.reviewed_at = timezone.now()
    plan.reviewed_by = acting_user
    plan.version += 1
    plan.save(
        update_fields=[
            "status",
            "office_comment",
            "reviewed_at",
            "reviewed_by",
            "version",
            "updated_at",
        ]
    )
    _plan_event(plan, PlanAction.ACKNOWLEDGE, acting_user, note=plan.office_comment)
    _tell_unit(
        plan,
        written("The office acknowledged your implementation plan for %(year)s", year=plan.year),
        plan.office_comment,
    )
    return plan


@transaction.atomic
def plan_return(
    *, plan_id: int, acting_user: User, comment: str, expected_version: int | None = None
) -> ImplementationPlan:
    """The office sends the plan back with what to change; the unit edits and files again."""
    comment = _review_comment(comment)
    if not comment:
        raise ValidationError({"comment": _("Say what the unit should change.")})
    plan = _lock_plan_for_review(acting_user, plan_id, expected_version)
    plan.status = PlanStatus.RETURNED
    plan.office_comment = comment
    plan.reviewed_at = timezone.now()
    plan.reviewed_by = acting_user
    plan.version += 1
    plan.save(
        update_fields=[
            "status",
            "office_comment",
            "reviewed_at",
            "reviewed_by",
            "version",
            "updated_at",
        ]
    )
    _plan_event(plan, PlanAction.RETURN, acting_user, note=comment)
    _tell_unit(
        plan,
        written("The office returned your implementation plan for %(year)s", year=plan.year),
        comment,
    )
    return plan


# --- evaluations and expert opinions --------------------------------------------------------


@files_removed_on_rollback()
@transaction.atomic
def evaluation_add(
    *,
    acting_user: User,
    year: int | None,
    kind: str,
    title: str,
    author: str,
    day: date | None,
    note: str = "",
    uploads: Iterable[UploadedFile] = (),
) -> YearEvaluation:
    """The office records a third-party evaluation or an expert opinion on a year's work,
    with its documents (at least one: the record is the document)."""
    if not access.manages_evaluations(acting_user):
        raise Http404
    errors: dict[str, list[str]] = {}
    this_year = timezone.localdate().year
    if year is None or not FIRST_YEAR <= year <= this_year + 1:
        errors["year"] = [_("Choose the year the evaluation is about.")]
    if kind not in EvaluationKind.values:
        errors["kind"] = [_("Choose what kind of document it is.")]
    title = (title or "").strip()
    if not title:
        errors["title"] = [_("Give the document a title.")]
    elif len(title) > 200:
        errors["title"] = [_("The title may be at most 200 characters.")]
    author = (author or "").strip()
    if not author:
        errors["author"] = [_("Name the author or organisation.")]
    elif len(author) > 200:
        errors["author"] = [_("The author may be at most 200 characters.")]
    if day is None:
        errors["day"] = [_("Give the date of the document.")]
    elif problem := date_error(day):
        errors["day"] = [problem]
    elif day > timezone.localdate():
        errors["day"] = [_("The date cannot be in the future.")]
    note = (note or "").strip()
    if len(note) > MAX_NOTE:
        errors["note"] = [_("The note may be at most %(n)s characters.") % {"n": MAX_NOTE}]
    uploads = list(uploads)
    if not uploads:
        errors["attachments"] = [_("Attach the document.")]
    else:
        try:
            checked = check_uploads(uploads)
        except ValidationError as error:
            errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    evaluation = YearEvaluation.objects.create(
        year=year,
        kind=kind,
        title=title,
        author=author,
        day=day,
        note=note,
        created_by=acting_user,
    )
    stored = [
        store_upload(EvaluationAttachment(evaluation=evaluation), upload, content_type, acting_user)
        for upload, content_type in checked
    ]
    EvaluationEvent.objects.create(
        evaluation=evaluation,
        action=EvaluationAction.ADD,
        actor=acting_user,
        data={"files": [a.original_name for a in stored]},
    )
    return evaluation


@transaction.atomic
def evaluation_remove(*, evaluation_id: int, acting_user: User, reason: str) -> YearEvaluation:
    """Hide an evaluation from everyone; the row, its files and the reason stay on record."""
    if not access.manages_evaluations(acting_user):
        raise Http404
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the document is removed.")})
    if problem := too_long(reason, MAX_NOTE, _("reason")):
        raise ValidationError({"reason": problem})
    evaluation = access.evaluation_or_404(acting_user, evaluation_id=evaluation_id, lock=True)
    evaluation.removed_at = timezone.now()
    evaluation.removed_by = acting_user
    evaluation.save(update_fields=["removed_at", "removed_by"])
    EvaluationEvent.objects.create(
        evaluation=evaluation, action=EvaluationAction.REMOVE, actor=acting_user, note=reason
    )
    return evaluation
