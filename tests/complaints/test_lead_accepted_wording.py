"""A lead the receiving unit takes on is "accepted": its button reads 接收线索, the referring
unit hears "…已接收线索…", the figures count 接收 and 拒收. Its status and its history line
shared the msgid "Accepted" with a quarterly report the office accepts (已采纳), so the lead
just taken on read 已采纳 beside the button that said 接收. The lead's own words now have a
context of their own ("lead"); the quarterly report keeps its word."""

from __future__ import annotations

import pytest
from django.utils import translation

from complaints.choices import ReferralAction, ReferralStatus
from reports.choices import ReportAction, ReportStatus


@pytest.mark.parametrize(
    ("lead", "report"),
    [
        (ReferralStatus.ACCEPTED, ReportStatus.ACCEPTED),
        (ReferralAction.ACCEPT, ReportAction.ACCEPT),
    ],
    ids=["status", "history"],
)
def test_an_accepted_lead_is_not_worded_as_an_accepted_quarterly_report(lead, report):
    with translation.override("en"):
        assert str(lead.label) == "Accepted"
    with translation.override("zh-hans"):
        assert str(report.label) == "已采纳"
        assert str(lead.label) != str(report.label)
