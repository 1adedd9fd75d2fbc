"""Test-only routes (/_test/): inject faults, seed users and meetings, read what Pod holds.
They stand for what an admin does in Pod's admin site; Pod itself has none of them."""
import hashlib
import json

from django.contrib.auth.models import User
from django.contrib.sites.models import Site
from django.http import JsonResponse
from django.views.decorators.http import require_http_methods

from . import encode, faults
from .models import Meeting, Recording, Video


def _body(request):
    return json.loads(request.body or b"{}")


@require_http_methods(["POST", "DELETE"])
def fault_view(request):
    if request.method == "DELETE":
        faults.clear()
    else:
        faults.add(_body(request))
    return JsonResponse({"ok": True})


@require_http_methods(["POST"])
def user_view(request):
    data = _body(request)
    user = User.objects.create(
        username=data["username"], is_staff=bool(data.get("is_staff")), email=data.get("email", ""),
        first_name=data.get("first_name", ""), last_name=data.get("last_name", ""),
    )
    return JsonResponse({"id": user.id})


@require_http_methods(["POST"])
def meeting_view(request):
    data = _body(request)
    meeting = Meeting.objects.create(name=data["name"], owner=User.objects.get(username=data["owner"]), site_id=data.get("site_id", 1))
    return JsonResponse({"id": meeting.id, "meeting_id": meeting.meeting_id})


def _sha1(video):
    digest = hashlib.sha1()
    with video.video.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _video(v):
    return {
        "id": v.id, "slug": v.slug, "title": v.title, "owner": v.owner.username,
        "additional_owners": sorted(u.username for u in v.additional_owners.all()),
        "sites": sorted(s.id for s in v.sites.all()), "type": v.type_id, "date_evt": v.date_evt.isoformat() if v.date_evt else None,
        "description": v.description, "is_draft": v.is_draft, "is_restricted": v.is_restricted,
        "allow_downloading": v.allow_downloading, "licence": v.licence, "password": v.password,
        "channels": sorted(c.id for c in v.channel.all()), "themes": sorted(t.id for t in v.theme.all()),
        "bytes": v.video.size, "sha1": _sha1(v), "file": v.video.name,
        "encoding_launches": encode.launches.get(v.id, 0), "encoding_in_progress": v.encoding_in_progress,
        "encoded": v.encoded, "encoding_step": v.get_encoding_step, "duration": v.duration,
    }


def state_view(request):
    return JsonResponse({
        "videos": [_video(v) for v in Video.objects.order_by("id")],
        "users": [{"id": u.id, "username": u.username, "is_staff": u.is_staff, "email": u.email} for u in User.objects.order_by("id")],
        "recordings": [{"id": r.id, "title": r.title, "user": r.user.username, "source_file": r.source_file, "recorder": r.recorder_id} for r in Recording.objects.order_by("id")],
        "site": {"id": Site.objects.get_current().id, "domain": Site.objects.get_current().domain},
        "requests": list(faults.requests),
    })
