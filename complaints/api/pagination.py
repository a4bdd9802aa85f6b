"""Paging through the hotline's orders so that a poll never misses one."""

from __future__ import annotations

from base64 import b64decode
from urllib import parse

from django.utils.translation import gettext as _
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import Cursor, CursorPagination
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param

EXAMPLE_LIST = "https://wuqing.example/api/v1/hotline/work-orders/"
LINK_DESCRIPTIONS = {
    "next": "下一页，从本页最后一张工单之后接着列；没有则为 null / the next page, going on "
    "after this page's last order; null on the last page",
    "previous": "上一页；没有则为 null / the page before; null on the first page",
}


def _whole_number(text: str) -> int | None:
    return int(text) if text.isascii() and text.isdigit() else None


CURSOR_TOKENS = {"o", "r", "p"}


def _well_formed_cursor(encoded: str) -> bool:
    """Whether a cursor is one DRF could have written. DRF's own reading skips what is not
    base64 and ignores names it does not know, so "*" or any stray text read as the first
    page, and a client with a mangled link was shown page one again as if all were well."""
    try:
        text = b64decode(encoded.encode("ascii"), validate=True).decode("ascii")
        tokens = parse.parse_qs(text, keep_blank_values=True, strict_parsing=True)
    except ValueError:  # binascii.Error and UnicodeError are ValueErrors
        return False
    return (
        bool(tokens)
        and set(tokens) <= CURSOR_TOKENS
        and all(len(values) == 1 for values in tokens.values())
    )


class RegistrationOrderPagination(CursorPagination):
    """Pages in the order of registration, each `next` going on after the last order shown.

    With page numbers, an order that leaves the filter while a client pages through (a
    status changes) moved every later order back one place, and the one that crossed the
    page boundary was never seen. `page=N`, which version 1 offered first, still says where
    to start; the links from it are cursors. The answer keeps `count`, the orders matching
    the filters.
    """

    ordering = "id"
    page_query_param = "page"
    page_query_description = (
        "从第几页开始（为兼容保留）；请沿 next 翻页，按状态筛选时页码会移位 / page to start "
        "from (kept for compatibility); follow next instead, as a status filter may shift "
        "orders between page numbers"
    )
    cursor_query_description = (
        "翻页位置，取自 next 或 previous / where to go on from, taken from next or previous"
    )

    def paginate_queryset(self, queryset, request, view=None):
        self.count = queryset.count()
        return super().paginate_queryset(queryset, request, view)

    def decode_cursor(self, request):
        params = request.query_params
        if self.page_query_param in params:
            number = _whole_number(params[self.page_query_param])
            if not number:  # 0, -1 or "x" beside a cursor too: never a page
                raise self.bad_page()
            if self.cursor_query_param not in params:
                offset = (number - 1) * self.page_size
                if offset and offset >= self.count:
                    raise self.bad_page()
                return Cursor(offset=offset, reverse=False, position=None)
        encoded = params.get(self.cursor_query_param)
        if encoded is not None and not _well_formed_cursor(encoded):
            raise self.bad_cursor()
        try:
            cursor = super().decode_cursor(request)
        except NotFound:  # DRF's: a 404 and "Invalid cursor", for what is a bad parameter
            raise self.bad_cursor() from None
        position = None if cursor is None else cursor.position
        if position is not None and _whole_number(position) is None:  # hand-made
            raise self.bad_cursor()
        return cursor

    def bad_page(self) -> ValidationError:
        last = max(1, -(-self.count // self.page_size))
        message = _("Give a page number from 1 to %(last)s; or follow next instead.")
        return ValidationError({self.page_query_param: [message % {"last": last}]})

    def bad_cursor(self) -> ValidationError:
        message = _("This cursor leads nowhere: use next or previous from an answer as is.")
        return ValidationError({self.cursor_query_param: [message]})

    def encode_cursor(self, cursor):
        return remove_query_param(super().encode_cursor(cursor), self.page_query_param)

    def get_paginated_response(self, data):
        return Response(
            {
                "count": self.count,
                "next": self.get_next_link(),
                "previous": self.get_previous_link(),
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema):
        paginated = super().get_paginated_response_schema(schema)
        links = paginated["properties"]
        for name, position in (("next", "cD0xMjM0"), ("previous", "cj0xJnA9MTE4NQ==")):
            links[name]["description"] = LINK_DESCRIPTIONS[name]
            links[name]["example"] = f"{EXAMPLE_LIST}?status=assigned&cursor={position}"
        paginated["required"] = ["count", "next", "previous", "results"]  # null, not absent
        paginated["properties"] = {
            "count": {
                "type": "integer",
                "description": "符合筛选条件的工单数 / orders matching the filters",
                "example": 123,
            },
            **links,
            "results": {
                **paginated["properties"]["results"],
                "description": "本页的工单，按登记先后排列 / this page's orders, in the order "
                "they were registered",
            },
        }
        return paginated

    def get_schema_operation_parameters(self, view):
        return [
            *super().get_schema_operation_parameters(view),
            {
                "name": self.page_query_param,
                "required": False,
                "in": "query",
                "description": self.page_query_description,
                "schema": {"type": "integer", "minimum": 1},
            },
        ]
