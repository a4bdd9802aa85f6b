"""What a page's HTML must hold for a screen reader and a keyboard, read from the response.

Fast stand-ins for a browser audit: every form control has a name (a <label for>, an
enclosing <label>, aria-label or aria-labelledby), every button and link says what it does
(text, visually-hidden text, aria-label or title), and no id is used twice."""

from __future__ import annotations

from collections import Counter
from html.parser import HTMLParser

_UNNAMED_INPUT_TYPES = {"hidden", "submit", "button", "reset", "image"}
_VOID = {
    "area",
    "base",
    "br",
    "col",
    "embed",
    "hr",
    "img",
    "input",
    "link",
    "meta",
    "source",
    "wbr",
}


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: list[str] = []
        self.label_for: set[str] = set()
        self.controls: list[tuple[str, dict, bool]] = []  # tag, attributes, inside a <label>
        self.actions: list[tuple[str, dict, str]] = []  # tag, attributes, text
        self.spoken_icons: list[dict] = []
        self.empty_headers: list[dict] = []
        self._header: tuple[dict, list[str]] | None = None
        self._hidden_depth = 0  # open aria-hidden elements inside the header
        self._label_depth = 0
        self._open_actions: list[tuple[str, dict, list[str]]] = []

    def handle_starttag(self, tag, attrs):
        attributes = {name: value or "" for name, value in attrs}
        if "id" in attributes:
            self.ids.append(attributes["id"])
        if tag == "label":
            self._label_depth += 1
            if attributes.get("for"):
                self.label_for.add(attributes["for"])
        elif tag in ("input", "select", "textarea"):
            if tag != "input" or attributes.get("type", "text") not in _UNNAMED_INPUT_TYPES:
                self.controls.append((tag, attributes, self._label_depth > 0))
        elif tag == "button" or (tag == "a" and "href" in attributes):
            self._open_actions.append((tag, attributes, []))
        elif tag == "img" and self._open_actions and attributes.get("alt"):
            self._open_actions[-1][2].append(attributes["alt"])
        if "bi" in attributes.get("class", "").split() and attributes.get("aria-hidden") != "true":
            self.spoken_icons.append(attributes)
        if tag == "th":
            self._header = (attributes, [])
        elif (
            self._header is not None
            and tag not in _VOID
            and (self._hidden_depth or attributes.get("aria-hidden") == "true")
        ):
            self._hidden_depth += 1

    def handle_endtag(self, tag):
        if tag == "th" and self._header is not None:
            attributes, text = self._header
            if not "".join(text).strip() and not attributes.get("aria-label", "").strip():
                self.empty_headers.append(attributes)
            self._header = None
            self._hidden_depth = 0
        elif self._header is not None and self._hidden_depth and tag not in _VOID:
            self._hidden_depth -= 1
        if tag == "label":
            self._label_depth = max(0, self._label_depth - 1)
        elif tag in ("button", "a") and self._open_actions and self._open_actions[-1][0] == tag:
            opened, attributes, text = self._open_actions.pop()
            self.actions.append((opened, attributes, "".join(text).strip()))
            if self._open_actions:
                self._open_actions[-1][2].extend(text)

    def handle_data(self, data):
        if self._open_actions:
            self._open_actions[-1][2].append(data)
        if self._header is not None and not self._hidden_depth:
            self._header[1].append(data)


class _Structure(HTMLParser):
    """Lists whose items are not list items, and tab lists without tabs: both are announced
    as something they are not ("list, 5 items" with 7, "tab list" with no tab in it)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._stack: list[tuple[str, dict]] = []
        self._tablists: list[list] = []  # [description, depth, tabs seen]

    def handle_starttag(self, tag, attributes):
        attributes = {name: value or "" for name, value in attributes}
        role = attributes.get("role")
        if self._stack:
            parent, parent_attributes = self._stack[-1]
            if (
                parent in ("ul", "ol")
                and "role" not in parent_attributes
                and (tag != "li" or role)
                and tag not in ("script", "template")
            ):
                self.found.append(f"{_describe(tag, attributes)} directly in a <{parent}>")
        if role == "tab":
            for tablist in self._tablists:
                tablist[2] += 1
        if tag in _VOID:
            return
        self._stack.append((tag, attributes))
        if role == "tablist":
            self._tablists.append([_describe(tag, attributes), len(self._stack), 0])

    def handle_endtag(self, tag):
        if tag in _VOID:
            return
        while self._stack:
            opened, _ = self._stack.pop()
            if self._tablists and self._tablists[-1][1] == len(self._stack) + 1:
                description, _, tabs = self._tablists.pop()
                if not tabs:
                    self.found.append(f"{description} holds no role=tab")
            if opened == tag:
                break


def list_problems(html: str | bytes) -> list[str]:
    parser = _Structure()
    parser.feed(html.decode() if isinstance(html, bytes) else html)
    parser.close()
    return parser.found


def _parse(html: str | bytes) -> _Page:
    page = _Page()
    page.feed(html.decode() if isinstance(html, bytes) else html)
    page.close()
    return page


def _describe(tag: str, attributes: dict) -> str:
    shown = " ".join(f'{k}="{v}"' for k, v in attributes.items() if k != "class")
    return f"<{tag} {shown}>"


def unnamed_controls(html: str | bytes) -> list[str]:
    """Inputs, selects and text areas a screen reader would announce without a name."""
    page = _parse(html)
    return [
        _describe(tag, attributes)
        for tag, attributes, in_label in page.controls
        if not in_label
        and attributes.get("id", "\0") not in page.label_for
        and not attributes.get("aria-label", "").strip()
        and not attributes.get("aria-labelledby", "").strip()
    ]


def unnamed_actions(html: str | bytes) -> list[str]:
    """Buttons and links with nothing to announce (an icon alone)."""
    return [
        _describe(tag, attributes)
        for tag, attributes, text in _parse(html).actions
        if not text
        and not attributes.get("aria-label", "").strip()
        and not attributes.get("aria-labelledby", "").strip()
        and not attributes.get("title", "").strip()
    ]


def spoken_icons(html: str | bytes) -> list[str]:
    """Bootstrap Icons not hidden from screen readers. Chromium puts an icon's glyph (a
    private-use character drawn by the icon font's ::before) into the accessible name of the
    button or link around it, ahead of its words, and in place of its title when the icon is
    all there is: a "Clear filters" link was announced as an unreadable character."""
    icons = _parse(html).spoken_icons
    return [f'<i class="{attributes.get("class", "")}">' for attributes in icons]


def empty_headers(html: str | bytes) -> list[str]:
    """Table headers with nothing to announce: a screen reader reads a cell of that column
    with no name for it ("Remind", of what?), and lists the column as blank."""
    return [_describe("th", attributes) for attributes in _parse(html).empty_headers]


def duplicate_ids(html: str | bytes) -> list[str]:
    return sorted(i for i, n in Counter(_parse(html).ids).items() if n > 1)


def problems(html: str | bytes) -> dict[str, list[str]]:
    """Everything found, keyed by kind; empty lists when the page is sound."""
    return {
        "unnamed controls": unnamed_controls(html),
        "unnamed buttons and links": unnamed_actions(html),
        "duplicate ids": duplicate_ids(html),
        "icons read aloud": spoken_icons(html),
        "empty table headers": empty_headers(html),
        "lists and tab lists": list_problems(html),
    }


class _Name(HTMLParser):
    """The name a screen reader gives the element with `element_id`: its aria-label, or
    else the text inside it that is not aria-hidden."""

    def __init__(self, element_id: str) -> None:
        super().__init__(convert_charrefs=True)
        self.element_id = element_id
        self.aria_label: str | None = None
        self.found = False
        self.parts: list[str] = []
        self._depth = 0  # open elements inside the target, the target included
        self._hidden_at: int | None = None

    def handle_starttag(self, tag, attrs):
        attributes = {name: value or "" for name, value in attrs}
        if not self._depth:
            if attributes.get("id") == self.element_id:
                self.found = True
                self.aria_label = attributes.get("aria-label")
                self._depth = 1
            return
        if tag in _VOID:
            return
        self._depth += 1
        if self._hidden_at is None and attributes.get("aria-hidden") == "true":
            self._hidden_at = self._depth

    def handle_endtag(self, tag):
        if not self._depth or tag in _VOID:
            return
        if self._hidden_at == self._depth:
            self._hidden_at = None
        self._depth -= 1

    def handle_data(self, data):
        if self._depth and self._hidden_at is None:
            self.parts.append(data)


def accessible_name(html: str | bytes, element_id: str) -> str | None:
    """None when there is no such element; whitespace collapsed."""
    parser = _Name(element_id)
    parser.feed(html.decode() if isinstance(html, bytes) else html)
    parser.close()
    if not parser.found:
        return None
    name = parser.aria_label if parser.aria_label is not None else "".join(parser.parts)
    return " ".join(name.split())


class _Languages(HTMLParser):
    """Where each of `words` is read on the page, and in which language: a text, or the
    value of a field (an <input>'s value, a <textarea>'s text), under the nearest lang.
    Not in a select's options."""

    def __init__(self, words: list[str]) -> None:
        super().__init__(convert_charrefs=True)
        self.words = words
        self.found: list[tuple[str, str, str]] = []  # word, lang, where
        self._stack: list[tuple[str, str]] = []  # tag, lang in force
        self._skip = 0  # inside <head>, <script>, <style>, <template>

    def _lang(self) -> str:
        return self._stack[-1][1] if self._stack else ""

    def _seen(self, text: str, lang: str, where: str) -> None:
        self.found.extend((word, lang, where) for word in self.words if word in text)

    def handle_starttag(self, tag, attrs):
        attributes = {name: value or "" for name, value in attrs}
        lang = attributes.get("lang", self._lang())
        if tag == "input" and not self._skip:
            self._seen(attributes.get("value", ""), lang, _describe(tag, attributes))
        if tag in _VOID:
            return
        if tag in ("head", "script", "style", "template") or self._skip:
            self._skip += 1
        self._stack.append((tag, lang))

    def handle_endtag(self, tag):
        if tag in _VOID:
            return
        while self._stack:
            opened, _ = self._stack.pop()
            if self._skip:
                self._skip -= 1
            if opened == tag:
                break

    def handle_data(self, data):
        # An <option> holds text only: a person's name with its unit in the page's language
        # ("王明 (Market Regulation Bureau)") cannot mark the name alone.
        where = self._stack[-1][0] if self._stack else ""
        if not self._skip and where != "option":
            self._seen(data, self._lang(), f"<{where}> {data.strip()[:40]}")


def read_in_another_language(html: str | bytes, words: list[str]) -> list[str]:
    """Each place one of `words` (names or text people wrote in Chinese) is read out, on the
    page or in a field, other than as Chinese (under no lang="zh…" nearer than <html>'s)."""
    parser = _Languages(words)
    parser.feed(html.decode() if isinstance(html, bytes) else html)
    parser.close()
    return [
        f"{word} in {where} (lang={lang!r})"
        for word, lang, where in parser.found
        if not lang.lower().startswith("zh")
    ]


class _LabelLanguages(HTMLParser):
    """Elements with a data-label, the column name a stacked table (.table-stack) draws
    inside the cell on a phone, under a lang other than the page's: a screen reader reads
    that name ("Job title") in the cell's language, with a Chinese voice."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.page_lang = ""
        self.found: list[str] = []
        self._stack: list[tuple[str, str]] = []  # tag, lang in force

    def handle_starttag(self, tag, attrs):
        attributes = {name: value or "" for name, value in attrs}
        lang = attributes.get("lang", self._stack[-1][1] if self._stack else "")
        if tag == "html":
            self.page_lang = lang
        if "data-label" in attributes and lang.lower() != self.page_lang.lower():
            self.found.append(f"{_describe(tag, attributes)} (lang={lang!r})")
        if tag not in _VOID:
            self._stack.append((tag, lang))

    def handle_endtag(self, tag):
        if tag in _VOID:
            return
        while self._stack:
            opened, _ = self._stack.pop()
            if opened == tag:
                break


def labels_in_another_language(html: str | bytes) -> list[str]:
    """Each element carrying a data-label under a lang other than <html>'s, its own or an
    ancestor's: the lang of what people wrote belongs on an element inside the cell
    (`in_own_lang`), not on the cell that also draws the page's column name."""
    parser = _LabelLanguages()
    parser.feed(html.decode() if isinstance(html, bytes) else html)
    parser.close()
    return parser.found


class _Destinations(HTMLParser):
    """Each button's and link's accessible name and what it acts on: a link its address, a
    button its form's address and hidden fields (the row's unit, item or id) and its own
    name and value; a <summary> the same as the button of the form it opens."""

    _IGNORED = {"csrfmiddlewaretoken", "form_once"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, str, str]] = []  # name, destination, description
        self._forms: list[tuple[str, list[str]]] = []
        self._open: list[tuple[str, dict, list[str]]] = []
        self._details: list[list] = []  # [summary (name, description) or None, form dest]

    def handle_starttag(self, tag, attrs):
        attributes = {name: value or "" for name, value in attrs}
        if tag == "form":
            self._forms.append((attributes.get("action", ""), []))
        elif tag == "input" and attributes.get("type") == "hidden" and self._forms:
            if attributes.get("name") not in self._IGNORED:
                self._forms[-1][1].append(f"{attributes.get('name')}={attributes.get('value')}")
        elif tag == "details":
            self._details.append([None, None])
        elif tag in ("button", "summary") or (tag == "a" and "href" in attributes):
            self._open.append((tag, attributes, []))

    def _form(self) -> str:
        if not self._forms:
            return ""
        action, hidden = self._forms[-1]
        return " ".join([action, *sorted(hidden)])

    def handle_endtag(self, tag):
        if tag == "form" and self._forms:
            if self._details and self._details[-1][1] is None:
                self._details[-1][1] = self._form()
            self._forms.pop()
        elif tag == "details" and self._details:
            summary, destination = self._details.pop()
            if summary is not None and destination:
                self.found.append((*summary[:1], destination, summary[1]))
        elif self._open and self._open[-1][0] == tag:
            opened, attributes, text = self._open.pop()
            name = attributes.get("aria-label") or " ".join("".join(text).split())
            name = name or attributes.get("title", "")
            description = _describe(opened, attributes)
            if opened == "summary":
                if self._details:
                    self._details[-1][0] = (name, description)
            elif opened == "a":
                self.found.append((name, attributes["href"], description))
            else:
                own = f"{attributes.get('name', '')}={attributes.get('value', '')}"
                self.found.append((name, f"{self._form()} {own}", description))
            if self._open:
                self._open[-1][2].extend(text)

    def handle_data(self, data):
        if self._open:
            self._open[-1][2].append(data)


def same_name_different_action(html: str | bytes) -> dict[str, list[str]]:
    """Buttons and links that a screen reader announces with the same name but that act on
    different things: a row's "Remind" beside another row's, told apart only by the row they
    stand in, which a list of the page's buttons (or a voice-control user) does not see
    (WCAG 2.4.6, 2.4.9). Keyed by the shared name."""
    parser = _Destinations()
    parser.feed(html.decode() if isinstance(html, bytes) else html)
    parser.close()
    by_name: dict[str, dict[str, str]] = {}
    for name, destination, description in parser.found:
        by_name.setdefault(name, {}).setdefault(destination, description)
    return {name: list(d.values()) for name, d in by_name.items() if len(d) > 1}
