"""The project's URLs plus `/bench/floor/`, for scripts/benchmark_intake.py only.

The floor is what the framework costs without the application: the same middleware, DRF's
request/response cycle and JSON parsing of the same body, and one INSERT in autocommit. It
has no authentication, permission or throttle, so the intake endpoint can be compared with
the least a DRF endpoint that writes a row can do on the same server, in the same run.

`/bench/bound/` (`--bound`) is intake's writes without intake's Python: see BoundView.
`/bench/unchecked/` (`--unchecked`) is intake without validation or an authentication query:
see UncheckedView.
"""

import hashlib
import json
from decimal import Decimal
from unittest import mock

from django.db import connection
from django.urls import path
from rest_framework import status
from rest_framework.parsers import JSONParser
from rest_framework.response import Response
from rest_framework.views import APIView

from complaints import services
from complaints.api.auth import ApiKeyAuthentication, IsApiClient
from complaints.api.serializers import HotlineOrderIn, HotlineOrderOut
from complaints.choices import Kind
from complaints.clients import client_for_key
from wuqing_consumer.db import execute_prepared
from wuqing_consumer.urls import urlpatterns as project_urlpatterns

FLOOR_TABLE = "bench_floor"
"""Created by the benchmark: `id bigserial primary key, body text not null`."""


class FloorView(APIView):
    authentication_classes: list = []
    permission_classes: list = []
    throttle_classes: list = []
    parser_classes = [JSONParser]

    def post(self, request):
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {FLOOR_TABLE} (body) VALUES (%s) RETURNING id",
                [json.dumps(request.data, ensure_ascii=False)],
            )
            (row_id,) = cursor.fetchone()
        return Response({"id": row_id}, status=status.HTTP_201_CREATED)


class BoundView(APIView):
    """Intake's writes without intake's Python: what no endpoint that authenticates the
    hotline and writes what intake writes can go below.

    It authenticates as intake does (the same class, the same query), then runs the very
    statement intake ran for this process's first order, with this request's hotline_id
    and fingerprint, and answers with that first order as intake answered it, renumbered:
    the same rows and indexes written, an answer of the same size, and none of the
    validation, routing, deadlines or serializers. The first request of each process goes
    through intake itself to learn the statement.
    """

    authentication_classes = [ApiKeyAuthentication]
    permission_classes = [IsApiClient]
    throttle_classes: list = []
    parser_classes = [JSONParser]
    learned: dict = {}

    def post(self, request):
        if not self.learned:
            return self.learn(request)
        hotline_id = request.data["hotline_id"]
        params = list(self.learned["params"])
        for index in self.learned["hotline_id_at"]:
            params[index] = hotline_id
        params[self.learned["fingerprint_at"]] = hashlib.sha256(request.body).hexdigest()
        with connection.cursor() as cursor:
            execute_prepared(cursor, self.learned["sql"], params)
            _id, number = cursor.fetchone()
        answer = {**self.learned["answer"], "number": number, "hotline_id": hotline_id}
        return Response(answer, status=status.HTTP_201_CREATED)

    def learn(self, request):
        payload = HotlineOrderIn(data=request.data)
        payload.is_valid(raise_exception=True)
        statements = []

        def recorded(cursor, sql, params):
            statements.append((sql, list(params)))
            execute_prepared(cursor, sql, params)

        hotline_id = payload.validated_data["hotline_id"]
        with mock.patch.object(services, "execute_prepared", recorded):
            order, _created = services.hotline_intake(
                client=request.auth, hotline_id=hotline_id, fields=payload.service_fields()
            )
        # Intake writes a new order in one statement, or in two when this process's snapshot
        # of the reference data was stale: the first, guarded by the stale version, wrote
        # nothing. The last is the one that wrote.
        *_, (sql, params) = statements
        self.learned.update(
            sql=sql,
            params=params,
            hotline_id_at=[i for i, value in enumerate(params) if value == hotline_id],
            fingerprint_at=params.index(order.request_fingerprint),
            answer=HotlineOrderOut(order).data,
        )
        return Response(self.learned["answer"], status=status.HTTP_201_CREATED)


class UncheckedView(APIView):
    """Intake without the two parts a rewrite could most easily drop: no serializer (the
    body's fields taken as they come, which the benchmark's well-formed orders allow) and no
    authentication query (the client found once per process, by its key). What is left is
    intake's own work: routing, deadlines, the statement and the answer. Its rate is the
    most that rewriting validation and authentication could bring intake to.

    The first requests of each process are also read by intake's serializer, and answered
    with an error if the two readings differ, so the phase writes the very orders intake
    would.
    """

    authentication_classes: list = []
    permission_classes: list = []
    throttle_classes: list = []
    parser_classes = [JSONParser]
    clients: dict = {}
    compared = 0
    COMPARE = 50

    def post(self, request):
        key = request.headers["Authorization"].split()[1]
        client = self.clients.get(key)
        if client is None:
            client = self.clients[key] = client_for_key(key)
        data = request.data
        fields = self.fields(data)
        if type(self).compared < self.COMPARE:
            payload = HotlineOrderIn(data=data)
            payload.is_valid(raise_exception=True)
            if payload.service_fields() != fields:
                raise RuntimeError(f"unchecked {fields!r} != intake {payload.service_fields()!r}")
            type(self).compared += 1
        order, created = services.hotline_intake(
            client=client, hotline_id=data["hotline_id"], fields=fields
        )
        return Response(
            HotlineOrderOut(order).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )

    @staticmethod
    def fields(data: dict) -> dict:
        citizen = data.get("citizen") or {}
        business = data.get("business") or {}
        return {
            "kind": data.get("kind") or Kind.COMPLAINT,
            "content": data["content"],
            "title": data.get("title") or "",
            "category": data.get("category") or "",
            "received_at": None,
            "citizen_name": citizen.get("name") or "",
            "citizen_phone": citizen.get("phone") or "",
            "citizen_id_number": "",
            "business_name": business.get("name") or "",
            "business_address": "",
            "business_credit_code": "",
            "town_code": data.get("town") or "",
            "amount": Decimal(data["amount"]) if data.get("amount") else None,
        }


# First, as the API is: resolving a path costs what comes before it in the list.
urlpatterns = [
    path("bench/floor/", FloorView.as_view(), name="bench-floor"),
    path("bench/bound/", BoundView.as_view(), name="bench-bound"),
    path("bench/unchecked/", UncheckedView.as_view(), name="bench-unchecked"),
    *project_urlpatterns,
]
