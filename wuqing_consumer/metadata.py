"""What an API endpoint says of itself to OPTIONS (its own module: DRF's views read the
setting that names it while they are imported)."""

from django.urls import reverse
from rest_framework.metadata import SimpleMetadata


class ContractMetadata(SimpleMetadata):
    """OPTIONS names the endpoint and points to the schema. DRF's default described the
    request body from the view's serializer, which for the hotline's orders is the
    response's: the fields a client must send were missing and others were listed."""

    def determine_metadata(self, request, view):
        return {
            "name": view.get_view_name(),
            "renders": [renderer.media_type for renderer in view.renderer_classes],
            "parses": [parser.media_type for parser in view.parser_classes],
            "schema": request.build_absolute_uri(reverse("api_schema")),
        }
