"""Every page a demo user reaches in two clicks from the home page answers, on a running
portal: `.ci/run` runs it against `make run`, which serves from SQLite, a database CI's
tests (PostgreSQL) never query. A query SQLite refuses made the lead list a 500 there.

Usage: .venv/bin/python scripts/smoke_pages.py http://127.0.0.1:8765 [user ...]
Signs in as each user (the demo password, `load_demo`), in Chinese and in English, follows
the portal's own links (GET only; not sign-out, files or the admin's) two levels deep, at
most PAGES_PER_USER a user, and prints every answer of 500 or more, and every 404 from a link
the portal itself showed. Exit status 1 when there is one.
"""

from __future__ import annotations

import http.cookiejar
import re
import sys
import urllib.error
import urllib.parse
import urllib.request
from html.parser import HTMLParser

USERS = ("admin", "leader", "director", "office", "mr_head", "mr_liaison", "mr_staff")
PASSWORD = "wuqing-demo-2026"
PAGES_PER_USER = 80
SKIPPED = re.compile(r"^/(static|media|admin|accounts/logout|api)/|\.(pdf|xlsx|csv|zip|atom|rss)$")


class Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []
        self.csrf = ""

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        if tag == "a" and values.get("href"):
            self.found.append(values["href"])
        if tag == "input" and values.get("name") == "csrfmiddlewaretoken":
            self.csrf = values.get("value") or ""


def fetch(opener, url: str, data: dict | None = None) -> tuple[int, str, str]:
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    request = urllib.request.Request(url, data=body, headers={"Referer": url})
    try:
        with opener.open(request, timeout=30) as response:
            return response.status, response.geturl(), response.read().decode(errors="replace")
    except urllib.error.HTTPError as error:
        return error.code, url, error.read().decode(errors="replace")


def sweep(base: str, user: str, language: str) -> list[str]:
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    host = urllib.parse.urlsplit(base).hostname or ""
    jar.set_cookie(
        http.cookiejar.Cookie(
            0,
            "django_language",
            language,
            None,
            False,
            host,
            False,
            False,
            "/",
            True,
            False,
            None,
            False,
            None,
            None,
            {},
        )
    )
    login = f"{base}/accounts/login/"
    _status, _url, page = fetch(opener, login)
    parser = Links()
    parser.feed(page)
    form = {"username": user, "password": PASSWORD, "csrfmiddlewaretoken": parser.csrf}
    status, landed, home = fetch(opener, login, form)
    if status != 200 or landed.rstrip("/").endswith("/accounts/login"):
        return [f"{user} ({language}): could not sign in ({status})"]
    problems: list[str] = []
    seen = {"/"}
    level = [("/", home)]
    for _depth in range(2):
        following = []
        for source, text in level:
            parser = Links()
            parser.feed(text)
            for href in parser.found:
                path = urllib.parse.urljoin(source, href.split("#")[0])
                if not path.startswith("/") or path in seen or SKIPPED.search(path):
                    continue
                if len(seen) >= PAGES_PER_USER:
                    break
                seen.add(path)
                status, _url, answer = fetch(opener, base + path)
                if status >= 500 or status == 404:
                    problems.append(f"{user} ({language}): {status} {path} (linked from {source})")
                elif status == 200:
                    following.append((path, answer))
        level = following
    return problems


def main() -> int:
    base = sys.argv[1].rstrip("/")
    users = sys.argv[2:] or USERS
    problems = [p for user in users for lang in ("zh-hans", "en") for p in sweep(base, user, lang)]
    for problem in problems:
        print(problem)
    print(f"{len(users)} users in 2 languages: {len(problems)} pages answered with an error")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
