"""Text the system wrote for others, shown in the reader's language, and the colon that ends
a label in that language."""

from django import template
from django.utils.html import conditional_escape, format_html

from wuqing_consumer.language import Reader, chinese_marked, label_colon, own_language

register = template.Library()


@register.simple_tag(takes_context=True)
def for_reader(context, text: str, message=None) -> str:
    """`{% for_reader e.note e.data.note_message as note %}`: the line in the reader's
    language where it was written from a message, else as written. One reader per page, so
    the units its lines name are read once."""
    reader = context.render_context.get(Reader)
    if reader is None:
        reader = context.render_context[Reader] = Reader()
    return reader.show(text, message or None)


@register.simple_tag
def colon() -> str:
    """`{% translate "Co-handling" %}{% colon %}{{ units }}`: "协办：区市场监管局" in Chinese,
    "Co-handling: …" in English. Write no space after it."""
    return label_colon()


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
