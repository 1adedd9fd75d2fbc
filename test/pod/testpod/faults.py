"""Faults the tests inject, as they happen in front of or inside a real Pod.

- `status`: the next requests matching a method and path prefix are answered with a status
  (nginx's 502/503 while uwsgi restarts, a 429 of a rate limit), the view never runs;
- `lose-answer`: the view runs (the upload is stored) and the connection is then closed without
  an answer, as when a proxy times out on a multi-GB upload;
- `encoding`: see encode.py;
- bodies over MAX_BODY_BYTES get nginx's 413 (client_max_body_size).
"""
import threading

from django.conf import settings
from django.http import HttpResponse

_faults = []
_lock = threading.Lock()
# What the portal asked, in order ("GET /rest/users/?username=x"), for tests that count calls.
requests = []
current = threading.local()

NGINX_413 = (
    "<html>\r\n<head><title>413 Request Entity Too Large</title></head>\r\n<body>\r\n"
    "<center><h1>413 Request Entity Too Large</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"
)


def add(fault):
    with _lock:
        _faults.append(dict(fault, times=int(fault.get("times", 1))))


def clear():
    with _lock:
        _faults.clear()


def _take(predicate):
    with _lock:
        for fault in _faults:
            if fault["times"] > 0 and predicate(fault):
                fault["times"] -= 1
                return fault
    return None


def encoding_fault(mode):
    return _take(lambda f: f.get("kind") == "encoding" and f.get("mode") == mode)


def _matches(fault, kind, request):
    return fault.get("kind") == kind and fault.get("method", request.method) == request.method and request.path.startswith(fault.get("path", "/"))


def _drain(request):
    # As nginx's lingering close: the body is read before answering, so the client hears the answer.
    length = int(request.META.get("CONTENT_LENGTH") or 0)
    stream = request.META["wsgi.input"]
    while length > 0:
        chunk = stream.read(min(length, 1 << 20))
        if not chunk:
            break
        length -= len(chunk)


class FaultMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        current.drop = False
        if request.path.startswith("/_test/"):
            return self.get_response(request)
        with _lock:
            requests.append("%s %s" % (request.method, request.get_full_path()))
        if int(request.META.get("CONTENT_LENGTH") or 0) > settings.MAX_BODY_BYTES:
            _drain(request)
            return HttpResponse(NGINX_413, status=413, content_type="text/html")
        fault = _take(lambda f: _matches(f, "status", request))
        if fault:
            _drain(request)
            return HttpResponse('{"detail":"fault injected by the test"}', status=int(fault["status"]), content_type="application/json")
        response = self.get_response(request)
        if _take(lambda f: _matches(f, "lose-answer", request)):
            current.drop = True
        return response
