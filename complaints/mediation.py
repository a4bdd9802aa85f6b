"""The mediation–litigation link (调诉对接, measure 四（七）): a complaint resolved by
mediation gets its agreement recorded; with a party's consent the unit sends it to the
court for judicial confirmation within the days the office's policy gives after the
agreement takes effect; the court decides within the policy's days whether to take it and
rules within the policy's days, extendable once by the policy's days (by default 30, 3, 15
and 10, as the measure says). All periods are calendar days; the time to apply is fixed when
the agreement is recorded (`apply_by`), the court's as each of its steps begins (`take_by`,
`rule_by`). A dispute that mediation did not settle can be marked as passed to litigation.
Every step is on the order's timeline."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from departments import access
from departments.models import Unit, User
from departments.notifications import Message, notify_many, unit_people
from wuqing_consumer.dates import date_error
from wuqing_consumer.language import label, written
from wuqing_consumer.texts import AmountError, amount_in_yuan, too_long
from wuqing_consumer.versions import refused_unless

from . import workflow
from .attachments import check_uploads, files_removed_on_rollback, save_file
from .choices import (
    Action,
    Kind,
    MediationAction,
    MediationBody,
    MediationConsent,
    MediationStatus,
)
from .models import EscalationPolicy, Litigation, MediationAgreement, MediationEvent, WorkOrder
from .workflow import WorkflowError

MEDIATOR_LIMIT = MediationAgreement._meta.get_field("mediator").max_length
CASE_NUMBER_LIMIT = MediationAgreement._meta.get_field("case_number").max_length
COURT_CASE_LIMIT = Litigation._meta.get_field("court_case").max_length


def _policy() -> EscalationPolicy:
    return EscalationPolicy.objects.first() or EscalationPolicy()


def court_extension_days() -> int:
    """The days one extension of the time to rule adds (the office's policy)."""
    return _policy().court_extension_days


def _url(agreement: MediationAgreement) -> str:
    return reverse("mediation_detail", kwargs={"agreement_id": agreement.id})


def _event(agreement: MediationAgreement, action: str, user: User, note: str = "") -> None:
    MediationEvent.write(
        by=user,
        agreement=agreement,
        action=action,
        note=note,
    )
    text = workflow.step_note(agreement.number, label(MediationAction, action), note)
    workflow.record_event(agreement.order, Action.MEDIATION, by=user, note=text)


def _tell(agreement: MediationAgreement, key: str, title: str, unit_id: int) -> None:
    message = Message(key=key, category="mediation", title=title, url=_url(agreement))
    notify_many([(message, unit_people([unit_id]), None)])


def mediation_refusal(order: WorkOrder) -> str:
    """Why no mediation can be recorded on `order` now, or "" when it can: mediation
    settles a consumer's dispute with a business, which a complaint is and a report (举报)
    or an inquiry is not; and the unit mediates what it has signed for. The order page
    offers the mediation forms only where this is "", and the services refuse the rest."""
    if order.kind != Kind.COMPLAINT:
        return _(
            "Mediation is recorded on a complaint only: order %(number)s is of the kind “%(kind)s”."
        ) % {"number": order.number, "kind": order.get_kind_display()}
    if order.signed_at is None:
        return _("Sign for order %(number)s before recording its mediation.") % {
            "number": order.number
        }
    return ""


@files_removed_on_rollback()
@transaction.atomic
def agreement_record(
    *,
    order_number: str,
    acting_user: User,
    body: str,
    parties: str,
    terms: str,
    effective_on: date | None,
    mediator: str = "",
    amount: str = "",
    consent: str = "",
    scan: UploadedFile | None = None,
) -> MediationAgreement:
    """The unit handling the order records the agreement reached by mediation."""
    # The order stays locked until the agreement is written: the same form posted twice
    # (a double click) records one agreement.
    # A number mistyped or left out is the form's to say (at its field, what was typed
    # kept), not a 404 page: the leads' and requests' forms say it so too.
    number = (order_number or "").strip().upper()
    if not number:
        raise ValidationError(
            {"order": _("Give the number of the work order the agreement settles.")}
        )
    try:
        order = access.workorder_or_404(acting_user, number=number, lock=True)
    except Http404:
        raise ValidationError(
            {
                "order": _("There is no work order %(number)s that you may see.")
                % {"number": order_number.strip()}
            }
        ) from None
    if not access.records_mediation(acting_user, order):
        raise WorkflowError(_("Only the unit handling the order records its mediation."))
    if refusal := mediation_refusal(order):
        raise WorkflowError(refusal)
    errors: dict[str, str] = {}
    if body not in MediationBody.values:
        errors["body"] = _("Say who mediated.")
    if not (parties or "").strip():
        errors["parties"] = _("Name the parties.")
    if not (terms or "").strip():
        errors["terms"] = _("Write the terms agreed.")
    if effective_on is None:
        errors["effective_on"] = _("Give the date the agreement takes effect.")
    elif problem := date_error(effective_on):
        errors["effective_on"] = problem
    elif effective_on > timezone.localdate():
        errors["effective_on"] = _("The agreement cannot take effect in the future.")
    if consent and consent not in MediationConsent.values:
        errors["consent"] = _("Choose who consents.")
    value = None
    try:
        value = amount_in_yuan(str(amount or ""))
    except AmountError as error:
        errors["amount"] = str(error)
    mediator = (mediator or "").strip()
    if problem := too_long(mediator, MEDIATOR_LIMIT, _("the mediator's name")):
        errors["mediator"] = problem
    checked = []
    if scan is not None:
        try:
            checked = check_uploads([scan])
        except ValidationError as error:
            errors.update({k: " ".join(v) for k, v in error.message_dict.items()})
    if errors:
        raise ValidationError(errors)
    agreed = {
        "unit_id": acting_user.unit_id,
        "body": body,
        "mediator": mediator,
        "parties": parties.strip(),
        "terms": terms.strip(),
        "amount": value,
        "effective_on": effective_on,
    }
    same = order.mediations.filter(**agreed, status=MediationStatus.RECORDED).first()
    if same is not None:
        return same
    agreement = MediationAgreement(
        order=order,
        **agreed,
        consent=consent,
        apply_by=effective_on + timedelta(days=_policy().confirmation_apply_days),
        created_by=acting_user,
    )
    if checked:
        upload = checked[0][0]
        suffix = upload.name.rsplit(".", 1)[-1].lower()
        save_file(agreement.scan, f"{timezone.now():%Y%m%d%H%M%S%f}.{suffix}", upload)
    agreement.save()
    _event(agreement, MediationAction.RECORD, acting_user, note=agreement.terms[:200])
    return agreement


def _load(
    user: User,
    agreement_id: int,
    expected_version: int | None,
    refusal_now: Callable[[MediationAgreement], str | None],
) -> MediationAgreement:
    """The agreement, locked, once the step is possible on it as it is now (`refusal_now`
    says why not: the court took or ruled on it meanwhile, say), and only then checked
    against the version the user's page showed. A step refused as stale is therefore one
    the page still offers, whose form comes back with what was typed
    (`mediation_views._detail_page`), as the refusal says."""
    agreement = access.mediation_or_404(user, agreement_id=agreement_id, lock=True)
    if refusal := refusal_now(agreement):
        raise WorkflowError(refusal)
    if expected_version is not None and agreement.version != expected_version:
        raise WorkflowError(
            _(
                "Someone else changed mediation agreement %(number)s while you had it open, "
                "so nothing was saved. The page shows the agreement as it is now; the form "
                "keeps what you typed: check it and send it again."
            )
            % {"number": agreement.number}
        )
    return agreement


def _save(agreement: MediationAgreement, fields: list[str]) -> None:
    agreement.version += 1
    agreement.save(update_fields=[*fields, "version"])


@transaction.atomic
def agreement_submit(
    *, agreement_id: int, acting_user: User, consent: str = "", expected_version: int | None = None
) -> MediationAgreement:
    """Send the agreement to the court: a party must consent, by the agreement's last day to
    apply (`apply_by`, from the office's policy when it was recorded)."""
    agreement = _load(acting_user, agreement_id, expected_version, _submit_refusal(acting_user))
    consent = consent or agreement.consent
    if consent not in MediationConsent.values:
        raise ValidationError(
            {"consent": _("Judicial confirmation needs the consent of at least one party.")}
        )
    today = timezone.localdate()
    agreement.consent = consent
    agreement.status = MediationStatus.SUBMITTED
    agreement.submitted_at = timezone.now()
    agreement.take_by = today + timedelta(days=_policy().court_take_days)
    _save(agreement, ["consent", "status", "submitted_at", "take_by"])
    _event(agreement, MediationAction.SUBMIT, acting_user)
    court_unit = Unit.objects.filter(code=access.COURT).first()
    if court_unit is not None:
        _tell(
            agreement,
            f"mediation_submitted:{agreement.id}",
            written(
                "A mediation agreement waits for judicial confirmation: %(number)s",
                number=agreement.number,
            ),
            court_unit.id,
        )
    return agreement


def _submit_refusal(user: User) -> Callable[[MediationAgreement], str | None]:
    def refusal(agreement: MediationAgreement) -> str | None:
        if user.unit_id != agreement.unit_id:
            return _("Only the unit that recorded the agreement sends it to the court.")
        if not access.has_role(user, *access.UNIT_HANDLER_ROLES):
            return _("Only the unit's staff, liaison or head send its agreement to the court.")
        if agreement.status != MediationStatus.RECORDED:
            return _("This agreement has already been sent to the court.")
        if timezone.localdate() > agreement.apply_by:
            # The days the office's policy gave when the agreement was recorded: the policy
            # may have changed since, the agreement's last day has not.
            days = (agreement.apply_by - agreement.effective_on).days
            return ngettext(
                "The time to apply ended on %(date)s (%(days)d day after the agreement took "
                "effect).",
                "The time to apply ended on %(date)s (%(days)d days after the agreement took "
                "effect).",
                days,
            ) % {"date": agreement.apply_by.isoformat(), "days": days}
        return None

    return refusal


def _extend_refusal(agreement: MediationAgreement) -> str | None:
    if agreement.status != MediationStatus.TAKEN:
        return _("Only an application the court has taken can be extended.")
    if agreement.extended:
        return _("The time to rule can be extended only once.")
    return None


def _court(
    user: User,
    agreement_id: int,
    expected_version: int | None,
    refusal_now: Callable[[MediationAgreement], str | None],
) -> MediationAgreement:
    if not access.is_court_staff(user):
        raise Http404
    return _load(user, agreement_id, expected_version, refusal_now)


@transaction.atomic
def court_take(
    *, agreement_id: int, acting_user: User, case_number: str, expected_version: int | None = None
) -> MediationAgreement:
    agreement = _court(
        acting_user,
        agreement_id,
        expected_version,
        refused_unless(
            lambda a: a.status == MediationStatus.SUBMITTED,
            _("Only an application waiting for the court can be taken."),
        ),
    )
    case_number = (case_number or "").strip()
    if not case_number:
        raise ValidationError({"case_number": _("Register the court's case number.")})
    if problem := too_long(case_number, CASE_NUMBER_LIMIT, _("the court case number")):
        raise ValidationError({"case_number": problem})
    agreement.status = MediationStatus.TAKEN
    agreement.taken_at = timezone.now()
    agreement.case_number = case_number
    agreement.rule_by = timezone.localdate() + timedelta(days=_policy().court_rule_days)
    _save(agreement, ["status", "taken_at", "case_number", "rule_by"])
    _event(agreement, MediationAction.TAKE, acting_user, note=case_number)
    _tell(
        agreement,
        f"mediation_taken:{agreement.id}",
        written(
            "The court took %(number)s (case %(case)s)", number=agreement.number, case=case_number
        ),
        agreement.unit_id,
    )
    return agreement


def _reasons(text: str) -> str:
    text = (text or "").strip()
    if not text:
        raise ValidationError({"reasons": _("Give the court's reasons.")})
    return text


@transaction.atomic
def court_not_take(
    *, agreement_id: int, acting_user: User, reasons: str, expected_version: int | None = None
) -> MediationAgreement:
    agreement = _court(
        acting_user,
        agreement_id,
        expected_version,
        refused_unless(
            lambda a: a.status == MediationStatus.SUBMITTED,
            _("Only an application waiting for the court can be declined."),
        ),
    )
    agreement.court_note = _reasons(reasons)
    agreement.status = MediationStatus.NOT_TAKEN
    agreement.decided_at = timezone.now()
    _save(agreement, ["court_note", "status", "decided_at"])
    _event(agreement, MediationAction.NOT_TAKE, acting_user, note=agreement.court_note)
    _tell(
        agreement,
        f"mediation_not_taken:{agreement.id}",
        written("The court did not take %(number)s", number=agreement.number),
        agreement.unit_id,
    )
    return agreement


@transaction.atomic
def court_extend(
    *, agreement_id: int, acting_user: User, reasons: str, expected_version: int | None = None
) -> MediationAgreement:
    agreement = _court(acting_user, agreement_id, expected_version, _extend_refusal)
    note = _reasons(reasons)
    agreement.extended = True
    agreement.rule_by = agreement.rule_by + timedelta(days=court_extension_days())
    _save(agreement, ["extended", "rule_by"])
    _event(agreement, MediationAction.EXTEND, acting_user, note=note)
    return agreement


@transaction.atomic
def court_rule(
    *,
    agreement_id: int,
    acting_user: User,
    confirm: bool,
    reasons: str = "",
    expected_version: int | None = None,
) -> MediationAgreement:
    """Confirm the agreement, or refuse with reasons; the outcome returns to the order."""
    agreement = _court(
        acting_user,
        agreement_id,
        expected_version,
        refused_unless(
            lambda a: a.status == MediationStatus.TAKEN,
            _("The court rules only on an application it has taken."),
        ),
    )
    agreement.court_note = (reasons or "").strip() if confirm else _reasons(reasons)
    agreement.status = MediationStatus.CONFIRMED if confirm else MediationStatus.REFUSED
    agreement.decided_at = timezone.now()
    _save(agreement, ["court_note", "status", "decided_at"])
    _event(
        agreement,
        MediationAction.CONFIRM if confirm else MediationAction.REFUSE,
        acting_user,
        note=agreement.court_note,
    )
    _tell(
        agreement,
        f"mediation_ruled:{agreement.id}",
        written(
            "The court ruled on %(number)s: %(status)s",
            number=agreement.number,
            status=label(MediationStatus, agreement.status),
        ),
        agreement.unit_id,
    )
    return agreement


@transaction.atomic
def litigation_mark(
    *, order_number: str, acting_user: User, court_case: str, note: str = ""
) -> Litigation:
    """Mediation failed: the dispute goes to court as a lawsuit (a pointer to the case).
    The order is locked while marking, so the same case posted twice is marked once."""
    order = access.workorder_or_404(
        acting_user, number=(order_number or "").strip().upper(), lock=True
    )
    if not access.marks_litigation(acting_user, order):
        raise WorkflowError(_("Only the unit handling the order or the office marks this."))
    if refusal := mediation_refusal(order):
        raise WorkflowError(refusal)
    court_case = (court_case or "").strip()
    if not court_case:
        raise ValidationError({"court_case": _("Give the court case number.")})
    if problem := too_long(court_case, COURT_CASE_LIMIT, _("the court case number")):
        raise ValidationError({"court_case": problem})
    marked = order.litigations.filter(court_case=court_case).first()
    if marked is not None:
        return marked
    litigation = Litigation.objects.create(
        order=order, court_case=court_case, note=(note or "").strip(), marked_by=acting_user
    )
    workflow.record_event(
        order,
        Action.MEDIATION,
        by=acting_user,
        note=written(
            "%(step)s: %(note)s",
            step=label(MediationAction, MediationAction.LITIGATION),
            note=court_case,
        ),
    )
    return litigation
