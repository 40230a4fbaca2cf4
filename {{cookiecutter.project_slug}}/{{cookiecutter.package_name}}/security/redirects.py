"""Where a `next` parameter may send the browser after login: only back to this site."""

from urllib.parse import unquote, urlsplit

# Enough rounds to undo any layering an attacker can push through a proxy or a framework.
_MAX_UNQUOTE_ROUNDS = 5


def safe_next_path(target: str | None) -> str | None:
    """Return `target` if it is a same-site relative path, otherwise None.

    Browsers read `//evil.example`, `/\\evil.example` and `\\\\evil.example` as other
    hosts, and ignore tabs and newlines inside URLs, so every one of those is refused,
    also when percent-encoded (once or several times over).
    """
    if not target:
        return None
    decoded = target
    for _ in range(_MAX_UNQUOTE_ROUNDS):
        if not _is_local_path(decoded):
            return None
        once_more = unquote(decoded)
        if once_more == decoded:
            return target
        decoded = once_more
    return None


def _is_local_path(value: str) -> bool:
    if not value.startswith("/") or value.startswith("//"):
        return False
    if "\\" in value or any(ord(char) < 0x20 or ord(char) == 0x7F for char in value):
        return False
    parts = urlsplit(value)
    return not parts.scheme and not parts.netloc
