"""Codes stored for quarterly reports; labels are translated."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned for changes")
    ACCEPTED = "accepted", _("Accepted")


EDITABLE_STATUSES = (ReportStatus.DRAFT, ReportStatus.RETURNED)
IN_HAND_STATUSES = (ReportStatus.SUBMITTED, ReportStatus.ACCEPTED)


class ProductCategory(models.TextChoices):
    """The product groups of the notice's sampling and campaign measures, plus food and other."""

    HOUSEHOLD_APPLIANCES = "household_appliances", _("Household electrical appliances")
    CLOTHING_SHOES = "clothing_shoes", _("Clothing, shoes and hats")
    CHILDRENS_PRODUCTS = "childrens_products", _("Children's products")
    DECORATION_MATERIALS = "decoration_materials", _("Interior decoration materials")
    VEHICLES = "vehicles", _("Vehicles")
    FOOD = "food", _("Food")
    OTHER = "other", _("Other products")


class PublicityKind(models.TextChoices):
    MEDIA = "media", _("Media report")
    EVENT = "event", _("Publicity event")
    ONLINE = "online", _("Online or new-media post")


class ReportAction(models.TextChoices):
    CREATE = "create", _("Created")
    SAVE = "save", _("Saved")
    REFRESH = "refresh", _("Portal figures refreshed")
    ATTACH = "attach", _("Attachment added")
    DETACH = "detach", _("Attachment removed")
    SUBMIT = "submit", _("Submitted")
    RETURN = "return", _("Returned for changes")
    ACCEPT = "accept", _("Accepted")


class DistrictStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")


class FileState(models.TextChoices):
    NONE = "", _("Not built")
    PENDING = "pending", _("Waiting")
    RUNNING = "running", _("Building")
    READY = "ready", _("Ready")
    FAILED = "failed", _("Failed")


class SummaryStatus(models.TextChoices):
    """An annual work summary: written, submitted to the office, and either returned by it
    with comments to be changed and submitted again, or acknowledged (taken as the unit's
    account of its year, which ends its part)."""

    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned for changes")
    ACKNOWLEDGED = "acknowledged", pgettext_lazy("an annual work summary", "Acknowledged")


SUMMARY_EDITABLE_STATUSES = (SummaryStatus.DRAFT, SummaryStatus.RETURNED)
SUMMARY_IN_STATUSES = (SummaryStatus.SUBMITTED, SummaryStatus.ACKNOWLEDGED)
"""In the office's hands: submitted, whether or not acknowledged yet. Neither late nor
chased, archived and counted as submitted."""


class EducationAudience(models.TextChoices):
    SCHOOL = "school", _("School")
    COMMUNITY = "community", _("Community")
    RURAL = "rural", _("Village")
    BUSINESS = "business", _("Businesses")
    ONLINE = "online", _("Online")


class EducationChannel(models.TextChoices):
    ON_SITE = "on_site", _("On site")
    HOTLINE = "12345", _("12345 hotline")
    WECHAT = "wechat", _("WeChat")
    OTHER = "other", _("Other")


class PlanStatus(models.TextChoices):
    """An implementation plan (备案, section 五): filed with the office, which acknowledges it
    or returns it; a returned plan is changed and filed again."""

    DRAFT = "draft", _("Draft")
    FILED = "filed", _("Filed")
    RETURNED = "returned", _("Returned for changes")
    # Not plain "Acknowledged": that msgid is a work order's sign-for (已签收).
    ACKNOWLEDGED = "acknowledged", _("Acknowledged by the office")


PLAN_EDITABLE_STATUSES = (PlanStatus.DRAFT, PlanStatus.RETURNED)
PLAN_IN_HAND_STATUSES = (PlanStatus.FILED, PlanStatus.ACKNOWLEDGED)


class PlanAction(models.TextChoices):
    CREATE = "create", _("Created")
    SAVE = "save", _("Saved")
    ATTACH = "attach", _("Attachment added")
    DETACH = "detach", _("Attachment removed")
    FILE = "file", _("Filed with the office")
    ACKNOWLEDGE = "acknowledge", _("Acknowledged by the office")
    RETURN = "return", _("Returned for changes")


class EvaluationKind(models.TextChoices):
    THIRD_PARTY = "third_party", _("Third-party evaluation")
    EXPERT = "expert", _("Expert opinion")


class EvaluationAction(models.TextChoices):
    ADD = "add", _("Added")
    REMOVE = "remove", _("Removed")


class CampaignTopic(models.TextChoices):
    """What a joint campaign (measure 四（三）) is about: the notice's product categories,
    with the codes of `ProductCategory`, and the hot areas of section 五."""

    HOUSEHOLD_APPLIANCES = "household_appliances", _("Household electrical appliances")
    CLOTHING_SHOES = "clothing_shoes", _("Clothing, shoes and hats")
    CHILDRENS_PRODUCTS = "childrens_products", _("Children's products")
    DECORATION_MATERIALS = "decoration_materials", _("Interior decoration materials")
    VEHICLES = "vehicles", _("Vehicles")
    REAL_ESTATE = "real_estate", _("Real estate")
    CAR_SALES = "car_sales", _("Car sales")
    PREPAID_CARDS = "prepaid_cards", _("Prepaid cards")
    HOT_ISSUE = "hot_issue", _("Other hot issue")


class CampaignStatus(models.TextChoices):
    """Stored codes as the issue names them; the labels are a campaign's words (a campaign
    ends, where a work order is closed)."""

    PLANNED = "planned", _("Not started")
    RUNNING = "running", _("Running")
    CLOSED = "closed", _("Ended")
    CANCELLED = "cancelled", _("Cancelled")


FINISHED_CAMPAIGN_STATUSES = (CampaignStatus.CLOSED, CampaignStatus.CANCELLED)
"""A campaign closed after its work, or cancelled before it started: it no longer changes,
and no unit logs an action on it."""


class CampaignEventKind(models.TextChoices):
    START = "start", _("Started")
    UPDATE = "update", _("Changed")
    ACTION = "action", _("Action logged")
    CLOSE = "close", _("Closed")
    CANCEL = "cancel", _("Cancelled")
