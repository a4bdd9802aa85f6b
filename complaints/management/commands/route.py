"""``manage.py route``: print the routing decision for a text, or for a file of texts.

It calls the same ``route()`` that intake and the API call, with the office's rules from the
database, so the office can check a rule change against real wording before relying on it,
and ``--file`` routes a whole labelled set in one process (one JSON object per line in, one
decision per line out, same order).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from complaints.routing import Rule, route
from complaints.selectors import routing_rules


class Command(BaseCommand):
    help = (
        'Route a complaint text to a unit: route "文本" [--category 类别], or --file F with '
        'one JSON object per line ({"text": ..., "category": ...}); prints one JSON decision '
        "per line."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("text", nargs="?", help="The complaint text to route.")
        parser.add_argument(
            "--category",
            default="",
            help="The hotline category label (with --file: used for lines without one).",
        )
        parser.add_argument(
            "--file",
            help='A file with one JSON object per line, {"text": ..., "category": ...}; '
            '"-" reads standard input.',
        )

    def handle(self, *args: Any, **options: Any) -> None:
        text: str | None = options["text"]
        category: str = options["category"] or ""
        path: str | None = options["file"]
        if text is None and not path:
            raise CommandError('Give a text to route (route "文本") or a file (--file F).')
        if text is not None and path:
            raise CommandError("Give either a text or --file, not both.")
        rules = routing_rules()
        if path is None:
            self._write(route(text or "", category, rules=rules).as_dict())
            return
        errors = self._route_lines(self._read_lines(path), category, rules)
        if errors:
            raise CommandError(f"{errors} line(s) could not be routed; see the error lines.")

    def _read_lines(self, path: str) -> Iterable[str]:
        if path == "-":
            return sys.stdin
        try:
            return Path(path).read_text(encoding="utf-8-sig").splitlines()
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"Cannot read {path}: {exc}") from exc

    def _route_lines(
        self, lines: Iterable[str], default_category: str, rules: tuple[Rule, ...]
    ) -> int:
        """Route each non-blank line; print an error object for a bad one and count it."""
        errors = 0
        for number, line in enumerate(lines, 1):
            if not line.strip():
                continue
            try:
                item = json.loads(line)
            except json.JSONDecodeError as exc:
                self._write({"error": f"not valid JSON: {exc.msg}", "line": number})
                errors += 1
                continue
            problem = _problem(item)
            if problem:
                self._write({"error": problem, "line": number})
                errors += 1
                continue
            category = item.get("category") or default_category
            self._write(route(item["text"], category, rules=rules).as_dict())
        return errors

    def _write(self, data: dict[str, Any]) -> None:
        self.stdout.write(json.dumps(data, ensure_ascii=False))


def _problem(item: object) -> str | None:
    """Why a parsed line cannot be routed, or None when it can."""
    if not isinstance(item, dict):
        return 'expected a JSON object like {"text": ..., "category": ...}'
    if not isinstance(item.get("text"), str):
        return 'missing "text" (a string)'
    if not isinstance(item.get("category") or "", str):
        return '"category" must be a string'
    return None
