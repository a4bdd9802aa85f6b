"""A few sample orders in different states, so a fresh `make run` has something to show."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from departments.models import User

from . import services, stats, workflow
from .choices import Action
from .models import WorkOrder, WorkOrderEvent

SAMPLES = (
    {
        "kind": "complaint",
        "channel": "12345",
        "external_ref": "TJ12345-2026-0001",
        "title": "小区物业电梯长期故障",
        "content": "我住在杨村街道某小区，物业公司对电梯故障一个多月不维修，老人上下楼困难，"
        "多次找物业无果，请求主管部门督促物业尽快维修。",
        "category": "物业管理",
        "business_name": "天津某物业服务有限公司",
        "citizen_name": "王先生",
        "citizen_phone": "13812345678",
        "town_code": "yangcun-street",
    },
    {
        "kind": "complaint",
        "channel": "phone",
        "title": "健身房预付卡关门跑路",
        "content": "我在某健身房办了会员卡充值5000元，现在门店突然关门，老板联系不上，要求退款。",
        "business_name": "某某健身会所",
        "amount": "5000",
        "citizen_name": "刘女士",
        "citizen_phone": "13900001111",
    },
    {
        "kind": "report",
        "channel": "12315",
        "title": "超市销售过期食品",
        "content": "举报某超市货架上有过期的牛奶和面包在售。",
        "business_name": "某某便民超市",
        "anonymous": True,
    },
    {
        "kind": "inquiry",
        "channel": "walk_in",
        "title": "咨询退换货规定",
        "content": "网上买的衣服七天内可以无理由退货吗？",
        "citizen_name": "陈同学",
        "citizen_phone": "15022223333",
    },
    {
        "kind": "complaint",
        "channel": "12345",
        "title": "反映情况",
        "content": "我想反映一个情况，上次打过电话了，到现在也没人管，你们到底管不管。",
        "citizen_name": "赵先生",
        "citizen_phone": "13711112222",
    },
)


@transaction.atomic
def load_demo_orders() -> int:
    """Only into an empty table: the demo never touches real orders."""
    if WorkOrder.objects.exists():
        return 0
    office = User.objects.filter(username="office").first()
    housing = User.objects.filter(username="housing_staff").first()
    if office is None:
        return 0
    now = timezone.now()
    orders = []
    for index, sample in enumerate(SAMPLES):
        data = dict(sample)
        town_code = data.pop("town_code", "")
        orders.append(
            services.workorder_intake(
                acting_user=office,
                received_at=now - timedelta(days=len(SAMPLES) - index, hours=3),
                town_code=town_code,
                **data,
            )
        )
    if housing is not None and orders[0].primary_unit_id == housing.unit_id:
        workflow.workorder_sign(order_id=orders[0].id, acting_user=housing)
    for order in orders:
        _date_history_from_receipt(order.id)
    return len(orders)


STEP = timedelta(minutes=20)
"""Between two steps of a sample order's history: registered when received, dispatched and
signed for in the hour that follows."""

_STEP_TIMES = {Action.DISPATCH: "dispatched_at", Action.SIGN: "signed_at"}


def _date_history_from_receipt(order_id: int) -> None:
    """Intake and the workflow date what they write now; a sample received days ago would
    read "received 5 days ago, registered and dispatched today". Its history is dated from
    its receipt instead, one `STEP` apart, with the times the order keeps of those steps
    and the deadlines that count from them. Only the demo rewrites a history: its orders
    are made up, and loaded into an empty table."""
    order = WorkOrder.objects.select_for_update(no_key=True).get(id=order_id)
    fields = ["created_at"]
    order.created_at = order.received_at
    for index, event in enumerate(order.events.order_by("id")):
        moment = order.received_at + index * STEP
        WorkOrderEvent.objects.filter(id=event.id).update(created_at=moment)
        if field := _STEP_TIMES.get(event.action):
            setattr(order, field, moment)
            fields.append(field)
    workflow.refresh_deadlines(order)
    order.save(update_fields=[*fields, *workflow.DEADLINE_FIELDS])
    stats.mark_changed(order)  # its figures (signed in time...) are counted again
