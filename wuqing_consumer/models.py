from django.conf import settings
from django.db import models


class SentForm(models.Model):
    """A one-time form token that has been used, and where to see what its post recorded
    (`wuqing_consumer.form_once`). The token is the primary key: a second post of the same
    form waits on it and then finds this row."""

    token = models.CharField(max_length=32, primary_key=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    sent_at = models.DateTimeField(db_index=True)
    url = models.CharField(max_length=500)

    def __str__(self) -> str:
        return self.url
