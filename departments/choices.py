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
