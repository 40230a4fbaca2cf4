"""The server-rendered pages over real HTTP, forms and their CSRF tokens included."""

from tests.conftest import PASSWORD
from tests.live.client import Reply, Visitor
from tests.session_client import CSRF_INPUT, HOME_PAGE, LOGIN_PAGE

# Production names: __Host- cookies are Secure, Path=/ and bound to this exact host.
SESSION_COOKIE = "__Host-session"
REMEMBER_COOKIE = "__Host-remember_token"


def csrf_token(visitor: Visitor, instance, page: str = LOGIN_PAGE) -> str:
    reply = visitor.get(instance, page)
    match = CSRF_INPUT.search(reply.text)
    assert match, f"no csrf_token field on {page}: {reply}"
    return match.group(1)


def post_form(
    visitor: Visitor, instance, path: str, data: dict | None = None, *, page: str = HOME_PAGE
) -> Reply:
    """POST a form with the CSRF token of `page`, as the browser that loaded it would."""
    token = csrf_token(visitor, instance, page)
    return visitor.post(instance, path, form={**(data or {}), "csrf_token": token})


def log_in(
    visitor: Visitor, instance, email: str, password: str = PASSWORD, *, remember: bool = False
) -> Reply:
    data = {"email": email, "password": password}
    if remember:
        data["remember"] = "y"
    return post_form(visitor, instance, LOGIN_PAGE, data, page=LOGIN_PAGE)


def is_logged_in(visitor: Visitor, instance) -> bool:
    """Whether the home page opens for these cookies, rather than sending them to log in."""
    reply = visitor.get(instance, HOME_PAGE)
    if reply.status == 302:
        assert reply.location.startswith(LOGIN_PAGE), reply.location
        return False
    assert reply.status == 200, reply
    return True


def holding_only(visitor: Visitor, cookie: str) -> Visitor:
    """A copy of the visitor with just one of its cookies: what someone who copied it holds."""
    twin = visitor.copy()
    twin.cookies = {cookie: visitor.cookies[cookie]}
    return twin
