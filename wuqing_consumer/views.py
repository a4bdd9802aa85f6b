from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.views import defaults

from .api import MESSAGES, is_api_request


def healthz(request: HttpRequest) -> JsonResponse:
    """For the load balancer and docker-compose: the process answers and the database too."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:  # noqa: BLE001
        return JsonResponse({"status": "error", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok"})


def api_error(code: str, message: str, status: int) -> JsonResponse:
    """The API's error shape, for answers given before or outside DRF."""
    return JsonResponse(
        {"error": {"code": code, "message": message}},
        status=status,
        json_dumps_params={"ensure_ascii": False},
    )


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """An API client gets the API's JSON error, even for an address no route matches; a
    person gets the portal's page."""
    if is_api_request(request):
        return api_error("not_found", MESSAGES["not_found"](), 404)
    return defaults.page_not_found(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    if is_api_request(request):
        return api_error(
            "server_error", _("Something went wrong on our side; try again later."), 500
        )
    return defaults.server_error(request)
