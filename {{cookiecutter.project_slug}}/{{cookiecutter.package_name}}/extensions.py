"""Extension instances, created unbound and bound to each app in `create_app`."""

from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
{% if cookiecutter.auth_mode in ["session", "hybrid"] -%}
from flask_login import LoginManager
{% endif -%}
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
{%- if cookiecutter.auth_mode in ["session", "hybrid"] %}
from flask_wtf.csrf import CSRFProtect
{%- endif %}
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase
{%- if cookiecutter.auth_mode != "session" %}

from .security.jwt_manager import StrictJWTManager
{%- endif %}


class Base(DeclarativeBase):
    # Named constraints, so migrations can alter and drop them on every database.
    metadata = MetaData(
        naming_convention={
            "ix": "ix_%(column_0_label)s",
            "uq": "uq_%(table_name)s_%(column_0_name)s",
            "ck": "ck_%(table_name)s_%(constraint_name)s",
            "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
            "pk": "pk_%(table_name)s",
        }
    )


db = SQLAlchemy(model_class=Base)
# Batch mode lets migrations alter SQLite tables, which lack most ALTER TABLE forms.
migrate = Migrate(render_as_batch=True)
# Views choose their own keys (security/rate_limits.py); this default is the address
# ProxyFix resolved, never the raw X-Forwarded-For. headers_enabled adds Retry-After.
limiter = Limiter(key_func=get_remote_address, headers_enabled=True)
{%- if cookiecutter.auth_mode in ["session", "hybrid"] %}
login_manager = LoginManager()
csrf = CSRFProtect()
{%- endif %}
{%- if cookiecutter.auth_mode != "session" %}
jwt = StrictJWTManager()
{%- endif %}
