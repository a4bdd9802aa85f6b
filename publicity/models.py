"""Joint information release (measure 四（六）): units submit releases through the office,
the office weighs public opinion and publishes; dishonest violators are exposed publicly for
a set period."""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from complaints.models import HistoryLine
from wuqing_consumer.language import bracketed

from .choices import EDITABLE_STATUSES, ReleaseAction, ReleaseKind, ReleaseStatus


def release_pdf_path(instance: Release, filename: str) -> str:
    return f"releases/{instance.published_at:%Y}/{instance.id}/{filename}"


class Release(models.Model):
    """A consumer warning, typical case or list of dishonest violators. Once published it is
    never edited: a mistake is put right by a correction, a new release pointing here."""

    kind = models.CharField(_("kind"), max_length=15, choices=ReleaseKind.choices)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), blank=True)
    unit = models.ForeignKey(
        "departments.Unit",
        verbose_name=_("issuing unit"),
        on_delete=models.PROTECT,
        related_name="releases",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=ReleaseStatus.choices, default=ReleaseStatus.DRAFT
    )
    opinion_note = models.TextField(_("public-opinion assessment"), blank=True)
    review_comment = models.TextField(_("office's comments"), blank=True)
    corrects = models.ForeignKey(
        "self",
        verbose_name=_("corrects"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="corrections",
    )
    correction_reason = models.TextField(_("reason for the correction"), blank=True)
    created_by = models.ForeignKey(
        "departments.User",
        verbose_name=_("entered by"),
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        "departments.User",
        verbose_name=_("reviewed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(
        "departments.User",
        verbose_name=_("published by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    pdf = models.FileField(_("PDF"), upload_to=release_pdf_path, blank=True, max_length=255)
    pdf_built_at = models.DateTimeField(_("PDF built at"), null=True, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        ordering = ["-published_at", "-id"]
        verbose_name = _("public release")
        verbose_name_plural = _("public releases")
        indexes = [
            models.Index(fields=["status", "-published_at"], name="release_status_published"),
            models.Index(fields=["unit", "status"], name="release_unit_status"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status=ReleaseStatus.PUBLISHED, published_at__isnull=False)
                | ~Q(status=ReleaseStatus.PUBLISHED),
                name="published_release_has_date",
            ),
            models.UniqueConstraint(
                fields=["corrects"],
                condition=Q(corrects__isnull=False),
                name="one_correction_per_release",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE_STATUSES

    @property
    def is_published(self) -> bool:
        return self.status == ReleaseStatus.PUBLISHED

    @property
    def lists_violators(self) -> bool:
        return self.kind == ReleaseKind.VIOLATORS


class ViolatorEntry(models.Model):
    """One dishonest violator on a list: a business, never a natural person's data."""

    release = models.ForeignKey(
        Release, verbose_name=_("public release"), on_delete=models.PROTECT, related_name="entries"
    )
    business_name = models.CharField(_("business name"), max_length=200)
    credit_code = models.CharField(_("unified social credit code"), max_length=18)
    violation = models.TextField(_("violation"))
    penalty = models.TextField(_("penalty"))
    decided_on = models.DateField(_("decision date"))
    exposure_from = models.DateField(_("exposed from"))
    exposure_until = models.DateField(_("exposed until"))
    exposure_ended_at = models.DateTimeField(_("exposure end recorded at"), null=True, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("dishonest violator")
        verbose_name_plural = _("dishonest violators")
        indexes = [
            models.Index(fields=["exposure_until"], name="violator_exposure_until"),
            models.Index(fields=["credit_code"], name="violator_credit_code"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(exposure_until__gte=F("exposure_from")),
                name="exposure_ends_after_it_starts",
            ),
        ]

    def __str__(self) -> str:
        return bracketed(self.business_name, self.credit_code)


class ReleaseEvent(HistoryLine):
    """The release's history: who did what and when (immutable)."""

    release = models.ForeignKey(
        Release, verbose_name=_("public release"), on_delete=models.PROTECT, related_name="events"
    )
    action = models.CharField(_("action"), max_length=15, choices=ReleaseAction.choices)

    class Meta(HistoryLine.Meta):
        verbose_name = _("release event")
        verbose_name_plural = _("release events")

    def __str__(self) -> str:
        return f"{self.release_id} {self.action}"

    def save(self, *args, **kwargs):
        """History is written once: an existing row is never overwritten."""
        if self.pk is not None:
            raise ValueError("release events cannot be changed")
        super().save(*args, **kwargs)
