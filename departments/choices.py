"""Codes stored in the database and exposed by the API; labels are translated."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class UnitKind(models.TextChoices):
    OFFICE = "office", _("Coordination office")
    MEMBER = "member", _("Member unit")


class TownKind(models.TextChoices):
    TOWN = "town", _("Town")
    STREET = "street", _("Street office")


class RoleCode(models.TextChoices):
    UNIT_STAFF = "unit_staff", _("Unit staff")
    UNIT_LIAISON = "unit_liaison", _("Unit liaison")
    UNIT_HEAD = "unit_head", _("Unit head")
    OFFICE_STAFF = "office_staff", _("Office staff")
    OFFICE_DIRECTOR = "office_director", _("Office director")
    GROUP_LEADER = "group_leader", _("Group leader")
    SYSTEM_ADMIN = "system_admin", _("System administrator")


UNIT_ROLES = frozenset({RoleCode.UNIT_STAFF, RoleCode.UNIT_LIAISON, RoleCode.UNIT_HEAD})
OFFICE_ROLES = frozenset({RoleCode.OFFICE_STAFF, RoleCode.OFFICE_DIRECTOR, RoleCode.GROUP_LEADER})


# The icon (Bootstrap Icons, vendored in static/vendor/bootstrap-icons) and its colour for
# each notification category, keyed by the `category` the services write on their
# `Message`s. Colours are the "-emphasis" shades where Bootstrap's plain one is too faint
# to read on white (plain warning yellow is 1.6:1; an icon that carries meaning needs 3:1):
# red for what is late or urgent, amber for what came back or is contested, blue for new
# work, green for work done, the text colour for the rest. A kind that has its own entry in
# the menu (departments/navigation.py) wears that entry's icon, so the two are recognised
# as one.
NOTIFICATION_ICONS: dict[str, str] = {
    # Work orders
    "dispatch": "bi-inboxes text-primary",  # a new order for the unit
    "opinion": "bi-chat-left-text text-primary",  # another unit's opinion on it
    "resolved": "bi-check2-circle text-success",  # a unit replied with the result
    "return": "bi-arrow-return-left text-warning-emphasis",  # returned as not its own
    "extension": "bi-calendar-plus",  # an extension asked for or decided
    "due_soon": "bi-hourglass-split text-warning-emphasis",
    "overdue": "bi-alarm text-danger",
    "supervise": "bi-flag text-danger",  # the office chases an overdue order (督办)
    "digest": "bi-list-check",  # the daily list of what is due
    # Between units
    "referral": "bi-arrow-left-right text-primary",  # a lead referred (线索移送)
    "intervention": "bi-lightning text-danger",  # asked to step in early, urgent
    "dispute": "bi-diagram-2 text-warning-emphasis",  # who handles it (管辖争议)
    "mediation": "bi-bank",  # judicial confirmation of a mediation agreement (司法确认)
    "meeting": "bi-people-fill",  # joint meetings (联席会议)
    # Reporting and the public
    "report": "bi-journal-text",  # quarterly reports, summaries, district report
    "campaign": "bi-shield-check",  # joint enforcement campaigns (联合执法)
    "release": "bi-megaphone",  # information releases (信息发布)
}
NOTIFICATION_ICON_DEFAULT = "bi-bell"
