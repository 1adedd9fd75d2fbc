"""Encoding as Pod 4.1 runs it (pod/video_encode_transcript/encode.py encode_video, utils.py
change_encoding_step), with ffprobe standing in for the renditions: the same flags and steps
appear in the same order, and the same faults leave them as Pod does.

Faults (set through /_test/faults): `ffmpeg-error` (step -1, encoding_in_progress reset to
false), `file-check` (step -1, encoding_in_progress stays true for ever), `backlog` (Celery:
the encoding waits in a queue, the video neither encoding nor encoded).
"""
import json
import subprocess
import threading
import time

from django.conf import settings
from django.db import close_old_connections

from . import faults
from .models import CustomImageModel, EncodingStep, EncodingVideo, Video

launches = {}
_lock = threading.Lock()


def change_encoding_step(video_id, num, desc):
    step, _ = EncodingStep.objects.get_or_create(video_id=video_id)
    step.num_step = num
    step.desc_step = desc[:255]
    step.save()


def start_encode(video_id):
    """Pod's start_encode: a thread, or a Celery task when CELERY_TO_ENCODE (the backlog fault)."""
    with _lock:
        launches[video_id] = launches.get(video_id, 0) + 1
    backlog = faults.encoding_fault("backlog")
    delay = float(backlog.get("seconds", 2)) if backlog else 0
    threading.Thread(target=_run, args=(video_id, delay), daemon=True).start()


def _run(video_id, delay):
    try:
        time.sleep(delay)
        encode_video(video_id)
    finally:
        close_old_connections()


def _probe(path):
    result = subprocess.run(
        ["ffprobe", "-v", "error", "-show_entries", "format=duration", "-of", "json", path],
        capture_output=True, text=True, timeout=60,
    )
    if result.returncode != 0:
        return None
    return float(json.loads(result.stdout).get("format", {}).get("duration", 0))


def encode_video(video_id):
    video = Video.objects.get(id=video_id)
    video.encoding_in_progress = True
    video.save()
    path = video.video.path
    if faults.encoding_fault("file-check"):
        change_encoding_step(video_id, -1, "Wrong file or path:\n%s" % path)
        return
    change_encoding_step(video_id, 0, "start")
    change_encoding_step(video_id, 1, "remove old data")
    video.thumbnail = None
    video.save()
    EncodingVideo.objects.filter(video=video).delete()
    change_encoding_step(video_id, 2, "start standard encoding")
    time.sleep(settings.ENCODE_SECONDS)
    duration = None if faults.encoding_fault("ffmpeg-error") else _probe(path)
    video = Video.objects.get(id=video_id)
    if duration is None:
        change_encoding_step(video_id, -1, "Error during video `%s` encoding." % video_id)
        video.encoding_in_progress = False
        video.save()
        return
    change_encoding_step(video_id, 3, "store encoding info")
    EncodingVideo.objects.create(video=video, name="360p", encoding_format="video/mp4", source_file=video.video.name)
    video.duration = int(round(duration))
    video.thumbnail = CustomImageModel.objects.create(file="thumbnails/%s.png" % video.slug)
    video.encoding_in_progress = False
    video.save()
    change_encoding_step(video_id, 0, "end of encoding")
