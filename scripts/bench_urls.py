"""The project's URLs plus `/bench/floor/`, for scripts/benchmark_intake.py only.

The floor is what the framework costs without the application: the same middleware, DRF's
request/response cycle and JSON parsing of the same body, and one INSERT in autocommit. It
has no authentication, permission or throttle, so the intake endpoint can be compared with
the least a DRF endpoint that writes a row can do on the same server, in the same run.
"""

import json

from django.db import connection
from django.urls import path
from rest_framework import status
from rest_framework.parsers import JSONParser
from rest_framework.response import Response
from rest_framework.views import APIView

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


# First, as the API is: resolving a path costs what comes before it in the list.
urlpatterns = [
    path("bench/floor/", FloorView.as_view(), name="bench-floor"),
    *project_urlpatterns,
]
