"""Codes stored in the database and exposed by the 12345 API; labels are translated."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Status(models.TextChoices):
    TRIAGE = "triage", _("Triage")
    ASSIGNED = "assigned", _("Assigned")
    IN_PROGRESS = "in_progress", _("In progress")
    RESOLVED = "resolved", _("Resolved")
    CLOSED = "closed", _("Closed")


OPEN_STATUSES = (Status.TRIAGE, Status.ASSIGNED, Status.IN_PROGRESS)


class Kind(models.TextChoices):
    COMPLAINT = "complaint", _("Complaint")
    REPORT = "report", _("Report")
    INQUIRY = "inquiry", _("Inquiry")


class Channel(models.TextChoices):
    HOTLINE_12345 = "12345", _("12345 hotline")
    PLATFORM_12315 = "12315", _("12315 platform")
    PHONE = "phone", _("Phone")
    WALK_IN = "walk_in", _("Walk-in")
    LETTER = "letter", _("Letter")
    WEB = "web", _("Web")
    OTHER = "other", _("Other")


class Urgency(models.TextChoices):
    NORMAL = "normal", _("Ordinary")
    SAFETY = "safety", _("Life or property safety")
    UTILITIES = "utilities", _("Water, power, gas or heating")


class Satisfaction(models.TextChoices):
    SATISFIED = "satisfied", _("Satisfied")
    BASICALLY_SATISFIED = "basically_satisfied", _("Basically satisfied")
    DISSATISFIED = "dissatisfied", _("Dissatisfied")


class UnitRelation(models.TextChoices):
    PRIMARY = "primary", _("Primary unit")
    CO = "co", _("Co-handling unit")
    FORMER = "former", _("Formerly handled")


class ExtensionStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    APPROVED = "approved", _("Approved")
    REFUSED = "refused", _("Refused")


class DuplicateStatus(models.TextChoices):
    SUSPECTED = "suspected", _("Possible duplicate")
    LINKED = "linked", _("Linked")
    MERGED = "merged", _("Merged")
    DISMISSED = "dismissed", _("Not a duplicate")


class Action(models.TextChoices):
    """What an event on an order records; the timeline and the API show these."""

    CREATE = "create", _("Received")
    DISPATCH = "dispatch", _("Dispatched")
    REDISPATCH = "redispatch", _("Re-dispatched")
    SIGN = "sign", _("Signed for")
    ACCEPT = "accept", _("Accepted for handling")
    RETURN = "return", _("Returned to the office")
    REQUEST_EXTENSION = "request_extension", _("Extension requested")
    APPROVE_EXTENSION = "approve_extension", _("Extension approved")
    REFUSE_EXTENSION = "refuse_extension", _("Extension refused")
    PAUSE = "pause", _("Clock paused")
    RESUME = "resume", _("Clock resumed")
    OPINION = "opinion", _("Co-handling opinion")
    NOTE = "note", _("Handling note")
    SUPERVISE = "supervise", _("Supervised")
    RESOLVE = "resolve", _("Resolved")
    CLOSE = "close", _("Closed")
    SATISFACTION = "satisfaction", _("Satisfaction call-back")
    REOPEN = "reopen", _("Reopened")
    EXCLUDE = "exclude", _("Excluded from satisfaction statistics")
    LINK_DUPLICATE = "link_duplicate", _("Linked as duplicate")
    MERGE = "merge", _("Merged")
    DISMISS_DUPLICATE = "dismiss_duplicate", _("Not a duplicate")
    ATTACH = "attach", _("Attachment added")
    REFER = "refer", _("Lead referred to another unit")
    DISPUTE = "dispute", _("Jurisdiction dispute")
    INTERVENTION = "intervention", _("Early intervention")
    MEDIATION = "mediation", _("Mediation and judicial confirmation")


INTERNAL_ACTIONS = frozenset({Action.NOTE})
"""History lines for the portal's people only: the hotline's view of an order (the API's
history) leaves them out."""


class ReferralStatus(models.TextChoices):
    SENT = "sent", _("Sent, awaiting acknowledgement")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    # A lead taken on (接收, as its button says), not a report accepted (采纳): see the context.
    ACCEPTED = "accepted", pgettext_lazy("lead", "Accepted")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn by the leader's decision")


OPEN_REFERRAL_STATUSES = (ReferralStatus.SENT, ReferralStatus.ACKNOWLEDGED)


class ReferralAction(models.TextChoices):
    SEND = "send", _("Referred")
    ACKNOWLEDGE = "acknowledge", _("Acknowledged")
    ACCEPT = "accept", pgettext_lazy("lead", "Accepted")
    REJECT = "reject", _("Rejected")
    ATTACH = "attach", _("Evidence added")
    DECISION = "decision", _("Leader's decision")


class DisputeSource(models.TextChoices):
    SECOND_RETURN = "second_return", _("Order returned a second time")
    REJECTED_REFERRAL = "rejected_referral", _("Referred lead rejected")
    UNIT_DISPUTE = "unit_dispute", _("A unit disputes jurisdiction")
    OFFICE_QUESTION = "office_question", _("The office raises a jurisdiction question")


class DisputeStatus(models.TextChoices):
    OPEN = "open", _("Waiting for the office's proposal")
    PROPOSED = "proposed", _("Waiting for the group leader")
    DESIGNATED = "designated", _("Responsible unit designated")
    TEAM = "team", _("Joint investigation team formed")
    CONCLUDED = "concluded", _("Concluded by the joint team")
    DISPATCHED = "dispatched", _("Settled by the office's dispatch")


OPEN_DISPUTE_STATUSES = (DisputeStatus.OPEN, DisputeStatus.PROPOSED)
DECIDED_DISPUTE_STATUSES = (DisputeStatus.DESIGNATED, DisputeStatus.TEAM, DisputeStatus.CONCLUDED)
"""Settled by the group leader's decision, which ends the disagreement (四（五）): not a
dispute the office's dispatch settled before it went to him (`DISPATCHED`), which leaves
the order open to a dispute again."""


class DisputeAction(models.TextChoices):
    OPEN = "open", _("Dispute opened")
    PROPOSE = "propose", _("Office's proposal")
    DESIGNATE = "designate", _("Responsible unit designated")
    FORM_TEAM = "form_team", _("Joint investigation team formed")
    ADD_MEMBER = "add_member", _("Team member named")
    ADD_TASK = "add_task", _("Team task set")
    COMPLETE_TASK = "complete_task", _("Team task done")
    FINDING = "finding", _("Finding recorded")
    ESCALATE = "escalate", _("Question put to the joint meeting")
    MEETING_ANSWER = "meeting_answer", _("Joint meeting's answer")
    CONCLUDE = "conclude", _("Team's conclusion")
    LEAD_REJECTED = "lead_rejected", _("Referred lead rejected")
    LEAD_SENT = "lead_sent", _("Lead sent to the unit designated")
    LEAD_WITHDRAWN = "lead_withdrawn", _("Lead withdrawn from the unit ruled out")
    DISPATCH = "dispatch", _("Settled by the office's dispatch")


def dispute_step_label(action: str, *, by_team: bool) -> str:
    """A dispute step's name in the active language. One code, `lead_sent` (as the API
    gives it), is a lead the leader's decision sent on: to the unit designated, or, when
    the leader formed a joint team instead, to the team's lead unit, so its name follows
    the kind of decision (`by_team`). A code no longer among the choices, as stored."""
    if action == DisputeAction.LEAD_SENT and by_team:
        return str(_("Lead sent to the joint team's lead unit"))
    return str(DisputeAction(action).label) if action in DisputeAction.values else action


class InterventionAnswer(models.TextChoices):
    ASKED = "asked", _("Asked, no answer yet")
    JOINED = "joined", pgettext_lazy("answer to a request to step in", "Will step in")
    DECLINED = "declined", pgettext_lazy("answer to a request to step in", "Declined")


class InterventionAction(models.TextChoices):
    """A step on a request's shared timeline, named as a step taken, as other histories
    name theirs (the answer's own label, "Steps in", is what a unit's answer is)."""

    ASK = "ask", _("Asked to step in")
    JOIN = "join", _("Agreed to step in")
    DECLINE = "decline", _("Declined to step in")
    NOTE = "note", _("Note")
    CLOSE = "close", pgettext_lazy("a request to step in", "Request closed")


class MediationBody(models.TextChoices):
    UNIT = "unit", _("The handling unit")
    PEOPLES = "peoples", _("People's mediation (Justice Bureau)")
    INDUSTRY = "industry", _("An industry mediation body")


class MediationConsent(models.TextChoices):
    CONSUMER = "consumer", _("The consumer")
    BUSINESS = "business", _("The business")
    BOTH = "both", _("Both parties")


class MediationStatus(models.TextChoices):
    RECORDED = "recorded", _("Agreement recorded")
    SUBMITTED = "submitted", _("Sent to the court for judicial confirmation")
    TAKEN = "taken", _("Taken by the court")
    NOT_TAKEN = "not_taken", _("Not taken by the court")
    CONFIRMED = "confirmed", _("Confirmed by the court")
    REFUSED = "refused", _("Confirmation refused")


class MediationAction(models.TextChoices):
    RECORD = "record", _("Mediation agreement recorded")
    SUBMIT = "submit", _("Sent for judicial confirmation")
    TAKE = "take", _("Court takes the application")
    NOT_TAKE = "not_take", _("Court does not take the application")
    EXTEND = "extend", _("Court extends the time to rule")
    CONFIRM = "confirm", _("Court confirms the agreement")
    REFUSE = "refuse", _("Court refuses confirmation")
    LITIGATION = "litigation", _("Passed to litigation")


class ExportStatus(models.TextChoices):
    """A queued Excel export of the order list (`OrderExport`)."""

    PENDING = "pending", _("Waiting")
    RUNNING = "running", _("Building")
    DONE = "done", _("Ready")
    FAILED = "failed", _("Failed")
