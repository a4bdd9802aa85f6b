"""The hotline contract, version 1. Field descriptions are in Chinese and English because the
schema is read by another organisation's developers."""

from __future__ import annotations

import copy
import re
import unicodedata
from datetime import datetime

from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiExample, extend_schema_field, extend_schema_serializer
from rest_framework import serializers
from rest_framework.settings import api_settings
from rest_framework.utils.formatting import lazy_format
from rest_framework.utils.serializer_helpers import BindingDict

from wuqing_consumer.texts import decimal_as_written

from ..choices import INTERNAL_ACTIONS, Action, Kind, Satisfaction, Status
from ..models import DEADLINE_NAMES, WorkOrder, WorkOrderEvent
from ..workflow import open_deadline_names

ROUTING_STATUSES = [("assigned", "已派单 / assigned"), ("triage", "待分拨 / triage")]
HOTLINE_ACTIONS = [action for action in Action.values if action not in INTERNAL_ACTIONS]
EVENT_TYPES = (
    "事件类型，取值：" + "、".join(HOTLINE_ACTIONS) + "；今后可能增加，不认识的请忽略。 / "
    "what happened, one of: " + ", ".join(HOTLINE_ACTIONS) + "; more may be added, so ignore "
    "one you do not know."
)


RESULT = (
    "办理结果：仅在已办结（resolved）或已结案（closed）时有；退回重新办理后为 null，直到再次办结 / "
    "the result, only while the order is resolved or closed: null after a reopening until "
    "the unit resolves it again"
)


PRINTED_AS_NOTHING = re.compile(r"[\x01-\x08\x0b\x0c\x0e-\x1f]")
"""The control characters forms leave out (`texts.CONTROL_CHARACTERS`) but NUL, refused."""


def canonical_text(text: str) -> str:
    """One spelling for text that reads the same: composed Unicode (NFC) and "\n" line
    ends. A retry from another stack may decompose “É” or end lines with "\r\n"; it must
    find the same order, not a conflict, nor (in a hotline_id) a second order."""
    if text.isascii():
        return text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text
    return unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")


class StrictCharField(serializers.CharField):
    """Text must arrive as a JSON string: a number where the contract says text is a
    client bug worth reporting, not something to coerce silently.

    Control characters other than tab and line breaks are left out, as the portal's forms
    leave them out: pasted from a terminal or a word processor they are invisible and mean
    nothing in a citizen's text, and stored they broke every file made of it. NUL is still
    refused (DRF's validator), and a hotline number keeps them, to be refused by name."""

    def __init__(self, *, keep_controls: bool = False, **kwargs):
        self.keep_controls = keep_controls
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        if self.max_length is not None and len(data) > self.max_length:
            # Measured before whitespace is trimmed, as the schema's maxLength is.
            self.fail("max_length", max_length=self.max_length)
        text = canonical_text(super().to_internal_value(data))
        if self.keep_controls or not PRINTED_AS_NOTHING.search(text):
            return text
        text = PRINTED_AS_NOTHING.sub("", text)
        if self.trim_whitespace:
            text = text.strip()
        if not text and not self.allow_blank:
            self.fail("blank")
        return text


class AnyCaseChoiceField(serializers.ChoiceField):
    """A choice sent in any case, with spaces around it or not, taken as the contract spells
    it: a hotline's Java enum may well send "COMPLAINT". Anything else is refused with the
    values there are."""

    default_error_messages = {
        "invalid_choice": gettext_lazy("“{input}” is not a valid choice; send one of: {choices}.")
    }

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.folded_choices = {str(value).casefold(): value for value in self.choices}

    def to_internal_value(self, data):
        if isinstance(data, str):
            value = self.folded_choices.get(data.strip().casefold())
            if value is not None:
                return value
        self.fail("invalid_choice", input=data, choices=", ".join(map(str, self.choices)))


def optional_text(max_length: int, help_text: str) -> StrictCharField:
    """A text the client may leave out, send empty or send as null: they mean the same."""
    return StrictCharField(
        max_length=max_length,
        required=False,
        allow_blank=True,
        allow_null=True,
        help_text=help_text,
    )


@extend_schema_field(
    {
        "oneOf": [{"type": "string"}, {"type": "number"}],
        "description": '十进制字符串，如 "1280.50"；也接受数字 / decimal string such as '
        '"1280.50"; a number is accepted too',
        "example": "1280.50",
    }
)
class AmountField(serializers.DecimalField):
    """A text is taken as the contract's "digits and a point" says (`decimal_as_written`):
    a number written by a mis-set serialiser ("1e5") would be stored as another amount,
    unseen (no answer shows the amount)."""

    default_error_messages = {
        "invalid": gettext_lazy(
            "Send the amount in yuan as a decimal such as “1280.50”: digits and a point, "
            "without thousands separators, a currency sign or a unit."
        )
    }

    def to_internal_value(self, data):
        if isinstance(data, str):
            data = decimal_as_written(data)
            if data is None:
                self.fail("invalid")
        if len(str(data).strip()) > self.MAX_STRING_LENGTH:  # DRF: "String value too large."
            self.fail("max_whole_digits", max_whole_digits=self.max_whole_digits)
        return super().to_internal_value(data)

    def validate_precision(self, value):
        """The decimal places first, then the digits before the point: a JavaScript sum
        (0.30000000000000004) has too many places, and DRF said it had too many digits in
        all, which is no rule the contract states."""
        _sign, digits, exponent = value.as_tuple()
        if isinstance(exponent, int):
            if -exponent > self.decimal_places:
                self.fail("max_decimal_places", max_decimal_places=self.decimal_places)
            if len(digits) + exponent > self.max_whole_digits:
                self.fail("max_whole_digits", max_whole_digits=self.max_whole_digits)
        return value


def not_an_object(data: object) -> str:
    """DRF's "Invalid data. Expected a dictionary, but got list." names a Python type."""
    if isinstance(data, bool):
        return _("Send a JSON object with the fields, not true or false.")
    if isinstance(data, int | float):
        return _("Send a JSON object with the fields, not a number.")
    if isinstance(data, str):
        return _("Send a JSON object with the fields, not a string.")
    if isinstance(data, list):
        return _("Send a JSON object with the fields, not an array.")
    return _("Send a JSON object with the fields.")


class InputSerializer(serializers.Serializer):
    # A serializer that validates input with fields copied once per class (a comment, not a
    # docstring: the schema would show a docstring to every client as the description of
    # each request body).
    #
    # DRF deep-copies every declared field for each serializer it makes, re-running each
    # field's __init__; for an order with two nested objects that was about half the time
    # spent validating it. Here they are deep-copied and bound once, and each serializer
    # gets shallow copies with itself as their parent: between binding and validation a
    # field keeps no state of its own, and these serializers never change their fields on
    # the fly. The copies are made as copy.copy makes them, without its generic protocol,
    # which took as long again as validating.

    def to_internal_value(self, data):
        if not isinstance(data, dict):
            raise serializers.ValidationError(
                {api_settings.NON_FIELD_ERRORS_KEY: [not_an_object(data)]}, code="invalid"
            )
        misspelt = _misspelt_keys(data, self.fields, self._spellings())
        if not misspelt:
            return super().to_internal_value(data)
        errors = {
            key: [
                _(
                    "Unknown field; the contract spells it “%(name)s”. Sent as "
                    "“%(key)s”, it would be ignored."
                )
                % {"name": name, "key": key}
            ]
            for key, name in misspelt.items()
        }
        # The other fields' refusals in the same answer (a nested object's misspelt keys
        # among them), but not "required" of a field the client sent misspelt.
        try:
            super().to_internal_value(data)
        except serializers.ValidationError as refused:
            meant = set(misspelt.values())
            for name, detail in refused.detail.items():
                if name not in meant:
                    errors.setdefault(name, detail)
        raise serializers.ValidationError(errors)

    @classmethod
    def _spellings(cls) -> dict[str, str]:
        """The fields' names squashed, for `_misspelt_keys`: the same for every request."""
        spellings = cls.__dict__.get("_spellings_of_fields")
        if spellings is None:
            spellings = cls._spellings_of_fields = _spellings(cls().fields)
        return spellings

    @classmethod
    def _prototypes(cls) -> dict:
        prototypes = cls.__dict__.get("_prototype_fields")
        if prototypes is None:
            prototypes = copy.deepcopy(cls._declared_fields)
            for name, field in prototypes.items():
                for validator in field.validators:  # built once, shared by the copies
                    if isinstance(getattr(validator, "message", None), lazy_format):
                        validator.message = FormattedEachTime(validator.message)
                field.bind(field_name=name, parent=None)  # name, label and source
            cls._prototype_fields = prototypes
        return prototypes

    @cached_property
    def fields(self) -> BindingDict:
        bound = BindingDict(self)
        for name, prototype in self._prototypes().items():
            field = object.__new__(type(prototype))
            field.__dict__.update(prototype.__dict__)
            field.parent = self
            bound.fields[name] = field
        return bound


class FormattedEachTime:
    """DRF's `lazy_format` keeps the text it first made ("Ensure this value is greater than
    or equal to 0."): right for a field made for one request, as DRF makes them, but a
    shared prototype's validator would then refuse every later request in the language of
    the first one the process refused. This formats in the language of each refusal."""

    __slots__ = ("args", "format_string", "kwargs")

    def __init__(self, message: lazy_format):
        self.format_string, self.args, self.kwargs = (
            message.format_string,
            message.args,
            message.kwargs,
        )

    def __str__(self) -> str:
        return str(self.format_string).format(*self.args, **self.kwargs)

    def __mod__(self, value) -> str:
        return str(self) % value


def _squashed(name: str) -> str:
    return name.replace("_", "").replace("-", "").lower()


def _spellings(fields: dict) -> dict[str, str]:
    known = {_squashed(name): name for name in fields}
    for parent, field in fields.items():  # a nested field sent flat: citizen_phone
        for child in getattr(field, "fields", {}) if isinstance(field, InputSerializer) else {}:
            known.setdefault(_squashed(parent + child), f"{parent}.{child}")
    return known


def _misspelt_keys(data: dict, fields: dict, known: dict[str, str]) -> dict[str, str]:
    """Keys that are a field in another spelling (`callbackId`, `Hotline_ID`), as Java and
    .NET serialisers write them. Other unknown keys are ignored, as the contract lets a
    client send more than it needs; these would be ignored too, silently dropping what the
    client meant to send (a `callbackId` would turn off the very retry check it asks for).
    A nested object's field sent flat (`citizen_phone`, `businessCreditCode`) is named by its
    place, `citizen.phone`: ignored, a report would lose the citizen's contact unseen."""
    return {
        key: known[_squashed(key)]
        for key in data
        if isinstance(key, str) and key not in fields and _squashed(key) in known
    }


def _unit(unit) -> dict | None:
    return {"code": unit.code, "name": unit.name} if unit else None


class CitizenIn(InputSerializer):
    """诉求人 / the citizen"""

    name = optional_text(
        60,
        "诉求人姓名 / citizen's name",
    )
    phone = optional_text(
        20,
        "诉求人电话，不超过 20 个字符：数字，数字之间可有空格或连字符，前面可加“+”和国家代码；"
        "国内号码还可带括号，如 138 1234 5678、+86 138-1234-5678、(022) 8200 1234 / the "
        "citizen's phone, at most 20 characters: digits, with spaces or hyphens between them "
        "and optionally “+” and a country code first; a Chinese number may also have "
        "brackets, as in 138 1234 5678, +86 138-1234-5678 or (022) 8200 1234",
    )
    id_number = optional_text(
        18,
        "身份证号：15 位数字，或 17 位数字加末位数字或 X / ID number: 15 digits, or 17 digits "
        "and a last digit or X",
    )


class BusinessIn(InputSerializer):
    """被投诉经营者 / the business complained about"""

    name = optional_text(
        200,
        "被投诉经营者 / business",
    )
    address = optional_text(
        200,
        "经营地址 / address",
    )
    credit_code = optional_text(
        18,
        "统一社会信用代码（可选）：18 位，数字及除 I、O、S、V、Z 以外的字母，第 3 至 8 位为数字 / "
        "unified social credit code (optional): 18 characters, digits and letters other than "
        "I, O, S, V and Z, with digits in places 3 to 8",
    )


EXAMPLE_HOTLINE_ID = "TJ12345-20261129-000123"
"""The order of the intake's example, which the examples of reading it and of its call-back
name too: on /api/v1/docs/ a developer tries them in turn."""


@extend_schema_serializer(
    examples=[
        OpenApiExample(
            "投诉 / complaint",
            value={
                "hotline_id": EXAMPLE_HOTLINE_ID,
                "kind": "complaint",
                "title": "小区物业不修电梯",
                "content": "杨村街道某小区电梯坏了一个月，物业一直不修。",
                "category": "物业管理",
                "received_at": "2026-11-29T09:30:00+08:00",
                "citizen": {"name": "王先生", "phone": "13812345678"},
                "business": {"name": "天津某物业服务有限公司"},
                "town": "yangcun-street",
                "amount": "0.00",
            },
            request_only=True,
        )
    ]
)
class HotlineOrderIn(InputSerializer):
    """推送的工单。投诉须有诉求人姓名或电话，举报（report）和咨询（inquiry）可以都没有；可选
    字段可省略，也可为 null。 / A work order pushed by the hotline. A complaint needs the
    citizen's name or phone; a report or an inquiry may come without both. An optional
    field may be left out or be null."""

    hotline_id = StrictCharField(
        keep_controls=True,
        max_length=64,
        help_text="热线工单号，每个客户端内唯一；是工单地址的一部分，不能含“/” / the hotline's "
        "own number, unique for your client; part of the order's address, so without “/”",
    )
    kind = AnyCaseChoiceField(
        choices=Kind.choices,
        default=Kind.COMPLAINT,
        allow_null=True,
        help_text="类型：投诉 complaint、举报 report、咨询 inquiry，大小写不限；省略或为 null "
        "时为 complaint / kind, in any case; left out or null, complaint",
    )
    content = StrictCharField(
        max_length=20000, help_text="诉求内容（必填）/ what the citizen says (required)"
    )
    title = optional_text(200, "标题 / title")
    category = optional_text(
        100,
        "热线分类 / the hotline operator's category label",
    )
    received_at = serializers.DateTimeField(
        required=False,
        allow_null=True,
        error_messages={
            # DRF's names no example and not the time zone taken without an offset.
            "invalid": gettext_lazy(
                "Give a date and time in ISO 8601, such as 2026-11-29T15:04:05+08:00 (without "
                "an offset it is Beijing time)."
            )
        },
        help_text="接收时间，ISO 8601，如 2026-11-29T09:30:00+08:00；不带时区时按北京时间；不能晚于"
        "现在；省略时取登记时间 / when the hotline received it, ISO 8601 such as "
        "2026-11-29T09:30:00+08:00; without an offset it is Beijing time; not in the future; "
        "left out, the time it is registered",
    )
    citizen = CitizenIn(
        required=False,
        allow_null=True,
        help_text="诉求人；投诉须有姓名或电话 / the citizen; a complaint needs a name or phone",
    )
    business = BusinessIn(required=False, allow_null=True, help_text="被投诉经营者 / the business")
    town = optional_text(
        40,
        "镇街代码（大小写不限）或镇街名称，见 GET /api/v1/towns/；不存在时返回 400，"
        "并列出全部代码 / town code, in any case, or the town's name, as GET /api/v1/towns/ "
        "lists them; an unknown one is a 400 that lists the codes there are",
    )
    amount = AmountField(
        max_digits=14,
        decimal_places=2,
        required=False,
        allow_null=True,
        min_value=0,
        help_text='涉及金额（元），十进制字符串，如 "1280.50"（也接受数字）；不小于 0，'
        "最多两位小数，不带千分位、货币符号或单位 / amount involved in yuan, a decimal "
        'string such as "1280.50" (a number is accepted too); not negative, at most two '
        "decimal places, without thousands separators, a currency sign or a unit",
    )

    def validate_kind(self, value: str | None) -> str:
        """Null is what Jackson or Json.NET send for an enum left unset: as if left out."""
        return Kind.COMPLAINT if value is None else value

    def validate_hotline_id(self, value: str) -> str:
        # Refused here, or the order could never be read back or called back on.
        if "/" in value or value in (".", "..") or any(c < " " or c == "\x7f" for c in value):
            raise serializers.ValidationError(
                _(
                    "The hotline number is part of the order's address: it cannot contain "
                    "“/” or control characters, nor be “.” or “..”."
                )
            )
        return value

    def service_fields(self) -> dict:
        return service_fields(self.validated_data)


def service_fields(data: dict) -> dict:
    """A push's fields as intake takes them, from its validated data. A field left out and
    a field sent as null (as Jackson and Json.NET write one) mean the same, and make the
    same fingerprint: a retry may do either."""
    citizen = data.get("citizen") or {}
    business = data.get("business") or {}
    return {
        "kind": data["kind"],
        "content": data["content"],
        "title": data.get("title") or "",
        "category": data.get("category") or "",
        "received_at": data.get("received_at"),
        "citizen_name": citizen.get("name") or "",
        "citizen_phone": citizen.get("phone") or "",
        "citizen_id_number": (citizen.get("id_number") or "").upper(),
        "business_name": business.get("name") or "",
        "business_address": business.get("address") or "",
        "business_credit_code": (business.get("credit_code") or "").upper(),
        "town_code": data.get("town") or "",
        "amount": data.get("amount"),
    }


NOT_PLAIN = re.compile(r"[\x00-\x08\x0b-\x1f\ud800-\udfff]")
"""What the serializer would change or refuse in a text: control characters other than tab
and line feed ("\r" included, which becomes "\n"), NUL, and lone surrogates."""

NOT_PLAIN_HOTLINE_ID = re.compile(r"[\x00-\x1f\x7f/\ud800-\udfff]")

PLAIN_KINDS = frozenset(Kind.values)


def _plain(value: object, max_length: int) -> bool:
    """Text the serializer would take exactly as it is: nothing to trim, recompose, drop
    or refuse."""
    return (
        type(value) is str
        and len(value) <= max_length
        and value.strip() == value
        and not NOT_PLAIN.search(value)
        and (value.isascii() or unicodedata.is_normalized("NFC", value))
    )


def _plain_part(value: object, limits: dict[str, int]) -> dict | None:
    """A nested object (citizen, business) as the serializer would take it, or None."""
    if value is None:
        return {}
    if type(value) is not dict or not value.keys() <= limits.keys():
        return None
    for name, text in value.items():
        if text is not None and text != "" and not _plain(text, limits[name]):
            return None
    return value


def _limits(serializer: type[InputSerializer]) -> dict[str, int]:
    return {
        name: field.max_length
        for name, field in serializer._declared_fields.items()
        if isinstance(field, serializers.CharField)
    }


def plain_order(data: object) -> tuple[str, dict] | None:
    """The hotline_id and service fields of a push that is plainly well formed, read
    without the serializer; None for anything else, which HotlineOrderIn reads and answers.

    Nearly every push is plain: the hotline's own system writes them. Read by the
    serializer, such a push spent about a sixth of intake's time in DRF's field machinery
    to come out unchanged. This takes only what the serializer would take unchanged (its
    texts already trimmed, composed and free of control characters; known keys only, in
    their own spelling), and gives the very fields HotlineOrderIn would: a test compares
    the two on generated bodies. Times and amounts go through the serializer's own fields.
    """
    if type(data) is not dict or not data.keys() <= _ORDER_KEYS:
        return None
    hotline_id = data.get("hotline_id")
    if (
        not _plain(hotline_id, _TEXT_LIMITS["hotline_id"])
        or not hotline_id
        or NOT_PLAIN_HOTLINE_ID.search(hotline_id)
        or hotline_id in (".", "..")
    ):
        return None
    content = data.get("content")
    if not content or not _plain(content, _TEXT_LIMITS["content"]):
        return None
    kind = data.get("kind")
    if kind is None:
        kind = Kind.COMPLAINT
    elif type(kind) is not str or kind not in PLAIN_KINDS:
        return None
    read = {"hotline_id": hotline_id, "content": content, "kind": kind}
    for name in ("title", "category", "town"):
        text = data.get(name)
        if text is not None and text != "" and not _plain(text, _TEXT_LIMITS[name]):
            return None
        read[name] = text
    for name, limits in (("citizen", _CITIZEN_LIMITS), ("business", _BUSINESS_LIMITS)):
        part = read[name] = _plain_part(data.get(name), limits)
        if part is None:
            return None
    fields = HotlineOrderIn._prototypes()
    for name in ("received_at", "amount"):
        value = data.get(name)
        try:
            read[name] = None if value is None else fields[name].run_validation(value)
        except serializers.ValidationError:
            return None
    return hotline_id, service_fields(read)


_ORDER_KEYS = frozenset(HotlineOrderIn._declared_fields)
_TEXT_LIMITS = _limits(HotlineOrderIn)
_CITIZEN_LIMITS = _limits(CitizenIn)
_BUSINESS_LIMITS = _limits(BusinessIn)


# Service field -> API field, for error messages.
SERVICE_TO_API_FIELD = {
    "citizen_name": "citizen.name",
    "citizen_phone": "citizen.phone",
    "citizen_id_number": "citizen.id_number",
    "business_name": "business.name",
    "business_address": "business.address",
    "business_credit_code": "business.credit_code",
    "town": "town",
}

# Intake's refusals that the office's form words for the person typing, worded here for
# the system that sent the field (by the refusal's code); the others read well to both.
API_WORDING = {
    "phone": gettext_lazy(
        "Expected a phone number of at most 20 characters: digits, with spaces or hyphens "
        "between them and optionally “+” and a country code first, as in 13812345678 or "
        "+86 138-1234-5678; a Chinese number may also have brackets, as in (022) 8200 1234. "
        "Letters and other signs are not accepted."
    ),
    "no_contact": gettext_lazy(
        "A complaint needs citizen.name or citizen.phone; a report or an inquiry (kind "
        "“report” or “inquiry”) may come without both."
    ),
}


def api_field_errors(error) -> dict[str, list[str]]:
    """Intake's refusal (a Django ValidationError keyed by service field) as the API's
    field errors: named as the contract names the fields, in the API's wording."""
    return {
        SERVICE_TO_API_FIELD.get(field, field): [
            str(API_WORDING[item.code]) if item.code in API_WORDING else " ".join(item)
            for item in items
        ]
        for field, items in error.error_dict.items()
    }


class UnitRef(serializers.Serializer):
    code = serializers.CharField(help_text="单位代码 / unit code")
    name = serializers.CharField(help_text="单位名称 / unit name")


class RoutingOut(serializers.Serializer):
    rule = serializers.CharField(allow_null=True, help_text="命中的规则 / the rule that decided")
    matched = serializers.ListField(
        child=serializers.CharField(), help_text="命中的关键词 / words that matched"
    )


class DeadlinesOut(serializers.Serializer):
    sign_for = serializers.DateTimeField(allow_null=True, help_text="签收时限 / sign for by")
    decision = serializers.DateTimeField(
        allow_null=True, help_text="受理决定时限 / acceptance decision by"
    )
    resolution = serializers.DateTimeField(allow_null=True, help_text="办结时限 / resolve by")
    answer = serializers.DateTimeField(allow_null=True, help_text="答复时限 / answer by")


class HotlineOrderOut(serializers.Serializer):
    number = serializers.CharField(help_text="本平台工单编号 / the portal's order number")
    hotline_id = serializers.CharField(help_text="热线工单号 / the hotline's number")
    kind = serializers.ChoiceField(choices=Kind.choices, help_text="类型 / kind")
    status = serializers.ChoiceField(
        choices=Status.choices,
        help_text="状态：triage 待分拨、assigned 待签收、in_progress 办理中、resolved 已办结、"
        "closed 已结案 / status: triage, the office is sorting it; assigned, dispatched, "
        "waiting for the unit to sign for it; in_progress, being handled; resolved, the unit "
        "replied with its result; closed",
    )
    primary_unit = UnitRef(allow_null=True, help_text="主办单位 / primary unit, null in triage")
    co_units = UnitRef(many=True, help_text="协办单位 / co-handling units")
    deadline = serializers.DateTimeField(
        allow_null=True,
        help_text="尚未完成的时限中最近的一个（+08:00），已过即超期；没有进行中的时限时为 null / "
        "the nearest deadline not yet met (+08:00): past, the order is overdue; null when "
        "none is running",
    )
    deadlines = DeadlinesOut(help_text="全部时限 / every deadline of the order")
    result = serializers.CharField(allow_null=True, help_text=RESULT)
    satisfaction = serializers.ChoiceField(
        choices=Satisfaction.choices,
        allow_null=True,
        help_text="最近一次办结的回访满意度；重新办结后、回访前为 null / the call-back's rating "
        "of the latest resolution; null again once the order is resolved anew, until its "
        "call-back",
    )
    created_at = serializers.DateTimeField(help_text="登记时间 / created at")
    updated_at = serializers.DateTimeField(help_text="最后更新 / last changed at")
    routing = RoutingOut(help_text="派单依据 / why it went where it went")
    merged_into = serializers.CharField(
        allow_null=True,
        help_text="并入的工单号（合并后本单结案）；未合并为 null，同回调的 merged_into / number "
        "of the order this one was merged into (it is then closed); null if not merged, as in "
        "the callback",
    )

    def to_representation(self, order: WorkOrder) -> dict:
        return order_answer(order)


def order_answer(order: WorkOrder) -> dict:
    """HotlineOrderOut's reading of an order; called as it is by intake, which answers an
    order per push and had a serializer built for each only to call this."""
    running = set(open_deadline_names(order))
    zone = timezone.get_current_timezone()

    def when(value: datetime | None) -> str | None:
        return None if value is None else timezone.localtime(value, zone).isoformat()

    # An order intake has just written carries its links (no query); any other, from
    # the database, has them prefetched.
    links = getattr(order, "links_as_written", None)
    if links is None:
        links = order.unit_links.all()
    return {
        "number": order.number,
        "hotline_id": order.hotline_id,
        "kind": order.kind,
        "status": order.status,
        "primary_unit": _unit(order.primary_unit),
        "co_units": [_unit(link.unit) for link in links if link.relation == "co"],
        "deadline": when(order.next_due_at) if order.next_due_name in running else None,
        "deadlines": {name: when(getattr(order, f"due_{name}")) for name in DEADLINE_NAMES},
        "result": order.current_result or None,
        "satisfaction": order.rating_of_latest_resolution or None,
        "created_at": when(order.created_at),
        "updated_at": when(order.updated_at),
        "routing": {
            "rule": order.routing.get("rule"),
            "matched": order.routing.get("matched", []),
        },
        "merged_into": _merged_into(order),
    }


def _merged_into(order: WorkOrder) -> str | None:
    """The number, from the list's annotation where there is one (no query per order)."""
    if order.merged_into_id is None:
        return None
    return getattr(order, "merged_into_number", None) or order.merged_into.number


class EventOut(serializers.Serializer):
    time = serializers.DateTimeField(help_text="时间 / time")
    type = serializers.CharField(help_text=EVENT_TYPES)
    status = serializers.ChoiceField(
        choices=Status.choices,
        allow_null=True,
        help_text="事件后的状态；状态未变时为 null / status after it; null when it did not change",
    )
    unit = UnitRef(allow_null=True, help_text="相关单位 / unit concerned")
    note = serializers.CharField(allow_blank=True, help_text="说明 / note")
    rating = serializers.ChoiceField(
        choices=Satisfaction.choices,
        allow_null=True,
        help_text="回访满意度（仅 satisfaction 事件）/ the rating, on satisfaction events only",
    )
    callback_id = serializers.CharField(
        allow_null=True,
        help_text="回访编号（仅 satisfaction 事件，推送时带了才有）/ the call-back's "
        "callback_id, on satisfaction events that came with one",
    )


class HotlineOrderDetailOut(HotlineOrderOut):
    events = EventOut(many=True, help_text="流转记录 / event history")

    def to_representation(self, order: WorkOrder) -> dict:
        data = super().to_representation(order)
        events: list[WorkOrderEvent] = list(order.events.all())
        data["events"] = [
            {
                "time": timezone.localtime(event.created_at).isoformat(),
                "type": event.action,
                "status": event.to_status or None,
                "unit": _unit(event.unit),
                "note": event.note,
                "rating": event.data.get("rating") if event.action == "satisfaction" else None,
                "callback_id": (
                    event.data.get("callback_id") if event.action == "satisfaction" else None
                ),
            }
            for event in events
            if event.action not in INTERNAL_ACTIONS
        ]
        return data


@extend_schema_serializer(
    examples=[
        OpenApiExample(
            "不满意 / dissatisfied",
            value={
                "rating": "dissatisfied",
                "comment": "电梯修好后又坏了，物业没有再来。",
                "callback_id": "HF-20261203-000045",
            },
            request_only=True,
        )
    ]
)
class SatisfactionIn(InputSerializer):
    rating = AnyCaseChoiceField(
        choices=Satisfaction.choices,
        help_text="satisfied 满意、basically_satisfied 基本满意、dissatisfied 不满意，大小写不限 / "
        "rating, in any case",
    )
    comment = optional_text(
        2000,
        "回访意见 / comment",
    )
    callback_id = optional_text(
        64,
        "回访编号（可选，建议提供）：热线自己的回访记录号。带上它，重发无论多晚到达都"
        "按同一回访处理，不会在工单再次办结后又退回一次 / the hotline's own number for this "
        "call-back (optional, recommended): with it, a retry is recognised however late it "
        "arrives, and cannot reopen an order the unit has resolved again since",
    )


@extend_schema_serializer(
    examples=[
        OpenApiExample(
            "物业 / property management",
            value={
                "content": "杨村街道某小区电梯坏了一个月，物业一直不修。",
                "category": "物业管理",
            },
            request_only=True,
        )
    ]
)
class RoutingPreviewIn(InputSerializer):
    content = StrictCharField(max_length=20000, help_text="诉求内容 / text to route")
    category = optional_text(
        100,
        "热线分类 / category",
    )


class RoutingCandidateOut(serializers.Serializer):
    unit = serializers.CharField(help_text="单位代码 / unit code")
    rule = serializers.CharField(help_text="该单位得分最高的规则 / the unit's best rule")
    score = serializers.FloatField(help_text="得分，越高越接近 / score, higher is closer")
    matched = serializers.ListField(
        child=serializers.CharField(), help_text="命中的关键词 / words that matched"
    )


class RoutingPreviewOut(serializers.Serializer):
    primary_unit = serializers.CharField(
        allow_null=True, help_text="主办单位代码，无把握时为 null / unit code or null"
    )
    co_units = serializers.ListField(
        child=serializers.CharField(), help_text="协办单位代码 / codes of co-handling units"
    )
    status = serializers.ChoiceField(
        choices=ROUTING_STATUSES,
        help_text="assigned 可直接派单；triage 需协调办分拨 / assigned: the rules would "
        "dispatch it to primary_unit; triage: the coordination office would sort it",
    )
    rule = serializers.CharField(allow_null=True, help_text="命中的规则 / rule")
    matched = serializers.ListField(
        child=serializers.CharField(), help_text="命中的关键词 / words that matched"
    )
    candidates = RoutingCandidateOut(
        many=True,
        help_text="适用的各单位，最接近的在前（有主办单位时即它）/ every unit that applied, "
        "closest first (the primary unit, when there is one)",
    )
    reason = serializers.CharField(
        help_text="判断依据：confident 有把握；empty_text 没有内容；no_rule_matched 没有规则命中；"
        "tie 两个单位得分接近；low_score 得分太低 / why: confident, the rules are sure; "
        "empty_text, nothing to route; no_rule_matched, no rule applied; tie, two units "
        "scored too close; low_score, the best score was too low"
    )


class CallbackUnitOut(serializers.Serializer):
    code = serializers.CharField(help_text="单位代码 / unit code")
    name = serializers.CharField(help_text="单位简称 / the unit's short name")


class CallbackOut(serializers.Serializer):
    """推送到客户端回调地址的状态变化，签名见 README / a status change posted to the client's
    callback URL; how to verify its signature is in the README"""

    event_id = serializers.UUIDField(help_text="事件编号，重试时不变 / the same on every retry")
    type = serializers.ChoiceField(
        choices=[("work_order.status_changed", "状态变化 / status changed")],
        help_text="事件类型 / event type",
    )
    hotline_id = serializers.CharField(help_text="热线工单号 / the hotline's number")
    number = serializers.CharField(help_text="平台工单号 / the portal's number")
    status = serializers.ChoiceField(choices=Status.choices, help_text="新状态 / status now")
    primary_unit = CallbackUnitOut(
        allow_null=True, help_text="主办单位，分拨中为 null / primary unit, null in triage"
    )
    occurred_at = serializers.DateTimeField(
        help_text="发生时间（+08:00），按它排序 / when it happened (+08:00); order by it"
    )
    result = serializers.CharField(allow_null=True, help_text=RESULT)
    event = serializers.CharField(
        help_text="发生了什么，同工单历史的 type；回调只在状态或主办单位变化时发出 / what "
        "happened, as the history's type names it; a callback comes only when the status or "
        "the primary unit changes. " + EVENT_TYPES
    )
    previous_status = serializers.ChoiceField(
        choices=Status.choices, allow_null=True, help_text="之前的状态 / status before"
    )
    merged_into = serializers.CharField(
        allow_null=True,
        help_text="并入的工单号，未合并为 null / number of the order it was merged into",
    )
