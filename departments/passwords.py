from django.contrib.auth import password_validation
from django.utils.translation import ngettext


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    """Django's length check, with its message in words the Chinese catalogue translates.

    Django 5.2 respelt the message (`%d` for `%(min_length)d`) and its Chinese catalogue
    kept only the old spelling, so a short new password was refused in English on a
    Chinese page.
    """

    def get_error_message(self) -> str:
        return ngettext(
            "This password is too short. It must contain at least %(min_length)d character.",
            "This password is too short. It must contain at least %(min_length)d characters.",
            self.min_length,
        ) % {"min_length": self.min_length}
