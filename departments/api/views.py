from rest_framework import viewsets

from .. import access
from .serializers import UnitSerializer


class UnitViewSet(viewsets.ReadOnlyModelViewSet):
    """The office and the member units, by their stable codes."""

    serializer_class = UnitSerializer
    lookup_field = "code"
    pagination_class = None

    def get_queryset(self):
        return access.units_visible_to(self.request.user)
