"""Gunicorn settings for Retours, used by `make run` and in production: `.venv/bin/gunicorn -c gunicorn.conf.py`.

Each value below can be changed from the environment (the variable is named next to it); a command-line flag
(`--workers 4`, `--bind ...`) wins over both. `gunicorn --check-config -c gunicorn.conf.py` checks this file and
that the app loads. See README.md, « Production ».
"""

import os

wsgi_app = "feedback:create_app()"

#: Behind nginx: keep 127.0.0.1 (or a unix socket, "unix:/run/retours/gunicorn.sock"). `make run` passes its own.
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:5000")

#: Sync workers: one request at a time each, which the app is written for (one transaction per request). Two per
#: core is a good start; each worker is a process with its own database connection (~80 MB of memory).
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
worker_class = "sync"

#: A worker silent for this long is killed and replaced (seconds): longer than the slowest page (a large import,
#: the yearly export), shorter than a phone's patience. Nginx's proxy_read_timeout (60 s) should not be shorter.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
#: Graceful shutdown: on SIGTERM (systemctl stop/restart) the workers stop accepting and finish the requests in
#: flight for up to this long, so a participant's submit is answered, not cut. SIGHUP reloads the same way.
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
keepalive = 5

#: The workers' heartbeat file, touched every second: on /dev/shm (memory) a slow or full disk cannot stall a
#: worker into being killed as silent. Where there is no /dev/shm, Gunicorn's default temporary directory.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None  # noqa: S108 (a memory filesystem, on purpose)

#: Addresses whose X-Forwarded-Proto (https) Gunicorn believes: the reverse proxy's. The default (127.0.0.1, ::1)
#: fits nginx on the same machine; a proxy on another machine needs its address here (FORWARDED_ALLOW_IPS=10.0.0.5),
#: and "*" is only safe when nothing but the proxy can reach the app's port. The client's address behind the proxy
#: is the app's own setting (PROXY_COUNT, in config.py), not this one.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

#: Access log to stdout (journald under systemd; "-" for stdout, or a file path), errors to stderr. The access log
#: of the public form records neither the client's address nor personal link tokens (feedback/accesslog.py).
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = os.environ.get("GUNICORN_ERROR_LOG", "-")
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
logger_class = "feedback.accesslog.PrivateAccessLogger"

proc_name = "retours"
#: Gunicorn 25+ opens a control socket under $HOME by default; systemd's signals are enough, and two servers on
#: one machine (tests, benchmarks) would fight over the same path. Older versions ignore this setting.
control_socket_disable = True


def on_starting(server):
    """Before any worker is forked: refuse rate-limit counters kept per worker (memory://) when production starts
    more than one worker, and read once what the themes pages read (`feedback.analysis.themes.preload`: the French
    word vectors and simplemma's dictionary, ~1 s, ~60 MB shared by the forked workers). The French language
    pipeline (~4 s, ~500 MB) is not loaded here: the comments of a submit are analysed by the job queue's consumer
    (`flask queue-worker`, feedback/quotes/tasks.py), which loads it once at its start; no web worker and no page
    ever needs it."""
    # Here, not only in the app: the number of workers is known for sure once a --workers flag has been read.
    from config import ProductionConfig, config_from_env, refuse_per_process_counters

    settings = config_from_env()
    if issubclass(settings, ProductionConfig):
        refuse_per_process_counters(settings.RATELIMIT_STORAGE_URI, server.cfg.workers)
    from feedback.analysis.themes import preload as preload_themes

    preload_themes()
