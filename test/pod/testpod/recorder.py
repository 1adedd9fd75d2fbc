"""What Pod does once a Recording is created (pod/recorder/models.py process_recording and
pod/recorder/plugins/type_video.py encode_recording): in a thread, the file leaves the recorder
folder for the owner's media folder, a Video is made with the Recorder's defaults, and encoded."""
import os
import shutil
import threading

from django.conf import settings
from django.db import close_old_connections
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.utils import timezone

from .encode import start_encode
from .models import Recording, Video


@receiver(post_save, sender=Recording)
def process_recording(sender, instance, created, **kwargs):
    if created and os.path.exists(instance.source_file):
        threading.Thread(target=_encode_recording, args=(instance.id,), daemon=True).start()


def _encode_recording(recording_id):
    try:
        encode_recording(Recording.objects.get(id=recording_id))
    finally:
        close_old_connections()


def encode_recording(recording):
    recorder = recording.recorder
    video = Video(title=recording.title, owner=recording.user, type=recorder.type)
    base, ext = os.path.splitext(os.path.basename(recording.source_file))
    folder = os.path.join("videos", recording.user.owner.hashkey)
    os.makedirs(os.path.join(settings.MEDIA_ROOT, folder), exist_ok=True)
    name = os.path.join(folder, "%s_%s%s" % (base, timezone.now().strftime("%Y-%m-%d_%H-%M-%S.%f"), ext.lower()))
    shutil.move(recording.source_file, os.path.join(settings.MEDIA_ROOT, name))
    video.video.name = name
    video.save()
    video.additional_owners.set(recorder.additional_users.all())
    video.is_draft = recorder.is_draft
    video.sites.add(*recorder.sites.all())
    video.save()
    start_encode(video.id)
