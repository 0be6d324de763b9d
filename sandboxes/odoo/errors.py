"""Exceptions that mirror ``odoo.exceptions`` and the database errors Odoo lets through.

Each class carries the dotted name real Odoo puts in JSON-RPC ``error.data.name`` and in the JSON-2
body ``name``, and the HTTP status Odoo 19 attaches to it (odoo-facts §1.3, §1.5).
"""

from __future__ import annotations


class OdooError(Exception):
    """Base of every error the sandbox raises on purpose."""

    dotted_name = "builtins.Exception"
    http_status = 500

    def __init__(self, message: str = "", *args: object) -> None:
        super().__init__(message, *args)
        self.message = message

    def __str__(self) -> str:
        return self.message


class UserError(OdooError):
    dotted_name = "odoo.exceptions.UserError"
    http_status = 422


class ValidationError(UserError):
    dotted_name = "odoo.exceptions.ValidationError"


class RedirectWarning(UserError):
    dotted_name = "odoo.exceptions.RedirectWarning"


class MissingError(UserError):
    dotted_name = "odoo.exceptions.MissingError"
    http_status = 404


class AccessError(UserError):
    """Rights or record rules refuse the operation (XML-RPC fault code 4)."""

    dotted_name = "odoo.exceptions.AccessError"
    http_status = 403


class AccessDenied(OdooError):
    """Bad credentials (XML-RPC fault code 3). Not a UserError in Odoo either."""

    dotted_name = "odoo.exceptions.AccessDenied"
    http_status = 403

    def __init__(self, message: str = "Access Denied") -> None:
        super().__init__(message)


class LockError(UserError):
    """Odoo 19 only: a row lock could not be taken (JSON-2 status 409)."""

    dotted_name = "odoo.exceptions.LockError"
    http_status = 409


class SerializationFailure(OdooError):
    """PostgreSQL refused the commit because another transaction changed the same row."""

    dotted_name = "psycopg2.errors.SerializationFailure"

    def __init__(self, message: str = "could not serialize access due to concurrent update") -> None:
        super().__init__(message)


class LockNotAvailable(OdooError):
    dotted_name = "psycopg2.errors.LockNotAvailable"

    def __init__(self, message: str = 'could not obtain lock on row in relation "res_partner"') -> None:
        super().__init__(message)


class DatabaseNotFound(OdooError):
    dotted_name = "psycopg2.OperationalError"


# Errors the server-side retry loop swallows and retries (odoo-facts §1.6).
RETRYABLE = (SerializationFailure, LockNotAvailable)


class HttpError(Exception):
    """A werkzeug-style HTTP error for the JSON-2 layer (bad key, unknown route, bad arguments)."""

    def __init__(self, status: int, dotted_name: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.dotted_name = dotted_name
        self.message = message


def dotted_name(exc: BaseException) -> str:
    """The ``module.Class`` name Odoo reports for an exception (``builtins.ValueError`` etc.)."""
    if isinstance(exc, OdooError):
        return exc.dotted_name
    if isinstance(exc, HttpError):
        return exc.dotted_name
    cls = type(exc)
    return f"{cls.__module__}.{cls.__qualname__}"
