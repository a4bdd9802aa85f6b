"""API-wide pieces: every error is one JSON shape, in the user's language.

`{"error": {"code": "...", "message": "...", "fields": {...}}}`: clients branch on `code`
and show `message`; `fields` maps each invalid field (dotted for nested ones) to messages.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.core.exceptions import PermissionDenied, RequestDataTooBig, TooManyFieldsSent
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Choices
from django.http import Http404, QueryDict
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from drf_spectacular.utils import OpenApiResponse
from rest_framework import exceptions, serializers
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler


def is_api_request(request) -> bool:
    """Whether a request is for the API, whose clients are machines: JSON errors, their own
    body limit, and the language they ask for."""
    return request.path_info.startswith("/api/")  # also where the portal sits under a prefix


MESSAGES = {
    "invalid": lambda: _("Some fields are not valid; see fields."),
    "parse_error": lambda: _("The body is not valid JSON."),
    "not_authenticated": lambda: _("Send an API key: Authorization: Bearer <key>."),
    "permission_denied": lambda: _("You may not do this."),
    "not_found": lambda: _("Not found."),
    "method_not_allowed": lambda: _("This method is not allowed here."),
    "unsupported_media_type": lambda: _("Send JSON (Content-Type: application/json)."),
    "throttled": lambda: _("Too many requests; wait as long as Retry-After says."),
    "not_acceptable": lambda: _("The API answers in JSON only: accept application/json."),
}


UPSTREAM_MESSAGES = (
    # Django's Chinese for this one says "empty strings are not allowed" (with a typo); the
    # project's catalogue is read first and has the right one.
    gettext_noop("Null characters are not allowed."),
)


def body_too_large() -> str:
    """The 413's message, with the limit: a client should not have to guess it."""
    return _("The request body is too large: at most %(kb)s KB.") % {
        "kb": settings.API_MAX_BODY_BYTES // 1024
    }


def refused_unread(exc: Exception) -> tuple[str, str, int] | None:
    """The API's code, message and status for a request Django refuses to read on (more
    fields or query parameters than DATA_UPLOAD_MAX_NUMBER_FIELDS, a body past
    DATA_UPLOAD_MAX_MEMORY_SIZE), or None for any other error. Before, both were a 400
    "malformed", and the body's one did not say it was too large."""
    if isinstance(exc, RequestDataTooBig):
        return "payload_too_large", _("The request body is too large."), 413
    if isinstance(exc, TooManyFieldsSent):
        message = _(
            "The request has more than %(most)s fields or query parameters; nothing was done."
        ) % {"most": settings.DATA_UPLOAD_MAX_NUMBER_FIELDS}
        return "too_many_fields", message, 400
    return None


def _method_not_allowed(exc: exceptions.APIException, context: dict) -> str:
    request, view = context.get("request"), context.get("view")
    allowed = ", ".join(getattr(view, "allowed_methods", None) or ())
    if request is None or not allowed:
        return MESSAGES["method_not_allowed"]()
    return _("This method (%(method)s) is not allowed here; allowed: %(allowed)s.") % {
        "method": request.method,
        "allowed": allowed,
    }


def _unsupported_media_type(exc: exceptions.APIException, context: dict) -> str:
    request = context.get("request")
    sent = (getattr(request, "content_type", "") or "").split(";")[0].strip()
    if not sent:
        return MESSAGES["unsupported_media_type"]()
    return _("Send JSON (Content-Type: application/json), not %(media_type)s.") % {
        "media_type": sent
    }


DRF_WORDED = {
    exceptions.MethodNotAllowed: _method_not_allowed,
    exceptions.UnsupportedMediaType: _unsupported_media_type,
}
"""Errors DRF raises with its own wording around a detail (the method, the media type), so
that its text is never its `default_detail` and the check in `exception_handler` never
matched: DRF's 'Method "PUT" not allowed.' went out instead of the API's message. They are
known by their class, exactly: the project's own words for one come in a subclass
(`UnsupportedCharset`) and go out as written. The detail is kept: the methods the address
takes, the media type sent (without its parameters: a multipart boundary says nothing)."""


def _text(item) -> str:
    if getattr(item, "code", None) == "null" and str(item) == "No data provided":
        return _("Send a JSON object with the fields, not null.")  # DRF's, untranslated
    return str(item)


def flatten_field_errors(detail, prefix: str = "") -> dict[str, list[str]]:
    """DRF's nested error dicts become {"citizen.phone": ["..."]}. A nested object's errors
    of its own (a string sent for `citizen`) are under its name, `citizen`, not
    "citizen.non_field_errors", which names no field a client sent."""
    if isinstance(detail, dict):
        fields: dict[str, list[str]] = {}
        for key, value in detail.items():
            if prefix and key == api_settings.NON_FIELD_ERRORS_KEY:
                name = prefix
            else:
                name = f"{prefix}.{key}" if prefix else str(key)
            for field, messages in flatten_field_errors(value, name).items():
                fields.setdefault(field, []).extend(messages)
        return fields
    if isinstance(detail, list):
        if all(not isinstance(item, dict | list) for item in detail):
            return {prefix or "non_field_errors": [_text(item) for item in detail]}
        fields = {}
        for index, item in enumerate(detail):
            fields.update(flatten_field_errors(item, f"{prefix}.{index}" if prefix else str(index)))
        return fields
    return {prefix or "non_field_errors": [_text(detail)]}


def exception_handler(exc, context):
    if refused := refused_unread(exc):  # here too, so that it is JSON also with DEBUG on
        code, message, status = refused
        return Response({"error": {"code": code, "message": message}}, status=status)
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(
            exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages}
        )
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        code = "invalid"
        body = {
            "code": code,
            "message": MESSAGES[code](),
            "fields": flatten_field_errors(exc.detail),
        }
    else:
        code = exc.get_codes() if isinstance(exc, exceptions.APIException) else "error"
        if not isinstance(code, str):
            code = "error"
        detail = getattr(exc, "detail", "")
        default = MESSAGES.get(code)
        if worded := DRF_WORDED.get(type(exc)):
            message = worded(exc, context)
        elif default and str(detail) == str(getattr(exc, "default_detail", "")):
            message = default()
        else:
            message = str(detail)
        if code == "throttled":
            message = default()
        body = {"code": code, "message": message}
        if fields := getattr(exc, "fields", None):  # a 409 naming what differs, say
            body["fields"] = fields
    headers = {
        name: response[name]
        for name in ("WWW-Authenticate", "Retry-After", "Allow")
        if name in response
    }
    return Response({"error": body}, status=response.status_code, headers=headers)


class ErrorBody(serializers.Serializer):
    code = serializers.CharField(help_text="机器可读的错误代码 / error code")
    message = serializers.CharField(help_text="错误说明 / message for people")
    fields = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text="各字段的错误 / errors by field",
    )


class ErrorOut(serializers.Serializer):
    error = ErrorBody(
        help_text="出了什么错：错误代码、说明，输入有误或冲突时还有各字段的错误 / what went "
        "wrong: its code and message, and for invalid input or a conflict the fields"
    )


def error_responses(*codes: int, signed_in: bool = False) -> dict:
    """The error answers an endpoint documents, each in the one shape above. `signed_in`:
    the endpoint is for people signed in to the portal, whose 403 is also "not signed in".

    Every endpoint answers 406 to an Accept without JSON, so every one documents it: a
    client generated from the schema otherwise has no type for that answer."""
    described = {
        400: "输入有误 / invalid input",
        401: "未认证 / no or bad API key",
        403: "无权访问，或须用 HTTPS / not allowed, or HTTPS required",
        404: "不存在 / not found",
        409: "冲突 / conflict",
        411: "须带 Content-Length / Content-Length required",
        413: "请求过大 / body too large",
        415: "仅支持 JSON，编码须能表示中文 / JSON only, in an encoding that carries Chinese",
        429: "请求过于频繁 / rate limited (see Retry-After)",
        406: "Accept 须接受 application/json / the Accept header must allow application/json",
    }
    codes = tuple(sorted({*codes, 406}))
    if signed_in:
        described[403] = "未登录平台，或无权访问 / not signed in to the portal, or not allowed"
    return {code: OpenApiResponse(ErrorOut, description=described[code]) for code in codes}


def refuse_odd_list_parameters(
    params: QueryDict, *, takes: tuple[str, ...], once: tuple[str, ...]
) -> None:
    """A list's query refused when a parameter is unknown (a misspelt filter was ignored,
    and the caller read everything without being told), given twice where it takes one
    value (the last was taken silently), or given empty (read as no filter). `format` is
    DRF's own and always taken."""
    unknown = [name for name in params if name not in takes and name != "format"]
    if unknown:
        message = _("Unknown parameter; the list takes %(names)s.") % {"names": ", ".join(takes)}
        raise exceptions.ValidationError({name: [message] for name in unknown})
    repeated = [name for name in once if len(params.getlist(name)) > 1]
    if repeated:
        raise exceptions.ValidationError(
            {name: [_("Give this parameter once.")] for name in repeated}
        )
    empty = [name for name in takes if any(not value.strip() for value in params.getlist(name))]
    if empty:
        raise exceptions.ValidationError(
            {name: [_("Give a value or leave the parameter out.")] for name in empty}
        )


PAGE_DESCRIPTIONS = {
    "count": "符合筛选条件的总条数 / items matching the filters, on all pages",
    "next": "下一页；没有则为 null / the next page; null on the last page",
    "previous": "上一页；没有则为 null / the page before; null on the first page",
    "results": "本页各条，最新的在前 / this page's items, newest first",
}


class PageNumbers(PageNumberPagination):
    """The API's page numbers (the lists for people signed in; the hotline's list pages by
    cursor): a page that is not there is a 400 naming `page` and the pages there are, as
    on the hotline's list, not DRF's 404 "Invalid page.", which these operations do not
    document and which reads as "no such address". `for_list` gives the link examples
    the list's own address instead of DRF's `http://api.example.org/accounts/`."""

    example_list = "https://wuqing.example/api/v1/"
    page_query_description = "页码，从 1 起 / the page number, from 1"

    @classmethod
    def for_list(cls, path: str) -> type[PageNumbers]:
        return type(cls.__name__, (cls,), {"example_list": f"https://wuqing.example{path}"})

    def paginate_queryset(self, queryset, request, view=None):
        try:
            return super().paginate_queryset(queryset, request, view)
        except exceptions.NotFound:
            last = max(1, -(-queryset.count() // self.get_page_size(request)))
            message = _("Give a page number from 1 to %(last)s; or follow next instead.")
            raise exceptions.ValidationError(
                {self.page_query_param: [message % {"last": last}]}
            ) from None

    def get_paginated_response_schema(self, schema):
        paginated = super().get_paginated_response_schema(schema)
        fields = paginated["properties"]
        for name, page in (("next", 4), ("previous", 2)):
            fields[name]["example"] = f"{self.example_list}?{self.page_query_param}={page}"
        for name, description in PAGE_DESCRIPTIONS.items():
            fields[name]["description"] = description
        paginated["required"] = list(PAGE_DESCRIPTIONS)  # all four on every page (links null)
        return paginated

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_query_param:
                parameter["schema"] = {**parameter["schema"], "minimum": 1}
        return parameters


ENUM_LINE = re.compile(r"^\* `(?P<value>[^`]*)` - (?P<label>.*)$")


def bilingual_enum_lists(result, generator, request, public):
    """drf-spectacular lists an enum's values with their labels in the language the schema
    is made in (`?lang=`), in the enum and in a filter's parameter, while every other
    description in it is in Chinese and English: the lists are too ("* `triage` - 待分拨 /
    Triage"). A postprocessing hook."""
    classes = _choices_in_both_languages()
    pending = [result]
    while pending:
        node = pending.pop()
        if isinstance(node, list):
            pending.extend(node)
        elif isinstance(node, dict):
            description = node.get("description")
            if isinstance(description, str) and "* `" in description:
                node["description"] = _list_in_both(description, classes)
            pending.extend(node.values())
    return result


def _list_in_both(description: str, classes: list[dict[str, tuple[str, str]]]) -> str:
    """The list's labels in both languages, from the choices class whose labels it shows:
    one English label can stand for two Chinese ones ("Accepted" is 已接收 of a lead and
    已采纳 of a report), so a label is not looked up alone."""
    lines = [(line, ENUM_LINE.match(line)) for line in description.split("\n")]
    shown = {
        found["value"]: found["label"]
        for _line, found in lines
        if found is not None and " / " not in found["label"]
    }
    for choices in classes if shown else ():
        if all(choices.get(value, ("",))[0] == label for value, label in shown.items()):
            return "\n".join(
                f"* `{found['value']}` - {choices[found['value']][1]}"
                if found is not None and found["value"] in shown
                else line
                for line, found in lines
            )
    return description


def _choices_in_both_languages() -> list[dict[str, tuple[str, str]]]:
    """For each choices class (the project's and the libraries'): value → (its label in the
    language now active, "中文 / English")."""
    classes = []
    pending = list(Choices.__subclasses__())
    while pending:
        choices = pending.pop()
        pending.extend(choices.__subclasses__())
        labels = {}
        for value, label in getattr(choices, "choices", ()):
            with translation.override("zh-hans"):
                chinese = str(label)
            with translation.override("en"):
                english = str(label)
            both = chinese if chinese == english else f"{chinese} / {english}"
            labels[str(value)] = (str(label), both)
        if labels:
            classes.append(labels)
    return classes
