"""Read-only JSON for referred leads and jurisdiction disputes (version 1), for staff
tools signed in to the portal: the same scoping as the screens (`departments.access`), no
writes."""

from __future__ import annotations

import django_filters
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import exceptions, serializers, viewsets
from rest_framework.permissions import BasePermission

from departments import access
from departments.models import User
from wuqing_consumer.api import PageNumbers, error_responses, refuse_odd_list_parameters

from ..choices import DisputeAction, DisputeSource, DisputeStatus, ReferralAction, ReferralStatus
from ..models import Dispute, Referral
from .auth import PortalSessionAuthentication

RECORD_ID = OpenApiParameter(
    "id", int, OpenApiParameter.PATH, description="编号，即列表中的 id / its id, as listed"
)


class IsPortalUser(BasePermission):
    message = "仅限已登录的平台用户 / for people signed in to the portal"

    def has_permission(self, request, view):
        return isinstance(request.user, User) and request.user.is_authenticated


class PortalReadOnlyViewSet(viewsets.ReadOnlyModelViewSet):
    # For people signed in to the portal (the session), not for API keys. (A comment, not a
    # docstring: the schema would show a docstring as the description of each operation.)
    # A caller not signed in was refused with the hotline endpoints' words, "send an API
    # key: Authorization: Bearer <key>", also when it had sent one, which is not taken here.
    # It is a 403, not a 401: the session has no challenge for a WWW-Authenticate header.

    lookup_value_regex = r"[^/]+"  # any id reaches the view, which answers a JSON 404
    authentication_classes = [PortalSessionAuthentication]
    permission_classes = [IsPortalUser]

    def permission_denied(self, request, message=None, code=None):
        if request.authenticators and not request.successful_authenticator:
            raise exceptions.NotAuthenticated(
                _(
                    "Sign in to the portal first: this address is for people signed in to "
                    "it, and takes no API key."
                )
            )
        super().permission_denied(request, message, code)

    def list(self, request, *args, **kwargs):
        # As the hotline's order list: a misspelt, repeated or empty filter is refused, not
        # read as no filter.
        takes = (*self.filterset_class.base_filters, self.pagination_class.page_query_param)
        refuse_odd_list_parameters(request.query_params, takes=takes, once=takes)
        return super().list(request, *args, **kwargs)


class UnitOut(serializers.Serializer):
    code = serializers.CharField(help_text="单位代码 / unit code")
    name = serializers.CharField(help_text="单位名称 / unit name")


class ReferralEventOut(serializers.Serializer):
    time = serializers.DateTimeField(help_text="时间 / time")
    type = serializers.ChoiceField(
        choices=ReferralAction.choices, help_text="事件类型 / what happened"
    )
    unit = serializers.CharField(allow_null=True, help_text="操作单位代码 / acting unit")
    note = serializers.CharField(allow_blank=True, help_text="说明 / note")


class ReferralOut(serializers.Serializer):
    id = serializers.IntegerField(help_text="编号 / id")
    number = serializers.CharField(help_text="线索编号 / lead number, e.g. YS-2026-000012")
    title = serializers.CharField(help_text="标题 / title")
    status = serializers.ChoiceField(
        choices=ReferralStatus.choices,
        help_text="状态；withdrawn 为接收单位提出管辖争议后经组长决定撤回 / status; withdrawn: "
        "the receiving unit disputed it and the group leader's decision withdrew it",
    )
    urgent = serializers.BooleanField(help_text="是否紧急 / urgent")
    from_unit = UnitOut(help_text="移送单位 / referred by")
    to_unit = UnitOut(help_text="接收单位 / referred to")
    order = serializers.CharField(allow_null=True, help_text="关联工单编号 / work order number")
    facts = serializers.CharField(help_text="线索内容 / what was found")
    legal_basis = serializers.CharField(allow_blank=True, help_text="建议法律依据 / legal basis")
    referred_at = serializers.DateTimeField(help_text="移送时间 / referred at")
    ack_due_at = serializers.DateTimeField(help_text="签收期限 / acknowledge by")
    acknowledged_at = serializers.DateTimeField(
        allow_null=True, help_text="签收时间 / acknowledged"
    )
    decided_at = serializers.DateTimeField(allow_null=True, help_text="处理时间 / decided at")
    decision_note = serializers.CharField(
        allow_blank=True, help_text="结果或理由 / result or reasons"
    )
    case_reference = serializers.CharField(allow_blank=True, help_text="立案编号 / case opened")
    by_decision = serializers.CharField(
        allow_null=True,
        help_text="经组长决定移送时，该管辖争议的编号，否则为空 / for a lead sent on by the "
        "group leader's decision, the number of that jurisdiction dispute; null otherwise",
    )
    continues = serializers.CharField(
        allow_null=True,
        help_text="经组长决定移送时，本线索接续的被拒收或被撤回线索编号，否则为空 / for a lead "
        "sent on by the group leader's decision, the number of the rejected or withdrawn lead "
        "it continues; null otherwise",
    )
    sent_on = serializers.CharField(
        allow_null=True,
        help_text="被拒收或被撤回后经组长决定另行移送的新线索编号，否则为空 / for a rejected "
        "or withdrawn lead the group leader's decision sent on, the number of the new lead; "
        "null otherwise",
    )
    events = ReferralEventOut(many=True, help_text="流转记录 / history")

    def to_representation(self, referral: Referral) -> dict:
        def when(value):
            return timezone.localtime(value).isoformat() if value else None

        def unit(u):
            return {"code": u.code, "name": u.name}

        decision = referral.by_decision
        sent_on = sorted(
            (lead for d in referral.disputes.all() for lead in d.leads_by_decision.all()),
            key=lambda lead: lead.id,
        )

        return {
            "id": referral.id,
            "number": referral.number,
            "title": referral.title,
            "status": referral.status,
            "urgent": referral.urgent,
            "from_unit": unit(referral.from_unit),
            "to_unit": unit(referral.to_unit),
            "order": referral.order.number if referral.order else None,
            "facts": referral.facts,
            "legal_basis": referral.legal_basis,
            "referred_at": when(referral.created_at),
            "ack_due_at": when(referral.ack_due_at),
            "acknowledged_at": when(referral.acknowledged_at),
            "decided_at": when(referral.decided_at),
            "decision_note": referral.decision_note,
            "case_reference": referral.case_reference,
            "by_decision": decision.number if decision else None,
            "continues": decision.referral.number if decision and decision.referral else None,
            "sent_on": sent_on[-1].number if sent_on else None,
            "events": [
                {
                    "time": when(event.created_at),
                    "type": event.action,
                    "unit": event.actor_unit.code if event.actor_unit else None,
                    "note": event.note,
                }
                for event in referral.events.all()
            ],
        }


class ReferralFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(
        choices=ReferralStatus.choices, help_text="按状态筛选 / only this status"
    )

    class Meta:
        model = Referral
        fields: list[str] = []


@extend_schema_view(
    list=extend_schema(
        summary="移送线索列表 / referred leads",
        description="本单位移送或接收的线索；组长就其管辖争议指定本单位负责的线索；"
        "经组长决定移送给本单位的线索所接续的原被拒收或被撤回线索；"
        "本单位参加的联合调查组所调查的被拒收线索（协调办可见全部） / leads your unit sent or "
        "received; leads on whose jurisdiction dispute the group leader designated your unit; "
        "the rejected or withdrawn lead that a lead sent to your unit by the group leader's "
        "decision continues; rejected leads disputed before a joint team your unit sits on "
        "(the office sees all)",
        responses={
            200: OpenApiResponse(ReferralOut(many=True), description="一页线索 / a page of leads"),
            **error_responses(400, 403, signed_in=True),
        },
        tags=["referrals"],
    ),
    retrieve=extend_schema(
        summary="移送线索详情 / one referred lead",
        parameters=[RECORD_ID],
        responses={
            200: OpenApiResponse(ReferralOut, description="线索 / the lead"),
            **error_responses(403, 404, signed_in=True),
        },
        tags=["referrals"],
    ),
)
class ReferralViewSet(PortalReadOnlyViewSet):
    serializer_class = ReferralOut
    pagination_class = PageNumbers.for_list("/api/v1/referrals/")
    filterset_class = ReferralFilter

    def get_queryset(self):
        return (
            access.referrals_visible_to(self.request.user)
            .select_related("order", "by_decision__referral")
            .prefetch_related("events__actor_unit", "disputes__leads_by_decision")
            .order_by("-created_at", "-id")
        )


class TaskOut(serializers.Serializer):
    title = serializers.CharField(help_text="任务 / task")
    owner_unit = serializers.CharField(help_text="承办单位代码 / owner unit")
    due_on = serializers.DateField(help_text="完成期限 / due on")
    done_at = serializers.DateTimeField(allow_null=True, help_text="完成时间 / done at")


class FindingOut(serializers.Serializer):
    unit = serializers.CharField(help_text="单位代码 / unit")
    text = serializers.CharField(help_text="调查情况 / finding")
    time = serializers.DateTimeField(help_text="时间 / time")


class TeamOut(serializers.Serializer):
    lead_unit = serializers.CharField(help_text="牵头单位代码 / lead unit")
    member_units = serializers.ListField(
        child=serializers.CharField(), help_text="成员单位代码 / member units"
    )
    members = serializers.ListField(
        child=serializers.CharField(), help_text="成员（姓名，单位代码） / members (name, unit)"
    )
    tasks = TaskOut(many=True, help_text="调查任务 / tasks")
    findings = FindingOut(many=True, help_text="调查情况 / findings")
    open_question = serializers.CharField(
        allow_blank=True, help_text="提请联席会议的问题 / question for the joint meeting"
    )
    concluded_at = serializers.DateTimeField(allow_null=True, help_text="结论时间 / concluded")
    violation_finding = serializers.CharField(allow_blank=True, help_text="违法事实 / finding")
    law_applied = serializers.CharField(allow_blank=True, help_text="适用法律 / law applied")
    procedure = serializers.CharField(allow_blank=True, help_text="程序 / procedure")
    penalty = serializers.CharField(allow_blank=True, help_text="处罚 / penalty")
    transfer_to = serializers.CharField(allow_blank=True, help_text="移送机关 / transferred to")
    criminal_handover = serializers.CharField(
        allow_null=True, help_text="行刑衔接移送线索编号 / hand-over lead number"
    )


class DisputeEventOut(serializers.Serializer):
    time = serializers.DateTimeField(help_text="时间 / time")
    type = serializers.ChoiceField(choices=DisputeAction.choices, help_text="步骤 / step")
    unit = serializers.CharField(allow_null=True, help_text="操作单位代码 / acting unit")
    note = serializers.CharField(allow_blank=True, help_text="说明 / note")


@extend_schema_field({"type": "string", "nullable": True, "example": "education"})
class ProposedUnitField(serializers.CharField):
    """A unit's code, with an example in the schema (a plain field has none)."""


@extend_schema_field(
    {"type": "array", "items": {"type": "string"}, "example": ["commerce", "market-regulation"]}
)
class ProposedCoUnitsField(serializers.ListField):
    """Units' codes, with an example in the schema (a plain field has none)."""


class DisputeOut(serializers.Serializer):
    id = serializers.IntegerField(help_text="编号 / id")
    number = serializers.CharField(help_text="争议编号 / number, e.g. ZY-2026-000003")
    source = serializers.ChoiceField(choices=DisputeSource.choices, help_text="来源 / source")
    status = serializers.ChoiceField(choices=DisputeStatus.choices, help_text="状态 / status")
    order = serializers.CharField(allow_null=True, help_text="工单编号 / work order")
    referral = serializers.CharField(allow_null=True, help_text="线索编号 / referred lead")
    sent_on = serializers.CharField(
        allow_null=True,
        help_text="组长指定责任单位或成立联合调查组后，无工单的被拒收或被撤回争议线索另行移送给该单位"
        "（或调查组牵头单位）的新线索编号，否则为空 / for a dispute about a rejected lead "
        "without a work order, or an open one withdrawn by the decision, the number of the new "
        "lead the group leader's decision sent to the unit designated (or the joint team's "
        "lead unit); null otherwise",
    )
    units = serializers.ListField(child=serializers.CharField(), help_text="争议单位 / units")
    summary = serializers.CharField(help_text="争议内容 / what is disputed")
    suggested_unit = serializers.CharField(
        allow_null=True,
        help_text="提出争议方建议的承办单位代码，未建议为 null / the member unit the opener "
        "suggested should take the case; null if none",
    )
    decision_due_at = serializers.DateTimeField(help_text="组长决定期限 / decide by")
    proposal = serializers.CharField(allow_blank=True, help_text="协调办意见 / proposal")
    proposed_unit = ProposedUnitField(
        allow_null=True,
        help_text="协调办建议组长指定的承办单位代码，未建议或建议成立联合调查组时为 null / the "
        "code of the unit the office proposes the group leader designate; null if it has "
        "proposed none, or a joint team",
    )
    proposed_co_units = ProposedCoUnitsField(
        child=serializers.CharField(),
        help_text="协调办建议与该单位协办工单的单位代码（组长的指定表单以此为初始值），未建议为空"
        "列表 / the codes of the units the office proposes should co-handle the work order "
        "with that unit (the leader's designation form starts from them); empty if none",
    )
    decided_by = serializers.CharField(allow_null=True, help_text="决定人 / decided by")
    decided_at = serializers.DateTimeField(allow_null=True, help_text="决定时间 / decided at")
    designated_unit = serializers.CharField(allow_null=True, help_text="指定单位 / designated")
    decision_note = serializers.CharField(allow_blank=True, help_text="决定理由 / reasons")
    team = TeamOut(allow_null=True, help_text="联合调查组 / joint team")
    events = DisputeEventOut(many=True, help_text="流转记录 / history")

    def to_representation(self, dispute: Dispute) -> dict:
        def when(value):
            return timezone.localtime(value).isoformat() if value else None

        team = getattr(dispute, "team", None)
        sent_on = sorted(dispute.leads_by_decision.all(), key=lambda lead: lead.id)
        return {
            "id": dispute.id,
            "number": dispute.number,
            "source": dispute.source,
            "status": dispute.status,
            "order": dispute.order.number if dispute.order else None,
            "referral": dispute.referral.number if dispute.referral else None,
            "sent_on": sent_on[-1].number if sent_on else None,
            "units": sorted(u.code for u in dispute.units.all()),
            "summary": dispute.summary,
            "suggested_unit": dispute.suggested_unit.code if dispute.suggested_unit else None,
            "decision_due_at": when(dispute.decision_due_at),
            "proposal": dispute.proposal,
            "proposed_unit": dispute.proposed_unit.code if dispute.proposed_unit else None,
            "proposed_co_units": sorted(u.code for u in dispute.proposed_co_units.all()),
            "decided_by": dispute.decided_by.display_name if dispute.decided_by else None,
            "decided_at": when(dispute.decided_at),
            "designated_unit": dispute.designated_unit.code if dispute.designated_unit else None,
            "decision_note": dispute.decision_note,
            "team": None
            if team is None
            else {
                "lead_unit": team.lead_unit.code,
                "member_units": sorted(u.code for u in team.member_units.all()),
                "members": [f"{m.display_name} ({m.unit.code})" for m in team.members.all()],
                "tasks": [
                    {
                        "title": t.title,
                        "owner_unit": t.owner_unit.code,
                        "due_on": t.due_on.isoformat(),
                        "done_at": when(t.done_at),
                    }
                    for t in team.tasks.all()
                ],
                "findings": [
                    {"unit": f.unit.code, "text": f.text, "time": when(f.created_at)}
                    for f in team.findings.all()
                ],
                "open_question": team.open_question,
                "concluded_at": when(team.concluded_at),
                "violation_finding": team.violation_finding,
                "law_applied": team.law_applied,
                "procedure": team.procedure,
                "penalty": team.penalty,
                "transfer_to": team.transfer_to,
                "criminal_handover": team.handover_referral.number
                if team.handover_referral
                else None,
            },
            "events": [
                {
                    "time": when(e.created_at),
                    "type": e.action,
                    "unit": e.actor_unit.code if e.actor_unit else None,
                    "note": e.note,
                }
                for e in dispute.events.all()
            ],
        }


class DisputeFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(
        choices=DisputeStatus.choices, help_text="按状态筛选 / only this status"
    )

    class Meta:
        model = Dispute
        fields: list[str] = []


@extend_schema_view(
    list=extend_schema(
        summary="管辖争议列表 / jurisdiction disputes, with their joint teams",
        responses={
            200: OpenApiResponse(
                DisputeOut(many=True), description="一页争议 / a page of disputes"
            ),
            **error_responses(400, 403, signed_in=True),
        },
        tags=["disputes"],
    ),
    retrieve=extend_schema(
        summary="管辖争议详情 / one dispute",
        parameters=[RECORD_ID],
        responses={
            200: OpenApiResponse(DisputeOut, description="争议 / the dispute"),
            **error_responses(403, 404, signed_in=True),
        },
        tags=["disputes"],
    ),
)
class DisputeViewSet(PortalReadOnlyViewSet):
    serializer_class = DisputeOut
    pagination_class = PageNumbers.for_list("/api/v1/disputes/")
    filterset_class = DisputeFilter

    def get_queryset(self):
        return (
            access.disputes_visible_to(self.request.user)
            .select_related(
                "decided_by",
                "suggested_unit",
                "proposed_unit",
                "team__lead_unit",
                "team__handover_referral",
            )
            .prefetch_related(
                "units",
                "proposed_co_units",
                "leads_by_decision",
                "events__actor_unit",
                "team__member_units",
                "team__members__unit",
                "team__tasks__owner_unit",
                "team__findings__unit",
            )
            .order_by("-opened_at", "-id")
        )
