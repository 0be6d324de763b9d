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


_CANNOT = "The operation cannot be completed:"
_ARCHIVE = "another model requires the record being deleted. If possible, archive it instead."


def integrity_error(message: str, pgcode: str, **details: str) -> ValidationError:
    """A PostgreSQL integrity error (23502 NOT NULL, 23503 FOREIGN KEY, 23505 UNIQUE) as RPC callers get
    it: a ValidationError (odoo/service/model.py). ``pgcode`` and ``details`` let ``load()`` tell it
    from a UserError, as Odoo's load sees the database error itself."""
    exc = ValidationError(message)
    exc.pgcode = pgcode  # type: ignore[attr-defined]
    exc.details = details  # type: ignore[attr-defined]
    return exc


def not_null_violation(version: int, description: str, model: str, label: str, field: str) -> ValidationError:
    """A NOT NULL violation as the RPC layer words it: 16 ``odoo/service/model.py`` ``check()``,
    17+ ``_as_validation_error`` (same text, another layout)."""
    head = f"{_CANNOT}\n- Create/update: a mandatory field is not set.\n- Delete: {_ARCHIVE}"
    if version <= 16:
        text = f"{head}\n\nModel: {description} ({model}), Field: {label} ({field})"
    else:
        text = f"{head}\n\nModel: {description} ({model})\nField: {label} ({field})\n"
    return integrity_error(text, "23502", model=model, field=field, label=label)


def foreign_key_violation(version: int, description: str, model: str, constraint: str) -> ValidationError:
    """A FOREIGN KEY violation (a missing target on create/write, a restricted delete) as the RPC layer
    words it; PostgreSQL names the referencing table, so ``model`` is the one holding the many2one.
    16 ``check()``: "Model: X (m), Constraint: c"; 17+ ``_as_validation_error``: two lines."""
    if version <= 16:
        text = f"{_CANNOT} {_ARCHIVE}\n\nModel: {description} ({model}), Constraint: {constraint}"
    else:
        text = f"{_CANNOT} {_ARCHIVE}\n\nModel: {description} ({model})\nConstraint: {constraint}\n"
    return integrity_error(text, "23503", model=model, constraint=constraint)


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
