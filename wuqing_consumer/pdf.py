"""HTML to PDF with WeasyPrint, reading nothing but the project's own files.

WeasyPrint's default fetcher follows any URL a document names: ``http://`` to any host the
server can reach and ``file://`` to any file it can read. The documents are built from text
citizens and staff typed; the templates escape it, but one slip (a ``|safe``, a URL built
from a field) would let a work order make the server fetch an intranet address or embed
``/etc/passwd`` in a PDF. So every document goes through `LocalFilesFetcher`, which serves
``data:`` URLs and files under the project's templates and static folders and refuses the
rest; WeasyPrint logs a refused resource and leaves it out.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlsplit

from django.conf import settings

if TYPE_CHECKING:
    import weasyprint

TEMPLATE_DIR = Path(settings.BASE_DIR) / "templates"


def allowed_roots() -> tuple[Path, ...]:
    return (TEMPLATE_DIR.resolve(), *(Path(d).resolve() for d in settings.STATICFILES_DIRS))


def _may_fetch(url: str) -> bool:
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme == "data":
        return True
    if scheme != "file" or parts.netloc not in ("", "localhost"):
        return False
    path = Path(unquote(parts.path)).resolve()
    return any(path.is_relative_to(root) for root in allowed_roots())


def _fetcher_class():
    from weasyprint.urls import URLFetcher

    class LocalFilesFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            if not _may_fetch(url):
                raise ValueError(f"PDF documents may not load {url[:200]}")
            return super().fetch(url, headers)

    return LocalFilesFetcher


def document(html: str, base_dir: Path) -> weasyprint.HTML:
    """The WeasyPrint document for `html`, relative links resolved in `base_dir`."""
    import weasyprint  # its import loads Pango and friends: only where a PDF is made

    fetcher = _fetcher_class()(allowed_protocols=("file", "data"), allow_redirects=False)
    return weasyprint.HTML(string=html, base_url=str(base_dir), url_fetcher=fetcher)


def html_to_pdf(html: str, base_dir: Path) -> bytes:
    return document(html, base_dir).write_pdf()
