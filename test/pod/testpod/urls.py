"""Pod's REST routes (pod/main/rest_router.py; pod/urls.py mounts them under /rest/) and the
test-only /_test/ routes. `images` exists only with USE_PODFILE, as in Pod."""
from django.conf import settings
from django.urls import include, path
from rest_framework import routers

from . import control, dashboard, rest_views as v

router = routers.DefaultRouter()
router.register(r"users", v.UserViewSet)
router.register(r"groups", v.GroupViewSet)
router.register(r"sites", v.SiteViewSet)
router.register(r"channels", v.ChannelViewSet)
router.register(r"themes", v.ThemeViewSet)
router.register(r"types", v.TypeViewSet)
router.register(r"videos", v.VideoViewSet)
router.register(r"encodings_video", v.EncodingVideoViewSet)
router.register(r"recording", v.RecordingViewSet)
router.register(r"recorder", v.RecorderViewSet)
if settings.USE_PODFILE:
    router.register(r"images", v.ImageViewSet)
if settings.USE_MEETING:
    router.register(r"meeting_session", v.MeetingViewSet)

urlpatterns = [
    path("rest/", include(router.urls)),
    path("rest/launch_encode_view/", v.launch_encode_view),
    path("video/dashboard/", dashboard.dashboard),
    path("_test/faults", control.fault_view),
    path("_test/users", control.user_view),
    path("_test/meetings", control.meeting_view),
    path("_test/state", control.state_view),
]
