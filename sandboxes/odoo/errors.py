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
    """A NOT NULL violation as the RPC layer words it. 16–18: odoo/service/model.py
    ``_as_validation_error`` (the 16.0 build of 2023-03 already has it; the one-line "Model: …, Field: …"
    is 15.0's ``check()``); 19: odoo/orm/models.py ``_sql_error_to_message_generic``, prefixed by
    odoo/service/model.py ``retrying``."""
    if version <= 18:
        text = (
            f"{_CANNOT}\n- Create/update: a mandatory field is not set.\n- Delete: {_ARCHIVE}\n\n"
            f"Model: {description} ({model})\nField: {label} ({field})\n"
        )
    else:
        text = (
            f"{_CANNOT} Missing required value for the field '{label}' ({field}).\n"
            f"Model: '{description}' ({model})\n"
            "- create/update: a mandatory field is not set\n"
            "- delete: another model requires the record being deleted, you can archive it instead\n"
        )
    return integrity_error(text, "23502", model=model, field=field, label=label)


def foreign_key_violation(
    version: int, description: str, model: str, constraint: str, label: str, field: str
) -> ValidationError:
    """A FOREIGN KEY violation (a missing target on create/write, a restricted delete) as the RPC layer
    words it; PostgreSQL names the referencing table, so ``model`` is the one holding the many2one.
    16–18 ``_as_validation_error``: "Model: …\nConstraint: <name>\n"; 19 ``_sql_error_to_message_generic``
    names the constraint's one column by its label (test_rpc/tests/test_error.py test_02_delete)."""
    if version <= 18:
        text = f"{_CANNOT} {_ARCHIVE}\n\nModel: {description} ({model})\nConstraint: {constraint}\n"
    else:
        text = (
            f"{_CANNOT} Another model is using the record you are trying to delete.\n\n"
            f"The troublemaker is: '{description}' ({model})\n"
            f"Thanks to the following constraint: '{label}' ({field})\n"
            "How about archiving the record instead?"
        )
    return integrity_error(text, "23503", model=model, constraint=constraint)


def unique_violation(
    table: str, cols: tuple[str, ...], key: tuple, constraint: tuple[str, str] | None
) -> ValidationError:
    """A UNIQUE violation as the RPC layer words it, the same on 16–19. A named constraint (16–18
    ``_sql_constraints``, 19 ``models.Constraint``) gives "The operation cannot be completed: <its
    message>" (16–18 odoo/service/model.py ``_as_validation_error``: ``translate_sql_constraint``; 19
    odoo/orm/models.py ``_sql_error_to_message``: the ``ir.model.constraint`` message). A plain unique
    index (``ir_model_data_module_name_uniq_index``) is no constraint: 16–18 append psycopg2's message
    (``exc.args[0]``), and so does 19 (not in ``pg_constraint``, so no columns: ``exception_to_unicode``)."""
    if constraint:
        name, message = constraint
        text = f"{_CANNOT} {message}"
        index = f"{table}_{name}"
    else:
        index = f"{table}_{'_'.join(cols)}_uniq_index"
        shown = ", ".join(str(k) for k in key)
        text = (
            f'{_CANNOT} duplicate key value violates unique constraint "{index}"\n'
            f"DETAIL:  Key ({', '.join(cols)})=({shown}) already exists.\n"
        )
    return integrity_error(text, "23505", constraint=index)


def check_violation(message: str) -> ValidationError:
    """A named CHECK constraint (16–18 ``_sql_constraints``, 19 ``models.Constraint``), e.g. res.currency.rate
    currency_rate_check: worded like a named unique constraint (see unique_violation)."""
    return integrity_error(f"{_CANNOT} {message}", "23514")


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
