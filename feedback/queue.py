"""The job queue: Huey, on a SQLite file in instance/ by default (no server), on Redis when QUEUE_URL says so.

What runs through it: the e-mails of invitations, reminders and follow-ups, webhook deliveries, and the daily
scheduled tasks (feedback/tasks.py). A task is only a nudge: the work itself is recorded in the database (an
invitation not sent yet, a delivery not delivered yet), claimed there before it is done and recorded once done,
so that a task lost with a killed worker is caught up by the next periodic run, and a task run twice does the
work once. `flask queue-worker` runs the consumer; `make run` starts it beside gunicorn.
"""

from __future__ import annotations

import functools
import logging
import os
from collections.abc import Callable
from datetime import UTC, datetime

import click
from flask import Flask, current_app, has_app_context
from huey import Huey, crontab
from huey.storage import MemoryStorage, RedisStorage, SqliteStorage

logger = logging.getLogger(__name__)

#: Storage and mode are chosen by `init_queue` from the app's settings; tasks are registered at import time.
huey = Huey("retours", results=False, utc=True, immediate_use_memory=False, storage_class=MemoryStorage)

_state: dict[str, Flask | None] = {"app": None}


def storage_for(url: str) -> tuple[type, dict]:
    """The Huey storage class and its arguments for QUEUE_URL: sqlite:///path, redis://..., memory://."""
    scheme = url.partition("://")[0]
    if scheme == "sqlite":
        return SqliteStorage, {"filename": url.removeprefix("sqlite:///")}
    if scheme in {"redis", "rediss", "unix"}:
        return RedisStorage, {"url": url}
    if scheme == "memory":
        return MemoryStorage, {}
    raise RuntimeError(f"QUEUE_URL={url!r}: sqlite:///chemin, redis://hôte:6379/0 ou memory:// attendu.")


def configure(url: str, *, immediate: bool) -> None:
    """Point the queue at a storage; `immediate` runs each task inside the call that enqueues it."""
    huey.immediate = False
    huey.storage_class, huey.storage_kwargs = storage_for(url)
    huey.storage = huey.create_storage()
    huey.immediate = immediate


def init_queue(app: Flask) -> None:
    configure(app.config["QUEUE_URL"], immediate=bool(app.config["QUEUE_IMMEDIATE"]))
    _state["app"] = app


def bind_app(app: Flask) -> None:
    """The app whose context the tasks run in when no context is active (the consumer's threads)."""
    _state["app"] = app


def _app() -> Flask:
    if has_app_context():
        return current_app._get_current_object()  # type: ignore[attr-defined]
    app = _state["app"]
    if app is None:
        raise RuntimeError("the queue was not initialised: create the app first (init_queue)")
    return app


def in_app_context(function: Callable) -> Callable:
    """Run the task in an app context of its own (its own database session), whether it runs in the consumer or,
    in immediate mode, inside the request that enqueued it."""

    @functools.wraps(function)
    def run(*args, **kwargs):
        with _app().app_context():
            return function(*args, **kwargs)

    return run


def task(**options) -> Callable:
    """`@task()`: a Huey task that runs in an app context."""

    def decorator(function: Callable):
        return huey.task(name=function.__name__, **options)(in_app_context(function))

    return decorator


def at_local_time(setting: str) -> Callable[[datetime], bool]:
    """A periodic schedule read from a setting ("minute hour", local time) each time the scheduler asks."""

    def validate(moment: datetime) -> bool:
        app = _app()
        minute, hour = app.config[setting].split()
        from zoneinfo import ZoneInfo

        local = moment.replace(tzinfo=UTC).astimezone(ZoneInfo(app.config["BABEL_DEFAULT_TIMEZONE"]))
        return crontab(minute=minute, hour=hour)(local.replace(tzinfo=None))

    return validate


def periodic(validate: Callable[[datetime], bool]) -> Callable:
    """`@periodic(at_local_time("SCHEDULE_…"))` or `@periodic(crontab(...))`: a scheduled task in an app context."""

    def decorator(function: Callable):
        return huey.periodic_task(validate, name=function.__name__)(in_app_context(function))

    return decorator


def run_consumer(app: Flask, *, workers: int | None = None) -> None:
    """Run the consumer until SIGINT (graceful: running tasks finish) or SIGTERM."""
    bind_app(app)
    consumer = huey.create_consumer(workers=workers or app.config["QUEUE_WORKERS"], worker_type="thread")
    consumer.run()


@click.command("queue-worker")
@click.option("--workers", type=int, default=None, help="Fils d'exécution (QUEUE_WORKERS par défaut).")
def queue_worker_command(workers: int | None) -> None:
    """Run the job queue's consumer: e-mails, webhook deliveries, scheduled tasks (Ctrl+C to stop)."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    if huey.immediate:
        raise click.ClickException("QUEUE_IMMEDIATE est activé : les tâches s'exécutent sans consommateur.")
    if app.config["QUEUE_NICE"]:
        os.nice(app.config["QUEUE_NICE"])  # below the web workers: the analysis waits, a participant does not
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    # Huey logs every task it runs (a periodic one each minute): its warnings and errors are what matters here.
    logging.getLogger("huey").setLevel(logging.WARNING)
    click.echo(f"File d'attente : {app.config['QUEUE_URL']} ({workers or app.config['QUEUE_WORKERS']} fils).")
    run_consumer(app, workers=workers)
