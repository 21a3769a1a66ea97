"""Configuration classes; every setting can be overridden from the environment."""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = Path(os.environ.get("RETOURS_INSTANCE_DIR", BASE_DIR / "instance"))


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


def counts_per_process(storage_uri: str) -> bool:
    """A rate-limit storage that each worker keeps for itself (memory://): N workers let N times more through."""
    return storage_uri.partition("://")[0] in {"memory", "async+memory"}


def refuse_per_process_counters(storage_uri: str, workers: int) -> None:
    """Production with several workers: refuse a per-process storage, whose limits would silently multiply."""
    if workers > 1 and counts_per_process(storage_uri):
        raise RuntimeError(
            f"RATELIMIT_STORAGE_URI={storage_uri} counts in each worker: with {workers} workers every limit, failed "
            f"logins included, would let {workers} times more through. Leave RATELIMIT_STORAGE_URI unset (a SQLite "
            "file that every worker of this machine shares), set it to redis://host:6379/0, or run a single worker."
        )


def _development_secret_key() -> str:
    """Generate a secret key once and keep it under instance/ so sessions survive restarts."""
    key_file = INSTANCE_DIR / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    INSTANCE_DIR.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    key_file.write_text(key)
    key_file.chmod(0o600)
    return key


def _default_database_url() -> str:
    return f"sqlite:///{INSTANCE_DIR / 'retours.sqlite'}"


class Config:
    """Settings shared by every environment."""

    @classmethod
    def validate(cls) -> None:
        """Check (or complete) the settings before the app starts."""

    SECRET_KEY: str | None = os.environ.get("SECRET_KEY")
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL") or _default_database_url()
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}
    #: Public base URL used in links sent by e-mail and printed on posters (never the Host header).
    BASE_URL = os.environ.get("BASE_URL", "http://127.0.0.1:5000").rstrip("/")

    BABEL_DEFAULT_LOCALE = "fr"
    BABEL_DEFAULT_TIMEZONE = os.environ.get("TIMEZONE", "Europe/Paris")
    LANGUAGES = ("fr", "en")

    WTF_CSRF_ENABLED = True
    #: Staff forms: a token lives as long as the login session (a manager may keep a tab open all day).
    WTF_CSRF_TIME_LIMIT = None
    #: The public form's own signed token: valid for a whole session day and more.
    SURVEY_TOKEN_MAX_AGE = _env_int("SURVEY_TOKEN_MAX_AGE", 36 * 3600)
    #: How long a worker reuses what it read about a session for its public pages (survey/queries.py).
    SURVEY_SESSION_CACHE_SECONDS = _env_int("SURVEY_SESSION_CACHE_SECONDS", 2)

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    #: A staff login ends after this many days at the latest, "remember me" or not (its row in login_sessions
    #: expires); logging out, « se déconnecter partout », a new password or deactivation end it before.
    LOGIN_SESSION_MAX_AGE_DAYS = _env_int("LOGIN_SESSION_MAX_AGE_DAYS", 365)
    REMEMBER_COOKIE_DURATION = timedelta(days=LOGIN_SESSION_MAX_AGE_DAYS)

    MAX_CONTENT_LENGTH = _env_int("MAX_CONTENT_LENGTH", 2 * 1024 * 1024)
    MAX_TEXT_ANSWER_LENGTH = 5000

    #: Where the rate limits and the failed logins are counted. The default, a SQLite file in instance/, is shared by
    #: every worker of the machine and needs no server (feedback/ratelimit_storage.py); redis://host:6379/0 when
    #: several machines serve the app. memory:// counts in each worker: production refuses it with 2+ workers.
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI") or f"sqlite:///{INSTANCE_DIR / 'ratelimits.sqlite'}"
    RATELIMIT_HEADERS_ENABLED = False
    #: The public form: a room of 500 phones behind one address must pass, a script flooding it must not. What
    #: stops whom is in README.md, « Une salle derrière une seule adresse ». Blank forms (each carries a new signed
    #: single-use token, and a response needs one) handed out per client address and per session: a plenary of 500
    #: loads about 500 in its 2 minutes (a few more for reloads and the other language), a script wanting thousands
    #: of responses needs thousands of forms...
    SURVEY_FORM_RATE_LIMIT = os.environ.get("SURVEY_FORM_RATE_LIMIT", "1000 per 2 minutes; 2000 per hour")
    #: ...no response is taken less than this many seconds after its form was given (nobody reads and answers a
    #: questionnaire in 3 s; a script posting at once is refused, its answers shown back)...
    SURVEY_MIN_ANSWER_SECONDS = _env_int("SURVEY_MIN_ANSWER_SECONDS", 3)
    #: ...and submits per client address, all sessions together: only a high ceiling against floods, twice what the
    #: busiest minute of a 500-person plenary sends.
    SURVEY_SUBMIT_RATE_LIMIT = os.environ.get("SURVEY_SUBMIT_RATE_LIMIT", "1000 per minute")
    #: Password guessing: per client address, on the login form's POST.
    LOGIN_RATE_LIMIT = os.environ.get("LOGIN_RATE_LIMIT", "10 per minute; 50 per hour")
    #: Calls of the JSON API per personal access token (Flask-Limiter's syntax).
    API_RATE_LIMIT = os.environ.get("API_RATE_LIMIT", "600 per minute")
    RATELIMIT_KEY_PREFIX = os.environ.get("RATELIMIT_KEY_PREFIX", "retours")
    #: Failed logins after which the login form refuses even the right password, for a while: per account typed
    #: (existing or not, the answer is the same) and per client address. Counted in RATELIMIT_STORAGE_URI.
    LOGIN_FAILURES_PER_ACCOUNT = os.environ.get("LOGIN_FAILURES_PER_ACCOUNT", "5 per 15 minutes")
    LOGIN_FAILURES_PER_ADDRESS = os.environ.get("LOGIN_FAILURES_PER_ADDRESS", "30 per 15 minutes")
    #: "Forgot password" requests per client address (each may send an e-mail).
    PASSWORD_RESET_RATE_LIMIT = os.environ.get("PASSWORD_RESET_RATE_LIMIT", "5 per 15 minutes")

    #: Staff accounts: how long an admin's invitation link, and a password reset link, can be used.
    ACCOUNT_INVITATION_MAX_AGE_HOURS = _env_int("ACCOUNT_INVITATION_MAX_AGE_HOURS", 72)
    PASSWORD_RESET_MAX_AGE_MINUTES = _env_int("PASSWORD_RESET_MAX_AGE_MINUTES", 60)

    #: `flask purge`: free text (comments and their analyses) older than this is deleted, the scores stay...
    TEXT_RETENTION_DAYS = _env_int("TEXT_RETENTION_DAYS", 3 * 365)
    #: ...and the addresses of invitations to sessions closed this many days ago are erased (counts stay).
    INVITATION_RETENTION_DAYS = _env_int("INVITATION_RETENTION_DAYS", 365)

    #: Below this number of answers a rate is replaced by "trop peu de réponses" (admins excepted).
    MIN_ANSWERS_FOR_RATE = _env_int("MIN_ANSWERS_FOR_RATE", 5)

    #: Number of proxies in front of the app whose X-Forwarded-For can be trusted.
    PROXY_COUNT = _env_int("PROXY_COUNT", 0)

    #: Outgoing mail (invitations, reminders): the organisation's SMTP server. MAIL_USE_TLS is STARTTLS (often
    #: port 587), MAIL_USE_SSL is TLS from the first byte (often port 465): one or the other.
    MAIL_SERVER = os.environ.get("MAIL_SERVER", "localhost")
    MAIL_PORT = _env_int("MAIL_PORT", 25)
    MAIL_USE_TLS = _env_bool("MAIL_USE_TLS", False)
    MAIL_USE_SSL = _env_bool("MAIL_USE_SSL", False)
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME") or None
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD") or None
    MAIL_FROM = os.environ.get("MAIL_FROM", "Retours <retours@example.org>")
    #: Seconds to wait for the SMTP server before telling the manager it does not answer.
    MAIL_TIMEOUT = _env_int("MAIL_TIMEOUT", 10)
    #: `flask send-reminders` reminds those who have not answered this many days after their invitation.
    REMINDER_AFTER_DAYS = _env_int("REMINDER_AFTER_DAYS", 3)
    #: A personal link stops being personal after this many days (the form still works as the public one).
    INVITATION_TOKEN_MAX_AGE_DAYS = _env_int("INVITATION_TOKEN_MAX_AGE_DAYS", 60)
    #: The follow-up questionnaire (`flask send-followups`): one reminder this many days after its e-mail...
    FOLLOWUP_REMINDER_AFTER_DAYS = _env_int("FOLLOWUP_REMINDER_AFTER_DAYS", 7)
    #: ...its personal link stops working this many days after the last of the two e-mails...
    FOLLOWUP_LINK_MAX_AGE_DAYS = _env_int("FOLLOWUP_LINK_MAX_AGE_DAYS", 60)
    #: ...and an address left for it is erased this many days after it was left, whether it was used or not.
    FOLLOWUP_RETENTION_DAYS = _env_int("FOLLOWUP_RETENTION_DAYS", 365)

    #: Imports (catalogue, attendance lists): largest file accepted, in bytes (never above MAX_CONTENT_LENGTH on the
    #: web), and most rows.
    IMPORT_MAX_BYTES = _env_int("IMPORT_MAX_BYTES", 2 * 1024 * 1024)
    IMPORT_MAX_ROWS = _env_int("IMPORT_MAX_ROWS", 20_000)
    #: Where an upload waits (an hour at most) for its confirmation; unset: instance/imports/.
    IMPORT_PENDING_DIR = os.environ.get("IMPORT_PENDING_DIR") or None
    #: Key of the attendance lists' hashes. Unset: derived from SECRET_KEY (changing SECRET_KEY then makes the same
    #: people count as new ones). Set it once, to 32+ random characters, and keep it.
    ATTENDANCE_HASH_KEY = os.environ.get("ATTENDANCE_HASH_KEY") or None

    #: The job queue (feedback/queue.py): unset, a SQLite file in instance/ that needs no server (one machine);
    #: redis://host:6379/0 when several machines serve the app. `flask queue-worker` (started by `make run`) runs it.
    QUEUE_URL = os.environ.get("QUEUE_URL") or f"sqlite:///{INSTANCE_DIR / 'queue.sqlite'}"
    #: Threads of the queue's consumer: each sends one batch of mail or one webhook delivery at a time.
    QUEUE_WORKERS = _env_int("QUEUE_WORKERS", 2)
    #: Niceness the consumer gives itself as it starts (0: none): its CPU work (the comments' analysis, report files)
    #: yields to the web workers on the same cores, so a crowd's submits are not slowed by the analysis they cause.
    QUEUE_NICE = _env_int("QUEUE_NICE", 10)
    #: Run each task inside the call that enqueues it (no consumer): for the tests and for debugging only.
    QUEUE_IMMEDIATE = _env_bool("QUEUE_IMMEDIATE", False)
    #: A claim on mail to send (or a webhook delivery) that was not recorded within this many seconds belongs to a
    #: worker that died: the periodic catch-up takes the work again (at least once, see README « La file d'attente »).
    QUEUE_CLAIM_SECONDS = _env_int("QUEUE_CLAIM_SECONDS", 600)
    #: When the scheduled tasks run (local time, crontab fields "minute hour"): reminders and follow-ups, the purge.
    SCHEDULE_REMINDERS = os.environ.get("SCHEDULE_REMINDERS", "0 9")
    SCHEDULE_FOLLOWUPS = os.environ.get("SCHEDULE_FOLLOWUPS", "30 9")
    SCHEDULE_PURGE = os.environ.get("SCHEDULE_PURGE", "15 3")
    #: The report's DOCX and XLSX of a scope with more responses than this are prepared by the job queue (the link
    #: opens a page that refreshes until the file is ready); smaller ones are made inside the request.
    REPORT_QUEUE_ABOVE = _env_int("REPORT_QUEUE_ABOVE", 20_000)
    #: A prepared report file can be downloaded for this many hours after it was asked for, then it is deleted.
    REPORT_FILE_HOURS = _env_int("REPORT_FILE_HOURS", 24)

    #: Webhooks: seconds to wait for a receiver; only https:// URLs unless this is set (development, tests).
    WEBHOOK_TIMEOUT = _env_int("WEBHOOK_TIMEOUT", 10)
    WEBHOOK_ALLOW_HTTP = _env_bool("WEBHOOK_ALLOW_HTTP", False)
    #: Seconds between the attempts of a delivery (exponential, then every 6 hours) until 24 hours have passed.
    WEBHOOK_RETRY_DELAYS = (5, 60, 300, 1800, 7200, 21600)
    WEBHOOK_RETRY_HOURS = _env_int("WEBHOOK_RETRY_HOURS", 24)
    #: An endpoint whose deliveries have all failed for this many hours is disabled, and the admins told.
    WEBHOOK_DISABLE_AFTER_HOURS = _env_int("WEBHOOK_DISABLE_AFTER_HOURS", 24)

    #: Path to the 2025 activity catalogue used by the demo data.
    DEMO_CATALOGUE = os.environ.get("DEMO_CATALOGUE")


class DevelopmentConfig(Config):
    """Local use: `make run`."""

    DEBUG = False
    #: A receiver on this machine can be tried over plain http:// (production refuses anything but https://).
    WEBHOOK_ALLOW_HTTP = _env_bool("WEBHOOK_ALLOW_HTTP", True)

    @classmethod
    def validate(cls) -> None:
        if not cls.SECRET_KEY:
            cls.SECRET_KEY = _development_secret_key()


class TestingConfig(Config):
    """The test suite: TEST_DATABASE_URL picks PostgreSQL, otherwise a throw-away SQLite file."""

    TESTING = True
    SECRET_KEY = "test-secret-key-not-for-production"  # noqa: S105 (tests only)
    #: Set by tests/conftest.py: TEST_DATABASE_URL, or a fresh SQLite file per test run.
    SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL", "sqlite://")
    WTF_CSRF_ENABLED = False
    #: One process: its own counters, emptied before each test (tests/conftest.py). The shared storages are tested
    #: with real gunicorn workers (tests/test_login_throttle_workers.py, tests/test_rate_limit.py).
    RATELIMIT_STORAGE_URI = "memory://"
    # Limits stay on (a test proves them); the suite itself logs in and answers far more than people do.
    SURVEY_SUBMIT_RATE_LIMIT = "100000 per minute"
    SURVEY_FORM_RATE_LIMIT = "100000 per minute"
    #: The suite posts a form the moment it gets it; the tests of the minimum answering time set it.
    SURVEY_MIN_ANSWER_SECONDS = 0
    LOGIN_RATE_LIMIT = "100000 per minute"
    PASSWORD_RESET_RATE_LIMIT = "100000 per minute"  # noqa: S105 (a rate, not a password)
    BASE_URL = "http://retours.test"
    #: Nothing listens there: a test that sends mail without the `smtp_server` fixture fails at once.
    MAIL_SERVER = "127.0.0.1"
    MAIL_PORT = 9
    MAIL_TIMEOUT = 5
    #: Tasks run inside the request that enqueues them (the same task code); the tests of the queue itself start a
    #: real consumer (tests/test_queue.py, tests/webhooks/).
    QUEUE_IMMEDIATE = _env_bool("QUEUE_IMMEDIATE", True)
    QUEUE_URL = os.environ.get("QUEUE_URL", "memory://")
    WEBHOOK_ALLOW_HTTP = True
    WEBHOOK_TIMEOUT = 5


class ProductionConfig(Config):
    """Behind a reverse proxy, on PostgreSQL; refuses to start without a real secret key."""

    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    PREFERRED_URL_SCHEME = "https"

    @classmethod
    def validate(cls) -> None:
        if not cls.SECRET_KEY or len(cls.SECRET_KEY) < 32:
            raise RuntimeError("SECRET_KEY must be set (32 characters or more) in production.")
        # Gunicorn's own default number of workers; gunicorn.conf.py checks the number it really starts.
        refuse_per_process_counters(cls.RATELIMIT_STORAGE_URI, _env_int("WEB_CONCURRENCY", 1))


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}


def config_from_env() -> type[Config]:
    return CONFIGS[os.environ.get("RETOURS_ENV", "development")]
