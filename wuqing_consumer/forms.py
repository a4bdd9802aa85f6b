"""How the portal's Django forms render their fields (settings.FORM_RENDERER)."""

from __future__ import annotations

from django import forms
from django.forms.boundfield import BoundField
from django.forms.renderers import DjangoTemplates
from django.forms.widgets import Input

from wuqing_consumer.language import own_language


class WrittenBoundField(BoundField):
    """A text field holding Chinese people typed (a duty contact's person, a campaign's goal,
    a report's situation) carries lang="zh-Hans" on a page in another language, so that a
    screen reader reads its value with a Chinese voice, as `lang_of` marks the hand-written
    fields; nothing on a Chinese page. A select's options are left alone (an <option> holds
    text only), and so are hidden fields and passwords."""

    def build_widget_attrs(self, attrs, widget=None):
        attrs = super().build_widget_attrs(attrs, widget)
        widget = widget or self.field.widget
        if "lang" in attrs or "lang" in widget.attrs:
            return attrs
        if isinstance(widget, forms.Textarea) or (
            isinstance(widget, Input)
            and not isinstance(widget, (forms.HiddenInput, forms.PasswordInput, forms.FileInput))
            and widget.input_type not in ("checkbox", "radio")
        ):
            language = own_language(self.value())
            if language:
                attrs["lang"] = language
        return attrs


class FormRenderer(DjangoTemplates):
    bound_field_class = WrittenBoundField
