"""The hotline's API client, for the tests of the hotline API."""

from __future__ import annotations

import json

import pytest

from complaints.clients import api_client_create


@pytest.fixture
def hotline(db):
    client, key, _secret = api_client_create(name="12345 热线")
    return client, key


@pytest.fixture
def api(client, hotline):
    """A Django test client that sends the hotline's key."""
    _, key = hotline

    def call(method, path, body=None, **extra):
        kwargs = {"HTTP_AUTHORIZATION": f"Bearer {key}", **extra}
        if body is not None:
            kwargs.setdefault("content_type", "application/json")
            kwargs["data"] = json.dumps(body) if not isinstance(body, str | bytes) else body
        return getattr(client, method)(path, **kwargs)

    return call
