"""Codes stored for public releases; labels are translated."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ReleaseKind(models.TextChoices):
    WARNING = "warning", _("Consumer warning")
    TYPICAL_CASE = "typical_case", _("Typical case")
    VIOLATORS = "violators", _("List of dishonest violators")


class ReleaseStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned for changes")
    APPROVED = "approved", _("Approved")
    PUBLISHED = "published", _("Published")


EDITABLE_STATUSES = (ReleaseStatus.DRAFT, ReleaseStatus.RETURNED)


class ReleaseAction(models.TextChoices):
    CREATE = "create", _("Created")
    SAVE = "save", _("Saved")
    SUBMIT = "submit", _("Submitted to the office")
    RETURN = "return", _("Returned for changes")
    APPROVE = "approve", _("Approved")
    PUBLISH = "publish", _("Published")
    CORRECTED = "corrected", _("Corrected by a later release")
    EXPOSURE_END = "exposure_end", _("Exposure period ended")
