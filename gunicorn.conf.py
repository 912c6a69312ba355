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
