"""Joint enforcement campaigns (联合整治行动, measure 四（三）): the office starts, changes and
closes them; the units taking part log what they did. Every write is one function in one
transaction with its history row; notifications are rows written in that transaction and
sent after commit. The read helpers here (sums, linked work orders, what a quarter's report
takes from campaigns and education events) are shared by the screens, the PDF and the
quarterly report."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Max, Min, Q, QuerySet, Sum
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from complaints import stats
from complaints.models import WorkOrder
from departments import access
from departments.choices import UnitKind
from departments.models import Unit, User
from departments.notifications import Message, notify_many, unit_people
from wuqing_consumer.dates import date_error
from wuqing_consumer.errors import ActionRefused
from wuqing_consumer.language import choice_label, list_separator, written

from .choices import (
    FINISHED_CAMPAIGN_STATUSES,
    CampaignEventKind,
    CampaignStatus,
    CampaignTopic,
    ProductCategory,
)
from .models import ACTION_COUNTS, Campaign, CampaignAction, CampaignEvent, EducationEvent

MAX_LINES = 50
MAX_COUNT = 1_000_000

TOPIC_CATEGORY_WORDS: dict[str, tuple[str, ...]] = {
    CampaignTopic.HOUSEHOLD_APPLIANCES: ("家用电器", "家电", "电器"),
    CampaignTopic.CLOTHING_SHOES: ("服装", "鞋帽", "鞋类", "服饰"),
    CampaignTopic.CHILDRENS_PRODUCTS: ("儿童用品", "童装", "玩具", "婴幼儿用品"),
    CampaignTopic.DECORATION_MATERIALS: ("装饰装修", "装修材料", "建材", "建筑材料"),
    CampaignTopic.VEHICLES: ("汽车", "机动车", "车辆", "电动车"),
    CampaignTopic.REAL_ESTATE: ("房地产", "商品房", "房屋买卖", "购房"),
    CampaignTopic.CAR_SALES: ("汽车销售", "购车", "二手车"),
    CampaignTopic.PREPAID_CARDS: ("预付卡", "单用途", "会员卡"),
    CampaignTopic.HOT_ISSUE: (),
}
"""Hotline categories are free text as the 12345 operators type them, so a topic matches a
work order whose category contains one of these words (the office's keywords cover the
rest, and an "other hot issue" campaign relies on them alone)."""

SAMPLING_CATEGORY: dict[str, str] = {
    code: code for code in ProductCategory.values if code in CampaignTopic.values
}
"""The product topics share their codes with block 1's product categories; a hot-area
campaign's sampling goes to "other products"."""


class CampaignError(ActionRefused):
    """An action on a joint campaign that is not allowed now."""


def _event(campaign: Campaign, kind: str, user: User, note: str = "", **data: Any) -> None:
    CampaignEvent.objects.create(
        campaign=campaign,
        kind=kind,
        actor=user if user.is_authenticated else None,
        note=note,
        data=data,
    )


def _url(campaign: Campaign) -> str:
    return reverse("campaign_detail", kwargs={"campaign_id": campaign.id})


def _lines(text: str) -> list[str]:
    return [line.strip()[:100] for line in (text or "").splitlines() if line.strip()][:MAX_LINES]


@dataclass(frozen=True)
class CampaignInput:
    title: str
    topic: str
    goal: str
    starts_on: date
    ends_on: date
    lead_unit: Unit
    units: list[Unit]
    targets: str
    keywords: str


def period_error(starts_on: date | None, ends_on: date | None) -> str:
    """The message for a campaign that ends before it starts; "" for any other period, and
    when a date is missing or its year is not accepted (each reported in its own words).
    The form asks it too, so that the order is reported with its missing fields rather than
    after they are filled in."""
    if starts_on and ends_on and ends_on < starts_on and not date_error(ends_on):
        return _("The campaign cannot end before it starts.")
    return ""


def ended_error(ends_on: date | None) -> str:
    """The message for a new campaign whose end is already past; "" otherwise. The form
    asks it too, for the same reason as `period_error`."""
    if ends_on and ends_on < timezone.localdate() and not date_error(ends_on):
        return _("A new campaign cannot have ended already.")
    return ""


def action_day_error(campaign: Campaign, day: date | None) -> str:
    """The message for a day an action cannot be logged on (none, to come, or outside the
    campaign); "" for a good one. The form asks it too, so that a wrong day is reported
    with the wrong numbers rather than after they are corrected."""
    if day is None:
        return _("Give the date of the action.")
    if day > timezone.localdate():
        return _("Log actions that have taken place.")
    if not campaign.starts_on <= day <= campaign.ends_on:
        return _("The date must fall within the campaign, %(first)s to %(last)s.") % {
            "first": campaign.starts_on.isoformat(),
            "last": campaign.ends_on.isoformat(),
        }
    return ""


def _clean(
    *,
    title: str,
    topic: str,
    goal: str,
    starts_on: date | None,
    ends_on: date | None,
    lead_unit_id: Any,
    unit_ids: list[Any],
    targets: str = "",
    keywords: str = "",
) -> CampaignInput:
    """Check a campaign's fields; ValidationError naming every problem at once."""
    errors: dict[str, list[str]] = {}
    title = (title or "").strip()[:200]
    if not title:
        errors["title"] = [_("Give the campaign a title.")]
    if topic not in CampaignTopic.values:
        errors["topic"] = [_("Choose the campaign's topic.")]
    goal = (goal or "").strip()
    if not goal:
        errors["goal"] = [_("State the campaign's goal.")]
    if starts_on is None:
        errors["starts_on"] = [_("Give the first day of the campaign.")]
    elif problem := date_error(starts_on):
        errors["starts_on"] = [problem]
    if ends_on is None:
        errors["ends_on"] = [_("Give the last day of the campaign.")]
    elif problem := date_error(ends_on):
        errors["ends_on"] = [problem]
    if problem := period_error(starts_on, ends_on):
        errors["ends_on"] = [problem]
    members = {str(u.id): u for u in Unit.objects.filter(kind=UnitKind.MEMBER, is_active=True)}
    lead = members.get(str(lead_unit_id))
    if lead is None:
        errors["lead_unit"] = [_("Choose the lead unit among the member units.")]
    chosen: list[Unit] = []
    for value in unit_ids or []:
        unit = members.get(str(value))
        if unit is None:
            errors["units"] = [_("Participating units must be member units.")]
            break
        if unit not in chosen:
            chosen.append(unit)
    if lead is not None and lead not in chosen:
        chosen.insert(0, lead)
    target_lines = _lines(targets)
    keyword_lines = _lines(keywords)
    if topic == CampaignTopic.HOT_ISSUE and not (target_lines or keyword_lines):
        errors.setdefault("keywords", []).append(
            _("A campaign on another hot issue needs targets or keywords to find its orders.")
        )
    if errors:
        raise ValidationError(errors)
    return CampaignInput(
        title=title,
        topic=topic,
        goal=goal,
        starts_on=starts_on,  # type: ignore[arg-type]
        ends_on=ends_on,  # type: ignore[arg-type]
        lead_unit=lead,  # type: ignore[arg-type]
        units=chosen,
        targets="\n".join(target_lines),
        keywords="\n".join(keyword_lines),
    )


def _tell_units(campaign: Campaign, key: str, title: str, unit_ids: list[int]) -> None:
    message = Message(key=key, category="campaign", title=title, url=_url(campaign))
    notify_many([(message, unit_people(unit_ids), None)])


@transaction.atomic
def campaign_start(
    *,
    acting_user: User,
    title: str,
    topic: str,
    goal: str,
    starts_on: date | None,
    ends_on: date | None,
    lead_unit_id: Any,
    unit_ids: list[Any],
    targets: str = "",
    keywords: str = "",
) -> Campaign:
    """The office starts a campaign; the lead unit always takes part, and every unit
    taking part is told."""
    if not access.manages_campaigns(acting_user):
        raise Http404
    data = _clean(
        title=title,
        topic=topic,
        goal=goal,
        starts_on=starts_on,
        ends_on=ends_on,
        lead_unit_id=lead_unit_id,
        unit_ids=unit_ids,
        targets=targets,
        keywords=keywords,
    )
    if problem := ended_error(data.ends_on):
        raise ValidationError({"ends_on": [problem]})
    campaign = Campaign(
        title=data.title,
        topic=data.topic,
        goal=data.goal,
        starts_on=data.starts_on,
        ends_on=data.ends_on,
        lead_unit=data.lead_unit,
        targets=data.targets,
        keywords=data.keywords,
        created_by=acting_user,
    )
    campaign.status = campaign.status_on(timezone.localdate())
    campaign.save()
    campaign.units.set(data.units)
    _event(
        campaign,
        CampaignEventKind.START,
        acting_user,
        units=[u.code for u in data.units],
        period=[data.starts_on.isoformat(), data.ends_on.isoformat()],
    )
    _tell_units(
        campaign,
        f"campaign_started:{campaign.id}",
        written("A joint campaign you take part in: %(title)s", title=campaign.title),
        [u.id for u in data.units],
    )
    return campaign


def _lock(
    user: User,
    campaign_id: int,
    expected_version: int | None,
    refusal_now: Callable[[Campaign], str | None] = lambda campaign: None,
) -> Campaign:
    """The campaign, locked, once the change is possible on it as it is now
    (`refusal_now` says why not: closed or cancelled meanwhile, started), and only then
    checked against the version the user's form showed. The forms that send a version
    (change, close, cancel) come back with what was typed (`campaign_views`), but show the
    campaign as it is now only on its own page, so the refusal points there."""
    campaign = access.campaign_or_404(user, campaign_id=campaign_id, lock=True)
    if refusal := refusal_now(campaign):
        raise CampaignError(refusal)
    if expected_version is not None and campaign.version != expected_version:
        raise CampaignError(
            _(
                "Someone else changed this campaign while you had it open, so nothing was "
                "saved. The form keeps what you typed; the campaign's page shows it as it is "
                "now: check it and send the form again."
            )
        )
    return campaign


def _finished_refusal(doing: str) -> Callable[[Campaign], str | None]:
    def refusal(campaign: Campaign) -> str | None:
        if campaign.status in FINISHED_CAMPAIGN_STATUSES:
            return finished_message(campaign, doing)
        if doing == "close" and campaign.starts_on > timezone.localdate():
            return _("A campaign that has not started cannot be closed.")
        if doing == "cancel" and campaign.starts_on <= timezone.localdate():
            return _("This campaign has started: it can be closed with its summary, not cancelled.")
        return None

    return refusal


def _save(campaign: Campaign, fields: list[str]) -> None:
    campaign.version += 1
    campaign.save(update_fields=sorted({*fields, "version"}))


@transaction.atomic
def campaign_update(
    *,
    campaign_id: int,
    acting_user: User,
    title: str,
    topic: str,
    goal: str,
    starts_on: date | None,
    ends_on: date | None,
    lead_unit_id: Any,
    unit_ids: list[Any],
    targets: str = "",
    keywords: str = "",
    expected_version: int | None = None,
) -> Campaign:
    """The office corrects a campaign that is not closed. Actions already logged keep their
    meaning: the period must still hold them, and a unit that has logged stays in."""
    if not access.manages_campaigns(acting_user):
        raise Http404
    campaign = _lock(acting_user, campaign_id, expected_version, _finished_refusal("change"))
    data = _clean(
        title=title,
        topic=topic,
        goal=goal,
        starts_on=starts_on,
        ends_on=ends_on,
        lead_unit_id=lead_unit_id,
        unit_ids=unit_ids,
        targets=targets,
        keywords=keywords,
    )
    logged = campaign.actions.aggregate(first=Min("day"), last=Max("day"))
    if logged["first"] is not None:
        first, last = logged["first"], logged["last"]
        if first < data.starts_on or last > data.ends_on:
            raise ValidationError(
                {
                    "starts_on": [
                        _(
                            "Actions were logged from %(first)s to %(last)s; the period must "
                            "include those days."
                        )
                        % {"first": first.isoformat(), "last": last.isoformat()}
                    ]
                }
            )
        have_logged = set(campaign.actions.values_list("unit_id", flat=True))
        dropped = have_logged - {u.id for u in data.units}
        # A unit since deactivated cannot be ticked on the form, yet its actions stay.
        gone = list(Unit.objects.filter(id__in=dropped, is_active=False))
        if gone:
            data = replace(data, units=[*data.units, *gone])
            dropped -= {u.id for u in gone}
        if dropped:
            # Named in the reader's language, as the form's boxes are.
            staying = list(Unit.objects.filter(id__in=dropped).order_by("sort_order", "code"))
            names = list_separator().join(str(u) for u in staying)
            raise ValidationError(
                {
                    "units": [
                        ngettext(
                            "%(units)s has logged actions and must stay in the campaign.",
                            "%(units)s have logged actions and must stay in the campaign.",
                            len(staying),
                        )
                        % {"units": names}
                    ]
                }
            )
    before_units = sorted(campaign.units.values_list("code", flat=True))
    changed: dict[str, list[Any]] = {}
    for field in ("title", "topic", "goal", "starts_on", "ends_on", "targets", "keywords"):
        old, new = getattr(campaign, field), getattr(data, field)
        if old != new:
            changed[field] = [str(old), str(new)]
            setattr(campaign, field, new)
    if campaign.lead_unit_id != data.lead_unit.id:
        changed["lead_unit"] = [campaign.lead_unit.code, data.lead_unit.code]
        campaign.lead_unit = data.lead_unit
    after_units = sorted(u.code for u in data.units)
    if before_units != after_units:
        changed["units"] = [before_units, after_units]
        campaign.units.set(data.units)
    if not changed:
        return campaign
    campaign.status = campaign.status_on(timezone.localdate())
    _save(campaign, [*(f for f in changed if f != "units"), "status"])
    _event(campaign, CampaignEventKind.UPDATE, acting_user, changed=changed)
    added = [u.id for u in data.units if u.code not in before_units]
    if added:
        _tell_units(
            campaign,
            f"campaign_started:{campaign.id}",
            written("A joint campaign you take part in: %(title)s", title=campaign.title),
            added,
        )
    return campaign


CHANGE_ORDER = (
    "title",
    "topic",
    "goal",
    "starts_on",
    "ends_on",
    "lead_unit",
    "units",
    "targets",
    "keywords",
)
SHORT_VALUE = 40
"""A value this long at most reads in the history as it was and as it became; a longer
one (the goal, the targets) by its field's name alone."""


@dataclass(frozen=True)
class FieldChange:
    """One field a change to a campaign altered, for its history in the reader's language:
    the field's name and, for a short value, what it was and what it became; for the units
    taking part, those added and those removed."""

    field: str
    label: str
    old: str = ""
    new: str = ""
    added: str = ""
    removed: str = ""


def with_changes(events) -> list[CampaignEvent]:
    """The campaign's history lines, each change with the fields it changed (`changes`,
    a list of `FieldChange`), the units it names read in one query for all of them."""
    events = list(events)
    codes: set[str] = set()
    for event in events:
        changed = _changed(event)
        codes.update(changed.get("lead_unit") or [])
        for side in changed.get("units") or []:
            codes.update(side)
    names = {u.code: str(u) for u in Unit.objects.filter(code__in=codes)} if codes else {}
    for event in events:
        changed = _changed(event)
        event.changes = [
            _field_change(field, changed[field], names)
            for field in CHANGE_ORDER
            if field in changed
        ]
    return events


def _changed(event: CampaignEvent) -> dict[str, list[Any]]:
    if event.kind != CampaignEventKind.UPDATE:
        return {}
    return event.data.get("changed") or {}


def _field_change(field: str, values: list[Any], names: dict[str, str]) -> FieldChange:
    label = str(Campaign._meta.get_field(field).verbose_name)
    old, new = values
    if field == "units":

        def listed(codes) -> str:
            return list_separator().join(names.get(code, code) for code in codes)

        return FieldChange(
            field,
            label,
            added=listed(code for code in new if code not in old),
            removed=listed(code for code in old if code not in new),
        )
    if field == "lead_unit":
        old, new = names.get(old, old), names.get(new, new)
    elif field == "topic":
        old, new = choice_label(CampaignTopic, old), choice_label(CampaignTopic, new)
    if field in ("goal", "targets", "keywords") or max(len(old), len(new)) > SHORT_VALUE:
        return FieldChange(field, label)
    return FieldChange(field, label, old=old, new=new)


def _count(value: Any, label: str, errors: dict[str, list[str]], field: str) -> int:
    try:
        number = int(str(value).strip() or 0) if value is not None else 0
    except ValueError:
        errors[field] = [capfirst(_("%(field)s must be a whole number.") % {"field": label})]
        return 0
    if number < 0:
        errors[field] = [capfirst(_("%(field)s cannot be negative.") % {"field": label})]
    elif number > MAX_COUNT:
        errors[field] = [capfirst(_("%(field)s is too large.") % {"field": label})]
    return number


@transaction.atomic
def action_log(
    *,
    campaign_id: int,
    acting_user: User,
    day: date | None,
    counts: dict[str, Any],
    note: str = "",
) -> CampaignAction:
    """A unit taking part logs what it did on a day of the campaign. The numbers are what
    the campaign page sums and what block 1 of the unit's quarterly report starts from."""
    campaign = _lock(acting_user, campaign_id, None)
    if not access.logs_campaign_action(acting_user, campaign):
        raise CampaignError(_("Only the units taking part in this campaign can log actions."))
    if campaign.status in FINISHED_CAMPAIGN_STATUSES:
        raise CampaignError(finished_message(campaign, "log"))
    errors: dict[str, list[str]] = {}
    today = timezone.localdate()
    if problem := action_day_error(campaign, day):
        errors["day"] = [problem]
    clean = {
        field: _count(
            counts.get(field),
            str(CampaignAction._meta.get_field(field).verbose_name),
            errors,
            field,
        )
        for field in ACTION_COUNTS
    }
    if not errors:
        if not any(clean.values()):
            errors["__all__"] = [_("Enter at least one number above zero.")]
        elif clean["batches_failed"] > clean["batches_sampled"]:
            errors["batches_failed"] = [
                ngettext(
                    "%(failed)s batch failed, but only %(sampled)s were sampled.",
                    "%(failed)s batches failed, but only %(sampled)s were sampled.",
                    clean["batches_failed"],
                )
                % {"failed": clean["batches_failed"], "sampled": clean["batches_sampled"]}
            ]
        elif clean["cases_opened"] > clean["problems_found"]:
            errors["cases_opened"] = [
                _("Cases opened (%(cases)s) cannot exceed the problems found (%(problems)s).")
                % {"cases": clean["cases_opened"], "problems": clean["problems_found"]}
            ]
    if errors:
        raise ValidationError(errors)
    action = CampaignAction.objects.create(
        campaign=campaign,
        unit_id=acting_user.unit_id,
        day=day,
        note=(note or "").strip()[:2000],
        logged_by=acting_user,
        **clean,
    )
    status = campaign.status_on(today)
    if status != campaign.status:
        campaign.status = status
        campaign.save(update_fields=["status"])
    _event(
        campaign,
        CampaignEventKind.ACTION,
        acting_user,
        action=action.id,
        unit=acting_user.unit.code,
        day=day.isoformat(),  # type: ignore[union-attr]
        counts={k: v for k, v in clean.items() if v},
    )
    return action


@transaction.atomic
def campaign_close(
    *, campaign_id: int, acting_user: User, summary: str, expected_version: int | None = None
) -> Campaign:
    """The office closes a campaign with its summary; the units taking part are told."""
    if not access.manages_campaigns(acting_user):
        raise Http404
    campaign = _lock(acting_user, campaign_id, expected_version, _finished_refusal("close"))
    summary = (summary or "").strip()
    if not summary:
        raise ValidationError({"summary": [_("Write the campaign's summary before closing it.")]})
    campaign.status = CampaignStatus.CLOSED
    campaign.summary = summary
    campaign.closed_at = timezone.now()
    campaign.closed_by = acting_user
    _save(campaign, ["status", "summary", "closed_at", "closed_by"])
    _event(campaign, CampaignEventKind.CLOSE, acting_user, note=summary)
    _tell_units(
        campaign,
        f"campaign_closed:{campaign.id}",
        written("The joint campaign %(title)s was closed", title=campaign.title),
        list(campaign.units.values_list("id", flat=True)),
    )
    return campaign


@transaction.atomic
def campaign_cancel(
    *, campaign_id: int, acting_user: User, reason: str, expected_version: int | None = None
) -> Campaign:
    """The office cancels a campaign that has not started (planned by mistake, called
    off), with its reason; the units taking part are told as they were told of it. Nothing
    else of it changes. One under way is closed with its summary instead (`campaign_close`)."""
    if not access.manages_campaigns(acting_user):
        raise Http404
    campaign = _lock(acting_user, campaign_id, expected_version, _finished_refusal("cancel"))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("Say why the campaign is cancelled.")]})
    campaign.status = CampaignStatus.CANCELLED
    campaign.cancel_reason = reason
    _save(campaign, ["status", "cancel_reason"])
    _event(campaign, CampaignEventKind.CANCEL, acting_user, note=reason)
    _tell_units(
        campaign,
        f"campaign_cancelled:{campaign.id}",
        written("The joint campaign %(title)s was cancelled", title=campaign.title),
        list(campaign.units.values_list("id", flat=True)),
    )
    return campaign


def finished_message(campaign: Campaign, doing: str) -> str:
    """Why a closed or cancelled campaign refuses what was asked of it (`doing`: change,
    log, close or cancel), in the user's language."""
    if campaign.status == CampaignStatus.CANCELLED:
        if doing == "log":
            return _("This campaign was cancelled; no actions can be logged.")
        return _("This campaign was cancelled; it can no longer be changed.")
    return {
        "change": _("A closed campaign can no longer be changed."),
        "log": _("This campaign is closed; no more actions can be logged."),
        "close": _("This campaign is already closed."),
        "cancel": _("This campaign is closed; it can no longer be cancelled."),
    }[doing]


# --- reading ---------------------------------------------------------------------------------


def _sum_args() -> dict[str, Sum]:
    return {field: Sum(field, default=0) for field in ACTION_COUNTS}


def campaign_sums(campaign: Campaign) -> dict[str, Any]:
    """Each unit's totals (every unit taking part, even with nothing logged) and the
    campaign's total; two queries."""
    rows = {
        row["unit_id"]: row
        for row in campaign.actions.values("unit_id")
        .annotate(actions=Count("id"), **_sum_args())
        .order_by()
    }
    empty = dict.fromkeys(("actions", *ACTION_COUNTS), 0)
    by_unit = []
    for unit in campaign.units.all().order_by("sort_order", "code"):
        row = rows.get(unit.id, empty)
        by_unit.append({"unit": unit, **{k: row[k] for k in empty}})
    total = {k: sum(r[k] for r in by_unit) for k in empty}
    return {"by_unit": by_unit, "total": total}


def _matching(campaign: Campaign) -> Q | None:
    condition = Q()
    for word in TOPIC_CATEGORY_WORDS.get(campaign.topic, ()):
        condition |= Q(category__icontains=word)
    for name in (*campaign.target_lines, *campaign.keyword_lines):
        condition |= Q(business_name__icontains=name)
    return condition or None


def linked_orders(campaign: Campaign, user: User) -> QuerySet[WorkOrder]:
    """Orders received during the campaign whose hotline category fits its topic or whose
    business name contains a target or keyword, among those the user may see anyway."""
    condition = _matching(campaign)
    if condition is None:
        return WorkOrder.objects.none()
    orders = stats.received_between(
        access.workorders_visible_to(user), campaign.starts_on, campaign.ends_on
    )
    return (
        orders.filter(condition)
        .select_related("primary_unit", "town")
        .order_by("-received_at", "-id")
    )


def campaigns_with_status(queryset: QuerySet[Campaign], status: str, today: date) -> QuerySet:
    """Filter on the status as of today (planned and running follow the dates)."""
    if status in FINISHED_CAMPAIGN_STATUSES:
        return queryset.filter(status=status)
    going = queryset.exclude(status__in=FINISHED_CAMPAIGN_STATUSES)
    if status == CampaignStatus.RUNNING:
        return going.filter(starts_on__lte=today)
    if status == CampaignStatus.PLANNED:
        return going.filter(starts_on__gt=today)
    return queryset


# --- what the quarterly report takes from here -----------------------------------------------


def quarter_actions(first: date, last: date, unit: Unit | None = None) -> dict[str, Any]:
    """Campaign actions logged for days of a quarter (the unit's, or the district's): per
    campaign and in total, as plain JSON-ready values for the report's figures."""
    actions = CampaignAction.objects.filter(day__gte=first, day__lte=last)
    if unit is not None:
        actions = actions.filter(unit=unit)
    rows = list(
        actions.values("campaign_id", "campaign__title", "campaign__topic")
        .annotate(actions=Count("id"), **_sum_args())
        .order_by("campaign_id")
    )
    keys = ("actions", *ACTION_COUNTS)
    total = {k: sum(r[k] for r in rows) for k in keys}
    total["campaigns"] = len(rows)
    return {
        "total": total,
        "by_campaign": [
            {
                "campaign": r["campaign_id"],
                "title": r["campaign__title"],
                "topic": r["campaign__topic"],
                **{k: r[k] for k in keys},
            }
            for r in rows
        ],
    }


def sampling_prefill(unit: Unit, first: date, last: date) -> dict[str, dict[str, int]]:
    """Block 1 lines from the unit's campaign actions of the quarter, by product category:
    batches sampled and failed as logged, and batches removed from sale counted as failed
    batches dealt with (never more than failed)."""
    rows = (
        CampaignAction.objects.filter(unit=unit, day__gte=first, day__lte=last)
        .values("campaign__topic")
        .annotate(
            sampled=Sum("batches_sampled", default=0),
            failed=Sum("batches_failed", default=0),
            removed=Sum("batches_removed", default=0),
        )
        .order_by()
    )
    lines: dict[str, dict[str, int]] = {}
    for row in rows:
        category = SAMPLING_CATEGORY.get(row["campaign__topic"], ProductCategory.OTHER)
        line = lines.setdefault(category, {"sampled": 0, "failed": 0, "removed": 0})
        for key in ("sampled", "failed", "removed"):
            line[key] += row[key]
    return {
        category: {
            "sampled": line["sampled"],
            "failed": line["failed"],
            "failed_handled": min(line["removed"], line["failed"]),
        }
        for category, line in lines.items()
        if line["sampled"]
    }


def education_prefill(unit: Unit, first: date, last: date) -> list[EducationEvent]:
    """The unit's education events of the quarter, oldest first (block 4)."""
    return list(
        EducationEvent.objects.filter(unit=unit, day__gte=first, day__lte=last).order_by(
            "day", "id"
        )
    )
