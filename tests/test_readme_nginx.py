"""The README's nginx blocks, run in a real nginx: a body over the API's limit is refused with
the API's JSON error (the hotline is promised JSON for every error), not nginx's HTML page.
CI installs nginx (.ci/run); elsewhere the test says it is skipped."""

from __future__ import annotations

import http.client
import json
import re
import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest

NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
README = Path(__file__).resolve().parent.parent / "README.md"

pytestmark = pytest.mark.skipif(
    NGINX is None, reason="nginx is not installed (apt-get install nginx-light)"
)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def nginx(tmp_path):
    # The README's blocks together: the body limits and the proxy headers of one server.
    block = "\n".join(re.findall(r"```nginx\n(.*?)```", README.read_text(encoding="utf-8"), re.S))
    port, upstream = _free_port(), _free_port()
    block = block.replace("127.0.0.1:8000", f"127.0.0.1:{upstream}")
    (tmp_path / "logs").mkdir()
    config = tmp_path / "nginx.conf"
    config.write_text(
        f"""worker_processes 1;
pid {tmp_path}/nginx.pid;
error_log {tmp_path}/logs/error.log;
daemon off;
events {{}}
http {{
  access_log off;
  client_body_temp_path {tmp_path}/body;
  proxy_temp_path {tmp_path}/proxy;
  server {{
    listen 127.0.0.1:{port};
    {block}
  }}
}}
""",
        encoding="utf-8",
    )
    process = subprocess.Popen([NGINX, "-c", str(config), "-p", str(tmp_path)])
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                assert process.poll() is None, (tmp_path / "logs/error.log").read_text()
                assert time.monotonic() < deadline, "nginx did not start"
                time.sleep(0.05)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_a_body_over_the_apis_limit_is_refused_with_the_apis_json_error(nginx):
    connection = http.client.HTTPConnection("127.0.0.1", nginx, timeout=10)
    connection.request(
        "POST",
        "/api/v1/hotline/work-orders/",
        body=b'{"content": "' + b"a" * (2 * 1024 * 1024) + b'"}',
        headers={"Content-Type": "application/json"},
    )
    response = connection.getresponse()
    assert response.status == 413
    assert response.getheader("Content-Type").startswith("application/json")
    error = json.loads(response.read().decode("utf-8"))["error"]
    assert error["code"] == "payload_too_large" and error["fields"] == {}
    assert "1024 KB" in error["message"]
