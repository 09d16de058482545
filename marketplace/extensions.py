"""Extensions, created unbound; ``create_app`` binds them."""

from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect

from marketplace.core.models import Base

db = SQLAlchemy(model_class=Base)
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()

from flask_caching import Cache  # noqa: E402

# Bound by marketplace.infra.init_app: Redis when REDIS_URL is set, else in-process.
# The rate limiter is per app (``app.extensions["marketplace.limiter"]``, see
# ``marketplace.infra.limits``): Flask-Limiter keeps storage and limits on the instance.
cache = Cache()
