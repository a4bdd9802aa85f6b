"""Text the system wrote for others, shown in the reader's language."""

from django import template

from wuqing_consumer.language import Reader

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
