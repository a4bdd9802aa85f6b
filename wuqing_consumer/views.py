from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import DisallowedHost, TooManyFieldsSent, ValidationError
from django.db import connection
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseRedirect,
    JsonResponse,
    QueryDict,
)
from django.shortcuts import redirect, render
from django.template import loader
from django.templatetags.static import static
from django.urls import Resolver404, resolve, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import defaults
from django.views.decorators.csrf import csrf_exempt

from .api import MESSAGES, is_api_request, refused_unread
from .refusals import Refusal


def healthz(request: HttpRequest) -> JsonResponse:
    """For the load balancer and docker-compose: the process answers and the database too."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:  # noqa: BLE001
        return JsonResponse({"status": "error", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok"})


def favicon(request: HttpRequest) -> HttpResponseRedirect:
    """Browsers ask for /favicon.ico on pages with no icon link (the admin, the API docs,
    the feeds); the portal's pages link the emblem, so that is where this points. Resolved
    per request, as the static file's hashed name is only known once collected."""
    return HttpResponseRedirect(static("img/emblem.svg"))


def posted_int(value: str | None) -> int | None:
    """A whole number from a form field, or None for anything else: a hand-made form may post
    "abc", "1.5" or "²" (a digit to `isdigit`, not to `int`), which must read as no choice
    and get the service's own message, not a 500."""
    try:
        return int(value) if value and value.isascii() else None
    except ValueError:
        return None


def redirect_back(request: HttpRequest, default: str) -> HttpResponseRedirect:
    """Back to the page a form came from, if it is one of ours: a `back` field pointing to
    another site would make the portal a link that forwards its users anywhere. Only a path
    counts: `redirect("abc")` would take it for a view's name and fail with a 500."""
    back = request.POST.get("back", "")
    if back.startswith("/") and url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return HttpResponseRedirect(back)
    return redirect(default)


def form_page(
    request: HttpRequest, template_name: str, context: Mapping[str, Any], *, refused: bool
) -> HttpResponse:
    """A form's page: 200 when it is first shown, 400 when its post was refused and it
    comes back with what was typed and why. A post that went through redirects, so a 200
    after a post read as "done" to a script, a test or a monitor though nothing was saved;
    every form of the portal answers a refusal so (the class-based ones through
    `RefusedFormIs400`)."""
    return render(request, template_name, context, status=400 if refused else 200)


class RefusedFormIs400:
    """For a Django FormView (the password change): its refused form answers 400, as
    `form_page` makes the portal's other forms do."""

    def form_invalid(self, form: Any) -> HttpResponse:
        response = super().form_invalid(form)  # type: ignore[misc]
        response.status_code = 400
        return response


def form_values(
    names: Iterable[str],
    sent: QueryDict | None,
    stored: Mapping[str, Any] | None = None,
    *,
    lists: Iterable[str] = (),
    checks: Iterable[str] = (),
    error: ValidationError | None = None,
) -> dict[str, Any]:
    """What a hand-written form on a record's page shows: the values stored (blank where
    none) when the page is first shown, or what was posted to it when that post was refused
    and the page is shown again with the messages (400), so that what was typed is not
    lost. `lists` are multiple choices (the values chosen), `checks` checkboxes (ticked or
    not); `refused` says the form comes back refused, for one that is folded away, and
    `refusal` why, by field (`error`, read under its fields: wuqing_consumer.refusals), with
    `names` in the page's order so that the first refused field is the one focused."""
    names = list(names)
    lists, checks = set(lists), set(checks)

    def value(name: str) -> Any:
        if sent is None:
            blank = [] if name in lists else False if name in checks else ""
            return (stored or {}).get(name, blank)
        if name in lists:
            return sent.getlist(name)
        if name in checks:
            return sent.get(name) == "on"
        return sent.get(name, "")

    refusal = Refusal.of_error(error, names) if sent is not None and error is not None else None
    return {
        **{name: value(name) for name in names},
        "refused": sent is not None,
        "refusal": refusal,
    }


def api_error(code: str, message: str, status: int) -> JsonResponse:
    """The API's error shape, for answers given before or outside DRF."""
    return JsonResponse(
        {"error": {"code": code, "message": message}},
        status=status,
        json_dumps_params={"ensure_ascii": False},
    )


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """A person gets the portal's page. An address under /api/ that no route matches never
    comes here (`api_address_unknown` answers it); an Http404 raised under /api/ outside
    DRF still gets the API's JSON."""
    if is_api_request(request):
        return api_error("not_found", MESSAGES["not_found"](), 404)
    if request.path_info.startswith(reverse("public_index")):
        # A citizen on the public site stays there: the staff page spoke of "your unit" and
        # led to the staff sign-in.
        return defaults.page_not_found(
            request, exception, template_name="publicity/public/404.html"
        )
    return defaults.page_not_found(request, exception)


@csrf_exempt  # as every API view: machines send no CSRF token, and would get a 403 page
def api_address_unknown(request: HttpRequest) -> JsonResponse:
    """The last API route: any address under /api/ that no endpoint has.

    Without it, Django answered an address missing its final "/" with a redirect, and an
    HTTP client follows a 301 after a POST as a GET: an order pushed there came back as a
    200 with the list, and was never created. With DEBUG on (`make run`), the answer was
    also Django's HTML page rather than the API's JSON.
    """
    message = MESSAGES["not_found"]()
    if not request.path.endswith("/"):
        try:
            match = resolve(request.path_info + "/")
        except Resolver404:
            match = None
        if match is not None and match.func is not api_address_unknown:
            query = request.META.get("QUERY_STRING", "")
            message = _("No such address. The API's addresses end with “/”: %(path)s") % {
                "path": request.path + "/" + (f"?{query}" if query else "")
            }
    return api_error("not_found", message, 404)


def page_sent_from(request: HttpRequest) -> str:
    """The page a request came from (the browser names it: the portal's Referrer-Policy is
    same-origin), if it is one of ours; otherwise the home page."""
    page = request.META.get("HTTP_REFERER", "")
    try:
        ours = url_has_allowed_host_and_scheme(
            page, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    except DisallowedHost:
        ours = False
    return page if page and ours else reverse("home")


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """A request Django refuses before any view (a Host not served here, more fields than
    DATA_UPLOAD_MAX_NUMBER_FIELDS, form text past DATA_UPLOAD_MAX_MEMORY_SIZE).

    A person gets a page in their language that says why and links back to where they
    came from, not Django's bare English "Bad Request (400)"; it stands alone, without the
    portal's menus, as the request may have been refused before the user was known.
    (A form sent with too much is sent back to its page by UploadSizeGuardMiddleware.)"""
    if is_api_request(request):
        code, message, status = refused_unread(exception) or (
            "bad_request",
            _("The request is malformed."),
            400,
        )
        return api_error(code, message, status)
    if isinstance(exception, TooManyFieldsSent):  # an address with too many parameters
        reason = refused_unread(exception)[1]
    else:
        reason = _("The request could not be read; nothing was done.")
    page = loader.render_to_string("400.html", {"reason": reason, "back": page_sent_from(request)})
    return HttpResponseBadRequest(page)


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    if is_api_request(request):
        return api_error("permission_denied", MESSAGES["permission_denied"](), 403)
    return defaults.permission_denied(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    if is_api_request(request):
        return api_error(
            "server_error", _("Something went wrong on our side; try again later."), 500
        )
    return defaults.server_error(request)
