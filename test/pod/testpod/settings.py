"""Settings of the test Pod: Pod 4.1's REST settings (pod/settings.py REST_FRAMEWORK, LANGUAGE_CODE,
LocaleMiddleware, SITE_ID) on a SQLite file. TESTPOD_* variables come from serve.py."""
import os

DATA = os.environ["TESTPOD_DATA"]
SECRET_KEY = "test-pod-only-not-secret"
DEBUG = False
ALLOWED_HOSTS = ["*"]
INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sites",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "testpod",
]
MIDDLEWARE = [
    "testpod.faults.FaultMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
]
ROOT_URLCONF = "testpod.urls"
HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# The integration snippet of integrations/pod/ is rendered by Django's templates, as in Pod.
TEMPLATES = [{
    "BACKEND": "django.template.backends.django.DjangoTemplates",
    "DIRS": [os.path.join(HERE, "templates"), os.path.join(HERE, "..", "..", "integrations", "pod", "templates")],
    "OPTIONS": {"context_processors": ["django.template.context_processors.request", "testpod.dashboard.visible_settings"]},
}]
# Pod's TEMPLATE_VISIBLE_SETTINGS, as an admin sets them for the portal (integrations/pod/).
TEMPLATE_VISIBLE_SETTINGS = {"POST_FOOTER_TEMPLATE": "custom/bbb_portal.html", "BBB_PORTAL_URL": os.environ.get("TESTPOD_PORTAL_URL", "")}
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": os.path.join(DATA, "pod.sqlite3"),
        "OPTIONS": {"timeout": 30},
    }
}
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"
SITE_ID = 1
USE_TZ = True
TIME_ZONE = "UTC"
# Pod's default language: DRF's messages come out in French without Accept-Language.
LANGUAGE_CODE = "fr"
USE_I18N = True
MEDIA_ROOT = os.path.join(DATA, "media")
MEDIA_URL = "/media/"
FILE_UPLOAD_TEMP_DIR = DATA
# Pod's recorder folder (DEFAULT_RECORDER_PATH), watched by its `recorder checkDirectory`.
DEFAULT_RECORDER_PATH = os.environ["TESTPOD_RECORDER_PATH"]
DEFAULT_RECORDER_ID = 1
DEFAULT_RECORDER_USER_ID = 1
# Pod registers the podfile routes (images among them) only with USE_PODFILE (pod/main/rest_router.py).
USE_PODFILE = os.environ.get("TESTPOD_USE_PODFILE") == "1"
# Pod's router registers the meeting routes unless USE_MEETING is explicitly False.
USE_MEETING = os.environ.get("TESTPOD_USE_MEETING", "1") == "1"
# nginx's client_max_body_size in Pod's sample configuration is 4G; tests set a small one.
MAX_BODY_BYTES = int(os.environ.get("TESTPOD_MAX_BODY", str(4 * 1024**3)))
ENCODE_SECONDS = float(os.environ.get("TESTPOD_ENCODE_SECONDS", "0.3"))

REST_FRAMEWORK = {
    "DEFAULT_FILTER_BACKENDS": ("django_filters.rest_framework.DjangoFilterBackend",),
    "DEFAULT_AUTHENTICATION_CLASSES": (
        "rest_framework.authentication.BasicAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ),
    "DEFAULT_PERMISSION_CLASSES": ("rest_framework.permissions.IsAdminUser",),
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 12,
}
LOGGING = {"version": 1, "disable_existing_loggers": True}
