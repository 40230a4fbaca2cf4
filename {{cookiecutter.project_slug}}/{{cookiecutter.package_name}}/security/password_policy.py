"""What makes a password acceptable: length limits and resistance to guessing.

No composition rules ("one digit, one symbol"): they push people towards predictable
patterns. A strength estimate catches common, patterned and personal passwords instead.
"""

from collections.abc import Iterable

from flask import current_app
from zxcvbn import zxcvbn


def password_problem(password: str, personal: Iterable[str] = ()) -> str | None:
    """Explain why `password` is refused, or return None when it is acceptable.

    `personal` holds words an attacker would try first for this account (the email).
    """
    config = current_app.config
    if len(password) < config["PASSWORD_MIN_LENGTH"]:
        return f"Use at least {config['PASSWORD_MIN_LENGTH']} characters."
    if len(password) > config["PASSWORD_MAX_LENGTH"]:
        # Refused, never truncated: a silently shortened password is a weaker one.
        return f"Use at most {config['PASSWORD_MAX_LENGTH']} characters."
    if not password.strip():
        return "A password cannot be only spaces."
    result = zxcvbn(
        password, user_inputs=_personal_words(personal), max_length=config["PASSWORD_MAX_LENGTH"]
    )
    if result["score"] < config["PASSWORD_MIN_STRENGTH"]:
        feedback = result["feedback"]
        reason = feedback.get("warning") or "This password is too easy to guess."
        hint = " ".join(feedback.get("suggestions") or ())
        return f"{reason} {hint}".strip()
    return None


def _personal_words(values: Iterable[str]) -> list[str]:
    words: list[str] = []
    for value in values:
        words.append(value)
        words.append(value.partition("@")[0])
        words.extend(part for part in value.replace("@", ".").split(".") if part)
    return words
