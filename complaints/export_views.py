"""Screens for the order list's Excel exports, made by a worker: asking for one, its page
(polled until the file is ready), the person's own exports and the download. Thin: read
through the access module, write through `order_exports`."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from departments import access
from wuqing_consumer import form_once

from . import order_exports, selectors
from .filters import WorkOrderFilter, narrowed_by
from .models import OrderExport, WorkOrder

PAGE_SIZE = 25


def _list_url(query: str) -> str:
    return f"{reverse('order_list')}?{query}" if query else reverse("order_list")


@login_required
@require_POST
def order_export_create(request: HttpRequest) -> HttpResponse:
    """The list's "Export to Excel": the list's query string is the form's address."""
    try:
        export = form_once.submit(
            request,
            lambda: order_exports.order_export_request(
                acting_user=request.user, params=request.GET, language=get_language()
            ),
            lambda export: reverse("order_export_detail", args=[export.id]),
        )
    except form_once.AlreadySent as sent:
        return sent.response(request)
    except ValidationError as error:
        # The list shows no order and the error; a file cannot show it.
        messages.error(request, " ".join(error.messages))
        return redirect(_list_url(request.GET.urlencode()))
    return redirect("order_export_detail", export_id=export.id)


@login_required
@require_GET
def order_export_old_address(request: HttpRequest) -> HttpResponse:
    """GET /orders/export.xlsx, the address of the export made in the request, kept in
    bookmarks: the list it named, and how exports are made now."""
    messages.info(
        request,
        _(
            "Excel exports are now made in the background: press “Export to Excel” above "
            "the list, and its file is ready to download on the export's page a moment later."
        ),
    )
    return redirect(_list_url(order_exports.export_params(request.GET)))


def _tab_labels(user) -> dict[str, str]:
    return {tab.key: str(tab.label) for tab in selectors.tabs_for(user)}


def _shown(export: OrderExport, labels: dict[str, str], user) -> dict:
    filterset = WorkOrderFilter(
        QueryDict(export.params), queryset=WorkOrder.objects.none(), user=user
    )
    return {
        "export": export,
        "tab_label": labels.get(export.tab, export.tab),
        "narrowed_by": narrowed_by(filterset),
        "list_url": _list_url(export.params),
    }


@login_required
@require_GET
def order_export_detail(request: HttpRequest, export_id: int) -> HttpResponse:
    """One export's page; htmx asks again for its state while the file is being made, and
    for its row on My exports (``?row=1``)."""
    export = access.order_export_or_404(request.user, export_id)
    context = _shown(export, _tab_labels(request.user), request.user)
    if request.headers.get("HX-Request"):
        if request.GET.get("row"):
            return render(request, "complaints/_order_export_row.html", {"row": context})
        return render(request, "complaints/_order_export_state.html", context)
    return render(request, "complaints/order_export.html", context)


@login_required
@require_GET
def order_export_list(request: HttpRequest) -> HttpResponse:
    """My exports: the person's own, newest first (kept `order_exports.KEEP_FOR`)."""
    page = Paginator(access.order_exports_of(request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    labels = _tab_labels(request.user)
    return render(
        request,
        "complaints/order_exports.html",
        {
            "page": page,
            "rows": [_shown(export, labels, request.user) for export in page],
            "keep_days": order_exports.KEEP_FOR.days,
        },
    )


@login_required
@require_GET
def order_export_download(request: HttpRequest, export_id: int) -> HttpResponse:
    export = order_exports.order_export_download(acting_user=request.user, export_id=export_id)
    try:
        stored = export.file.open("rb")
    except OSError:
        raise Http404 from None
    return FileResponse(stored, as_attachment=True, filename=export.download_name)
