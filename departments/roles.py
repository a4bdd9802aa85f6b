"""Which roles fit which unit: office roles belong to the office, unit roles to members."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.translation import gettext as _

from .choices import OFFICE_ROLES, UNIT_ROLES, RoleCode
from .models import Unit


def role_errors(unit: Unit | None, role_codes: Iterable[str]) -> list[str]:
    codes = set(role_codes)
    errors: list[str] = []
    office_roles = sorted(codes & OFFICE_ROLES)
    unit_roles = sorted(codes & UNIT_ROLES)
    if office_roles and (unit is None or not unit.is_office):
        errors.append(
            _("%(roles)s can only be held by people of the coordination office.")
            % {"roles": "、".join(str(RoleCode(c).label) for c in office_roles)}
        )
    if unit_roles and (unit is None or unit.is_office):
        errors.append(
            _("%(roles)s can only be held by people of a member unit.")
            % {"roles": "、".join(str(RoleCode(c).label) for c in unit_roles)}
        )
    if not codes:
        errors.append(_("Give the person at least one role."))
    return errors


def acting_as(actor: object, unit: Unit | None) -> object:
    """What a history line brackets after the name of the person who acted: the unit they
    acted for; for the group leader, a district leader whose account sits in the office (an
    account sits in a unit), the group he leads, not the office he would seem to speak for.
    Reads the actor's roles as the timelines prefetch them (`actor__roles`)."""
    if (
        actor is not None
        and unit is not None
        and unit.is_office
        and any(role.pk == RoleCode.GROUP_LEADER for role in actor.roles.all())
    ):
        return RoleCode.GROUP_LEADER.label
    return unit
