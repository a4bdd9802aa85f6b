"""The staff site's menu: which entries a person sees depends on their roles."""

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from . import access


@dataclass(frozen=True)
class NavItem:
    label: str | Promise
    url_name: str
    icon: str
    visible: Callable[[object], bool] = lambda user: True
    kwargs: Callable[[object], dict] | None = None
    also: tuple[str, ...] = ()  # other pages that belong to this entry
    section: str | Promise = ""  # the heading the entry sits under


def _has_unit(user: object) -> bool:
    return getattr(user, "unit_id", None) is not None


def _unit_or_office(user: object) -> bool:
    return access.sees_all_units(user) or _has_unit(user)


ORDERS = _("Order handling")
ESCALATION = _("Escalation")
MECHANISMS = _("Coordination")
REPORTING = _("Reporting")
DIRECTORY = _("Directory and settings")

NAV_ITEMS: tuple[NavItem, ...] = (
    NavItem(_("Home"), "home", "bi-house"),
    NavItem(_("Dashboard"), "dashboard", "bi-speedometer2", visible=_unit_or_office),
    NavItem(_("Work orders"), "order_list", "bi-inboxes", section=ORDERS),
    NavItem(
        _("New order"),
        "order_intake",
        "bi-telephone-plus",
        visible=access.is_office_handler,
        section=ORDERS,
    ),
    NavItem(
        _("Overdue board"),
        "overdue_board",
        "bi-alarm",
        visible=access.sees_all_units,
        section=ORDERS,
    ),
    NavItem(
        _("Referred leads"),
        "referral_list",
        "bi-arrow-left-right",
        visible=_unit_or_office,
        section=ESCALATION,
    ),
    NavItem(
        _("Early intervention"),
        "intervention_list",
        "bi-lightning",
        visible=_unit_or_office,
        section=ESCALATION,
    ),
    NavItem(
        _("Jurisdiction disputes"),
        "dispute_list",
        "bi-diagram-2",
        visible=_unit_or_office,
        section=ESCALATION,
    ),
    NavItem(
        _("Mediation and confirmation"),
        "mediation_list",
        "bi-bank",
        visible=_unit_or_office,
        section=ESCALATION,
    ),
    NavItem(
        _("Joint meetings"),
        "meeting_list",
        "bi-people-fill",
        visible=_unit_or_office,
        section=MECHANISMS,
    ),
    NavItem(
        _("Joint campaigns"),
        "campaign_list",
        "bi-shield-check",
        visible=_unit_or_office,
        section=MECHANISMS,
    ),
    NavItem(
        _("Public releases"),
        "release_list",
        "bi-megaphone",
        visible=_unit_or_office,
        section=MECHANISMS,
    ),
    NavItem(
        _("Quarterly reports"),
        "report_list",
        "bi-journal-text",
        visible=_unit_or_office,
        section=REPORTING,
    ),
    NavItem(
        _("Plans and summaries"),
        "plan_list",
        "bi-clipboard-check",
        visible=_unit_or_office,
        also=("/reports/annual/", "/reports/evaluations/"),
        section=REPORTING,
    ),
    NavItem(_("Unit directory"), "unit_list", "bi-diagram-3", section=DIRECTORY),
    NavItem(
        _("My unit"),
        "unit_people",
        "bi-people",
        visible=_has_unit,
        kwargs=lambda user: {"code": user.unit.code},
        section=DIRECTORY,
    ),
    NavItem(
        _("Administration"),
        "admin:index",
        "bi-gear",
        visible=access.can_use_admin,
        section=DIRECTORY,
    ),
    NavItem(
        _("API documentation"),
        "api_docs",
        "bi-code-square",
        # For those who connect the hotline and other systems (the office sets up API
        # clients, administrators run them), not for the leader.
        visible=access.looks_after_units,
        section=DIRECTORY,
    ),
)


def menu_for(user: object, current_path: str) -> list[dict]:
    items = []
    for item in NAV_ITEMS:
        if not item.visible(user):
            continue
        url = reverse(item.url_name, kwargs=item.kwargs(user) if item.kwargs else None)
        items.append(
            {
                "label": item.label,
                "url": url,
                "icon": item.icon,
                "active": False,
                "prefixes": (url, *item.also),
                "section": item.section,
            }
        )
    # The entry with the longest address that prefixes the current page is the active one.
    best, best_length = None, -1
    for entry in items:
        for prefix in entry["prefixes"]:
            if prefix == "/" and current_path != "/":
                continue
            if current_path.startswith(prefix) and len(prefix) > best_length:
                best, best_length = entry, len(prefix)
    if best is not None:
        best["active"] = True
    return items
