"""Reference apps, written the way the libraries' documentation shows them.

They give the bakes' numbers something to be read against:

- `bare_app`: a Flask route returning `jsonify(ok=True)`, the denominator of every ratio;
- `jwt_app`: Flask-JWT-Extended's basic example, a `@jwt_required()` route returning the
  token's identity (signature and expiry checked; no database, no revocation);
- `login_app`: Flask-Login's documented setup over Flask-SQLAlchemy, a `user_loader`
  doing `db.session.get(User, int(user_id))` and a `@login_required` JSON route, on a
  SQLite file in WAL mode like the bakes';
- `redis_app`: the bare route plus one redis-py `EXISTS` on a pooled client, as the redis
  blocklist asks once per request: what one round trip to this Redis costs here.
"""

from __future__ import annotations

import secrets
from pathlib import Path

import redis
from flask import Flask, jsonify
from flask_jwt_extended import JWTManager, create_access_token, get_jwt_identity, jwt_required
from flask_login import LoginManager, UserMixin, current_user, login_required, login_user
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import event
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

# isort: split
from harness import BASE_URL, ENVIRON_BASE, BenchError, WsgiCall, cookie_header

BARE = "bare Flask JSON route"
JWT = "Flask-JWT-Extended @jwt_required()"
LOGIN = "Flask-Login user_loader + db.session.get"
REDIS = "bare route + one redis-py EXISTS"


def bare_app() -> tuple[Flask, WsgiCall]:
    app = Flask("reference_bare")

    @app.get("/")
    def index():
        return jsonify(ok=True)

    return app, WsgiCall(app, "/")


def jwt_app() -> tuple[Flask, WsgiCall]:
    app = Flask("reference_jwt")
    app.config["JWT_SECRET_KEY"] = secrets.token_urlsafe(48)
    JWTManager(app)

    @app.get("/protected")
    @jwt_required()
    def protected():
        return jsonify(logged_in_as=get_jwt_identity())

    with app.app_context():
        token = create_access_token(identity="1")
    return app, WsgiCall(app, "/protected", headers={"Authorization": f"Bearer {token}"})


def redis_app(redis_url: str) -> tuple[Flask, WsgiCall]:
    app = Flask("reference_redis")
    client = redis.Redis.from_url(redis_url, socket_connect_timeout=2, socket_timeout=2)

    @app.get("/")
    def index():
        return jsonify(ok=True, revoked=bool(client.exists("bench-reference:absent")))

    return app, WsgiCall(app, "/")


class _Base(DeclarativeBase):
    pass


def login_app(database_file: Path) -> tuple[Flask, WsgiCall]:
    app = Flask("reference_login")
    app.config["SECRET_KEY"] = secrets.token_urlsafe(48)
    app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{database_file}"
    db = SQLAlchemy(app, model_class=_Base)
    login_manager = LoginManager(app)

    class User(UserMixin, db.Model):
        id: Mapped[int] = mapped_column(primary_key=True)
        email: Mapped[str] = mapped_column(unique=True)

    @login_manager.user_loader
    def load_user(user_id: str):
        return db.session.get(User, int(user_id))

    @app.post("/login")
    def login():
        # Setup only: the benchmark times the protected route, not logging in.
        login_user(db.session.get(User, 1))
        return jsonify(ok=True)

    @app.get("/me")
    @login_required
    def me():
        return jsonify(id=current_user.id, email=current_user.email)

    with app.app_context():
        event.listen(db.engine, "connect", _wal)
        db.create_all()
        db.session.add(User(id=1, email="ada@example.com"))
        db.session.commit()

    client = app.test_client()
    client.environ_base.update(ENVIRON_BASE)
    if client.post("/login", base_url=BASE_URL).status_code != 200:
        raise BenchError("reference login app: could not log in")
    cookie = client.get_cookie(app.config.get("SESSION_COOKIE_NAME", "session"))
    if cookie is None:
        raise BenchError("reference login app: no session cookie after logging in")
    headers = {"Cookie": cookie_header({cookie.key: cookie.value})}
    return app, WsgiCall(app, "/me", headers=headers)


def _wal(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.close()
