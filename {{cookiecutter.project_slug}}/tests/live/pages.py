"""The server-rendered pages over real HTTP, forms and their CSRF tokens included."""

import re

from tests.conftest import PASSWORD
from tests.live.authenticator import SecondFactor
from tests.live.client import Reply, Visitor
from tests.session_client import CODE_PAGE, CSRF_INPUT, HOME_PAGE, LOGIN_PAGE, SETUP_PAGE

# Production names: __Host- cookies are Secure, Path=/ and bound to this exact host.
SESSION_COOKIE = "__Host-session"
REMEMBER_COOKIE = "__Host-remember_token"
# The secret as the setup page shows it, and a code as the recovery codes page lists it.
SHOWN_SECRET = re.compile(r'<code class="secret">([A-Z2-7 ]+)</code>')
SHOWN_RECOVERY_CODE = re.compile(r"<li><code>([a-z0-9-]+)</code></li>")
WRONG_CODE = "That code is not correct."


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
    visitor: Visitor,
    instance,
    email: str,
    password: str = PASSWORD,
    *,
    remember: bool = False,
    factor: SecondFactor | None = None,
) -> Reply:
    """The login form; with the account's `factor`, the code page it leads to as well.
    The last answer: the redirect where the login lands, or where it asks to go next."""
    data = {"email": email, "password": password}
    if remember:
        data["remember"] = "y"
    reply = post_form(visitor, instance, LOGIN_PAGE, data, page=LOGIN_PAGE)
    if factor is not None and reply.status == 302 and reply.location.startswith(CODE_PAGE):
        reply = submit_code(visitor, instance, reply.location, factor.code())
    return reply


def submit_code(visitor: Visitor, instance, page: str, code: str) -> Reply:
    """POST a code to the code page (or the setup page) at `page`. The CSRF token is the
    session's, read off the login form: `page` shows no form once its pending login ends."""
    return post_form(visitor, instance, page, {"code": code}, page=LOGIN_PAGE)


def set_up_factor(visitor: Visitor, instance, setup_page: str = SETUP_PAGE) -> SecondFactor:
    """Type the secret the setup page shows into an app, and send the code it then shows:
    the new factor, with the recovery codes the answer shows once."""
    page = visitor.get(instance, setup_page)
    assert page.status == 200, page
    shown = SHOWN_SECRET.search(page.text)
    assert shown, f"no secret on {setup_page}: {page}"
    factor = SecondFactor.from_page(shown.group(1))
    done = submit_code(visitor, instance, setup_page, factor.code())
    assert done.status == 200 and "Your recovery codes" in done.text, done
    factor.recovery_codes = SHOWN_RECOVERY_CODE.findall(done.text)
    assert len(factor.recovery_codes) == 10, done
    return factor


def first_login(visitor: Visitor, instance, email: str, *, remember: bool = False) -> SecondFactor:
    """The first login of an account whose role requires a second factor (an operator):
    the password leads to the setup page, and setting the factor up makes the login."""
    reply = log_in(visitor, instance, email, remember=remember)
    assert reply.status == 302 and reply.location.startswith(SETUP_PAGE), reply
    return set_up_factor(visitor, instance, reply.location)


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
