"""Text the system wrote for others, shown in the reader's language, and the colon that ends
a label and the brackets after a name in that language."""

import re

from django import template
from django.template.defaultfilters import date as date_filter
from django.utils.html import conditional_escape, format_html, strip_tags
from django.utils.safestring import mark_safe

from wuqing_consumer.language import (
    Reader,
    bracket_pattern,
    bracketed,
    chinese_marked,
    label_colon,
    own_language,
    quarter_name,
)
from wuqing_consumer.texts import CHINESE_SENTENCE_ENDS

register = template.Library()

NUMBER_IN_TEXT = re.compile(r"(?<![A-Za-z0-9-])(?:[A-Z]{2}-\d{4}-\d{6}|\d{4}-\d{2}-\d{2})(?![0-9])")
"""A record's number (WQ-, ZY-, YS-, TJ-, JR-2026-000003) or a date (2026-12-05) in a
sentence, also against Chinese (\\b finds no edge between 于 and 2: both are word
characters)."""


@register.filter(needs_autoescape=True)
def numbers_whole(text, autoescape=True):
    """The text with each record number and date in it kept on one line: a browser may
    break a line after a hyphen, and on a phone a notice read "lead YS-2026-" on one line
    and "000002" on the next, a dispute "已于2026-12-" and "05决定". The number is still
    text (copied and searched as typed). Plain text only: in markup it would mark up the
    numbers in attributes too."""
    escaped = conditional_escape(text) if autoescape else str(text)
    return mark_safe(
        NUMBER_IN_TEXT.sub(lambda m: f'<span class="text-nowrap">{m.group(0)}</span>', escaped)
    )


@register.simple_tag(takes_context=True)
def for_reader(context, text: str, message=None) -> str:
    """`{% for_reader e.note e.data.note_message as note %}`: the line in the reader's
    language where it was written from a message, else as written. One reader per page, so
    the units its lines name are read once."""
    reader = context.render_context.get(Reader)
    if reader is None:
        reader = context.render_context[Reader] = Reader()
    return reader.show(text, message or None)


@register.filter(name="quarter")
def quarter_filter(value) -> str:
    """`{{ period|quarter }}`, `{{ report|quarter }}`, `{{ f.period|quarter }}` (a key kept
    in figures): the quarter as the reader reads it, "2026年第三季度" or "Q3 2026"
    (`language.quarter_name`); what is not a quarter, as it is. Addresses and inputs keep
    the key (`period.label`)."""
    try:
        return quarter_name(value)
    except (AttributeError, TypeError, ValueError):
        return "" if value is None else str(value)


@register.simple_tag
def colon() -> str:
    """`{% translate "Co-handling" %}{% colon %}{{ units }}`: "协办：区市场监管局" in Chinese,
    "Co-handling: …" in English. Write no space after it."""
    return label_colon()


def _bracketed_html(name, detail, autoescape: bool = True) -> str:
    """`language.bracketed` on escaped parts (markup already safe, such as `in_own_lang`'s
    span, kept); plain text where the template does not escape."""
    if not autoescape:
        return bracketed(name, detail)
    if detail is None or detail == "":
        return conditional_escape(name)
    # Every part escaped, or already safe: the pattern's only markup-free brackets and spaces.
    return mark_safe(
        conditional_escape(bracket_pattern())
        % {"name": conditional_escape(name), "detail": conditional_escape(detail)}
    )


@register.filter(name="bracketed", needs_autoescape=True)
def bracketed_filter(name, detail, autoescape=True) -> str:
    """`{{ m|in_own_lang|bracketed:m.unit }}`: a name with what goes with it in brackets,
    "孙局长（区市场监管局）" in Chinese and "Director Sun (Market Regulation Bureau)" in
    English (`language.bracketed`); the name alone when there is nothing to bracket. A
    template writes no " (" around a value: Chinese sets its brackets full width, unspaced."""
    return _bracketed_html(name, detail, autoescape)


class BracketsNode(template.Node):
    def __init__(self, nodelist) -> None:
        self.nodelist = nodelist

    def render(self, context) -> str:
        inside = self.nodelist.render(context).strip()  # escaped as it was rendered
        return _bracketed_html("", mark_safe(inside), context.autoescape)


@register.tag
def brackets(parser, token):
    """`{{ number }}{% brackets %}<a …>…</a>{% endbrackets %}`: what it holds, which may
    be markup (a link, a translated phrase), in brackets after what is already written:
    " (…)" in English, "（…）" in Chinese (`language.bracketed` with an empty name)."""
    if len(token.split_contents()) != 1:
        raise template.TemplateSyntaxError("{% brackets %} takes no arguments.")
    nodelist = parser.parse(("endbrackets",))
    parser.delete_first_token()
    return BracketsNode(nodelist)


@register.filter
def lang_of(text) -> str:
    """`<p{{ order.content|lang_of }}>`: ` lang="zh-Hans"` when what people wrote is in
    Chinese and the page is not, so that a screen reader reads it with a Chinese voice (an
    English one spells out or skips the characters); nothing otherwise."""
    language = own_language(text)
    return format_html(' lang="{}"', language) if language else ""


@register.filter
def in_own_lang(text) -> str:
    """`{{ e.actor|in_own_lang }}`: a name or phrase people wrote, escaped, inside
    `<span lang="zh-Hans">` where `lang_of` would mark it; as it is otherwise. For text that
    sits inside a sentence of the page's own language (a history line's "… · 王明 · …", the
    greeting), where no element of its own is there to carry `lang_of`."""
    mark = lang_of(text)
    if not mark:
        return conditional_escape(text)
    return format_html("<span{}>{}</span>", mark, text)


@register.filter(name="chinese_marked")
def chinese_marked_filter(message) -> str:
    """`{{ message|chinese_marked }}`: a django message (or any sentence) escaped, with the
    Chinese in it marked lang="zh-Hans" on a page in another language
    (`language.chinese_marked`); a message built with `format_html` keeps its markup."""
    return chinese_marked(getattr(message, "message", message))


class SentencesNode(template.Node):
    def __init__(self, parts) -> None:
        self.parts = parts

    def render(self, context) -> str:
        text = ""
        for part in self.parts:
            sentence = part.render(context).strip()  # escaped as it was rendered
            if not sentence:
                continue
            ended = strip_tags(text).rstrip().endswith(CHINESE_SENTENCE_ENDS)
            text += sentence if not text or ended else " " + sentence
        return mark_safe(text)


@register.tag
def sentences(parser, token):
    """`{% sentences %}{% blocktranslate %}…{% endblocktranslate %}{% sentence %}{% if x %}
    {% translate "…" %}{% endif %}{% endsentences %}`: `texts.sentences` for templates. The
    parts, which may be markup, one after another: with a space after an English sentence and
    none after a Chinese one ("…23:59。 如予批准" reads as a slip); a part that renders empty
    (a condition not met) is left out with its separator."""
    if len(token.split_contents()) != 1:
        raise template.TemplateSyntaxError("{% sentences %} takes no arguments.")
    parts = []
    while True:
        parts.append(parser.parse(("sentence", "endsentences")))
        if parser.next_token().contents == "endsentences":
            break
    return SentencesNode(parts)


@register.filter(expects_localtime=True)
def whole_date(value, arg: str = "Y-m-d") -> str:
    """The date (or date and time) kept on one line, for a sentence or a narrow column: a
    browser breaks a line after a hyphen, and a dispute's "已于2026-12-05决定" read
    "已于2026-12-" and "05决定". A value for the page's text, not for an attribute."""
    if value in (None, ""):
        return ""
    return format_html('<span class="text-nowrap">{}</span>', date_filter(value, arg))
