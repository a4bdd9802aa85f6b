"""What gunicorn answers itself, before Django sees a request, in the API's error shape.

A request gunicorn cannot read (a request line over its 4094-byte limit, headers too large,
a malformed line) never reaches Django, so gunicorn answered it with an English HTML page.
The hotline's systems parse every error as `{"error": {"code", "message"}}` (see
wuqing_consumer/api.py) and the portal's users read Chinese; this answers in that shape,
the message in both languages, since no header says which the client reads. Installed by
gunicorn.conf.py, which gunicorn loads from the project's folder.
"""

from __future__ import annotations

import json
import socket

from gunicorn import util

ERRORS = {
    400: ("bad_request", "请求不是有效的 HTTP 请求，无法读取。", "The request is not valid HTTP."),
    403: ("permission_denied", "请求被拒绝。", "The request was refused."),
    414: (
        "uri_too_long",
        "请求地址过长：地址连同查询参数不能超过 4094 字节。",
        "The request line is too long: the address with its query may not exceed 4094 bytes.",
    ),
    417: (
        "expectation_failed",
        "不支持请求的 Expect 头部。",
        "The Expect header is not supported.",
    ),
    431: (
        "headers_too_large",
        "请求头部过大或过多。",
        "The request's headers are too large or too many.",
    ),
    500: (
        "server_error",
        "服务器内部错误，已记录，请稍后重试。",
        "Internal server error; it has been logged. Try again later.",
    ),
    501: (
        "not_implemented",
        "不支持请求的传输编码。",
        "The request's transfer encoding is not supported.",
    ),
}


def error_response(status: int, reason: str) -> bytes:
    """The whole HTTP answer gunicorn sends for a request it could not read."""
    code, chinese, english = ERRORS.get(status) or ERRORS[400 if status < 500 else 500]
    body = json.dumps(
        {"error": {"code": code, "message": f"{chinese} / {english}"}}, ensure_ascii=False
    ).encode()
    head = (
        f"HTTP/1.1 {status} {reason}\r\nConnection: close\r\n"
        f"Content-Type: application/json; charset=utf-8\r\nContent-Length: {len(body)}\r\n\r\n"
    )
    return head.encode("latin-1") + body


def write_error(sock: socket.socket, status_int: int, reason: str, mesg: str) -> None:
    """gunicorn.util.write_error's replacement; gunicorn's own detail (`mesg`, English and
    technical) stays in its log."""
    util.write_nonblock(sock, error_response(status_int, reason))


def install() -> None:
    util.write_error = write_error
