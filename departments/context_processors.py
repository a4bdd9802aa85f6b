from django.conf import settings
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _

from complaints.attachments import too_large_message, too_many_message

from . import access
from .choices import RoleCode
from .models import Notification
from .navigation import menu_for


def portal(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"portal_languages": settings.LANGUAGES}
    roles = sorted(access.role_codes(user))
    return {
        "portal_languages": settings.LANGUAGES,
        # for static/js/portal.js, which refuses a file over the limit before it is sent
        "portal_attachment_max": settings.ATTACHMENT_MAX_BYTES,
        "portal_attachment_too_large": too_large_message("%(name)s", "%(size)s"),
        "portal_attachments_most": settings.MAX_ATTACHMENTS_PER_UPLOAD,
        "portal_attachments_too_many": too_many_message(),
        # for static/js/portal.js, which asks before a post leaves another form unsaved
        "portal_unsaved_elsewhere": _(
            "What you typed or chose in another form on this page has not been saved and "
            "will be lost. Continue?"
        ),
        # for static/js/portal.js, which fills in again a post not taken for want of a sign-in
        "portal_unsent_restored": _(
            "What you sent was not saved, as your sign-in had ended or the page was from an "
            "earlier sign-in. It is filled in again below: check it and send it again."
        ),
        "portal_unsent_files": _("Choose again the files you had chosen; they were not kept."),
        "portal_menu": menu_for(user, request.path),
        "portal_role_labels": [RoleCode(code).label for code in roles],
        "portal_unread": SimpleLazyObject(
            lambda: Notification.objects.filter(recipient=user, read_at__isnull=True).count()
        ),
    }
