"""Read-only JSON for referred leads (version 1), for staff tools signed in to the portal:
the same scoping as the screens (`departments.access`), no writes."""

from __future__ import annotations

import django_filters
from django.utils import timezone
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, viewsets
from rest_framework.authentication import SessionAuthentication
from rest_framework.permissions import BasePermission

from departments import access
from departments.models import User

from ..choices import ReferralAction, ReferralStatus
from ..models import Referral
from .views import _errors


class IsPortalUser(BasePermission):
    message = "仅限已登录的平台用户 / for people signed in to the portal"

    def has_permission(self, request, view):
        return isinstance(request.user, User) and request.user.is_authenticated


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
    status = serializers.ChoiceField(choices=ReferralStatus.choices, help_text="状态 / status")
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
    events = ReferralEventOut(many=True, help_text="流转记录 / history")

    def to_representation(self, referral: Referral) -> dict:
        def when(value):
            return timezone.localtime(value).isoformat() if value else None

        def unit(u):
            return {"code": u.code, "name": u.name}

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
        description="本单位移送或接收的线索（办公室可见全部） / leads your unit sent or "
        "received (the office sees all)",
        responses={200: ReferralOut(many=True), **_errors(400, 401, 403)},
        tags=["referrals"],
    ),
    retrieve=extend_schema(
        summary="移送线索详情 / one referred lead",
        responses={200: ReferralOut, **_errors(401, 403, 404)},
        tags=["referrals"],
    ),
)
class ReferralViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = ReferralOut
    lookup_value_regex = r"[^/]+"  # any id reaches the view, which answers a JSON 404
    authentication_classes = [SessionAuthentication]
    permission_classes = [IsPortalUser]
    filterset_class = ReferralFilter

    def get_queryset(self):
        return (
            access.referrals_visible_to(self.request.user)
            .select_related("order")
            .prefetch_related("events__actor_unit")
            .order_by("-created_at", "-id")
        )
