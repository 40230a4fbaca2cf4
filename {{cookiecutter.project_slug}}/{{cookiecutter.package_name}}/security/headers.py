"""Browser-side defences added to every response, errors and JSON included.

An attacker who finds one unprotected response (a 404 page, a JSON error) can frame
it, sniff it as script or leak its URL, so the headers go on in one after_request
hook rather than per view.
"""

from flask import Flask, abort, current_app, request

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
    app.before_request(refuse_oversized_bodies)
    app.after_request(add_security_headers)


def refuse_oversized_bodies() -> None:
    # Werkzeug enforces MAX_CONTENT_LENGTH only when a body is read; refusing up front
    # gives every endpoint the same 413, whether or not it reads the body.
    limit = current_app.config["MAX_CONTENT_LENGTH"]
    if limit is not None and (request.content_length or 0) > limit:
        abort(413)


def add_security_headers(response):
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    if response.mimetype == "text/html":
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    if current_app.config["HSTS_ENABLED"]:
        # Only where HTTPS is certain: a browser that saw it refuses plain HTTP for a year.
        response.headers.setdefault("Strict-Transport-Security", HSTS)
    return response
