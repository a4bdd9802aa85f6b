"""Writes on public releases: one function per action, each in one transaction, each leaving
its history row; notifications are rows written in the same transaction and sent after
commit. Published content is never changed: `release_correct` publishes a correction."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from departments import access
from departments.models import User
from departments.notifications import Message, notify_many, office_people, unit_people
from wuqing_consumer.dates import date_error
from wuqing_consumer.errors import ActionRefused
from wuqing_consumer.language import unit, written
from wuqing_consumer.texts import too_long

from .choices import ReleaseAction, ReleaseKind, ReleaseStatus
from .models import Release, ReleaseEvent, ViolatorEntry
from .validators import is_valid_credit_code, looks_like_personal_data

ENTRY_TEXT_FIELDS = ("business_name", "violation", "penalty")
ENTRY_DATE_FIELDS = ("decided_on", "exposure_from", "exposure_until")
ENTRY_FIELDS = ("business_name", "credit_code", "violation", "penalty", *ENTRY_DATE_FIELDS)
BATCH = 200
BODY_LIMIT = 50_000
NOTE_LIMIT = 5_000
"""A release's text, and the office's comments, assessment and a correction's reason, are
refused beyond these, not cut (their inputs carry the same maxlength)."""


class ReleaseError(ActionRefused):
    """An action on a public release that is not allowed now."""


class StaleRelease(ReleaseError):
    """Someone else changed the release after the user loaded the page."""


def _event(release: Release, action: str, user: User | None, note: str = "", **data) -> None:
    ReleaseEvent.objects.create(
        release=release,
        action=action,
        actor=user if user is not None and user.is_authenticated else None,
        note=note,
        data=data,
    )


def _url(release: Release) -> str:
    return reverse("release_detail", kwargs={"release_id": release.id})


def _lock(user: User, release_id: int, expected_version: int | None) -> Release:
    release = access.release_or_404(user, release_id=release_id, lock=True)
    _check_version(release, expected_version)
    return release


def _check_version(release: Release, expected_version: int | None) -> None:
    if expected_version is not None and release.version != expected_version:
        raise StaleRelease(
            _(
                "Someone else changed this release while you had it open, so nothing was "
                "saved. The rest of the page shows the release as it is now; the form you sent "
                "keeps what you typed: check it and send it again."
            )
        )


def _bump(release: Release, fields: Iterable[str]) -> None:
    release.version += 1
    release.save(update_fields=sorted({*fields, "version", "updated_at"}))


def _date(value: Any) -> date | None:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value or "").strip())
    except ValueError:
        return None


def _too_long_for(field: str, text: str, limit: int) -> str | None:
    """The 'please shorten' message naming the field as the page labels it, or None."""
    return too_long(text, limit, str(Release._meta.get_field(field).verbose_name))


def _personal_data_error(label: str) -> str:
    return capfirst(
        _(
            "%(field)s contains what looks like a citizen's ID card or mobile phone number. "
            "Personal data of citizens is never published; remove it."
        )
        % {"field": label}
    )


ENTRY_TEXT_LIMIT = 2_000
"""A violation or a penalty is refused beyond this, not cut (its textarea says so too)."""


def _entry_too_long(field: str, text: str) -> str | None:
    model_field = ViolatorEntry._meta.get_field(field)
    limit = model_field.max_length or ENTRY_TEXT_LIMIT
    return too_long(text, limit, str(model_field.verbose_name))


def validate_entries(raw_entries: Iterable[dict]) -> list[dict]:
    """Clean a list's violators; ValidationError naming every row that cannot be published."""
    errors: list[str] = []
    clean: list[dict] = []
    today = timezone.localdate()
    seen: set[str] = set()
    for number, raw in enumerate(raw_entries, start=1):
        row_errors: list[str] = []
        entry: dict[str, Any] = {
            "business_name": str(raw.get("business_name") or "").strip(),
            # Full-width characters from a Chinese input method become their ASCII forms.
            "credit_code": unicodedata.normalize("NFKC", str(raw.get("credit_code") or ""))
            .strip()
            .upper(),
            "violation": str(raw.get("violation") or "").strip(),
            "penalty": str(raw.get("penalty") or "").strip(),
        }
        for field in ENTRY_DATE_FIELDS:
            entry[field] = _date(raw.get(field))
        if not all(entry[f] for f in (*ENTRY_TEXT_FIELDS, "credit_code")):
            row_errors.append(
                _(
                    "Violator %(n)s needs a business name, a credit code, the violation and "
                    "the penalty."
                )
                % {"n": number}
            )
        for field in ENTRY_TEXT_FIELDS:
            if problem := _entry_too_long(field, entry[field]):
                row_errors.append(
                    _("Violator %(n)s: %(problem)s") % {"n": number, "problem": problem}
                )
            if looks_like_personal_data(entry[field]):
                row_errors.append(
                    _(
                        "Violator %(n)s: %(field)s contains what looks like a citizen's ID card "
                        "or mobile phone number. Personal data of citizens is never published."
                    )
                    % {"n": number, "field": ViolatorEntry._meta.get_field(field).verbose_name}
                )
        if entry["credit_code"] and not is_valid_credit_code(entry["credit_code"]):
            row_errors.append(
                _(
                    "Violator %(n)s: %(code)s is not a valid unified social credit code "
                    "(18 characters with the right check character)."
                )
                % {"n": number, "code": entry["credit_code"]}
            )
        elif entry["credit_code"] in seen:
            row_errors.append(
                _("Violator %(n)s: %(code)s is listed twice.")
                % {"n": number, "code": entry["credit_code"]}
            )
        out_of_range = [p for p in (date_error(entry[f]) for f in ENTRY_DATE_FIELDS) if p]
        if not all(entry[f] for f in ENTRY_DATE_FIELDS):
            row_errors.append(
                _("Violator %(n)s needs the decision date and the first and last day of exposure.")
                % {"n": number}
            )
        elif out_of_range:
            row_errors.extend(
                _("Violator %(n)s: %(problem)s") % {"n": number, "problem": problem}
                for problem in out_of_range
            )
        else:
            if entry["decided_on"] > today:
                row_errors.append(
                    _("Violator %(n)s: the decision date is in the future.") % {"n": number}
                )
            if entry["exposure_from"] < entry["decided_on"]:
                row_errors.append(
                    _("Violator %(n)s: exposure cannot start before the decision.") % {"n": number}
                )
            if entry["exposure_until"] < entry["exposure_from"]:
                row_errors.append(
                    _("Violator %(n)s: exposure must end on or after the day it starts.")
                    % {"n": number}
                )
        if row_errors:
            errors.extend(row_errors)
            continue
        seen.add(entry["credit_code"])
        clean.append(entry)
    if errors:
        raise ValidationError({"entries": errors})
    return clean


def validate_release(
    kind: str, title: str, body: str, entries: Iterable[dict]
) -> tuple[str, str, list[dict]]:
    errors: dict[str, list[str]] = {}
    title = (title or "").strip()
    body = (body or "").strip()
    if kind not in ReleaseKind.values:
        errors["kind"] = [_("Choose the kind of release.")]
    if not title:
        errors["title"] = [_("Give the release a title.")]
    elif len(title) > 200:
        errors["title"] = [_("The title can be at most 200 characters.")]
    if problem := _too_long_for("body", body, BODY_LIMIT):
        errors["body"] = [problem]
    for field, text in (("title", title), ("body", body)):
        if looks_like_personal_data(text):
            label = Release._meta.get_field(field).verbose_name
            errors.setdefault(field, []).append(_personal_data_error(str(label)))
    entries = list(entries)
    clean_entries: list[dict] = []
    if kind == ReleaseKind.VIOLATORS:
        try:
            clean_entries = validate_entries(entries)
        except ValidationError as error:
            errors.update(error.message_dict)
    elif any(any(str(v or "").strip() for v in e.values()) for e in entries):
        errors["entries"] = [_("Only a list of dishonest violators has violator entries.")]
    if errors:
        raise ValidationError(errors)
    return title, body, clean_entries


def _entries_as_data(entries: Iterable[dict]) -> list[list[str]]:
    return [[str(e[f]) for f in ENTRY_FIELDS] for e in entries]


def _current_entries(release: Release) -> list[dict]:
    return list(release.entries.values(*ENTRY_FIELDS))


def _replace_entries(release: Release, entries: list[dict]) -> None:
    release.entries.all().delete()
    ViolatorEntry.objects.bulk_create([ViolatorEntry(release=release, **e) for e in entries])


@transaction.atomic
def release_create(
    *, acting_user: User, kind: str, title: str, body: str = "", entries: Iterable[dict] = ()
) -> Release:
    """A unit drafts a release in its own name."""
    unit_id = getattr(acting_user, "unit_id", None)
    if not access.writes_release(acting_user, unit_id):
        raise Http404
    title, body, clean_entries = validate_release(kind, title, body, entries)
    release = Release.objects.create(
        kind=kind, title=title, body=body, unit_id=unit_id, created_by=acting_user
    )
    _replace_entries(release, clean_entries)
    _event(release, ReleaseAction.CREATE, acting_user, entries=len(clean_entries))
    return release


def _lock_for_unit(user: User, release_id: int, expected_version: int | None) -> Release:
    """Whether the release may still be changed is said before that it changed meanwhile:
    that refusal says the form sent keeps what was typed, true only of a draft's page."""
    release = _lock(user, release_id, None)
    if not access.writes_release(user, release.unit_id):
        raise ReleaseError(
            _("Only people of %(unit)s can change its releases.") % {"unit": release.unit}
        )
    if not release.is_editable:
        raise ReleaseError(
            _("This release has been submitted and can no longer be changed here.")
            if not release.is_published
            else _("A published release is never changed; publish a correction instead.")
        )
    _check_version(release, expected_version)
    return release


@transaction.atomic
def release_save(
    *,
    release_id: int,
    acting_user: User,
    title: str,
    body: str,
    entries: Iterable[dict] = (),
    expected_version: int | None = None,
) -> Release:
    """Save a draft (or a returned release being corrected); the history keeps what changed."""
    release = _lock_for_unit(acting_user, release_id, expected_version)
    title, body, clean_entries = validate_release(release.kind, title, body, entries)
    changed: dict[str, list] = {}
    for field, value in (("title", title), ("body", body)):
        if getattr(release, field) != value:
            changed[field] = [getattr(release, field), value]
            setattr(release, field, value)
    old_entries = _entries_as_data(_current_entries(release))
    new_entries = _entries_as_data(clean_entries)
    if old_entries != new_entries:
        changed["entries"] = [old_entries, new_entries]
        _replace_entries(release, clean_entries)
    if not changed:
        return release
    _bump(release, ["title", "body"])
    _event(release, ReleaseAction.SAVE, acting_user, changed=changed)
    return release


@transaction.atomic
def release_submit(
    *, release_id: int, acting_user: User, expected_version: int | None = None
) -> Release:
    """The unit's liaison or head sends the release to the office for review."""
    release = _lock_for_unit(acting_user, release_id, expected_version)
    if not access.submits_release(acting_user, release.unit_id):
        raise ReleaseError(_("Only the unit's liaison or head can submit a release."))
    if not release.body.strip():
        raise ValidationError({"body": _("Write the text of the release before submitting.")})
    if release.lists_violators and not release.entries.exists():
        raise ValidationError(
            {"entries": _("A list of dishonest violators needs at least one violator.")}
        )
    release.status = ReleaseStatus.SUBMITTED
    release.submitted_at = timezone.now()
    _bump(release, ["status", "submitted_at"])
    _event(release, ReleaseAction.SUBMIT, acting_user)
    message = Message(
        key=f"release_submitted:{release.id}:{release.version}",
        category="release",
        title=written(
            "%(unit)s submitted a release for publication: %(title)s",
            unit=unit(release.unit),
            title=release.title,
        ),
        url=_url(release),
    )
    notify_many([(message, office_people(), None)])
    return release


def _lock_for_office(
    user: User, release_id: int, expected_version: int | None, status: str
) -> Release:
    if not access.reviews_releases(user):
        raise Http404
    release = _lock(user, release_id, None)
    if release.status != status:
        raise ReleaseError(
            _(
                "This release is no longer waiting for review (it is now %(status)s), so "
                "nothing was saved."
            )
            % {"status": release.get_status_display().lower()}
            if status == ReleaseStatus.SUBMITTED
            else _("Only an approved release can be published.")
        )
    _check_version(release, expected_version)
    return release


def _tell_unit(release: Release, key: str, title: str, body: str = "") -> None:
    message = Message(key=key, category="release", title=title, body=body, url=_url(release))
    notify_many([(message, unit_people([release.unit_id]), None)])


def _refuse_long_review(*, comment: str, opinion_note: str) -> None:
    errors = {
        key: [problem]
        for key, field, text in (
            ("comment", "review_comment", comment),
            ("opinion_note", "opinion_note", opinion_note),
        )
        if (problem := _too_long_for(field, text, NOTE_LIMIT))
    }
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def release_return(
    *,
    release_id: int,
    acting_user: User,
    comment: str,
    opinion_note: str = "",
    expected_version: int | None = None,
) -> Release:
    comment = (comment or "").strip()
    opinion_note = (opinion_note or "").strip()
    if not comment:
        raise ValidationError({"comment": _("Say what the unit should change.")})
    _refuse_long_review(comment=comment, opinion_note=opinion_note)
    release = _lock_for_office(acting_user, release_id, expected_version, ReleaseStatus.SUBMITTED)
    release.status = ReleaseStatus.RETURNED
    release.review_comment = comment
    release.opinion_note = opinion_note or release.opinion_note
    release.reviewed_at = timezone.now()
    release.reviewed_by = acting_user
    _bump(release, ["status", "review_comment", "opinion_note", "reviewed_at", "reviewed_by"])
    _event(release, ReleaseAction.RETURN, acting_user, note=comment)
    _tell_unit(
        release,
        f"release_returned:{release.id}:{release.version}",
        written("Your release was returned for changes: %(title)s", title=release.title),
        comment,
    )
    return release


@transaction.atomic
def release_approve(
    *,
    release_id: int,
    acting_user: User,
    opinion_note: str,
    comment: str = "",
    expected_version: int | None = None,
) -> Release:
    """The office approves after assessing public opinion (舆情研判): the note is required,
    because that assessment is the office's part of the measure."""
    opinion_note = (opinion_note or "").strip()
    comment = (comment or "").strip()
    if not opinion_note:
        raise ValidationError(
            {"opinion_note": _("Write the public-opinion assessment before approving.")}
        )
    _refuse_long_review(comment=comment, opinion_note=opinion_note)
    release = _lock_for_office(acting_user, release_id, expected_version, ReleaseStatus.SUBMITTED)
    release.status = ReleaseStatus.APPROVED
    release.opinion_note = opinion_note
    release.review_comment = comment
    release.reviewed_at = timezone.now()
    release.reviewed_by = acting_user
    _bump(release, ["status", "review_comment", "opinion_note", "reviewed_at", "reviewed_by"])
    _event(release, ReleaseAction.APPROVE, acting_user, note=opinion_note)
    return release


def _queue_pdf(release_id: int) -> None:
    from wuqing_consumer.celery import nudge

    from .tasks import build_release_pdf

    nudge(build_release_pdf, release_id)


def _announce(release: Release) -> None:
    transaction.on_commit(lambda: _queue_pdf(release.id))
    message = Message(
        key=f"release_published:{release.id}",
        category="release",
        title=written("Published: %(title)s", title=release.title),
        url=_url(release),
    )
    notify_many([(message, unit_people([release.unit_id]), None)])


@transaction.atomic
def release_publish(
    *, release_id: int, acting_user: User, expected_version: int | None = None
) -> Release:
    """Put an approved release on the public pages; from now on it is never edited."""
    release = _lock_for_office(acting_user, release_id, expected_version, ReleaseStatus.APPROVED)
    release.status = ReleaseStatus.PUBLISHED
    release.published_at = timezone.now()
    release.published_by = acting_user
    _bump(release, ["status", "published_at", "published_by"])
    _event(release, ReleaseAction.PUBLISH, acting_user)
    _announce(release)
    return release


@transaction.atomic
def release_correct(
    *,
    release_id: int,
    acting_user: User,
    reason: str,
    title: str,
    body: str,
    entries: Iterable[dict] = (),
) -> Release:
    """Publish a correction of a published release. The original stays published as it was,
    marked "corrected by" the new one; its violators leave the public list, the correction's
    take their place. Only the latest release of a chain can be corrected."""
    if not access.reviews_releases(acting_user):
        raise Http404
    original = access.release_or_404(acting_user, release_id=release_id, lock=True)
    if not original.is_published:
        raise ReleaseError(_("Only a published release can be corrected."))
    if original.corrections.exists():
        raise ReleaseError(
            _("This release has already been corrected; correct the latest correction instead.")
        )
    reason = (reason or "").strip()
    errors: dict[str, list[str]] = {}
    if not reason:
        errors["reason"] = [_("Say what the correction puts right.")]
    elif problem := _too_long_for("correction_reason", reason, NOTE_LIMIT):
        errors["reason"] = [problem]
    elif looks_like_personal_data(reason):
        errors["reason"] = [_personal_data_error(_("reason for the correction"))]
    try:
        title, body, clean_entries = validate_release(original.kind, title, body, entries)
    except ValidationError as error:
        errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    correction = Release.objects.create(
        kind=original.kind,
        title=title,
        body=body,
        unit_id=original.unit_id,
        corrects=original,
        correction_reason=reason,
        status=ReleaseStatus.PUBLISHED,
        opinion_note=original.opinion_note,
        created_by=acting_user,
        reviewed_at=now,
        reviewed_by=acting_user,
        published_at=now,
        published_by=acting_user,
    )
    _replace_entries(correction, clean_entries)
    _event(correction, ReleaseAction.PUBLISH, acting_user, note=reason, corrects=original.id)
    _bump(original, [])
    _event(original, ReleaseAction.CORRECTED, acting_user, note=reason, correction=correction.id)
    _announce(correction)
    return correction


def exposures_end(*, today: date | None = None, limit: int = BATCH) -> int:
    """Record in each list's history that its violators' exposure has ended. The public
    pages already hide them by date; this leaves the trace. Each entry is claimed with a
    compare-and-set, so two runs never record the same end twice. Returns how many."""
    today = today or timezone.localdate()
    ended = 0
    while True:
        with transaction.atomic():
            batch = list(
                ViolatorEntry.objects.select_for_update(skip_locked=True, of=("self",))
                .filter(
                    release__status=ReleaseStatus.PUBLISHED,
                    exposure_until__lt=today,
                    exposure_ended_at__isnull=True,
                )
                .order_by("exposure_until", "id")
                .values("id", "release_id", "business_name", "credit_code", "exposure_until")[
                    :limit
                ]
            )
            if not batch:
                return ended
            ids = [row["id"] for row in batch]
            claimed = ViolatorEntry.objects.filter(
                id__in=ids, exposure_ended_at__isnull=True
            ).update(exposure_ended_at=timezone.now())
            ended += claimed
            by_release: dict[int, list[dict]] = {}
            for row in batch:
                by_release.setdefault(row["release_id"], []).append(row)
            for release in Release.objects.filter(id__in=by_release):
                _event(
                    release,
                    ReleaseAction.EXPOSURE_END,
                    None,
                    entries=[
                        {
                            "business_name": row["business_name"],
                            "credit_code": row["credit_code"],
                            "exposure_until": row["exposure_until"].isoformat(),
                        }
                        for row in by_release[release.id]
                    ],
                )
        if len(batch) < limit:
            return ended


PDF_RETRY_FOR = timedelta(days=1)
PDF_PENDING_FOR = timedelta(minutes=2)


def release_pdf_build(*, release_id: int) -> bool:
    """Build and keep the PDF of a published release, once. The PDF is made outside any
    transaction; the row takes it with a compare-and-set, so a second run (a retried or
    duplicated task) changes nothing and its file is removed. Returns whether it stored one."""
    from . import rendering

    release = (
        Release.objects.select_related("unit", "corrects")
        .filter(id=release_id, status=ReleaseStatus.PUBLISHED, pdf="")
        .first()
    )
    if release is None:
        return False
    content = rendering.build_pdf(release)
    name = release.pdf.field.generate_filename(release, f"release-{release.id}.pdf")
    stored = release.pdf.storage.save(name, ContentFile(content))
    claimed = Release.objects.filter(id=release.id, pdf="").update(
        pdf=stored, pdf_built_at=timezone.now()
    )
    if not claimed:
        release.pdf.storage.delete(stored)
    return bool(claimed)


def release_pdfs_missing() -> list[int]:
    """Published releases whose PDF task was lost (broker down): for the periodic sweep.
    Only those published within a day, so a PDF that cannot be built is not retried forever
    (the worker's log says why; the release itself is published either way)."""
    now = timezone.now()
    return list(
        Release.objects.filter(
            status=ReleaseStatus.PUBLISHED,
            pdf="",
            published_at__lt=now - PDF_PENDING_FOR,
            published_at__gte=now - PDF_RETRY_FOR,
        ).values_list("id", flat=True)[:BATCH]
    )
