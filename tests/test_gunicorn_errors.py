"""What gunicorn answers itself, for requests Django never sees, is in the API's error shape.

A real gunicorn, started in the project's folder as the image and the benchmarks start it,
is sent requests it cannot read; each answer must be the `{"error": {"code", "message"}}`
JSON the hotline's systems parse, not gunicorn's English HTML page.
"""

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from wuqing_consumer.server import ERRORS, error_response

ROOT = Path(__file__).resolve().parent.parent
GUNICORN = Path(sys.executable).with_name("gunicorn")


def parse(raw: bytes) -> tuple[int, dict, dict]:
    head, _, body = raw.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = dict(line.split(": ", 1) for line in lines[1:])
    return int(lines[0].split()[1]), headers, json.loads(body.decode())


@pytest.mark.parametrize("status", sorted(ERRORS))
def test_each_answer_is_the_api_error_shape_with_its_length(status):
    answer = error_response(status, "Reason")
    got, headers, body = parse(answer)
    assert got == status
    assert headers["Content-Type"] == "application/json; charset=utf-8"
    assert int(headers["Content-Length"]) == len(answer.partition(b"\r\n\r\n")[2])
    assert body["error"]["code"] == ERRORS[status][0]
    assert ERRORS[status][1] in body["error"]["message"]  # Chinese first, then English
    assert ERRORS[status][2] in body["error"]["message"]


@pytest.fixture(scope="module")
def server_port(tmp_path_factory):
    # A file, not a pipe nobody reads: gunicorn logs a line for each request it refuses.
    log = tmp_path_factory.mktemp("gunicorn") / "gunicorn.log"
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with log.open("wb") as output:  # gunicorn keeps its own copy
        process = subprocess.Popen(
            [
                *(str(GUNICORN), "wuqing_consumer.wsgi:application"),
                *("--bind", f"127.0.0.1:{port}", "--workers", "1", "--log-level", "warning"),
            ],
            cwd=ROOT,
            env={**os.environ, "DJANGO_SETTINGS_MODULE": "wuqing_consumer.settings"},
            stdout=subprocess.DEVNULL,
            stderr=output,
        )
    deadline = time.monotonic() + 60
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                pytest.fail(f"gunicorn did not start: {log.read_text()[-2000:]}")
            time.sleep(0.1)  # polling for the port, not waiting for work
    yield port
    process.terminate()
    process.wait(timeout=15)


def send(port: int, raw: bytes) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as connection:
        connection.sendall(raw)
        answer = b""
        while chunk := connection.recv(65536):
            answer += chunk
    return answer


@pytest.mark.parametrize(
    "raw, status, code",
    [
        (
            b"GET /api/v1/hotline/work-orders/?updated_since=" + b"9" * 5000 + b" HTTP/1.1\r\n"
            b"Host: 127.0.0.1\r\n\r\n",
            414,
            "uri_too_long",
        ),
        (
            b"GET /api/v1/units/ HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: "
            + b"a" * 9000
            + b"\r\n\r\n",
            431,
            "headers_too_large",
        ),
        (b"GET\r\n\r\n", 400, "bad_request"),
    ],
    ids=["request-line", "headers", "malformed"],
)
def test_gunicorn_answers_what_it_cannot_read_in_the_api_error_shape(
    server_port, raw, status, code
):
    got, headers, body = parse(send(server_port, raw))
    assert (got, body["error"]["code"]) == (status, code)
    assert headers["Content-Type"] == "application/json; charset=utf-8"
    assert "/" in body["error"]["message"]
