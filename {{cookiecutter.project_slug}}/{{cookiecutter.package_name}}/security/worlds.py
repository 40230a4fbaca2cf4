"""Hybrid mode: two authentication worlds in one app, kept from leaking into each other.

/admin is the operators' world: Flask-Login sessions, cookies, and CSRFProtect on every
form. /api/v1 is the customers' world: JWTs, and only in the Authorization header.

Exempting the API from form CSRF is safe only because of that second half. CSRF works
by making a browser send credentials it holds automatically (cookies); a browser never
attaches an Authorization header on its own, so a forged cross-site request reaches the
API unauthenticated. The API never consults Flask-Login (its views read the token's
identity from api/guard.py only), so the admin's session cookie authenticates nothing
there; and no /admin view reads a JWT, so a bearer token opens no page.
"""

from flask import Flask

from ..extensions import csrf

API_BLUEPRINT = "api"


def keep_apart(app: Flask) -> None:
    """Exempt the API's blueprints from form CSRF; call after registering them."""
    # Flask-WTF compares the blueprint that routed the request (e.g. "api.auth" for a
    # nested one) against the exempt set, so exempting the parent alone would leave
    # every nested API blueprint, including ones added later, still demanding a
    # form token. Exempt each of them.
    for name, blueprint in app.blueprints.items():
        if name == API_BLUEPRINT or name.startswith(f"{API_BLUEPRINT}."):
            csrf.exempt(blueprint)
