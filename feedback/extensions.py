"""Flask extensions, created unbound and initialised by the app factory."""

from __future__ import annotations

from flask import has_request_context, request
from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_wtf.csrf import CSRFProtect

from feedback import ratelimit_storage  # noqa: F401  (registers the sqlite:// scheme before the limiter starts)

#: Batch mode lets later migrations alter SQLite tables (which lack most ALTER TABLE forms).
migrate = Migrate(compare_type=True, render_as_batch=True)
csrf = CSRFProtect()
login_manager = LoginManager()
limiter = Limiter(key_func=get_remote_address, default_limits=[])
babel = Babel()

#: Pages a participant or a visitor may see in English: the questionnaire, its follow-up, the login page, and the
#: error pages of addresses that match no route (no blueprint). The back office stays French even when the lang
#: cookie says "en".
BILINGUAL_BLUEPRINTS = frozenset({"survey", "followup", "auth", None})


def select_locale() -> str:
    """French unless the visitor chose English (?lang=en, then kept in a cookie); Accept-Language is ignored."""
    # Deliberately not the browser's preference: the sessions are held in French, and a phone set to English must
    # not turn their form into English by itself; the link at the foot of the form switches for those who want it.
    from flask import current_app

    if not has_request_context() or request.blueprint not in BILINGUAL_BLUEPRINTS:
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    languages = current_app.config["LANGUAGES"]
    chosen = request.args.get("lang") or request.cookies.get("lang")
    if chosen is not None and chosen in languages:
        return chosen
    return current_app.config["BABEL_DEFAULT_LOCALE"]
