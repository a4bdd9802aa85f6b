"""Writes on work orders that are not transitions: intake, numbering, attachments, and the
audit of unmasked personal data. Transitions live in `workflow`."""

from __future__ import annotations

import functools
import hashlib
import json
import operator
import re
import time
import unicodedata
from collections.abc import Callable, Iterable
from contextlib import nullcontext
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from difflib import SequenceMatcher

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import (
    DEFAULT_DB_ALIAS,
    IntegrityError,
    connection,
    connections,
    models,
    transaction,
)
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import F, Field, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from departments import access
from departments.models import User
from departments.services import audit_record
from wuqing_consumer.celery import nudge
from wuqing_consumer.dates import FIRST_YEAR
from wuqing_consumer.db import execute_prepared, new_instance
from wuqing_consumer.language import in_district_language_text, written
from wuqing_consumer.texts import AmountError, amount_in_yuan

from . import stats, workflow
from .attachments import check_uploads, files_removed_on_rollback, store_upload
from .choices import Action, Channel, Kind, Status, UnitRelation, Urgency
from .deadlines import WorkdayCalendar
from .disputes import disputes_recount_decision_deadlines
from .models import (
    ApiClient,
    Attachment,
    CalendarDay,
    HolidaySchedule,
    OrderNumberCounter,
    PossibleDuplicate,
    StatsDirtyDay,
    WorkOrder,
    WorkOrderEvent,
    WorkOrderUnit,
)
from .phones import phone_digits
from .reference import Reference, StaleReference, reference
from .referrals import referrals_recount_ack_deadlines
from .routing import RoutingDecision, route
from .selectors import routing_rules
from .urgency import suggest_urgency

DUPLICATE_WINDOW = timedelta(days=30)
EARLIEST_RECEIVED = datetime(FIRST_YEAR, 1, 1, tzinfo=UTC)
SIMILAR_TEXT_RATIO = 0.5
MAX_DUPLICATES = 5
SIMILAR_CANDIDATES = 20
DUPLICATE_BATCH = 200
DUPLICATE_NUDGE_SECONDS = 1.0
SUMMARY_NUMBERS = 10
"""Order numbers named in an audit summary; more would not fit its 300 characters."""

PHONE_RE = re.compile(r"^\+?[0-9][0-9\- ]{4,18}[0-9]$")
PHONE_CHARACTERS_RE = re.compile(r"[0-9+()\- ]+")
"""What a phone may be typed with besides its digits, once full-width forms read as ASCII."""
CHINESE_PHONE_RE = re.compile(r"1[3-9][0-9]{9}|0[1-9][0-9]{8,10}|[2-9][0-9]{6,7}")
"""`phone_digits` of a plausible Chinese number: a mobile, a landline with its area code,
or a local landline without it."""
ID_NUMBER_RE = re.compile(r"^([0-9]{15}|[0-9]{17}[0-9Xx])$")
CREDIT_CODE_RE = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}$")


DISPATCHED_AT_INTAKE = gettext_noop("Dispatched by the office at intake")
DISPATCHED_BY_RULES = gettext_noop("Dispatched by the routing rules")
SYSTEM_NOTES = (DISPATCHED_AT_INTAKE, DISPATCHED_BY_RULES)
"""History lines intake writes itself, in the district's language: shown in the reader's."""
FORMER_SYSTEM_NOTES = {"办公室登记时直接派单": DISPATCHED_AT_INTAKE}
"""Those lines as earlier catalogues wrote them (the office was 办公室 before it was 协调办
throughout), still shown in the reader's language."""


def mask_phone(phone: str) -> str:
    """138****5678: enough to recognise a caller, not enough to call them."""
    digits = phone.strip()
    if len(digits) < 7:
        return "*" * len(digits)
    return f"{digits[:3]}{'*' * (len(digits) - 7)}{digits[-4:]}"


def mask_id_number(number: str) -> str:
    number = number.strip()
    if len(number) < 8:
        return "*" * len(number)
    return f"{number[:4]}{'*' * (len(number) - 8)}{number[-4:]}"


def record_unmasked_view(*, user: User, orders: Iterable[WorkOrder], where: str) -> None:
    """Every time a person is shown a citizen's unmasked phone or ID number, say so: where
    (`where`, "detail" or "export", kept as a code in the data) in words in the summary."""
    orders = [o for o in orders if o.citizen_phone or o.citizen_id_number]
    if not orders:
        return
    first = orders[0]
    numbers = ", ".join(o.number for o in orders[:SUMMARY_NUMBERS]) + (
        f" (+{len(orders) - SUMMARY_NUMBERS})" if len(orders) > SUMMARY_NUMBERS else ""
    )
    if where == "export":
        summary = written("Citizen's personal data exported: %(orders)s", orders=numbers)
    elif where == "detail":
        summary = written(
            "Citizen's personal data shown on its order's page: %(orders)s", orders=numbers
        )
    else:
        summary = written("Citizen's personal data shown: %(orders)s", orders=numbers)
    audit_record(
        actor=user,
        action="workorder.view_personal_data",
        obj=first,
        unit_id=getattr(user, "unit_id", None),
        summary=summary,
        data={"where": where, "orders": [o.number for o in orders]},
    )


def next_number(year: int) -> str:
    """WQ-2026-000123: unique and increasing within a year.

    On PostgreSQL from a sequence per year (`complaints_next_order_number`, created on first
    use after the counter row of earlier versions), so concurrent intakes never wait for
    each other; a rolled-back intake leaves a gap, as hotline numbers do. Elsewhere (SQLite
    on a laptop) the counter row is locked until the intake commits.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT complaints_next_order_number(%s)", [int(year)])
            return cursor.fetchone()[0]
    updated = OrderNumberCounter.objects.filter(year=year).update(last=F("last") + 1)
    if not updated:
        try:
            with transaction.atomic():
                OrderNumberCounter.objects.create(year=year, last=1)
        except IntegrityError:
            OrderNumberCounter.objects.filter(year=year).update(last=F("last") + 1)
    last = OrderNumberCounter.objects.get(year=year).last
    return f"WQ-{year}-{last:06d}"


def _insert_new_order(
    order: WorkOrder,
    links: list[WorkOrderUnit],
    events: list[WorkOrderEvent],
    *,
    reference_version: int | None = None,
) -> None:
    """Number and write a new order with its unit links, its first history lines and the
    day to recount.

    On PostgreSQL that is one statement, so one round trip and atomic on its own: intake
    is the one write the hotline makes at volume. With `reference_version` it writes only
    if the reference data it was prepared with is still current, else raises
    StaleReference. Elsewhere, the ORM one row at a time.
    """
    day = stats.local_day(order.received_at)
    database = connections[DEFAULT_DB_ALIAS]  # the wrapper, not the per-attribute proxy
    if database.vendor != "postgresql":
        order.number = next_number(day.year)
        order.save()
        for row in (*links, *events):
            row.order = order
        WorkOrderUnit.objects.bulk_create(links)
        WorkOrderEvent.objects.bulk_create(events)
        stats.mark_changed(order)
        return
    params: list = []

    def add_values(rows: list) -> None:
        if not rows:
            return
        values_of, prepared, _columns, _placeholders = _insert_columns(type(rows[0]))
        for row in rows:
            values = list(values_of(row.__dict__))
            for index, prepare in prepared:
                values[index] = prepare(row, values[index], database)
            params.extend(values)

    add_values([order])
    params.append(day.year)
    if reference_version is not None:
        params.append(reference_version)
    add_values(links)
    add_values(events)
    params.append(day)
    sql = _insert_statement(len(links), len(events), reference_version is not None)
    with database.cursor() as cursor:
        execute_prepared(cursor, sql, params)
        row = cursor.fetchone()
    if row is None:
        raise StaleReference()
    order.pk, order.number = row
    order._state.adding, order._state.db = False, database.alias
    for row in (*links, *events):
        # Each was built with the order (its cache holds it): only its id was missing.
        row.order_id = order.pk
        row._state.adding, row._state.db = False, database.alias


@functools.cache
def _insert_statement(links: int, events: int, guarded: bool) -> str:
    """`_insert_new_order`'s statement for an order with so many links and history lines:
    written once for each shape, not on every push. Guarded, it writes only if the
    reference data is still at the version given."""
    columns, values = _insert_columns(WorkOrder)[2:]
    guard = (
        " WHERE EXISTS (SELECT 1 FROM complaints_referenceversion WHERE id = 1 AND version = %s)"
        if guarded
        else ""
    )
    statements = [
        f"o AS (INSERT INTO {WorkOrder._meta.db_table} ({columns}, number) "
        f"SELECT {values}, complaints_next_order_number(%s){guard} RETURNING id, number)"
    ]
    for name, model, count in (("l", WorkOrderUnit, links), ("e", WorkOrderEvent, events)):
        if count:
            columns, values = _insert_columns(model)[2:]
            rows_sql = ", ".join([f"({values})"] * count)
            statements.append(
                f"{name} AS (INSERT INTO {model._meta.db_table} "
                f"(order_id, {columns}) SELECT o.id, v.* FROM o, (VALUES {rows_sql}) v)"
            )
    statements.append(
        f"d AS (INSERT INTO {StatsDirtyDay._meta.db_table} (day) SELECT %s::date FROM o)"
    )
    return "WITH " + ", ".join(statements) + " SELECT id, number FROM o"


_CAST_LENGTH = re.compile(r"\(\d+\)$")
"""varchar(200) -> varchar: a cast would cut a long text silently, the column refuses it."""


_WRITTEN_AS_IS = (
    models.CharField,
    models.TextField,
    models.BooleanField,
    models.IntegerField,
    models.ForeignKey,
)
"""Fields whose attribute is already what the database takes: the rest (JSON, auto_now,
amounts) go through the field, as the ORM would send them."""

Prepare = Callable[[models.Model, object, BaseDatabaseWrapper], object]


def _preparation(field: Field) -> Prepare | None:
    """How a field's value goes into the insert: None when as it is.

    An aware time goes as it is too (PostgreSQL takes it so); only a naive one, which the
    ORM would warn about and read in the local zone, goes through the field.
    """
    if isinstance(field, _WRITTEN_AS_IS):
        return None

    def through_field(row, value, database):
        return field.get_db_prep_save(field.pre_save(row, True), database)

    if isinstance(field, models.DateTimeField) and (field.auto_now or field.auto_now_add):
        return functools.partial(_stamped, field.attname)
    if isinstance(field, models.DateTimeField):
        return lambda row, value, database: (
            value
            if value is None or value.tzinfo is not None
            else through_field(row, value, database)
        )
    if isinstance(field, models.JSONField) and field.encoder is None:
        # As the field would write it, as text for the statement's ::jsonb: psycopg2's
        # Json wrapper cost several times the encoding.
        return lambda row, value, database: None if value is None else json.dumps(value)
    return through_field


def _stamped(attname: str, row: models.Model, value: object, database: object) -> datetime:
    """A time set when the row is written (auto_now, auto_now_add), as pre_save sets it."""
    now = timezone.now()
    setattr(row, attname, now)
    return now


@functools.cache
def _insert_columns(
    model: type,
) -> tuple[Callable[[dict], tuple], list[tuple[int, Prepare]], str, str]:
    """The fields `_insert_new_order` writes: a getter of their values from an instance's
    attributes (all at once: one field at a time was most of the time spent on the
    parameters), the places of the values to prepare and how, their columns, and typed
    placeholders (`%s::jsonb`): a SELECT does not take its types from the table it inserts
    into."""
    fields = [
        f
        for f in model._meta.concrete_fields
        if not f.primary_key and f.name not in ("order", "number")
    ]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    types = [_CAST_LENGTH.sub("", f.cast_db_type(connection)) for f in fields]
    values_of = operator.itemgetter(*[f.attname for f in fields])
    if len(fields) == 1:
        values_of = (lambda one: lambda values: (one(values),))(values_of)
    prepared = [(i, prepare) for i, f in enumerate(fields) if (prepare := _preparation(f))]
    return values_of, prepared, columns, ", ".join(f"%s::{t}" for t in types)


def _clean_text(value: object, limit: int) -> str:
    return str(value or "").strip()[:limit]


_TEXT_LIMITS = {
    "kind": 12,
    "channel": 12,
    "content": 20000,
    "title": 200,
    "category": 100,
    "external_ref": 64,
    "urgency": 12,
    "business_name": 200,
    "business_address": 200,
    "business_credit_code": 18,
    "citizen_name": 60,
    "citizen_phone": 20,
    "citizen_id_number": 18,
}
_UPPER_CASE = ("business_credit_code", "citizen_id_number")


def _cleaned(name: str, value: object) -> str:
    """A text field as intake stores it."""
    text = _clean_text(value, _TEXT_LIMITS[name])
    return text.upper() if name in _UPPER_CASE else text


def _phone_readable(phone: str) -> bool:
    """Whether intake takes the phone (it keeps it as typed). Full-width digits and brackets
    from a Chinese input method read as their ASCII forms; brackets, as in (022) 8200 1234,
    are taken when `phone_digits` reads the whole as a Chinese number. Letters and other
    signs never are."""
    text = unicodedata.normalize("NFKC", phone).strip()
    if PHONE_RE.match(text):
        return True
    return bool(PHONE_CHARACTERS_RE.fullmatch(text)) and bool(
        CHINESE_PHONE_RE.fullmatch(phone_digits(phone))
    )


_KINDS, _CHANNELS, _URGENCIES = (frozenset(c.values) for c in (Kind, Channel, Urgency))
"""Read once: `Choices.values` builds its list, with each label, on every read."""


def _validate(fields: dict, errors: dict[str, str | ValidationError]) -> None:
    if not fields["content"]:
        errors["content"] = _("Please enter what the citizen says; the text may not be empty.")
    if fields["kind"] not in _KINDS:
        errors["kind"] = _("Choose complaint, report or inquiry.")
    if fields["channel"] not in _CHANNELS:
        errors["channel"] = _("Choose the channel the case came through.")
    if fields["urgency"] not in _URGENCIES:
        errors["urgency"] = _("Choose an urgency.")
    _format_errors(fields, errors)
    phone = fields["citizen_phone"]
    if fields["anonymous"] and fields["kind"] != Kind.REPORT:
        errors["anonymous"] = _("Only reports may be anonymous.")
    if (
        not fields["anonymous"]
        and fields["kind"] == Kind.COMPLAINT
        and not (fields["citizen_name"] or phone)
    ):
        errors["citizen_phone"] = ValidationError(
            _("A complaint needs the citizen's name or phone; only reports may be anonymous."),
            code="no_contact",
        )


def _format_errors(fields: dict, errors: dict[str, str | ValidationError]) -> None:
    """The phone, ID number and credit code written as none can be."""
    phone = fields["citizen_phone"]
    if phone and not _phone_readable(phone):
        errors["citizen_phone"] = ValidationError(
            _(
                "This does not look like a phone number. Type its digits, with spaces, "
                "hyphens or brackets between them if you like: 138 1234 5678, "
                "(022) 8200 1234."
            ),
            code="phone",  # the API words it for a system (api.serializers.API_WORDING)
        )
    id_number = fields["citizen_id_number"]
    if id_number and not ID_NUMBER_RE.match(id_number):
        errors["citizen_id_number"] = _(
            "An ID number has 15 digits, or 17 digits and a last digit or X."
        )
    code = fields["business_credit_code"]
    if code and not CREDIT_CODE_RE.match(code.upper()):
        errors["business_credit_code"] = _(
            "A unified social credit code has 18 characters: digits and letters other "
            "than I, O, S, V and Z, with digits in places 3 to 8."
        )


def _unknown_town(code: str, snapshot: Reference) -> str:
    # The refusal names the codes and their towns, for a client that did not read
    # GET /api/v1/towns/.
    return _("There is no town or street with the code “%(code)s”; send one of: %(codes)s.") % {
        "code": code,
        "codes": ", ".join(f"{known} ({town.name})" for known, town in snapshot.towns.items()),
    }


def _town_code(text: str, snapshot: Reference | None = None) -> tuple[str | None, Reference]:
    """The code of the town `text` names (its code in any case, or its name) and the
    reference data that said so: this process's snapshot, asked again of the database only
    for a town it does not know (one added since, or no such town)."""
    snapshot = snapshot or reference(verify=False)
    code = snapshot.town_code(text)
    if code is None and not snapshot.verified:
        snapshot = reference()
        code = snapshot.town_code(text)
    return code, snapshot


def intake_format_errors(
    *,
    citizen_phone: str,
    citizen_id_number: str,
    business_credit_code: str,
    town: str,
    received_at: datetime | None = None,
) -> ValidationError | None:
    """What intake would refuse in these fields, asked when a request fails its other
    checks: a hotline that fixes the errors it was told of should not learn of these only
    on sending it again."""
    fields = {
        "citizen_phone": _cleaned("citizen_phone", citizen_phone),
        "citizen_id_number": _cleaned("citizen_id_number", citizen_id_number),
        "business_credit_code": _cleaned("business_credit_code", business_credit_code),
    }
    errors: dict[str, str | ValidationError] = {}
    _format_errors(fields, errors)
    town = town.strip()
    if town:
        code, snapshot = _town_code(town)
        if code is None:
            errors["town"] = _unknown_town(town, snapshot)
    if received_at is not None:
        _received_at(received_at, errors)
    return ValidationError(errors) if errors else None


def _amount(value: object, errors: dict[str, str | ValidationError]) -> Decimal | None:
    try:
        return amount_in_yuan(value)
    except AmountError as error:
        errors["amount"] = str(error)
        return None


def _received_at(value: datetime | None, errors: dict[str, str | ValidationError]) -> datetime:
    now = timezone.now()
    if value is None:
        return now
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    if value > now + timedelta(minutes=5):
        errors["received_at"] = _("The time received cannot be in the future.")
    elif value < EARLIEST_RECEIVED:
        errors["received_at"] = _("The time received is implausibly early (before 2000).")
        return now
    return value


def workorder_intake(
    *,
    acting_user: User | None,
    kind: str,
    channel: str,
    content: str,
    title: str = "",
    category: str = "",
    external_ref: str = "",
    received_at: datetime | None = None,
    urgency: str = "",
    business_name: str = "",
    business_address: str = "",
    business_credit_code: str = "",
    town_code: str = "",
    amount: object = None,
    citizen_name: str = "",
    citizen_phone: str = "",
    citizen_id_number: str = "",
    anonymous: bool = False,
    unit_code: str = "",
    co_unit_codes: Iterable[str] = (),
    send_to_triage: bool = False,
    attachments: Iterable[UploadedFile] = (),
    source_client: ApiClient | None = None,
    hotline_id: str = "",
    request_fingerprint: str = "",
    registered_for: tuple[User, str] | None = None,
    _verified: bool = False,
    _reference: Reference | None = None,
) -> WorkOrder:
    """Register a new order and send it where the rules say, or where the office decides.

    `registered_for` is the person and the reason when the portal registers an order for a
    unit (one accepting a lead): its history names them, not the office or the rules.

    A blank `urgency` is suggested from the text (gas leak → safety, no water → utilities).

    Nothing is written unless every field is valid: errors come back together as a
    ValidationError keyed by field, in the user's language.

    An order from the hotline API is prepared with the reference data this process has in
    memory and written only if that is still current (one statement); otherwise, or when
    the input looks invalid, it is prepared again with the data checked first.
    `_reference` is that data as the caller already read it (`hotline_intake`).
    """
    arguments = dict(locals())
    if acting_user is not None and not access.is_office_handler(acting_user):
        raise PermissionDenied(_("Only the coordination office registers orders."))
    fields = {
        "kind": _cleaned("kind", kind),
        "channel": _cleaned("channel", channel),
        "content": _cleaned("content", content),
        "title": _cleaned("title", title),
        "category": _cleaned("category", category),
        "external_ref": _cleaned("external_ref", external_ref),
        "urgency": _cleaned("urgency", urgency)
        or suggest_urgency(f"{title or ''}\n{content or ''}")[0],
        "business_name": _cleaned("business_name", business_name),
        "business_address": _cleaned("business_address", business_address),
        "business_credit_code": _cleaned("business_credit_code", business_credit_code),
        "citizen_name": _cleaned("citizen_name", citizen_name),
        "citizen_phone": _cleaned("citizen_phone", citizen_phone),
        "citizen_id_number": _cleaned("citizen_id_number", citizen_id_number),
        "anonymous": bool(anonymous),
    }
    errors: dict[str, str | ValidationError] = {}
    _validate(fields, errors)
    fields["amount"] = _amount(amount, errors)
    fields["received_at"] = _received_at(received_at, errors)
    snapshot = _reference or reference(verify=_verified or source_client is None)
    town = None
    if town_code:
        town = snapshot.towns.get(town_code)
        if town is None:
            errors["town"] = _unknown_town(town_code, snapshot)
    members = snapshot.members
    unit = co_units = None
    if unit_code:
        unit = members.get(unit_code)
        if unit is None:
            errors["unit"] = _("There is no member unit with the code “%(code)s”.") % {
                "code": unit_code
            }
    codes = list(dict.fromkeys(c for c in co_unit_codes if c))
    co_units = [members[c] for c in codes if c in members]
    if len(co_units) != len(codes):
        errors["co_units"] = _("One of the co-handling units does not exist.")
    checked: list = []
    try:
        checked = check_uploads(attachments) if attachments else []
    except ValidationError as error:
        errors.update({k: " ".join(v) for k, v in error.message_dict.items()})
    if errors:
        if not snapshot.verified:
            return workorder_intake(**(arguments | {"_verified": True, "_reference": None}))
        raise ValidationError(errors)
    if fields["anonymous"]:
        fields["citizen_name"] = fields["citizen_phone"] = fields["citizen_id_number"] = ""
    fields["citizen_phone_digits"] = phone_digits(fields["citizen_phone"])

    decision = route(
        f"{fields['title']}\n{fields['content']}", fields["category"], rules=snapshot.rules
    )
    if not fields["title"]:
        fields["title"] = fields["content"].replace("\n", " ")[:40]
    routing = decision.as_dict()
    if unit is None and not send_to_triage and decision.primary_unit in members:
        unit = members[decision.primary_unit]
        co_units = co_units or [members[c] for c in decision.co_units if c in members]
    elif unit is not None:
        routing["overridden_to"] = unit.code
    if send_to_triage:
        unit, co_units = None, []
        routing["overridden_to"] = None
    # The unit chosen by the office or picked by the rules, named as a co-unit as well.
    if refusal := workflow.primary_among_co_units(unit, codes):
        raise ValidationError({"co_units": refusal})

    now = timezone.now()
    order = new_instance(
        WorkOrder,
        status=Status.ASSIGNED if unit else Status.TRIAGE,
        primary_unit=unit,
        dispatched_at=now if unit else None,
        dispatch_count=1 if unit else 0,
        town=town,
        routing=routing,
        created_by=registered_for[0] if registered_for else acting_user,
        source_client=source_client,
        hotline_id=hotline_id,
        request_fingerprint=request_fingerprint,
        # Every order is compared again just after it commits (`find_pending_duplicates`),
        # with the orders that were being written at the same moment and could not be seen.
        duplicates_pending=True,
        **fields,
    )
    workflow.refresh_deadlines(order, calendar=snapshot.calendar, rules=snapshot.deadline_rules)
    # The office sees the hints on the page it lands on; the hints are not the hotline's.
    duplicates = {} if source_client is not None else _duplicate_candidates(order)
    links: list[WorkOrderUnit] = []
    if unit is not None:
        links = [
            new_instance(WorkOrderUnit, order=order, unit=unit, relation=UnitRelation.PRIMARY)
        ] + [
            new_instance(WorkOrderUnit, order=order, unit=co, relation=UnitRelation.CO)
            for co in {co.id: co for co in co_units if co.id != unit.id}.values()
        ]
    by = registered_for[0] if registered_for else acting_user
    if registered_for:
        dispatch_note = registered_for[1]
    else:
        system_note = DISPATCHED_AT_INTAKE if "overridden_to" in routing else DISPATCHED_BY_RULES
        dispatch_note = in_district_language_text(system_note)
    events = [
        workflow.new_event(
            order,
            Action.CREATE,
            by=by,
            to_status=Status.TRIAGE,
            data={"channel": order.channel, "routing": routing}
            | ({"client": source_client.name} if source_client else {}),
        )
    ]
    if unit is not None:
        events.append(
            workflow.new_event(
                order,
                Action.DISPATCH,
                by=by,
                from_status=Status.TRIAGE,
                to_status=Status.ASSIGNED,
                unit=unit,
                note=dispatch_note,
                data={"rule": routing.get("rule"), "co_units": [c.code for c in co_units]},
            )
        )
    # One statement is atomic on its own; inside a caller's transaction it still needs a
    # savepoint, so a duplicate hotline_id leaves that transaction usable.
    # A unit is told of an order the office registered for it in the order's transaction;
    # of the hotline's, by the worker just after (`find_pending_duplicates`).
    tell_unit = unit is not None and source_client is None and not registered_for
    database = connections[DEFAULT_DB_ALIAS]  # once: each read through the proxy looks it up
    one_statement = (
        database.vendor == "postgresql"
        and not database.in_atomic_block
        and not checked
        and not duplicates
        and not tell_unit
    )
    try:
        with (
            files_removed_on_rollback() if checked else nullcontext(),
            nullcontext() if one_statement else transaction.atomic(),
        ):
            _insert_new_order(
                order,
                links,
                events,
                reference_version=None if snapshot.verified else snapshot.version,
            )
            for upload, content_type in checked:
                store_upload(Attachment(order=order), upload, content_type, acting_user)
            if duplicates:
                PossibleDuplicate.objects.bulk_create(
                    [
                        PossibleDuplicate(order=order, other_id=i, reason=r)
                        for i, r in duplicates.items()
                    ]
                )
            if tell_unit:
                workflow.tell_units_of_new_orders([order])
    except StaleReference:
        return workorder_intake(**(arguments | {"_verified": True, "_reference": None}))
    # The links as the answer shows them, without asking the database again.
    order.links_as_written = links
    if _duplicate_nudge_due():
        transaction.on_commit(_nudge_duplicate_check)
    return order


@files_removed_on_rollback()
@transaction.atomic
def workorder_attach(
    *, order_id: int, acting_user: User, uploads: Iterable[UploadedFile]
) -> list[Attachment]:
    """Add files to an order the user handles or the office; checked before anything is kept."""
    order = access.workorder_or_404(acting_user, order_id=order_id, lock=True)
    if not (
        access.is_office_handler(acting_user)
        or access.handles_order(acting_user, order)
        or access.co_handles_order(acting_user, order)
    ):
        raise workflow.WorkflowError(_("You may not add files to this order."))
    checked = check_uploads(uploads)
    if not checked:
        raise ValidationError({"attachments": _("Choose at least one file.")})
    stored = [
        store_upload(Attachment(order=order), upload, content_type, acting_user)
        for upload, content_type in checked
    ]
    # The page lists the files: a form opened on it before is stale, as after any action.
    order.version += 1
    order.save(update_fields=["version", "updated_at"])
    workflow.record_event(
        order,
        Action.ATTACH,
        by=acting_user,
        data={"files": [a.original_name for a in stored]},
    )
    return stored


def _similar(a: str, b: str) -> bool:
    matcher = SequenceMatcher(None, a[:500], b[:500])
    # The cheap upper bounds first: most texts about one business are clearly different.
    return (
        matcher.real_quick_ratio() >= SIMILAR_TEXT_RATIO
        and matcher.quick_ratio() >= SIMILAR_TEXT_RATIO
        and matcher.ratio() >= SIMILAR_TEXT_RATIO
    )


def _duplicate_candidates(order: WorkOrder) -> dict[int, str]:
    """Orders registered before it from the same phone (however it was typed), or about the
    same business with similar text, received within 30 days of it either way: shown to the
    office, never merged without a person deciding. Either way, as the office may register
    yesterday's walk-in complaint after the hotline pushed the same caller's call of this
    morning: looking only at orders received earlier, neither order found the other."""
    window = WorkOrder.objects.filter(
        received_at__gte=order.received_at - DUPLICATE_WINDOW,
        received_at__lte=order.received_at + DUPLICATE_WINDOW,
        merged_into__isnull=True,
    )
    if order.pk:
        # Checked after it was written: the orders registered before it, and those after it
        # already checked (which did not see it if they were checked before it committed).
        window = window.filter(Q(id__lt=order.pk) | Q(id__gt=order.pk, duplicates_pending=False))
    found: dict[int, str] = {}
    if order.citizen_phone_digits:
        # However each was typed (+86 138-1234-5678, 138 1234 5678): the indexed digits.
        same_phone = window.filter(citizen_phone_digits=order.citizen_phone_digits)
        for other_id in same_phone.values_list("id", flat=True)[:MAX_DUPLICATES]:
            found[other_id] = "same_phone"
    if order.business_name:
        same_business = (
            window.filter(business_name=order.business_name)
            .order_by("-received_at")
            .values_list("id", "content")[:SIMILAR_CANDIDATES]
        )
        for other_id, content in same_business:
            if len(found) >= MAX_DUPLICATES:
                break
            if other_id not in found and _similar(order.content, content):
                found[other_id] = "similar_text"
    return dict(list(found.items())[:MAX_DUPLICATES])


NEW_ORDER_NOTICE_FIELDS = (
    "number",
    "title",
    "status",
    "dispatch_count",
    "due_sign_for",
    "urgency",
    "primary_unit",
)
"""What `workflow.tell_units_of_new_orders` reads of the hotline's new orders."""


def find_pending_duplicates(*, batch: int = DUPLICATE_BATCH) -> int:
    """Compare new orders with the orders around them; returns how many were checked.

    Queued just after intake commits, and run every minute for whatever a lost task left.
    Batches are claimed under SKIP LOCKED, so two workers never check one order twice, and
    one batch runs at a time: of two alike orders written at the same moment, neither of
    which saw the other, the one checked second sees the first as checked. A pair is kept
    once, on the later order, as the office's intake keeps the pairs it finds.
    """
    checked = 0
    while True:
        with transaction.atomic():
            _one_duplicate_check_at_a_time()
            orders = list(
                WorkOrder.objects.select_for_update(skip_locked=True, no_key=True, of=("self",))
                .filter(duplicates_pending=True)
                .select_related("primary_unit")
                .only(
                    "id",
                    "received_at",
                    "citizen_phone_digits",
                    "business_name",
                    "content",
                    "source_client",
                    *NEW_ORDER_NOTICE_FIELDS,
                )
                .order_by("id")[:batch]
            )
            if not orders:
                return checked
            pairs: dict[tuple[int, int], str] = {}
            for order in orders:
                for other_id, reason in _duplicate_candidates(order).items():
                    pairs.setdefault((max(order.id, other_id), min(order.id, other_id)), reason)
            PossibleDuplicate.objects.bulk_create(
                [
                    PossibleDuplicate(order_id=later, other_id=earlier, reason=reason)
                    for (later, earlier), reason in pairs.items()
                ],
                ignore_conflicts=True,
            )
            WorkOrder.objects.filter(id__in=[o.id for o in orders]).update(duplicates_pending=False)
            # The office's own orders were told to their units in intake's transaction.
            workflow.tell_units_of_new_orders([o for o in orders if o.source_client_id])
        checked += len(orders)


_DUPLICATE_LOCK_KEY = 0x57514450  # "WQDP"


def _one_duplicate_check_at_a_time() -> None:
    """Held to the end of the caller's transaction; SQLite writes one at a time anyway."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_DUPLICATE_LOCK_KEY])


_last_duplicate_nudge = [float("-inf")]


def _duplicate_nudge_due() -> bool:
    """Asked before registering `_nudge_duplicate_check` at all: nearly every order comes
    within the second after the last nudge, and registering it cost more than the check."""
    return time.monotonic() - _last_duplicate_nudge[0] >= DUPLICATE_NUDGE_SECONDS


def _nudge_duplicate_check() -> None:
    """At most one task a second per process: each run takes every order still pending."""
    if not _duplicate_nudge_due():
        return
    _last_duplicate_nudge[0] = time.monotonic()
    from .tasks import find_duplicates

    nudge(find_duplicates, countdown=DUPLICATE_NUDGE_SECONDS)


@transaction.atomic
def deadlines_recount(*, since: date) -> tuple[int, int]:
    """After the office changed its holiday table from `since` on, every stored deadline that
    runs to that day or later follows it, in the same transaction: those of open orders, and
    of leads and disputes still waiting. Returns how many orders, and how many leads and
    disputes, moved."""
    orders = workflow.workorders_recount_deadlines(since=since)
    others = referrals_recount_ack_deadlines(since=since) + disputes_recount_decision_deadlines(
        since=since
    )
    return orders, others


def holiday_schedule_problem(*, year: int, is_complete: bool) -> str:
    """Why `year`'s schedule cannot be stated complete, in the current language; "" if it
    can. A year the package does not know and of which the table holds no day cannot be:
    every State Council notice has holidays."""
    if not is_complete or WorkdayCalendar().is_known_year(year):
        return ""
    if CalendarDay.objects.filter(date__year=year).exists():
        return ""
    return _(
        "No day of %(year)s is in the holiday calendar yet. Enter the holidays and make-up "
        "working days of the State Council's notice first, then mark the year complete."
    ) % {"year": year}


@transaction.atomic
def holiday_schedule_save(
    *, year: int, is_complete: bool, notice: str = "", acting_user: User
) -> HolidaySchedule:
    """The office states whether `year`'s official schedule is in the holiday calendar in
    full; only that (or the package's data) makes the year's deadlines final. Deadlines do
    not move (the days are what they were), but the warnings do; the reference data's
    trigger tells every process."""
    if not acting_user.has_perm("complaints.change_holidayschedule"):
        raise PermissionDenied
    problem = holiday_schedule_problem(year=year, is_complete=is_complete)
    if problem:
        raise ValidationError({"is_complete": problem})
    schedule, created = HolidaySchedule.objects.select_for_update().get_or_create(year=year)
    before = {"is_complete": schedule.is_complete, "notice": schedule.notice}
    schedule.is_complete, schedule.notice = is_complete, notice.strip()
    schedule.full_clean()
    after = {"is_complete": schedule.is_complete, "notice": schedule.notice}
    if after == before and not created:
        return schedule
    schedule.save()
    if is_complete and not before["is_complete"]:
        action = "holiday_schedule.complete"
    elif before["is_complete"] and not is_complete:
        action = "holiday_schedule.reopen"
    else:
        action = "holiday_schedule.update"
    audit_record(
        actor=acting_user,
        action=action,
        obj=schedule,
        unit_id=getattr(acting_user, "unit_id", None),
        summary=f"{year}: {schedule.notice}".strip(": "),
        data={"before": before, "after": after},
    )
    return schedule


def preview_routing(text: str, category: str = "") -> RoutingDecision:
    """The decision intake would take, for the live suggestion on the form."""
    return route(text, category, rules=routing_rules())


class HotlineIdConflict(Exception):
    """The client reused one of its hotline numbers for a different order. `fields` names
    what differs from the stored order, where that can be told (only a fingerprint of the
    first request is kept, so a difference intake cleans away is not named)."""

    def __init__(self, hotline_id: str, fields: list[str]):
        super().__init__(hotline_id)
        self.fields = fields


def _differing_fields(order: WorkOrder, fields: dict) -> list[str]:
    """The fields of a new request that differ from the order as intake stored it.

    A title or time received left out is one intake makes (from the content, from the
    clock): it differs when the stored order's was sent, not made."""

    def differs(name: str, value) -> bool:
        if name == "title" and not _cleaned(name, value):
            return order.title != order.content.replace("\n", " ")[:40]
        if name in _TEXT_LIMITS:
            return _cleaned(name, value) != getattr(order, name)
        if name == "received_at":
            if value is None:
                return abs(order.received_at - order.created_at) > timedelta(seconds=1)
            return value != order.received_at
        if name == "town_code":
            return (value or "") != (order.town.code if order.town_id else "")
        if name == "amount":
            return _amount(value, {}) != order.amount
        return False

    return [
        "town" if name == "town_code" else name
        for name, value in fields.items()
        if differs(name, value)
    ]


def _fingerprint(data: dict) -> str:
    canonical = json.dumps(data, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def hotline_intake(*, client: ApiClient, hotline_id: str, fields: dict) -> tuple[WorkOrder, bool]:
    """Register an order pushed by a hotline, idempotently: the hotline retries on every
    timeout, so the same number with the same body returns the existing order (created is
    False), and the same number with another body is a conflict.

    The unique constraint on (client, hotline_id) decides, not a check: of concurrent
    identical requests, one insert wins and the others find its row after it commits.
    """
    # The snapshot intake would read first, read here (no query while it is in memory) to
    # take a town code sent in another case as the town's own, in the order and in the
    # fingerprint alike; asked again of the database only for a code not in it.
    snapshot = reference(verify=False)
    if fields.get("town_code"):
        code, snapshot = _town_code(fields["town_code"], snapshot)
        fields = {**fields, "town_code": code or fields["town_code"]}
    fingerprint = _fingerprint({"hotline_id": hotline_id, **fields})

    def existing() -> tuple[WorkOrder, bool] | None:
        order = WorkOrder.objects.filter(source_client=client, hotline_id=hotline_id).first()
        if order is None:
            return None
        if order.request_fingerprint != fingerprint:
            raise HotlineIdConflict(hotline_id, _differing_fields(order, fields))
        return order, False

    # Straight to the insert: a retry is rare, and the unique constraint catches it.
    try:
        order = workorder_intake(
            acting_user=None,
            channel=client.channel,
            external_ref=hotline_id,
            source_client=client,
            hotline_id=hotline_id,
            request_fingerprint=fingerprint,
            _reference=snapshot,
            **fields,
        )
    except IntegrityError:
        found = existing()
        if found is None:
            raise
        return found
    return order, True
