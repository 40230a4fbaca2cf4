"""`flask users ...`: account administration from the command line."""

import sys

import click
from flask import Flask
from flask.cli import AppGroup
from sqlalchemy import select

from . import accounts, mfa
from .extensions import db
from .models.user import ROLES, User

users = AppGroup("users", help="Create, list and deactivate accounts; reset a second factor.")


def register(app: Flask) -> None:
    app.cli.add_command(users)


@users.command("create")
@click.argument("email")
@click.option("--role", "roles", multiple=True, type=click.Choice(sorted(ROLES)))
def create_user(email: str, roles: tuple[str, ...]) -> None:
    """Create an account. The password is asked for (hidden), or read from stdin."""
    password = _read_password()
    try:
        user = accounts.register(email, password, roles=roles)
    except accounts.AccountError as error:
        raise click.ClickException(error.message) from None
    with_roles = f" with roles {', '.join(roles)}" if roles else ""
    click.echo(f"Created user {user.id} <{user.email}>{with_roles}")


@users.command("deactivate")
@click.argument("email")
def deactivate_user(email: str) -> None:
    """Block an account from logging in and end all of its logins."""
    user = accounts.find_user(email)
    if user is None:
        raise click.ClickException(f"No user with email {email}")
    accounts.deactivate(user)
    click.echo(f"Deactivated {user.email}; every existing login has ended.")


@users.command("mfa-reset")
@click.argument("email")
def reset_mfa(email: str) -> None:
    """Remove an account's second factor (a lost phone) and end all of its logins.

    The owner sets a new one up at their next login if their role requires it, or
    whenever they choose.
    """
    user = accounts.find_user(email)
    if user is None:
        raise click.ClickException(f"No user with email {email}")
    if not mfa.reset(user, by=None):
        raise click.ClickException(f"{user.email} has no second factor to reset")
    click.echo(f"Removed the second factor of {user.email}; every existing login has ended.")


@users.command("list")
def list_users() -> None:
    """Show every account."""
    for user in db.session.scalars(select(User).order_by(User.id)):
        status = "active" if user.active else "deactivated"
        roles = ",".join(user.roles) or "-"
        click.echo(f"{user.id}\t{user.email}\t{status}\t{roles}")


def _read_password() -> str:
    if not sys.stdin.isatty():
        # Piped in, e.g. from a secrets manager: the first line, without its newline.
        password = sys.stdin.readline().rstrip("\r\n")
        if not password:
            raise click.ClickException("No password on stdin")
        return password
    return click.prompt("Password", hide_input=True, confirmation_prompt=True)
