"""The parts of Pod 4.1's models that the portal touches, with their constraints.

Written from reading Esup-Pod 4.1.0 (dde5443e): pod/video/models.py (Video, Type), pod/authentication/
models.py (Owner), pod/video_encode_transcript/models.py (EncodingVideo, EncodingStep),
pod/recorder/models.py (Recorder, Recording), pod/meeting/models.py (Meeting). Only fields the
portal sends or reads, and those whose defaults change what Pod does, are kept.
"""
import hashlib
import os
from datetime import date

from django.conf import settings
from django.contrib.auth.models import User
from django.contrib.sites.models import Site
from django.core.validators import MinLengthValidator
from django.db import models
from django.db.models import Max
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.utils import timezone
from django.utils.text import slugify

LICENCES = [(c, c) for c in ("by", "by-nd", "by-nc-nd", "by-nc", "by-nc-sa", "by-sa")]
CURSUS = [(c, c) for c in ("0", "L", "M", "D", "1")]
RECORDING_TYPES = [(c, c) for c in ("video", "audiovideocast", "studio")]


def next_id(model):
    # Pod numbers a new row's slug with max(id) + 1, not the sequence (pod/main/models.py).
    return (model.objects.aggregate(m=Max("id"))["m"] or 0) + 1


class Owner(models.Model):
    user = models.OneToOneField(User, on_delete=models.CASCADE)
    auth_type = models.CharField(max_length=20, default="local")
    affiliation = models.CharField(max_length=50, default="student")
    hashkey = models.CharField(max_length=64, default="")
    sites = models.ManyToManyField(Site)

    def save(self, *args, **kwargs):
        self.hashkey = hashlib.sha256((settings.SECRET_KEY + self.user.username).encode()).hexdigest()
        super().save(*args, **kwargs)


@receiver(post_save, sender=User)
def create_owner_profile(sender, instance, created, **kwargs):
    if created:
        owner = Owner.objects.create(user=instance)
        owner.sites.add(Site.objects.get_current())


class Type(models.Model):
    title = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True, editable=False)
    description = models.TextField(blank=True, default="")
    sites = models.ManyToManyField(Site)

    class Meta:
        ordering = ["title"]

    def save(self, *args, **kwargs):
        self.slug = slugify(self.title)
        super().save(*args, **kwargs)


class Channel(models.Model):
    title = models.CharField(max_length=100)
    slug = models.SlugField(max_length=100, editable=False)
    site = models.ForeignKey(Site, on_delete=models.CASCADE, default=1)

    def save(self, *args, **kwargs):
        self.slug = slugify(self.title)
        super().save(*args, **kwargs)


class Theme(models.Model):
    title = models.CharField(max_length=100)
    slug = models.SlugField(max_length=100, editable=False)
    channel = models.ForeignKey(Channel, on_delete=models.CASCADE)

    def save(self, *args, **kwargs):
        self.slug = slugify(self.title)
        super().save(*args, **kwargs)


class CustomImageModel(models.Model):
    """Pod's main CustomImageModel: the thumbnail's target when USE_PODFILE is off."""
    file = models.CharField(max_length=255)


def video_storage_path(instance, filename):
    base, ext = os.path.splitext(filename)
    return "videos/%s/%s%s" % (instance.owner.owner.hashkey, slugify(base), ext.lower())


class Video(models.Model):
    video = models.FileField(upload_to=video_storage_path, max_length=255)
    title = models.CharField(max_length=250)
    slug = models.SlugField(unique=True, max_length=255, editable=False)
    sites = models.ManyToManyField(Site)
    type = models.ForeignKey(Type, on_delete=models.CASCADE)
    owner = models.ForeignKey(User, on_delete=models.CASCADE)
    additional_owners = models.ManyToManyField(User, blank=True, related_name="owners_videos")
    description = models.TextField(blank=True, default="")
    date_added = models.DateTimeField(default=timezone.now)
    date_evt = models.DateField(default=date.today, blank=True, null=True)
    cursus = models.CharField(max_length=1, choices=CURSUS, default="0")
    main_lang = models.CharField(max_length=2, default="fr")
    channel = models.ManyToManyField(Channel, blank=True)
    theme = models.ManyToManyField(Theme, blank=True)
    licence = models.CharField(max_length=8, choices=LICENCES, blank=True, null=True)
    allow_downloading = models.BooleanField(default=False)
    is_360 = models.BooleanField(default=False)
    is_draft = models.BooleanField(default=True)
    is_restricted = models.BooleanField(default=False)
    password = models.CharField(max_length=50, blank=True, null=True)
    thumbnail = models.ForeignKey(CustomImageModel, on_delete=models.SET_NULL, null=True, blank=True)
    duration = models.IntegerField(default=0, editable=False)
    encoding_in_progress = models.BooleanField(default=False, editable=False)
    disable_comment = models.BooleanField(default=False)

    class Meta:
        ordering = ["-date_added", "-id"]

    def save(self, *args, **kwargs):
        # As Pod: the slug is derived again from the title at every save.
        self.slug = "%04d-%s" % (self.id or next_id(Video), slugify(self.title))
        super().save(*args, **kwargs)

    @property
    def encoded(self):
        return self.encodingvideo_set.filter(encoding_format="video/mp4").exists()

    @property
    def get_encoding_step(self):
        step = EncodingStep.objects.filter(video=self).first()
        return "%s: %s" % (step.num_step, step.desc_step) if step else ""

    @property
    def get_version(self):
        return "O"

    @property
    def duration_in_time(self):
        return "%02d:%02d:%02d" % (self.duration // 3600, self.duration % 3600 // 60, self.duration % 60)

    def full_url(self):
        return "//%s/video/%s/" % (Site.objects.get_current().domain, self.slug)

    def json_to_index(self):
        """Pod's Video.get_json_to_index(): the `video_data` of user_videos."""
        return {
            "id": self.id,
            "title": self.title,
            "owner": self.owner.username,
            "owner_full_name": self.owner.get_full_name(),
            "date_added": self.date_added.strftime("%Y-%m-%dT%H:%M:%S"),
            "date_evt": self.date_evt.strftime("%Y-%m-%dT%H:%M:%S") if self.date_evt else None,
            "description": self.description,
            "thumbnail": "//%s/static/img/default.svg" % Site.objects.get_current().domain,
            "duration": str(self.duration),
            "tags": [],
            "type": {"title": self.type.title, "slug": self.type.slug},
            "disciplines": [],
            "channels": [{"title": c.title, "slug": c.slug} for c in self.channel.all()],
            "themes": [{"title": t.title, "slug": t.slug} for t in self.theme.all()],
            "contributors": [],
            "chapters": [],
            "overlays": [],
            "full_url": self.full_url(),
            "is_restricted": self.is_restricted,
            "password": self.password != "",
            "duration_in_time": self.duration_in_time,
            "mediatype": "video",
            "cursus": self.cursus,
            "main_lang": self.main_lang,
        }


@receiver(post_save, sender=Video)
def default_site(sender, instance, created, **kwargs):
    if instance.sites.count() == 0:
        instance.sites.add(Site.objects.get_current())


class EncodingStep(models.Model):
    video = models.OneToOneField(Video, on_delete=models.CASCADE)
    num_step = models.IntegerField(default=0)
    desc_step = models.CharField(max_length=255, null=True, blank=True)


class EncodingVideo(models.Model):
    name = models.CharField(max_length=10, default="360p")
    video = models.ForeignKey(Video, on_delete=models.CASCADE)
    encoding_format = models.CharField(max_length=22, default="video/mp4")
    source_file = models.CharField(max_length=255)

    class Meta:
        ordering = ["name"]


class Recorder(models.Model):
    name = models.CharField(max_length=200, unique=True)
    address_ip = models.GenericIPAddressField(unique=True)
    recording_type = models.CharField(max_length=50, choices=RECORDING_TYPES, default="video")
    user = models.ForeignKey(User, on_delete=models.CASCADE, null=True, blank=True)
    additional_users = models.ManyToManyField(User, blank=True, related_name="users_recorders")
    type = models.ForeignKey(Type, on_delete=models.CASCADE)
    is_draft = models.BooleanField(default=True)
    directory = models.CharField(max_length=50, unique=True)
    sites = models.ManyToManyField(Site)


class Recording(models.Model):
    recorder = models.ForeignKey(Recorder, on_delete=models.CASCADE, default=settings.DEFAULT_RECORDER_ID)
    user = models.ForeignKey(User, on_delete=models.CASCADE, limit_choices_to={"is_staff": True}, default=settings.DEFAULT_RECORDER_USER_ID)
    title = models.CharField(max_length=200)
    type = models.CharField(max_length=50, choices=RECORDING_TYPES, default="video")
    source_file = models.FilePathField(max_length=200, path=settings.DEFAULT_RECORDER_PATH, unique=True, recursive=True)
    comment = models.TextField(blank=True, default="")
    date_added = models.DateTimeField(default=timezone.now, editable=False)


class Meeting(models.Model):
    name = models.CharField(max_length=250, validators=[MinLengthValidator(2)])
    meeting_id = models.SlugField(max_length=255, editable=False)
    owner = models.ForeignKey(User, on_delete=models.CASCADE, related_name="owner_meeting")
    site = models.ForeignKey(Site, on_delete=models.CASCADE)
    start_at = models.DateTimeField(default=timezone.now)
    created_at = models.DateTimeField(auto_now_add=True)
    is_personal = models.BooleanField(default=False, editable=False)
    is_webinar = models.BooleanField(default=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["meeting_id", "site"], name="meeting_unique_slug_site")]

    def save(self, *args, **kwargs):
        # The BBB meetingID of a meeting made in Pod: "%04d-" + slugify(name), as Pod's Meeting.save.
        self.meeting_id = "%04d-%s" % (self.id or next_id(Meeting), slugify(self.name))
        super().save(*args, **kwargs)
