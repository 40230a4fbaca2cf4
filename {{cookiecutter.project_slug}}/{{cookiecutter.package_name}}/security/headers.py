"""Browser-side defences added to every response, errors and JSON included.

An attacker who finds one unprotected response (a 404 page, a JSON error, a 500 that
escaped every handler) can frame it, sniff it as script or leak its URL, so the headers
go on in one WSGI layer around the whole app rather than per view. A layer, not an
after_request hook: it also covers responses Flask never finished, and it costs a
list append per header instead of Flask's per-hook dispatch on every request.
"""

from collections.abc import Callable, Iterable

from flask import Flask

# No inline script or style anywhere: an injected <script> or on*= attribute does not
# run. form-action and base-uri stop injected markup from redirecting forms or links.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)

HEADERS = {
    # Browsers must not reinterpret a JSON or text response as HTML or script.
    "X-Content-Type-Options": "nosniff",
    # No framing, against clickjacking (older browsers; CSP frame-ancestors for the rest).
    "X-Frame-Options": "DENY",
    # Full URLs (which may carry a reset token) never leave the site in Referer.
    "Referrer-Policy": "strict-origin-when-cross-origin",
    # A page opened by another site cannot script this one through window.opener.
    "Cross-Origin-Opener-Policy": "same-origin",
}

HSTS = "max-age=31536000; includeSubDomains"


def init_app(app: Flask) -> None:
    # HSTS_ENABLED is read here, once: set it before create_app, as the config does.
    app.wsgi_app = SecurityHeaders(app.wsgi_app, hsts=app.config["HSTS_ENABLED"])  # type: ignore[method-assign]


class SecurityHeaders:
    """WSGI middleware adding HEADERS (and CSP to HTML, HSTS if enabled) to every response.

    A header the view set itself wins: a view may, say, allow framing of one page.
    """

    def __init__(self, wsgi_app: Callable, *, hsts: bool) -> None:
        self.wsgi_app = wsgi_app
        # HSTS only where HTTPS is certain: a browser that saw it refuses plain HTTP for a year.
        self.always = [*HEADERS.items(), *([("Strict-Transport-Security", HSTS)] if hsts else [])]

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        def add_headers(status: str, headers: list[tuple[str, str]], exc_info=None):
            present = {name.lower() for name, _ in headers}
            for name, value in self.always:
                if name.lower() not in present:
                    headers.append((name, value))
            if "content-security-policy" not in present and _is_html(headers):
                headers.append(("Content-Security-Policy", CONTENT_SECURITY_POLICY))
            return start_response(status, headers, exc_info)

        return self.wsgi_app(environ, add_headers)


def _is_html(headers: list[tuple[str, str]]) -> bool:
    for name, value in headers:
        if name.lower() == "content-type":
            return value.split(";", 1)[0].strip().lower() == "text/html"
    return False
