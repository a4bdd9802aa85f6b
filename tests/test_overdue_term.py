"""One Chinese word for one thing late: a handling time limit passed (an order, a lead's
acknowledgement, a team task, a meeting's action item, a request to step in) is 超期, as
the hotline's systems say it (超期工单, 超期办结); what a unit submits after its due date
(a quarterly report, a work summary, an implementation plan) is 逾期 (逾期未报送). The
catalogue had both for the same things: the digest counted 逾期 orders that the board
listed as 超期."""

from __future__ import annotations

import pytest
from django.utils import translation
from django.utils.translation import gettext, ngettext, pgettext

TIME_LIMITS = [
    lambda: ngettext("Overdue work order", "Overdue work orders", 2),
    lambda: gettext("Overdue:"),
    lambda: gettext("Daily digest: %(overdue)s overdue, %(due)s due soon"),
    lambda: gettext("Automatic supervision: %(deadline)s was due %(time)s."),
    lambda: ngettext(
        "Overdue %(n)s working day: %(number)s, %(deadline)s",
        "Overdue %(n)s working days: %(number)s, %(deadline)s",
        2,
    ),
    lambda: gettext("escalation step"),
    lambda: gettext("working days overdue"),
    lambda: gettext("met late"),
    lambda: gettext("Not acknowledged in time"),
    lambda: gettext("Lead %(number)s from %(from)s has not been acknowledged by %(to)s"),
    lambda: pgettext("a lead acknowledged after its time limit", "Late"),
    lambda: gettext("Team task “%(title)s” of %(number)s is overdue"),
    lambda: gettext("Overdue team tasks"),
    lambda: ngettext(
        "Overdue task of joint investigation teams", "Overdue tasks of joint investigation teams", 2
    ),
    lambda: gettext("%(unit)s: an action item of the joint meeting is overdue since %(due)s"),
    lambda: gettext("%(unit)s has not answered the request to step in %(number)s"),
    lambda: gettext("No head set: overdue notices meant for its head go to its liaisons."),
]

SUBMISSIONS = [
    lambda: ngettext(
        "Late quarterly report for %(period)s (due %(due)s)",
        "Late quarterly reports for %(period)s (due %(due)s)",
        2,
    ),
    lambda: gettext("Annual work summary for %(year)s is late: it was due by %(due)s"),
    lambda: gettext("Implementation plan for %(year)s is late: it was due by %(due)s"),
    lambda: gettext("Remind all late units"),
    lambda: gettext("Submitted late"),
    lambda: gettext("Late"),
]


def chinese(message) -> str:
    with translation.override("zh-hans"):
        return message()


@pytest.mark.parametrize("message", TIME_LIMITS)
def test_a_time_limit_passed_is_chaoqi(message):
    text = chinese(message)
    assert "超期" in text and "逾期" not in text, text


@pytest.mark.parametrize("message", SUBMISSIONS)
def test_a_submission_after_its_due_date_is_yuqi(message):
    text = chinese(message)
    assert "逾期" in text and "超期" not in text, text
