from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, viewsets
from rest_framework.exceptions import NotFound

from wuqing_consumer.api import error_responses

from .. import access
from ..models import Town
from .serializers import TownSerializer, UnitSerializer

UNITS = (
    "协调小组办公室与各成员单位，以不变的代码标识 / the office and the member units, by "
    "their stable codes"
)


@extend_schema_view(
    list=extend_schema(
        summary="单位列表 / the units",
        description=UNITS,
        responses={
            200: OpenApiResponse(
                UnitSerializer(many=True), description="全部单位 / every unit, not paginated"
            ),
            **error_responses(401, 403),
        },
    ),
    retrieve=extend_schema(
        summary="单位 / one unit",
        description=UNITS,
        parameters=[
            OpenApiParameter(
                "code",
                str,
                OpenApiParameter.PATH,
                description="单位代码，即单位列表中的 code，如 market-regulation / the unit's "
                "code, as the list of units gives it, such as market-regulation",
            )
        ],
        responses={
            200: OpenApiResponse(UnitSerializer, description="该单位 / the unit"),
            **error_responses(401, 403, 404),
        },
    ),
)
class UnitViewSet(viewsets.ReadOnlyModelViewSet):
    """The office and the member units, by their stable codes."""

    serializer_class = UnitSerializer
    lookup_field = "code"
    pagination_class = None

    def get_queryset(self):
        return access.units_visible_to(self.request.user)

    def get_object(self):
        try:
            return super().get_object()
        except Http404:
            # DRF's "Not found." would not say which code, nor where the codes are.
            raise NotFound(
                _("There is no unit with the code “%(code)s”; GET /api/v1/units/ lists them.")
                % {"code": self.kwargs.get(self.lookup_field, "")}
            ) from None


@extend_schema_view(
    list=extend_schema(
        summary="镇街列表 / the towns and streets",
        description=(
            "推送工单时 town 字段可填的镇街：代码或名称 / the towns and street offices an "
            "order's town may name, by code or by name"
        ),
        responses={
            200: OpenApiResponse(
                TownSerializer(many=True), description="全部镇街 / every town, not paginated"
            ),
            **error_responses(401, 403),
        },
    ),
)
class TownViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Without this list a hotline learnt the town codes only from a refused order."""

    serializer_class = TownSerializer
    pagination_class = None
    queryset = Town.objects.filter(is_active=True)
