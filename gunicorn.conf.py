"""gunicorn's settings for the web container (docker-compose.yml and the Dockerfile read this file).

The access log names the method, the path and the status, never the query
string (a search could carry a name there), the referrer (the previous
page's query string) or the user agent. Request paths hold ids only.
"""

import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", "3"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = os.environ.get("GUNICORN_ERROR_LOG", "-")
# %(U)s is the path without its query string; %(M)s the request time in milliseconds.
access_log_format = '%(h)s %(t)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms'


def post_worker_init(worker):
    """Python's cyclic garbage collector, tuned for a web worker (``make bench``: about 3 ms of a request's CPU went
    to it). Everything loaded at start (Django, the URL patterns and the views they import) is frozen out of the
    collections, and the youngest generation is collected after 50,000 new objects instead of 700: a request makes
    tens of thousands and frees nearly all of them by reference counting anyway."""
    import gc

    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 (imports every view module before the freeze)
    gc.collect()
    gc.freeze()
    gc.set_threshold(int(os.environ.get("GUNICORN_GC_THRESHOLD", "50000")), 20, 20)
