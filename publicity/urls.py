from django.urls import path

from . import public_views, views

urlpatterns = [
    path("releases/", views.release_list, name="release_list"),
    path("releases/new/", views.release_new, name="release_new"),
    path("releases/<int:release_id>/", views.release_detail, name="release_detail"),
    path("releases/<int:release_id>/act/<slug:action>/", views.release_act, name="release_act"),
    path("releases/<int:release_id>/correct/", views.release_correct, name="release_correct"),
    path("releases/<int:release_id>/pdf/", views.release_pdf, name="release_pdf"),
    # Public pages: no login; only what was published.
    path("public/", public_views.index, name="public_index"),
    path("public/releases/<int:release_id>/", public_views.release, name="public_release"),
    path("public/violators/", public_views.violators, name="public_violators"),
    path("public/feed.atom", public_views.AtomFeed(), name="public_feed_atom"),
    path("public/feed.rss", public_views.RssFeed(), name="public_feed_rss"),
]
