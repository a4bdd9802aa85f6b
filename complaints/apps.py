from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplaintsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "complaints"
    verbose_name = _("Work orders")

    def ready(self):
        from django.core.signals import request_finished

        from .attachments import remove_files_of_rolled_back_writes

        request_finished.connect(
            remove_files_of_rolled_back_writes, dispatch_uid="remove_files_of_rolled_back_writes"
        )
