"""Two alike orders written at the same moment are paired: neither can see the other while
both are being written, so every order is checked again just after it commits, the later
orders already checked included, one check at a time."""

import threading

import pytest
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from complaints import services, workflow
from complaints.clients import api_client_create
from complaints.models import PossibleDuplicate, WorkOrder
from complaints.services import find_pending_duplicates, hotline_intake, next_number
from tests.factories import make_order

pytestmark = [
    pytest.mark.skipif(
        "postgresql" not in settings.DATABASES["default"]["ENGINE"],
        reason="needs PostgreSQL: two connections writing at once, and its advisory lock",
    ),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PHONE = "13812345678"
WAIT = 30


@pytest.fixture(autouse=True)
def year_sequence(db):
    """The year's first order number creates its sequence, which a second writer would wait
    for: made beforehand, as every order of the year after the first finds it."""
    next_number(timezone.localdate().year)


class Held(threading.Thread):
    """Runs `work` in a transaction of its own connection and keeps that transaction open,
    whatever `work` wrote uncommitted, until `commit` is set."""

    def __init__(self, work):
        super().__init__()
        self.work, self.result, self.error = work, None, None
        self.written, self.commit = threading.Event(), threading.Event()

    def run(self):
        try:
            with transaction.atomic():
                self.result = self.work()
                self.written.set()
                assert self.commit.wait(timeout=WAIT)
        except BaseException as error:  # noqa: BLE001 - raised again in finish()
            self.error = error
            self.written.set()
        finally:
            connection.close()

    def finish(self):
        self.commit.set()
        self.join(timeout=WAIT)
        if self.error:
            raise self.error
        return self.result


def pairs() -> set[tuple[int, int]]:
    return set(PossibleDuplicate.objects.values_list("order_id", "other_id"))


def push(client, hotline_id: str, content: str) -> WorkOrder:
    order, created = hotline_intake(
        client=client,
        hotline_id=hotline_id,
        fields={"kind": "complaint", "content": content, "citizen_phone": PHONE},
    )
    assert created
    return order


def test_two_orders_the_office_registers_at_the_same_moment_are_paired(office_staff):
    first = Held(lambda: make_order(office_staff, citizen_phone=PHONE))
    first.start()
    assert first.written.wait(timeout=WAIT) and first.error is None
    # Registered while the first is still being written: its check at intake cannot see it.
    second = make_order(office_staff, citizen_phone="138 1234 5678", content="又打来反映")
    first_order = first.finish()
    assert pairs() == set()

    assert find_pending_duplicates() == 2
    assert pairs() == {(second.id, first_order.id)}
    assert find_pending_duplicates() == 0


def test_an_earlier_order_that_commits_after_a_later_one_was_checked_is_paired(db):
    hotline, _key, _secret = api_client_create(name="12345 热线")
    earlier = Held(lambda: push(hotline, "H-1", "电梯坏了一个月没人修"))
    earlier.start()
    assert earlier.written.wait(timeout=WAIT) and earlier.error is None
    later = push(hotline, "H-2", "电梯还是没人修，第二次打电话")
    assert find_pending_duplicates() == 1  # the later one; the earlier is not yet there
    assert pairs() == set()

    earlier_order = earlier.finish()
    assert find_pending_duplicates() == 1
    assert pairs() == {(later.id, earlier_order.id)}


def test_a_check_waits_for_the_one_running_so_two_checks_do_not_miss_each_other(db, monkeypatch):
    """The later order is being checked (it could not see the earlier one, then being
    written) when the earlier one commits and a second worker checks it: were the checks
    not one at a time, the second worker would find the later order still pending and skip
    it, and the pair would be found by neither."""
    hotline, _key, _secret = api_client_create(name="12345 热线")
    earlier = Held(lambda: push(hotline, "H-1", "电梯坏了一个月没人修"))
    earlier.start()
    assert earlier.written.wait(timeout=WAIT) and earlier.error is None
    later = push(hotline, "H-2", "电梯还是没人修，第二次打电话")

    checked, go_on = threading.Event(), threading.Event()
    telling = workflow.tell_units_of_new_orders

    def tell_then_wait(orders, **kwargs):
        telling(orders, **kwargs)
        if threading.current_thread() is first_worker:
            checked.set()
            assert go_on.wait(timeout=WAIT)

    monkeypatch.setattr(workflow, "tell_units_of_new_orders", tell_then_wait)
    counts: dict[str, int] = {}

    def worker(name):
        try:
            counts[name] = find_pending_duplicates()
        finally:
            connection.close()

    first_worker = threading.Thread(target=worker, args=("first",))
    second_worker = threading.Thread(target=worker, args=("second",))
    first_worker.start()
    try:
        assert checked.wait(timeout=WAIT)  # the later order checked, not yet committed
        earlier_order = earlier.finish()
        second_worker.start()
        _wait_until(lambda: not second_worker.is_alive() or _waiting_for_the_check_lock())
    finally:
        go_on.set()
        first_worker.join(timeout=WAIT)
        if second_worker.ident is not None:
            second_worker.join(timeout=WAIT)
    # The earlier order is checked once, by whichever worker took the lock next.
    assert counts["first"] + counts["second"] == 2
    assert pairs() == {(later.id, earlier_order.id)}


def _waiting_for_the_check_lock() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted")
        return cursor.fetchone()[0] > 0


def _wait_until(condition) -> None:
    done = threading.Event()
    for _ in range(WAIT * 100):
        if condition():
            return
        done.wait(timeout=0.01)
    raise AssertionError("neither finished nor waiting for the check in progress")


def test_a_pair_found_at_the_office_intake_is_kept_once(office_staff):
    earlier = make_order(office_staff, citizen_phone=PHONE)
    later = make_order(office_staff, citizen_phone=PHONE, content="又打来反映")
    assert pairs() == {(later.id, earlier.id)}

    assert find_pending_duplicates() == 2
    assert pairs() == {(later.id, earlier.id)}
    assert PossibleDuplicate.objects.count() == 1


def test_the_office_orders_units_are_not_told_again_by_the_check(office_staff, monkeypatch):
    make_order(office_staff, citizen_phone=PHONE)
    told = []
    monkeypatch.setattr(
        services.workflow, "tell_units_of_new_orders", lambda orders, **kw: told.extend(orders)
    )
    assert find_pending_duplicates() == 1
    assert told == []
