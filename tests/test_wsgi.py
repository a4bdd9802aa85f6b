"""The WSGI application gunicorn serves, called as gunicorn calls it."""

import io
import json
from wsgiref.util import setup_testing_defaults

import pytest

from complaints.clients import api_client_create
from complaints.models import WorkOrder
from tests.complaints.test_api import ORDER
from wuqing_consumer.wsgi import application


@pytest.fixture
def key(db):
    return api_client_create(name="12345 热线")[1]


pytestmark = pytest.mark.usefixtures("keep_the_test_connection")


def post(key: str, body: bytes, **environ) -> tuple[str, dict]:
    """POST through `application`, as gunicorn would call it."""
    env: dict = {}
    setup_testing_defaults(env)
    env.update(
        REQUEST_METHOD="POST",
        PATH_INFO="/api/v1/hotline/work-orders/",
        HTTP_HOST="testserver",
        CONTENT_TYPE="application/json",
        HTTP_AUTHORIZATION=f"Bearer {key}",
        **{"wsgi.input": io.BytesIO(body)},
        **environ,
    )
    env.pop("CONTENT_LENGTH", None)
    answer = {}

    def start_response(status, headers, exc_info=None):
        answer["status"] = status

    content = b"".join(application(env, start_response))
    return answer["status"], json.loads(content)


CHUNKED = {"HTTP_TRANSFER_ENCODING": "chunked"}


def test_a_body_sent_in_chunks_is_read_where_the_server_took_them_apart(key):
    body = json.dumps(ORDER).encode()
    status, answer = post(key, body, **CHUNKED, **{"wsgi.input_terminated": True})
    assert status.startswith("201"), answer
    assert WorkOrder.objects.get().hotline_id == ORDER["hotline_id"]


def test_a_body_in_chunks_the_server_cannot_read_is_a_411_not_missing_fields(key):
    status, answer = post(key, json.dumps(ORDER).encode(), **CHUNKED)
    assert status.startswith("411")
    assert answer["error"]["code"] == "length_required"
    assert not WorkOrder.objects.exists()


def test_a_body_in_chunks_is_still_held_to_the_size_limit(key, settings):
    settings.API_MAX_BODY_BYTES = 1000
    body = json.dumps({**ORDER, "content": "很" * 2000}).encode()
    status, answer = post(key, body, **CHUNKED, **{"wsgi.input_terminated": True})
    assert status.startswith("413") and answer["error"]["code"] == "payload_too_large"
    assert not WorkOrder.objects.exists()
