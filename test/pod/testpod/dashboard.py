"""Pod's dashboard page ("Mes vidéos", /video/dashboard/) reduced to what the portal's integration
snippet uses, with Pod's TEMPLATE_VISIBLE_SETTINGS context processor (pod/main/context_processors.py
copies each key into the context). The teacher is named by `?as=`: the test Pod has no login pages."""
from django.conf import settings
from django.contrib.auth.models import User
from django.shortcuts import render


def visible_settings(request):
    return dict(settings.TEMPLATE_VISIBLE_SETTINGS)


def dashboard(request):
    user, _ = User.objects.get_or_create(username=request.GET.get("as", "enseignant"))
    return render(request, "testpod/dashboard.html", {"user": user})
