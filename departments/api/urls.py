from rest_framework.routers import SimpleRouter

from .views import TownViewSet, UnitViewSet

router = SimpleRouter()
router.register("units", UnitViewSet, basename="unit")
router.register("towns", TownViewSet, basename="town")

urlpatterns = router.urls
