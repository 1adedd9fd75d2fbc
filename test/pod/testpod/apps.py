from django.apps import AppConfig


class TestPodConfig(AppConfig):
    name = "testpod"

    def ready(self):
        from . import recorder  # noqa: F401  (connects the Recording signal)
