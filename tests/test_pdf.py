"""Every PDF the portal builds reads only the project's own files: a document that names an
address on the network or a file elsewhere on the server gets neither fetched."""

from __future__ import annotations

import subprocess
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.conf import settings

from meetings import minutes
from publicity import rendering as release_rendering
from reports import plan_rendering, rendering

BUILDERS = [
    (minutes, "render_minutes_html", lambda: minutes.build_minutes_pdf(None)),
    (release_rendering, "render_html", lambda: release_rendering.build_pdf(None)),
    (plan_rendering, "render_register_html", lambda: plan_rendering.build_register_pdf(2026)),
    (rendering, "render_html", lambda: rendering.build_pdf({})),
    (
        rendering,
        "render_campaign_html",
        lambda: rendering.build_campaign_pdf(None, sums={}, linked_orders=0),
    ),
]


@pytest.fixture
def intranet_host():
    """A web server on this machine that records every path asked of it."""
    asked: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            asked.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "text/css")
            self.end_headers()
            self.wfile.write(b"body { color: red }")

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", asked
    server.shutdown()
    server.server_close()


def _embedded_files(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "out.pdf"
    path.write_bytes(pdf)
    return subprocess.run(
        ["pdfdetach", "-list", str(path)], capture_output=True, text=True, check=True
    ).stdout


@pytest.mark.parametrize(("module", "render", "build"), BUILDERS)
def test_a_pdf_fetches_no_url_and_no_file_outside_the_project(
    module, render, build, intranet_host, tmp_path, monkeypatch
):
    host, asked = intranet_host
    secret = tmp_path / "secret-outside.txt"
    secret.write_text("not for the PDF")
    own = settings.BASE_DIR / "static" / "css" / "portal.css"
    html = (
        f'<html><head><link rel="stylesheet" href="{host}/sheet.css">'
        f"<style>body {{ background: url({host}/background.png) }}</style>"
        f'<link rel="attachment" href="file://{secret}">'
        f'<link rel="attachment" href="file://{own}"></head>'
        f'<body><p>正文</p><img src="{host}/image.png"><a rel="attachment" '
        f'href="{host}/download.txt">附件</a></body></html>'
    )
    monkeypatch.setattr(module, render, lambda *args, **kwargs: html)

    embedded = _embedded_files(build(), tmp_path)

    assert asked == []
    assert "secret-outside.txt" not in embedded
    assert "portal.css" in embedded  # the project's own files still load
