"""Starts the test Pod: a fresh SQLite database, what a Pod admin sets up before the portal can
publish (a staff account with a REST token, site 1 on this host, type 1, a recorder), then a
threaded WSGI server on 127.0.0.1. Prints one JSON line {url, token, recorderPath} when ready.

Usage: python3 serve.py --data DIR --recorder-path DIR [--use-podfile] [--no-meetings] [--portal-url URL] [--max-body BYTES] [--encode-seconds S]
"""
import argparse
import json
import os
import sys
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

HERE = os.path.dirname(os.path.abspath(__file__))


def parse():
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", required=True)
    parser.add_argument("--recorder-path", required=True)
    parser.add_argument("--use-podfile", action="store_true")
    parser.add_argument("--no-meetings", action="store_true")
    parser.add_argument("--portal-url", default="")
    parser.add_argument("--max-body", type=int)
    parser.add_argument("--encode-seconds", type=float)
    return parser.parse_args()


def configure(args):
    os.environ["TESTPOD_DATA"] = args.data
    os.environ["TESTPOD_RECORDER_PATH"] = args.recorder_path
    os.environ["TESTPOD_USE_PODFILE"] = "1" if args.use_podfile else "0"
    os.environ["TESTPOD_USE_MEETING"] = "0" if args.no_meetings else "1"
    os.environ["TESTPOD_PORTAL_URL"] = args.portal_url
    if args.max_body:
        os.environ["TESTPOD_MAX_BODY"] = str(args.max_body)
    if args.encode_seconds is not None:
        os.environ["TESTPOD_ENCODE_SECONDS"] = str(args.encode_seconds)
    os.environ["DJANGO_SETTINGS_MODULE"] = "testpod.settings"
    sys.path.insert(0, HERE)
    import django

    django.setup()


def seed(host):
    from django.contrib.auth.models import User
    from django.contrib.sites.models import Site
    from django.core.management import call_command
    from rest_framework.authtoken.models import Token

    from testpod.models import Recorder, Type

    call_command("migrate", run_syncdb=True, verbosity=0)
    Site.objects.update_or_create(id=1, defaults={"domain": host, "name": "Pod"})
    admin = User.objects.create(username="pod-admin", is_staff=True, is_superuser=True)
    token = Token.objects.create(user=admin)
    other = Type.objects.create(title="Autres")
    other.sites.add(1)
    recorder = Recorder.objects.create(name="BBB", address_ip="127.0.0.2", type=other, directory="bbb")
    recorder.sites.add(1)
    return token.key


class Server(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class QuietHandler(WSGIRequestHandler):
    def log_message(self, *args):
        pass


def application():
    from django.core.wsgi import get_wsgi_application

    from testpod import faults

    django_app = get_wsgi_application()

    def app(environ, start_response):
        body = django_app(environ, start_response)
        if getattr(faults.current, "drop", False):
            # The request was handled (and stored); the client never hears of it.
            body.close()
            raise ConnectionAbortedError("answer lost (test fault)")
        return body

    return app


def main():
    args = parse()
    configure(args)
    server = make_server("127.0.0.1", 0, application(), server_class=Server, handler_class=QuietHandler)
    host = "127.0.0.1:%d" % server.server_port
    token = seed(host)
    print(json.dumps({"url": "http://" + host, "token": token, "recorderPath": args.recorder_path}), flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
