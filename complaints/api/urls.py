from django.urls import path
from rest_framework.routers import SimpleRouter

from .referral_views import DisputeViewSet, ReferralViewSet
from .views import HotlineOrderViewSet, RoutingPreviewView

router = SimpleRouter()
router.register("hotline/work-orders", HotlineOrderViewSet, basename="hotline-work-order")
router.register("referrals", ReferralViewSet, basename="referral")
router.register("disputes", DisputeViewSet, basename="dispute")

urlpatterns = [
    path("routing/preview/", RoutingPreviewView.as_view(), name="routing-preview"),
    *router.urls,
]
