"""A few sample orders in different states, so a fresh `make run` has something to show."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from departments.demo import demo_users
from departments.models import Notification, User
from wuqing_consumer.language import message_of

from . import callbacks, clients, disputes, referrals, services, stats, workflow
from .choices import Action
from .models import ApiClient, CallbackEvent, Dispute, WorkOrder, WorkOrderEvent
from .reference import reference

SAMPLES = (
    {
        "kind": "complaint",
        "hotline_id": "TJ12345-2026-0001",  # pushed by the demo's hotline client
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
    hotline = demo_hotline_client()
    orders = []
    for sample, received_at in zip(SAMPLES, _received_times(), strict=True):
        data = dict(sample)
        town_code = data.pop("town_code", "")
        if hotline_id := data.pop("hotline_id", ""):
            fields = {**data, "received_at": received_at, "town_code": town_code}
            order, _created = services.hotline_intake(
                client=hotline, hotline_id=hotline_id, fields=fields
            )
            orders.append(order)
            continue
        orders.append(
            services.workorder_intake(
                acting_user=office, received_at=received_at, town_code=town_code, **data
            )
        )
    if housing is not None and orders[0].primary_unit_id == housing.unit_id:
        workflow.workorder_sign(order_id=orders[0].id, acting_user=housing)
    for order in orders:
        date_history_from_receipt(order.id)
    return len(orders)


DEMO_HOTLINE_CLIENT = "天津12345（演示）"
DEMO_API_KEY = "wq_demo2026_try-the-hotline-api-on-the-demo-only"
"""Known, as the demo accounts' password is: the hotline's developers try the API on a
`make run` with it. `load_demo` refuses to run with DEBUG off unless told to."""
DEMO_CALLBACK_URL = "http://127.0.0.1:9/wuqing-callback"
"""Nobody listens there: the demo's callbacks fail and are retried, so the admin's Callbacks
page shows the office what a failing delivery looks like, and a replay can be tried. Set a
receiver's URL on the client in the admin to receive them."""


def demo_hotline_client() -> ApiClient:
    """The demo's hotline client, made once: its key is the known DEMO_API_KEY."""
    found = ApiClient.objects.filter(name=DEMO_HOTLINE_CLIENT).first()
    if found is not None:
        return found
    client, _key, _secret = clients.api_client_create(
        name=DEMO_HOTLINE_CLIENT, callback_url=DEMO_CALLBACK_URL, command="manage.py load_demo"
    )
    client.key_prefix = DEMO_API_KEY.split("_")[1]
    client.key_hash = clients._hash(DEMO_API_KEY)
    client.save(update_fields=["key_prefix", "key_hash"])
    return client


WORKING_DAYS_AGO = (3, 3, 1, 1, 1)
"""When each sample was received, in working days before the day the demo is loaded (the
office's holiday table and the Chinese calendar decide which days work), at its own hour.
The second is meant to be late: dispatched three working days ago, its unit has let its
one-working-day sign-for time pass. The others are within every time, on any day: one
received on the last working day has until the end of the next one to be signed for. In
calendar days, as before, which of them was late depended on the weekday of loading."""


def _received_times() -> list[datetime]:
    calendar = reference().calendar
    today = timezone.localdate()
    times = []
    for index, ago in enumerate(WORKING_DAYS_AGO):
        day = today
        for _step in range(ago):
            day -= timedelta(days=1)
            while not calendar.is_workday(day):
                day -= timedelta(days=1)
        times.append(timezone.make_aware(datetime.combine(day, time(8, 5 + 10 * index))))
    return times


STEP = timedelta(minutes=20)
"""Between two steps of a sample order's history: registered when received, dispatched and
signed for in the hour that follows, and so on."""

_STEP_TIMES = {
    Action.DISPATCH: "dispatched_at",
    Action.SIGN: "signed_at",
    Action.ACCEPT: "accepted_at",
    Action.RESOLVE: "resolved_at",
    Action.CLOSE: "closed_at",
    Action.SATISFACTION: "satisfaction_at",
}


def date_history_from_receipt(order_id: int, step: timedelta = STEP) -> None:
    """Intake and the workflow date what they write now; a sample received days ago would
    read "received 5 days ago, registered and dispatched today", and its deadlines would
    count from today for the steps taken today (sign-for) but from its receipt for the
    others (the acceptance decision): "decision overdue" while its sign-for time still
    runs, or resolved months late. Its history is dated from its receipt instead, one
    `step` apart, with the times the order keeps of those steps and the deadlines that
    count from them. Only the demos rewrite a history: their orders are made up, and
    loaded into an empty table."""
    order = WorkOrder.objects.select_for_update(no_key=True).get(id=order_id)
    fields = ["created_at"]
    order.created_at = order.received_at
    for index, event in enumerate(order.events.order_by("id")):
        moment = order.received_at + index * step
        WorkOrderEvent.objects.filter(id=event.id).update(created_at=moment)
        if field := _STEP_TIMES.get(event.action):
            setattr(order, field, moment)
            fields.append(field)
    workflow.refresh_deadlines(order)
    order.save(update_fields=[*fields, *workflow.DEADLINE_FIELDS])
    _date_new_order_notice(order)
    _date_callbacks(order)
    stats.mark_changed(order)  # its figures (signed in time...) are counted again


def _date_new_order_notice(order: WorkOrder) -> None:
    """The unit was told of the order as it was dispatched, and by when to sign for it
    (`workflow.tell_units_of_new_orders`): told at loading, the notice was dated then and
    counted its sign-for time from then, a day after loading, where the order's page,
    dated from its receipt, reads one weeks gone. It is dated and worded as told at the
    dated dispatch instead. The samples are dispatched once."""
    if order.dispatched_at is None or order.dispatch_count != 1:
        return
    url = reverse("order_detail", args=[order.number])
    message = workflow._new_order_message(order, url, order.dispatched_at, again=False)
    title = message.title[:200]
    for notice in Notification.objects.filter(key=message.key):
        messages = {**notice.messages, "title": message_of(message.title)}
        Notification.objects.filter(id=notice.id).update(
            created_at=order.dispatched_at, title=title, messages=messages
        )


def _date_callbacks(order: WorkOrder) -> None:
    """A callback says when its change happened: as its event is dated, so is it."""
    events = list(order.events.order_by("id"))
    for callback in CallbackEvent.objects.filter(order=order).order_by("id"):
        event = next((e for e in events if e.action == callback.payload.get("event")), None)
        if event is None:
            continue
        events = events[events.index(event) + 1 :]
        callback.payload["occurred_at"] = callbacks.local_iso(event.created_at)
        CallbackEvent.objects.filter(id=callback.id).update(
            payload=callback.payload, created_at=event.created_at, next_attempt_at=event.created_at
        )


TEAM_ORDER = {
    "kind": "complaint",
    "channel": "phone",
    "title": "小区电梯多次困人，物业与维保单位互相推诿",
    "content": "我住的小区3号楼电梯一个月内困人三次，物业说是维保公司的事，"
    "维保公司说物业不付维修费，至今没人彻底检修，请政府部门管一管。",
    "category": "物业管理",
    "business_name": "天津某物业服务有限公司",
    "citizen_name": "孙女士",
    "citizen_phone": "13622224444",
}


@transaction.atomic
def load_demo_team() -> int:
    """A joint investigation team at work, so a fresh `make run` shows one with its people:
    a complaint of a lift that keeps trapping residents, both the property's management
    (housing) and lift safety (market regulation), which the office puts to the group
    leader; he forms a team led by market regulation with housing. Its lead unit's people
    are members from the start, and the lead unit names housing's person to it and sets
    housing a task, as on the dispute's page (`team_add_member`, `team_add_task`). Then
    what is still waiting (`_load_demo_waiting`). Only when there are no disputes yet: the
    demo never touches real ones. Returns the number of orders added."""
    if Dispute.objects.exists():
        return 0
    people = demo_users("office", "leader", "mr_liaison", "housing_staff")
    if people is None:
        return 0
    office, leader, lead_liaison, housing = people
    order = services.workorder_intake(acting_user=office, unit_code="housing", **TEAM_ORDER)
    dispute = disputes.dispute_open(
        acting_user=office,
        order_number=order.number,
        summary="电梯反复困人，既涉及物业管理，也涉及电梯安全监管，区住建委与区市场监管局"
        "对由谁牵头处理意见不一。",
        unit_codes=["housing", "market-regulation"],
    )
    disputes.dispute_propose(
        dispute_id=dispute.id,
        acting_user=office,
        proposal="建议成立联合调查组，由区市场监管局牵头检查电梯安全状况，区住建委督促物业履行维修责任。",
    )
    disputes.dispute_form_team(
        dispute_id=dispute.id,
        acting_user=leader,
        lead_unit_code="market-regulation",
        member_unit_codes=["housing"],
        note="同意协调办意见，成立联合调查组。",
    )
    disputes.team_add_member(dispute_id=dispute.id, acting_user=lead_liaison, person_id=housing.id)
    disputes.team_add_task(
        dispute_id=dispute.id,
        acting_user=lead_liaison,
        title="约谈物业公司，督促落实电梯维修资金",
        owner_unit_code="housing",
        owner_id=housing.id,
        due_on=timezone.localdate() + timedelta(days=7),
    )
    return 1 + _load_demo_waiting(office, lead_liaison)


WAITING_ORDER = {
    "kind": "complaint",
    "channel": "12345",
    "title": "美发店预付卡余额不退，店铺转让后新老板不认账",
    "content": "我在某美发店办了储值卡，还剩1800元，店铺转让给别人后新老板说以前的卡不认，"
    "老板也联系不上，要求退还卡内余额。",
    "category": "预付卡",
    "business_name": "某某美发店",
    "amount": "1800",
    "citizen_name": "周女士",
    "citizen_phone": "13820006666",
}


def _load_demo_waiting(office: User, referring: User) -> int:
    """Something for the group leader to decide and a lead for housing to acknowledge, so
    the leader's home, the dispute list and the housing account each show their work: a
    prepaid-card complaint that commerce (single-purpose prepaid cards) and market
    regulation each see as the other's, on which the office has proposed commerce; and a
    lead that market regulation found while handling its orders and referred to housing."""
    order = services.workorder_intake(acting_user=office, unit_code="commerce", **WAITING_ORDER)
    dispute = disputes.dispute_open(
        acting_user=office,
        order_number=order.number,
        summary="美发店转让后拒退预付卡余额，区商务局与区市场监管局对由谁处理意见不一。",
        unit_codes=["commerce", "market-regulation"],
    )
    disputes.dispute_propose(
        dispute_id=dispute.id,
        acting_user=office,
        proposal="建议指定区商务局主办，区市场监管局协办，依据《单用途商业预付卡管理办法》督促经营者退款。",
        unit_code="commerce",
        co_unit_codes=["market-regulation"],
    )
    referrals.referral_send(
        acting_user=referring,
        to_unit_code="housing",
        title="某小区物业公司擅自提高物业费并停止电梯维保",
        facts="办理电梯困人投诉时发现，该物业公司未经业主大会同意将物业费上调30%，"
        "并以业主欠费为由停止电梯维保合同，涉嫌违反物业服务合同约定。",
        legal_basis="《物业管理条例》第四十条",
    )
    return 1
