"""Public pages, no login: published releases, the list of dishonest violators, and feeds.

They read only through `access.releases_published()` and `access.violators_exposed()`, and
their templates (templates/publicity/public/) name each field they show, so nothing that is
not published (drafts, the office's public-opinion assessment, comments, staff names) can
reach a visitor. They extend their own base template, with no staff menu or user details."""

from __future__ import annotations

import unicodedata

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.html import escape
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from departments import access
from wuqing_consumer.texts import without_control_characters

from .choices import ReleaseKind
from .models import Release

PAGE_SIZE = 20
FEED_SIZE = 50
SUMMARY_LENGTH = 120


def _public_url(path: str) -> str:
    """`path` at the portal's public address (SITE_URL), whatever address the request came
    to: a feed's links and ids must not change with the name or scheme it was fetched by."""
    return f"{settings.SITE_URL.rstrip('/')}{path}"


def _query(request: HttpRequest) -> str:
    return request.GET.get("q", "").strip()[:100]


def _search(releases: QuerySet[Release], q: str) -> QuerySet[Release]:
    return releases.filter(Q(title__icontains=q) | Q(body__icontains=q)) if q else releases


def index(request: HttpRequest) -> HttpResponse:
    q = _query(request)
    kind = request.GET.get("kind", "")
    releases = _search(access.releases_published(), q).annotate(
        corrected=Exists(access.releases_published().filter(corrects=OuterRef("pk")))
    )
    if kind in ReleaseKind.values:
        releases = releases.filter(kind=kind)
    else:
        kind = ""
    page = Paginator(releases.order_by("-published_at", "-id"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "publicity/public/index.html",
        {
            "page": page,
            "q": q,
            "kind": kind,
            "kind_label": ReleaseKind(kind).label if kind else "",
            "kinds": ReleaseKind.choices,
        },
    )


def release(request: HttpRequest, release_id: int) -> HttpResponse:
    item = access.published_release_or_404(release_id)
    today = timezone.localdate()
    exposed = access.violators_exposed(today).filter(release=item)
    hidden = item.entries.count() - exposed.count() if item.lists_violators else 0
    return render(
        request,
        "publicity/public/release.html",
        {
            "release": item,
            "summary": _summary(item),
            "entries": exposed,
            "hidden": hidden,
            "correction": access.releases_published().filter(corrects=item).first(),
            "corrected": item.corrects if item.corrects_id and item.corrects.is_published else None,
        },
    )


def _summary(item: Release) -> str:
    """The opening of a release's text on one line, for the card a chat app makes of a shared
    link (and a search engine's snippet): the title alone said nothing of the warning."""
    text = " ".join(without_control_characters(item.body).split())
    return Truncator(text).chars(SUMMARY_LENGTH) if text else ""


def violators(request: HttpRequest) -> HttpResponse:
    q = _query(request)
    entries = access.violators_exposed(timezone.localdate())
    if q:
        entries = entries.filter(Q(business_name__icontains=q) | Q(credit_code=_as_credit_code(q)))
    page = Paginator(entries.order_by("-exposure_from", "business_name", "id"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "publicity/public/violators.html", {"page": page, "q": q})


def _as_credit_code(q: str) -> str:
    """A credit code as a citizen may type it (full-width from a Chinese input method, lower
    case, in groups of four) in the form it is stored, as staff entry reads it."""
    return "".join(unicodedata.normalize("NFKC", q).split()).upper()


class AtomFeed(Feed):
    """The latest published releases, for news readers and other government sites."""

    feed_type = Atom1Feed
    url_name = "public_feed_atom"
    title = _("Wuqing District consumer protection: public releases")
    subtitle = _(
        "Consumer warnings, typical cases and lists of dishonest violators published by the "
        "member units through the coordination office."
    )

    def __call__(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        # The feed is in the language the cookie chose; a cache must not give it to others.
        response = super().__call__(request, *args, **kwargs)
        patch_vary_headers(response, ("Cookie",))
        return response

    def link(self) -> str:
        return _public_url(reverse("public_index"))

    def feed_url(self) -> str:
        return _public_url(reverse(self.url_name))

    def items(self) -> QuerySet[Release]:
        return access.releases_published().order_by("-published_at", "-id")[:FEED_SIZE]

    def item_title(self, item: Release) -> str:
        return without_control_characters(f"【{item.get_kind_display()}】{item.title}")

    def item_description(self, item: Release) -> str:
        # Readers render a description as HTML: the body is plain text, so escape it.
        return escape(Truncator(without_control_characters(item.body)).chars(500))

    def item_link(self, item: Release) -> str:
        return _public_url(reverse("public_release", kwargs={"release_id": item.id}))

    def item_pubdate(self, item: Release):
        return item.published_at

    def item_updateddate(self, item: Release):
        return item.published_at

    def item_author_name(self, item: Release) -> str:
        return without_control_characters(item.unit.display_name)

    def item_categories(self, item: Release) -> list[str]:
        return [str(item.get_kind_display())]


class RssFeed(AtomFeed):
    feed_type = Rss201rev2Feed
    url_name = "public_feed_rss"
    description = AtomFeed.subtitle
