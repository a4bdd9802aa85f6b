"""The hotline API, version 1: thin views over `services.hotline_intake`, `workflow` and the
routing engine. Errors are shaped by `wuqing_consumer.api.exception_handler`."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import NoReturn

import django_filters
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import F, Prefetch, prefetch_related_objects
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import (
    OpenApiCallback,
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
)
from rest_framework import exceptions, mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from wuqing_consumer.api import (
    error_responses,
    flatten_field_errors,
    refuse_odd_list_parameters,
)
from wuqing_consumer.texts import sentences

from .. import selectors, services, workflow
from ..choices import Status
from ..models import WorkOrder, WorkOrderEvent
from .auth import ApiKeyAuthentication, ClientRateThrottle, IsApiClient
from .pagination import RegistrationOrderPagination
from .serializers import (
    EXAMPLE_HOTLINE_ID,
    NOT_PLAIN_HOTLINE_ID,
    SERVICE_TO_API_FIELD,
    CallbackOut,
    HotlineOrderDetailOut,
    HotlineOrderIn,
    HotlineOrderOut,
    RoutingPreviewIn,
    RoutingPreviewOut,
    SatisfactionIn,
    api_field_errors,
    canonical_text,
    order_answer,
    plain_order,
)


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"

    def __init__(self, detail=None, code=None, fields: dict[str, list[str]] | None = None):
        super().__init__(detail, code)
        self.fields = fields or {}  # the error's `fields`, as for a 400


UNENCODED_PLUS = re.compile(r"(\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?) (\d{2}(?::?\d{2})?)$")
"""A time whose "+08:00" came as " 08:00": a "+" not written %2B is a space in a query."""


HOTLINE_ID = OpenApiParameter(
    "hotline_id",
    str,
    OpenApiParameter.PATH,
    description="推送时的 hotline_id，按推送时的写法（“/”以外的字符照常 URL 编码）/ the "
    "hotline_id the order was pushed with (URL-encode characters as usual; it has no “/”)",
    examples=[
        OpenApiExample("推送示例中的工单 / the order of the push example", EXAMPLE_HOTLINE_ID)
    ],
)


class PlusTolerantDateTimeField(django_filters.fields.IsoDateTimeField):
    default_error_messages = {
        "invalid": gettext_lazy(
            "Give a date and time in ISO 8601, such as 2026-11-29T15:04:05+08:00 (without an "
            "offset it is Beijing time)."
        )
    }

    def to_python(self, value):
        if isinstance(value, str):
            value = UNENCODED_PLUS.sub(r"\1+\2", value.strip())
        return super().to_python(value)


class PlusTolerantDateTimeFilter(django_filters.IsoDateTimeFilter):
    field_class = PlusTolerantDateTimeField


class StatusesField(django_filters.fields.MultipleChoiceField):
    FOLDED = {status.casefold(): status for status in Status.values}

    def to_python(self, value):
        """In any case, with spaces around or not, as `kind` and `rating` are taken."""
        return [self.FOLDED.get(item.strip().casefold(), item) for item in super().to_python(value)]

    def validate(self, value):
        for item in value:
            if not self.valid_value(item):
                raise DjangoValidationError(
                    _(
                        "“%(value)s” is not a status. Give one of: %(statuses)s; for "
                        "several, repeat the parameter (status=assigned&status=in_progress)."
                    ),
                    code="invalid_choice",
                    params={"value": item, "statuses": ", ".join(Status.values)},
                )
        super().validate(value)


class StatusesFilter(django_filters.MultipleChoiceFilter):
    """Several statuses as the parameter repeated, as OpenAPI's form style with explode
    describes it; one query with IN, not one OR per status."""

    field_class = StatusesField

    def filter(self, qs, value):
        return qs.filter(status__in=value) if value else qs


class HotlineOrderFilter(django_filters.FilterSet):
    status = StatusesFilter(
        choices=Status.choices,
        help_text="按状态筛选，大小写不限；要几种状态就重复几次参数，如 "
        "status=assigned&status=in_progress / only these statuses, in any case; for several, "
        "repeat the parameter, as in status=assigned&status=in_progress",
    )
    updated_since = PlusTolerantDateTimeFilter(
        field_name="updated_at",
        method="changed_since",
        help_text="此时间之后有变化的工单，ISO 8601；不带时区时按北京时间，“+”应写作 %2B（未编码"
        "的也能识别） / changed at or after this time, ISO 8601; without an offset it is "
        "Beijing time; write “+” as %2B (an unencoded one is understood too)",
    )

    def changed_since(self, queryset, name, value):
        # In UTC before it reaches the database: PostgreSQL refuses offsets beyond ±15:59,
        # which ISO 8601 (and Python) allow.
        try:
            value = value.astimezone(UTC)
        except (OverflowError, ValueError):
            return queryset.none() if value.year > 1 else queryset
        return queryset.filter(updated_at__gte=value)

    class Meta:
        model = WorkOrder
        fields: list[str] = []


def _with_intake_checks(errors: dict, data: object) -> dict:
    """The serializer's refusal and what intake would refuse besides (phone, ID number,
    credit code, town, a time received in the future or before 2000), which it checks only
    once the serializer took the body: a hotline was told of those only when it sent the
    order again."""
    if not isinstance(data, dict):
        return errors

    def text(value: object) -> str:
        return value if isinstance(value, str) else ""

    def part(name: str) -> dict:
        value = data.get(name)
        return value if isinstance(value, dict) else {}

    citizen, business = part("citizen"), part("business")
    found = services.intake_format_errors(
        citizen_phone=text(citizen.get("phone")),
        citizen_id_number=text(citizen.get("id_number")),
        business_credit_code=text(business.get("credit_code")),
        town=text(data.get("town")),
        received_at=None if "received_at" in errors else _received_at(data),
    )
    if found is None:
        return errors
    merged = dict(errors)
    for name, messages in api_field_errors(found).items():
        outer, _dot, inner = name.partition(".")
        told = errors.get(outer)
        if told is None:
            merged[name] = messages
        elif inner and isinstance(told, dict) and inner not in told:
            merged[outer] = {**told, inner: messages}
    return merged


def _received_at(data: dict) -> datetime | None:
    """The time received as the serializer reads it, for intake's check of its range; None
    when there is none to check."""
    value = data.get("received_at")
    if value is None:
        return None
    try:
        return HotlineOrderIn().fields["received_at"].run_validation(value)
    except exceptions.ValidationError:
        return None


def as_stored(hotline_id: str) -> str:
    """A hotline_id as intake stores it (trimmed, in one spelling), to look an order up by."""
    return canonical_text(hotline_id.strip())


LIST_FILTERS = ("status", "updated_since", "page", "cursor")
"""What the order list takes: its filters and its two ways to page (and DRF's `format`)."""


class HotlineOrderViewSet(
    mixins.CreateModelMixin,
    mixins.RetrieveModelMixin,
    mixins.ListModelMixin,
    viewsets.GenericViewSet,
):
    """Work orders pushed by the hotline. A client sees only the orders it submitted."""

    authentication_classes = [ApiKeyAuthentication]  # no session: the schema says so too
    permission_classes = [IsApiClient]
    throttle_classes = [ClientRateThrottle]
    lookup_field = "hotline_id"
    lookup_value_regex = r"[^/]+"
    filterset_class = HotlineOrderFilter
    pagination_class = RegistrationOrderPagination
    serializer_class = HotlineOrderOut

    def get_queryset(self):
        orders = (
            WorkOrder.objects.filter(source_client=self.request.auth)
            .select_related("primary_unit")
            .annotate(merged_into_number=F("merged_into__number"))
            .prefetch_related(Prefetch("unit_links", queryset=selectors.unit_links_in_order()))
        )
        if self.action == "retrieve":
            orders = orders.prefetch_related(
                Prefetch("events", queryset=WorkOrderEvent.objects.select_related("unit"))
            )
        # In the order of registration, which a change does not move: paging through a poll
        # by update time, an order changed meanwhile would jump to the end and push the next
        # one back onto a page already read, never to be seen. The pagination goes on from
        # the last order shown, for the same reason.
        return orders.order_by("id")

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if "hotline_id" in self.kwargs:  # as intake stored it: trimmed, in one spelling
            self.kwargs["hotline_id"] = as_stored(self.kwargs["hotline_id"])
            # Intake refuses such an id, so no order has it; PostgreSQL cannot even be asked
            # about one with a NUL, and the call-back's lookup answered 500.
            if NOT_PLAIN_HOTLINE_ID.search(self.kwargs["hotline_id"]):
                self.kwargs["hotline_id"] = NOT_PLAIN_HOTLINE_ID.sub(
                    "\ufffd", self.kwargs["hotline_id"]
                )
                raise self.not_found()

    def filter_queryset(self, queryset):
        """The list's filters, for the list only: on one order's address they applied too,
        and an order that exists was said never to have been pushed."""
        return super().filter_queryset(queryset) if self.action == "list" else queryset

    def get_serializer_class(self):
        return HotlineOrderDetailOut if self.action == "retrieve" else HotlineOrderOut

    def not_found(self) -> exceptions.NotFound:
        """A test key against production (or the other way round) is the usual cause."""
        return exceptions.NotFound(
            _(
                "No order with hotline_id “%(id)s” was pushed by the client this API key "
                "belongs to: a client sees only the orders it pushed itself, with this key or "
                "an earlier one."
            )
            % {"id": self.kwargs["hotline_id"]}
        )

    def get_object(self):
        try:
            return super().get_object()
        except Http404:
            raise self.not_found() from None

    @extend_schema(
        summary="推送工单 / push a work order",
        description=(
            "幂等：同一 hotline_id 与相同内容重复推送返回 200 和同一工单；内容不同返回 409，"
            "error.fields 列出不同的字段。\n\n"
            "Idempotent: the same hotline_id with the same body answers 200 with the same "
            "order; with a different body, 409, its error.fields naming the fields that differ."
        ),
        request=HotlineOrderIn,
        callbacks=[
            OpenApiCallback(
                name="status_changed",
                path="https://hotline.example/wuqing-callback",  # the client's own URL
                decorator=extend_schema(
                    summary="状态变化回调 / status change callback",
                    description=(
                        "每次状态变化（及主办单位变更）POST 到客户端的回调地址；头部 "
                        "X-Wuqing-Timestamp（Unix 秒）、X-Wuqing-Signature（HMAC-SHA256）、"
                        "X-Wuqing-Event-Id。"
                        "签名为 sha256=<用签名密钥对“timestamp.body”（时间戳、英文句点、原始"
                        "请求体字节）计算的 HMAC-SHA256 十六进制值>；时间戳与当前相差超过 300 "
                        "秒的应拒收。同一 event_id 在每次重试和重发时不变：已处理过的回 2xx "
                        "且不再处理。更换签名密钥后的过渡期内（默认 24 小时，"
                        "协调办告知截止时间），另有 X-Wuqing-Signature-Previous：格式相同，"
                        "用旧密钥签名；接收方用自己持有的密钥核对这两个头部，任一相符即接受，"
                        "可在过渡期内任何时候换用新密钥。10 秒内回 2xx，否则重试，至少 24 小时；"
                        "不跟随重定向。"
                        "\n\nPosted to the client's callback URL on every status change (and "
                        "new primary unit), with X-Wuqing-Timestamp (Unix seconds), "
                        "X-Wuqing-Signature and X-Wuqing-Event-Id. The signature is "
                        "sha256=<hex HMAC-SHA256, with your signing secret, of timestamp.body: "
                        "the timestamp, a full stop and the raw body's bytes>; refuse a "
                        "timestamp more than 300 s from now. event_id stays the same on every "
                        "retry and replay: one you have handled, answer 2xx and do nothing. "
                        "For a grace period after the "
                        "signing secret is rotated (24 hours by default; the office tells you "
                        "until when), X-Wuqing-Signature-Previous also carries the signature, "
                        "in the same format, made with the previous secret: a receiver checks "
                        "both headers with the secret it holds and accepts the callback if "
                        "either matches, so it can switch to the new secret at any time within "
                        "the grace period. Answer 2xx within 10 s, or it is retried for at "
                        "least 24 hours; redirects are not followed."
                    ),
                    request=CallbackOut,
                    responses={200: OpenApiResponse(description="已收到 / received (any 2xx)")},
                ),
            )
        ],
        responses={
            201: OpenApiResponse(
                HotlineOrderOut, description="已登记的新工单 / a new order, registered"
            ),
            200: OpenApiResponse(
                HotlineOrderOut,
                description=(
                    "相同内容的重发：返回已有工单，不新建 / a retry with the same body: the "
                    "order already registered, nothing new"
                ),
            ),
            **error_responses(400, 401, 403, 409, 411, 413, 415, 429),
        },
    )
    def create(self, request, *args, **kwargs):
        plain = plain_order(request.data)
        if plain is None:
            payload = HotlineOrderIn(data=request.data)
            if not payload.is_valid():
                self._refuse(request.data, _with_intake_checks(payload.errors, request.data))
            plain = payload.validated_data["hotline_id"], payload.service_fields()
        hotline_id, fields = plain
        try:
            order, created = services.hotline_intake(
                client=request.auth, hotline_id=hotline_id, fields=fields
            )
        except services.HotlineIdConflict as conflict:
            message = _(
                "hotline_id “%(id)s” was already used for a different order. Send a new "
                "hotline_id for a new order; an identical retry is answered with the "
                "existing order."
            ) % {"id": hotline_id}
            names = [SERVICE_TO_API_FIELD.get(f, f) for f in conflict.fields]
            if names:
                message = sentences(
                    message, _("Differs in: %(fields)s.") % {"fields": ", ".join(names)}
                )
            differs = _("Differs from the order first pushed with this hotline_id.")
            raise Conflict(message, fields={name: [differs] for name in names}) from None
        except DjangoValidationError as error:
            self._refuse(request.data, api_field_errors(error))
        if not created:  # a new order comes back with the links it was written with
            prefetch_related_objects(
                [order],
                Prefetch("unit_links", queryset=selectors.unit_links_in_order()),
            )
        return Response(
            order_answer(order),
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )

    def _refuse(self, data: object, errors: dict) -> NoReturn:
        """A refused body: a 409 if its hotline_id is already used, else a 400. Intake's own
        checks (a phone, a town, a time received) refuse after the serializer's, and a used
        hotline_id refused by those was a 400."""
        if used := self._used_hotline_id(data, errors):
            hotline_id, number = used
            message = _(
                "hotline_id “%(id)s” was already used for order %(number)s, and this "
                "body is refused (its fields say why), so it is neither a new order "
                "nor a retry of that one."
            ) % {"id": hotline_id, "number": number}
            raise Conflict(message, fields=flatten_field_errors(errors))
        raise exceptions.ValidationError(errors)

    def _used_hotline_id(self, data: object, errors: dict) -> tuple[str, str] | None:
        """A refused body's hotline_id, and the number of this client's order that has it:
        the contract answers a used hotline_id with a 409, and a 400 about a field sent a
        client that branches on 409 the wrong way. Not "a different order": an identical
        retry may be refused now that an order's checks are stricter than when it came."""
        sent = data.get("hotline_id") if isinstance(data, dict) else None
        if not isinstance(sent, str) or "hotline_id" in errors:
            return None
        hotline_id = as_stored(sent)
        number = self._pushed_number(hotline_id)
        return None if number is None else (hotline_id, number)

    def _pushed_number(self, hotline_id: str) -> str | None:
        """The number of this client's order with that hotline_id (as stored), if any: for
        the refusals that name the order or its absence before the body's faults."""
        return (
            WorkOrder.objects.filter(source_client=self.request.auth, hotline_id=hotline_id)
            .values_list("number", flat=True)
            .first()
        )

    @extend_schema(
        summary="查询工单 / one work order with its history",
        description=("只能查询本客户端推送的工单 / a client sees only the orders it submitted"),
        parameters=[HOTLINE_ID],
        responses={
            200: OpenApiResponse(
                HotlineOrderDetailOut, description="工单及其流转记录 / the order with its history"
            ),
            **error_responses(401, 403, 404, 429),
        },
    )
    def retrieve(self, request, *args, **kwargs):
        return super().retrieve(request, *args, **kwargs)

    @extend_schema(
        summary="工单列表 / work orders, filtered and paginated",
        description=(
            "按登记顺序排列。跟踪变化：以上次轮询开始前一分钟为 updated_since，沿 next "
            "翻到最后一页；翻页期间有变化的工单可能再次出现，但不会被跳过。next 从本页最后"
            "一张工单之后接着列，按状态筛选时也是如此。\n\n"
            "In the order of registration. To follow changes, poll with updated_since one "
            "minute before your previous poll began and follow next to the last page: an "
            "order that changes while you page through may come twice, but is never skipped. "
            "next goes on after the last order of its page, with a status filter too."
        ),
        responses={
            200: OpenApiResponse(
                HotlineOrderOut(many=True),
                description="一页工单，最多 50 张 / a page of orders, at most 50",
            ),
            **error_responses(400, 401, 403, 429),
        },
    )
    def list(self, request, *args, **kwargs):
        refuse_odd_list_parameters(
            request.query_params, takes=LIST_FILTERS, once=("updated_since", "page", "cursor")
        )
        return super().list(request, *args, **kwargs)

    @extend_schema(
        summary="满意度回访 / satisfaction call-back",
        description=(
            "仅限已办结（resolved）或办结后已结案（closed）的工单，否则 409；不满意将工单退回原"
            "单位重办（in_progress）。"
            "重发同一回访返回 200 和工单现状，不重复记录：带 callback_id 时按回访编号识别（同一编号"
            "而评价或意见不同返回 409），否则按评价与意见相同且其后未再办结识别。\n\n"
            "Only on an order that is resolved, or closed after it was resolved, else 409; "
            "dissatisfied reopens it for the same unit. "
            "The same call-back again answers 200 with the order as it stands and is not "
            "recorded twice: with a callback_id it is recognised by that id, however late "
            "(the same id with another rating or comment is a 409); without one, by the same "
            "rating and comment with no new resolution since."
        ),
        request=SatisfactionIn,
        parameters=[HOTLINE_ID],
        responses={
            200: OpenApiResponse(
                HotlineOrderOut,
                description="回访已记录，或是同一回访的重发：工单现状 / the call-back recorded, "
                "or a retry of one: the order as it stands",
            ),
            **error_responses(400, 401, 403, 404, 409, 411, 413, 415, 429),
        },
    )
    @action(detail=True, methods=["post"])
    def satisfaction(self, request, hotline_id=None):
        payload = SatisfactionIn(data=request.data)
        if not payload.is_valid():
            if self._pushed_number(hotline_id) is None:
                raise self.not_found()  # the address is wrong before the body is
            raise exceptions.ValidationError(payload.errors)
        try:
            order = workflow.workorder_client_satisfaction(
                client=request.auth,
                hotline_id=hotline_id,
                rating=payload.validated_data["rating"],
                comment=payload.validated_data.get("comment") or "",
                callback_id=payload.validated_data.get("callback_id") or "",
            )
        except workflow.WorkflowError as error:
            raise Conflict(error.message) from None
        except Http404:
            raise self.not_found() from None
        return Response(HotlineOrderOut(self.get_queryset().get(pk=order.pk)).data)


class RoutingPreviewView(APIView):
    """Where an order would go, without creating anything."""

    permission_classes = [IsAuthenticated]
    throttle_classes = [ClientRateThrottle]

    @extend_schema(
        summary="派单预判 / routing preview",
        description="工单会派往哪里，不创建任何内容 / where an order would go, creating nothing",
        request=RoutingPreviewIn,
        responses={
            200: OpenApiResponse(
                RoutingPreviewOut, description="派单规则的判断 / what the routing rules decide"
            ),
            **error_responses(400, 401, 403, 411, 413, 415, 429),
        },
    )
    def post(self, request):
        payload = RoutingPreviewIn(data=request.data)
        payload.is_valid(raise_exception=True)
        decision = services.preview_routing(
            payload.validated_data["content"], payload.validated_data.get("category") or ""
        )
        return Response(decision.as_dict())
