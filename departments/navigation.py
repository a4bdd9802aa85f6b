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


def _has_unit(user: object) -> bool:
    return getattr(user, "unit_id", None) is not None


NAV_ITEMS: tuple[NavItem, ...] = (
    NavItem(_("Home"), "home", "bi-house"),
    NavItem(
        _("Dashboard"),
        "dashboard",
        "bi-speedometer2",
        visible=lambda user: access.sees_all_units(user) or _has_unit(user),
    ),
    NavItem(_("Work orders"), "order_list", "bi-inboxes"),
    NavItem(_("New order"), "order_intake", "bi-telephone-plus", visible=access.is_office_handler),
    NavItem(_("Overdue board"), "overdue_board", "bi-alarm", visible=access.sees_all_units),
    NavItem(
        _("Referred leads"),
        "referral_list",
        "bi-arrow-left-right",
        visible=lambda user: access.sees_all_units(user) or _has_unit(user),
    ),
    NavItem(
        _("Early intervention"),
        "intervention_list",
        "bi-lightning",
        visible=lambda user: access.sees_all_units(user) or _has_unit(user),
    ),
    NavItem(
        _("Jurisdiction disputes"),
        "dispute_list",
        "bi-diagram-2",
        visible=lambda user: access.sees_all_units(user) or _has_unit(user),
    ),
    NavItem(
        _("Mediation and confirmation"),
        "mediation_list",
        "bi-bank",
        visible=lambda user: access.sees_all_units(user) or _has_unit(user),
    ),
    NavItem(
        _("Quarterly reports"),
        "report_list",
        "bi-journal-text",
        visible=lambda user: access.sees_all_units(user) or _has_unit(user),
    ),
    NavItem(
        _("Joint campaigns"),
        "campaign_list",
        "bi-shield-check",
        visible=lambda user: access.sees_all_units(user) or _has_unit(user),
    ),
    NavItem(_("Unit directory"), "unit_list", "bi-diagram-3"),
    NavItem(
        _("My unit"),
        "unit_people",
        "bi-people",
        visible=_has_unit,
        kwargs=lambda user: {"code": user.unit.code},
    ),
    NavItem(_("Administration"), "admin:index", "bi-gear", visible=access.can_use_admin),
    NavItem(
        _("API documentation"),
        "api_docs",
        "bi-code-square",
        visible=access.sees_all_units,
    ),
)


def menu_for(user: object, current_path: str) -> list[dict]:
    items = []
    for item in NAV_ITEMS:
        if not item.visible(user):
            continue
        url = reverse(item.url_name, kwargs=item.kwargs(user) if item.kwargs else None)
        items.append({"label": item.label, "url": url, "icon": item.icon, "active": False})
    # The entry whose address is the longest prefix of the current page is the active one.
    matches = [i for i in items if current_path == i["url"] or current_path.startswith(i["url"])]
    matches = [i for i in matches if i["url"] != "/" or current_path == "/"]
    if matches:
        max(matches, key=lambda i: len(i["url"]))["active"] = True
    return items
