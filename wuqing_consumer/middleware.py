"""Request-level guards that must run before anything reads the body, and the portal's
404 page with DEBUG on."""

import re
from urllib.parse import urlsplit, urlunsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.messages.storage import default_storage
from django.core.exceptions import (
    BadRequest,
    RequestDataTooBig,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.http import Http404, HttpResponseRedirect, QueryDict
from django.shortcuts import resolve_url
from django.template.defaultfilters import filesizeformat
from django.urls import Resolver404, resolve
from django.utils.cache import add_never_cache_headers, patch_cache_control, patch_vary_headers
from django.utils.translation import gettext as _

from complaints.attachments import max_bytes, request_max_bytes

from .api import body_too_large, is_api_request
from .texts import CONTROL_CHARACTERS, without_control_characters
from .views import api_error, bad_request, page_not_found, page_sent_from


class ApiGuardMiddleware:
    """An API request over plain HTTP where HTTPS is required, with a body in chunks the
    server could not read, or larger than API_MAX_BODY_BYTES, gets the API's JSON error at
    once, before a middleware or view reads (and spools) the body.

    Plain HTTP is refused rather than redirected, as pages are: a client follows a redirect
    after a POST as a GET, and would get the list with a 200 for an order never created.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if is_api_request(request):
            if settings.SECURE_SSL_REDIRECT and not request.is_secure():
                return api_error(
                    "https_required",
                    _(
                        "Use https://; over plain HTTP an API key could be read on the way. "
                        "Nothing was done."
                    ),
                    403,
                )
            if (
                not request.META.get("CONTENT_LENGTH")
                and "chunked" in request.META.get("HTTP_TRANSFER_ENCODING", "").lower()
            ):  # not read by wsgi.read_chunked_api_bodies: this server cannot
                return api_error(
                    "length_required",
                    _("Send the body with a Content-Length; this server cannot read it in chunks."),
                    411,
                )
            try:
                length = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                length = 0
            if length > settings.API_MAX_BODY_BYTES:
                return api_error("payload_too_large", body_too_large(), 413)
            response = self.get_response(request)
            # Each client sees its own orders, in the form it accepts: no shared cache may
            # keep one client's answer for another.
            patch_vary_headers(response, ("Accept", "Authorization"))
            response.headers.setdefault("Cache-Control", "private, no-store")
            return response
        return self.get_response(request)


class UploadSizeGuardMiddleware:
    """A page's request whose Content-Length is larger than any permitted upload
    (`complaints.attachments.request_max_bytes`) goes back, unread, to the page it came
    from with a message saying why, as for a refused file. Before, a 2 GB file was spooled
    to disk whole and refused only then.

    Its body is never read, so the form cannot be shown again as it was filled in; the
    message says so. It runs before `FormTextMiddleware`, which reads the form, and
    before MessageMiddleware, so it keeps the message itself. The reverse proxy should
    refuse such a body before it reaches the portal (README, Production): a server that
    answers before reading a body may have the connection reset under the browser.

    A form holding more files than Django reads in one request (DATA_UPLOAD_MAX_NUMBER_FILES;
    up to that number the form itself says it takes at most MAX_ATTACHMENTS_PER_UPLOAD,
    keeping its input) goes back the same way: Django stops parsing it with
    TooManyFilesSent, which was its bare "Bad Request" page (with DEBUG, its debug page).
    The form is parsed here, so that nothing later meets that error; what it held is lost,
    and the message says so and what a form takes. A form with more fields than
    DATA_UPLOAD_MAX_NUMBER_FIELDS (TooManyFieldsSent) or more text than
    DATA_UPLOAD_MAX_MEMORY_SIZE (RequestDataTooBig) goes back the same way: both were the
    same bare page, in English, with no way back.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not is_api_request(request):
            try:
                length = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                length = 0
            if length > request_max_bytes():
                return _back_with(
                    request,
                    _(
                        "What you sent is %(size)s; a form takes at most %(n)s files of "
                        "%(max)s each. Nothing was received or saved: fill in the form "
                        "again and choose smaller files."
                    )
                    % {
                        "size": filesizeformat(length),
                        "n": settings.MAX_ATTACHMENTS_PER_UPLOAD,
                        "max": filesizeformat(max_bytes()),
                    },
                )
            try:
                request.GET  # noqa: B018 (read here, before Django's debug page would)
            except TooManyFieldsSent as refused:
                # An address, not a form: nothing to go back to. With DEBUG on, Django's page
                # for the refusal reads the query again and fails in turn (a 500).
                return bad_request(request, refused)
            if request.method == "POST":
                try:
                    request.POST  # noqa: B018 (read here, where a refusal can go back)
                except (TooManyFilesSent, TooManyFieldsSent, RequestDataTooBig) as refused:
                    _read_past(request)
                    return _back_with(request, _refusal(refused))
                except (BadRequest, ValueError) as refused:
                    # A body Django cannot read at all (a form in a charset other than UTF-8,
                    # a Content-Length that is no number): the 400 it is with DEBUG off.
                    # With DEBUG on, Django's page for it read the form again (a 500).
                    return bad_request(request, refused)
        return self.get_response(request)


def _refusal(refused: Exception) -> str:
    """What a person is told when Django would not read the form they sent."""
    if isinstance(refused, TooManyFilesSent):
        return _(
            "You sent more than %(most)s files at once; a form takes at most "
            "%(n)s files at a time. Nothing was saved: fill in the form again "
            "and choose at most %(n)s files."
        ) % {
            "most": settings.DATA_UPLOAD_MAX_NUMBER_FILES,
            "n": settings.MAX_ATTACHMENTS_PER_UPLOAD,
        }
    if isinstance(refused, TooManyFieldsSent):
        return _(
            "The form sent more than %(most)s fields, more than any form of the portal has. "
            "Nothing was saved: fill in the form again."
        ) % {"most": settings.DATA_UPLOAD_MAX_NUMBER_FIELDS}
    return _(
        "The text of the form is larger than %(max)s, more than any form of the portal takes "
        "(files aside). Nothing was saved: fill in the form again with shorter text."
    ) % {"max": filesizeformat(settings.DATA_UPLOAD_MAX_MEMORY_SIZE)}


def _back_with(request, message: str) -> HttpResponseRedirect:
    """Back to the page the form was sent from, with `message`. MessageMiddleware has not
    run yet, so the message is kept here."""
    storage = default_storage(request)
    storage.add(messages.ERROR, message)
    response = HttpResponseRedirect(page_sent_from(request))
    storage.update(response)
    return response


def _read_past(request) -> None:
    """Read the rest of a body Django stopped parsing (no larger than a permitted upload,
    as checked before), so that the server does not close the connection under a browser
    still sending and it shows the answer rather than a reset connection."""
    try:
        while request.read(1 << 16):
            pass
    except OSError:
        pass


class FormTextMiddleware:
    """Reads a page's query and form fields as they were typed.

    - NUL characters are taken out. PostgreSQL cannot store or compare text holding one, so
      it reached a service as a 500 (SQLite kept it); nobody types it, and it means nothing
      in text. The API refuses it field by field instead, since a client should hear that
      its body is wrong. The other control characters XML cannot hold (all of C0 but tab
      and line breaks) are taken out too: pasted from a word processor or a terminal, they
      were stored, and made the public feeds or the Excel export of what held them a 500.
    - A line break sent as CR LF is read as LF. A browser counts a textarea's line break as
      one character against its maxlength and sends it as two, so a text typed to the limit
      on several lines was refused as too long; LF is also how the API keeps it.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not is_api_request(request):
            if CONTROL_IN_QUERY.search(request.META.get("QUERY_STRING", "")):
                request.GET = _as_typed(request.GET)
            if request.method == "POST" and _needs_cleaning(request.POST):
                request.POST = _as_typed(request.POST)
        return self.get_response(request)


CONTROL_IN_QUERY = re.compile(r"%(?:0[0-8bcefBCEF]|1[0-9a-fA-F])")
"""A control character of `CONTROL_CHARACTERS` as it is written in a query string."""


def _needs_cleaning(data: QueryDict) -> bool:
    return any(
        "\r\n" in value or CONTROL_CHARACTERS.search(value)
        for _key, values in data.lists()
        for value in values
    )


def _typed(value: str) -> str:
    return without_control_characters(value).replace("\r\n", "\n")


def _as_typed(data: QueryDict) -> QueryDict:
    """The fields without their control characters; but a `next` address holding one is
    left out, as no page links so: `/%00/` taken out became `//`, which Django's check lets
    through as a path, and signing in or switching the language led to an address no
    browser opens."""
    if not _needs_cleaning(data):
        return data
    clean = QueryDict(mutable=True)
    for key, values in data.lists():
        if key == REDIRECT_FIELD_NAME:
            values = [value for value in values if not CONTROL_CHARACTERS.search(value)]
            if not values:
                continue
        clean.setlist(without_control_characters(key), [_typed(value) for value in values])
    clean._mutable = False
    return clean


class NotFoundPageMiddleware:
    """With DEBUG on (`make run`, the demo the district's officials are shown), an address
    that does not exist, or a record that is not the reader's, gets the portal's own 404
    page (`handler404`), as in production, not Django's technical page, which lists the
    portal's address patterns and names the view that refused.

    Django makes its technical page as soon as an address matches no pattern, before any
    middleware could catch the error, so such an address is looked up here first; an Http404
    from a view is caught on its way out. Last in MIDDLEWARE: the page knows the reader and
    their language, and CommonMiddleware still sends an address missing its final "/" on to
    the one with it. With DEBUG off it does nothing: Django calls `handler404` itself."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if settings.DEBUG:
            try:
                resolve(request.path_info, getattr(request, "urlconf", None))
            except Resolver404 as missing:
                return page_not_found(request, missing)
        return self.get_response(request)

    def process_exception(self, request, exception):
        if settings.DEBUG and isinstance(exception, Http404):
            return page_not_found(request, exception)
        return None


class PrivateNoStoreMiddleware:
    """Every answer to a signed-in person says `Cache-Control: private, no-store`. Pages
    carried no cache header at all: a browser could keep an order page (a citizen's name and
    phone) and show it again with Back after signing out on a shared office computer, and
    nothing told a proxy between offices not to keep it. The public pages shown to visitors
    who are not signed in stay cacheable, by the visitor's browser only when they carry a
    form token (the language switch): a shared cache would hand one visitor's token, and the
    cookie setting it, to the next. Answers that already say no-store (the API) are left as
    they are."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and "no-store" not in response.get("Cache-Control", "")
        ):
            add_never_cache_headers(response)
        elif settings.CSRF_COOKIE_NAME in response.cookies:
            patch_cache_control(response, private=True)
        return response


class ContentSecurityPolicyMiddleware:
    """Every answer carries the content security policy (settings.CONTENT_SECURITY_POLICY),
    the same for every page, so written once. django-csp built it anew for every answer,
    copying the policy twice: a fifth of what a bare API request costs the server.

    Not on Django's error page with DEBUG on (a 500 with the traceback), whose scripts and
    styles are inline."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.header = "; ".join(
            " ".join([directive, *sources])
            for directive, sources in settings.CONTENT_SECURITY_POLICY.items()
        )

    def __call__(self, request):
        response = self.get_response(request)
        if not (settings.DEBUG and response.status_code == 500):
            response.headers.setdefault("Content-Security-Policy", self.header)
        return response


class SignInAgainMiddleware:
    """A form posted after its sign-in ended (SESSION_HOURS past, or signed out in another
    tab) is sent to the sign-in page by `login_required`, with `next` the address it was
    posted to. Most forms post to an address that answers posts only (an order's
    `act/return/`): signed in again, the person met a bare 405 instead of their page. So
    `next` is the page the form was sent from; there static/js/portal.js fills in again
    what the refused post carried, which it kept in the tab."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # Signed out before the view, not by it: signing out also posts and is sent on to
        # the sign-in page, which is where it must end, with no page to come back to.
        signed_out = (
            request.method == "POST"
            and not is_api_request(request)
            and getattr(request, "user", None) is not None
            and not request.user.is_authenticated
        )
        response = self.get_response(request)
        if not signed_out or response.status_code != 302:
            return response
        location = urlsplit(response["Location"])
        if location.path != resolve_url(settings.LOGIN_URL) or location.netloc:
            return response
        sent_from = page_sent_from(request)
        if sent_from != request.META.get("HTTP_REFERER") or not urlsplit(sent_from).netloc:
            return response  # not named, or not ours: `next` stays as it was
        sent_from = urlsplit(sent_from)
        query = QueryDict(location.query, mutable=True)
        query["next"] = urlunsplit(("", "", sent_from.path, sent_from.query, ""))
        response["Location"] = urlunsplit(("", "", location.path, query.urlencode("/"), ""))
        return response
