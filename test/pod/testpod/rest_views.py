"""Serializers and viewsets with Pod 4.1's field lists and filters.

Followed: pod/video/rest_views.py (VideoSerializer, VideoUserSerializer, VideoViewSet.user_videos,
TypeSerializer), pod/authentication/rest_views.py (UserSerializer, UserViewSet, SiteSerializer),
pod/video_encode_transcript/rest_views.py (EncodingVideoSerializer, launch_encode_view),
pod/recorder/rest_views.py (RecordingModelSerializer, RecorderModelSerializer),
pod/meeting/rest_views.py (MeetingModelSerializer). Relations are hyperlinks, as in Pod.
"""
from django.contrib.auth.models import Group, User
from django.contrib.sites.models import Site
from django.shortcuts import get_object_or_404
from rest_framework import serializers, viewsets
from rest_framework.decorators import action, api_view
from rest_framework.response import Response

from .encode import start_encode
from .models import Channel, CustomImageModel, EncodingVideo, Meeting, Recorder, Recording, Theme, Type, Video


class UserSerializer(serializers.HyperlinkedModelSerializer):
    class Meta:
        model = User
        fields = ("id", "url", "username", "first_name", "is_staff", "last_name", "email", "groups")


class GroupSerializer(serializers.HyperlinkedModelSerializer):
    class Meta:
        model = Group
        fields = ("url", "name")


class SiteSerializer(serializers.HyperlinkedModelSerializer):
    class Meta:
        model = Site
        fields = ("url", "name", "domain")


class TypeSerializer(serializers.HyperlinkedModelSerializer):
    class Meta:
        model = Type
        fields = ("id", "url", "title", "description", "sites")


class ChannelSerializer(serializers.HyperlinkedModelSerializer):
    class Meta:
        model = Channel
        fields = ("id", "url", "title", "site")


class ThemeSerializer(serializers.HyperlinkedModelSerializer):
    class Meta:
        model = Theme
        fields = ("id", "url", "title", "channel")


class CustomImageSerializer(serializers.HyperlinkedModelSerializer):
    class Meta:
        model = CustomImageModel
        fields = ("id", "url", "file")


class VideoSerializer(serializers.HyperlinkedModelSerializer):
    class Meta:
        model = Video
        fields = (
            "id", "url", "video", "title", "slug", "description", "allow_downloading", "is_360", "owner",
            "additional_owners", "date_added", "date_evt", "cursus", "main_lang", "is_draft", "is_restricted",
            "password", "thumbnail", "type", "channel", "theme", "licence", "encoding_in_progress", "duration",
            "sites", "disable_comment", "get_encoding_step", "get_version", "encoded", "duration_in_time",
        )
        read_only_fields = ("encoding_in_progress", "duration", "get_encoding_step", "get_version", "encoded", "duration_in_time")


class VideoUserSerializer(serializers.ModelSerializer):
    """A plain ModelSerializer in Pod: `type` is a primary key here, and there is no slug."""
    url = serializers.HyperlinkedIdentityField(view_name="video-detail")
    video_data = serializers.SerializerMethodField()

    class Meta:
        model = Video
        fields = ("id", "url", "get_version", "type", "date_added", "is_draft", "is_restricted", "encoding_in_progress", "encoded", "video_data")

    def get_video_data(self, video):
        data = video.json_to_index()
        data.update({
            "encoded": video.encoded,
            "encoding_in_progress": video.encoding_in_progress,
            "get_encoding_step": video.get_encoding_step,
            "get_thumbnail_admin": '<img style="max-width:100px" src="/static/img/default.svg" alt="%s" loading="lazy">' % video.title,
            "video_files": "",
        })
        return data


class VideoViewSet(viewsets.ModelViewSet):
    queryset = Video.objects.all()
    serializer_class = VideoSerializer
    filterset_fields = ["owner", "type", "date_added", "is_draft", "is_restricted", "encoding_in_progress", "sites"]

    @action(detail=False, methods=["get"])
    def user_videos(self, request):
        videos = self.filter_queryset(self.get_queryset()).filter(owner__username=request.GET.get("username"))
        if request.GET.get("encoded") == "true":
            videos = videos.exclude(pk__in=[v.id for v in videos if not v.encoded])
        if request.GET.get("search_title"):
            videos = videos.filter(title__icontains=request.GET.get("search_title"))
        page = self.paginate_queryset(videos)
        return self.get_paginated_response(VideoUserSerializer(page, many=True, context={"request": request}).data)


class EncodingVideoSerializer(serializers.HyperlinkedModelSerializer):
    class Meta:
        model = EncodingVideo
        fields = ("id", "url", "name", "video", "encoding_format", "source_file")


class EncodingVideoViewSet(viewsets.ModelViewSet):
    queryset = EncodingVideo.objects.all()
    serializer_class = EncodingVideoSerializer
    filterset_fields = ["video"]


@api_view(["GET"])
def launch_encode_view(request):
    video = get_object_or_404(Video, slug=request.GET.get("slug"))
    if not video.encoding_in_progress:
        video.save()
        start_encode(video.id)
    return Response(VideoSerializer(instance=video, context={"request": request}).data)


class RecorderSerializer(serializers.HyperlinkedModelSerializer):
    class Meta:
        model = Recorder
        fields = ("id", "name", "address_ip", "recording_type", "sites")


class RecordingSerializer(serializers.HyperlinkedModelSerializer):
    class Meta:
        model = Recording
        fields = ("id", "url", "user", "title", "source_file", "type", "date_added", "recorder")


class MeetingSerializer(serializers.HyperlinkedModelSerializer):
    class Meta:
        model = Meeting
        fields = ("id", "name", "meeting_id", "start_at", "created_at", "owner_id", "is_personal", "is_webinar", "site_id")


def viewset(model, serializer, ordering=None, filters=None):
    attributes = {"queryset": model.objects.all().order_by(*ordering) if ordering else model.objects.all(), "serializer_class": serializer}
    if filters:
        attributes["filterset_fields"] = filters
    return type("%sViewSet" % model.__name__, (viewsets.ModelViewSet,), attributes)


UserViewSet = viewset(User, UserSerializer, ["-date_joined"], ["id", "username", "email"])
GroupViewSet = viewset(Group, GroupSerializer, ["id"])
SiteViewSet = viewset(Site, SiteSerializer, ["id"])
TypeViewSet = viewset(Type, TypeSerializer)
ChannelViewSet = viewset(Channel, ChannelSerializer, ["id"])
ThemeViewSet = viewset(Theme, ThemeSerializer, ["id"])
ImageViewSet = viewset(CustomImageModel, CustomImageSerializer, ["id"])
RecorderViewSet = viewset(Recorder, RecorderSerializer, ["id"])
RecordingViewSet = viewset(Recording, RecordingSerializer, ["id"])
MeetingViewSet = viewset(Meeting, MeetingSerializer, ["-start_at"])
