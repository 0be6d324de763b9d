"""The three wire protocols as Flask views: XML-RPC, JSON-RPC, JSON-2 (odoo-facts §1.1, §1.3, §1.5)."""

from __future__ import annotations

import contextlib
import json
import logging
import socket
import traceback
import xmlrpc.client
from typing import Any

from flask import Blueprint, Response, current_app, request

from . import dispatch
from .errors import AccessDenied, AccessError, HttpError, MissingError, OdooError, RedirectWarning, UserError
from .marshal import serialize_exception, to_wire
from .service import Service

RPC_DEPRECATION_NOTICE = (
    "The /xmlrpc, /xmlrpc/2 and /jsonrpc endpoints are deprecated in Odoo 19 and scheduled for removal "
    "in Odoo 20. Please report the problem to the client making the request.\nMigrate to the JSON-2 API."
)

bp = Blueprint("odoo_rpc", __name__)


def _service() -> Service:
    return current_app.config["ODOO_SERVICE"]


def drop_connection() -> Response:
    """Close the client socket without an answer (werkzeug exposes it as ``werkzeug.socket``)."""
    sock = request.environ.get("werkzeug.socket")
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)
    return Response(b"", status=200)


def _deprecation(logger_name: str) -> None:
    if _service().db.version >= 19:  # §1.4: one warning per call on 19
        logging.getLogger(logger_name).warning(RPC_DEPRECATION_NOTICE)


# -- XML-RPC ---------------------------------------------------------------------------------------
def _xmlrpc_fault(exc: BaseException) -> xmlrpc.client.Fault:
    """``xmlrpc_handle_exception_int``: 1 other (traceback), 2 UserError family, 3 AccessDenied, 4 AccessError."""
    if isinstance(exc, RedirectWarning):
        return xmlrpc.client.Fault(2, str(exc))
    if isinstance(exc, AccessError):
        return xmlrpc.client.Fault(4, str(exc))
    if isinstance(exc, AccessDenied):
        return xmlrpc.client.Fault(3, str(exc))
    if isinstance(exc, UserError):
        return xmlrpc.client.Fault(2, str(exc))
    return xmlrpc.client.Fault(1, _traceback(exc))


def _traceback(exc: BaseException) -> str:
    text = "".join(traceback.format_exception(exc))
    if isinstance(exc, OdooError) and exc.dotted_name.startswith("psycopg2"):
        text += f"\n{exc.dotted_name}: {exc.message}\n"
    return text


def _xmlrpc_fault_legacy(exc: BaseException) -> xmlrpc.client.Fault:
    """``/xmlrpc/<service>`` (no /2): string fault codes (§1.5; shape from Odoo's rpc.py, from memory)."""
    if isinstance(exc, RedirectWarning):
        return xmlrpc.client.Fault("warning -- Warning\n\n" + str(exc), "")
    if isinstance(exc, MissingError):
        return xmlrpc.client.Fault("warning -- MissingError\n\n" + str(exc), "")
    if isinstance(exc, AccessError):
        return xmlrpc.client.Fault("warning -- AccessError\n\n" + str(exc), "")
    if isinstance(exc, AccessDenied):
        return xmlrpc.client.Fault("AccessDenied", str(exc))
    if isinstance(exc, UserError):
        return xmlrpc.client.Fault("warning -- UserError\n\n" + str(exc), "")
    return xmlrpc.client.Fault(str(exc), _traceback(exc))


@bp.route("/xmlrpc/<service>", methods=["POST"])
def xmlrpc_legacy(service: str) -> Response:
    return _xmlrpc(service, _xmlrpc_fault_legacy)


@bp.route("/xmlrpc/2/<service>", methods=["POST"])
def xmlrpc_2(service: str) -> Response:
    return _xmlrpc(service, _xmlrpc_fault)


def _xmlrpc(service: str, to_fault: Any) -> Response:
    _deprecation("odoo.addons.rpc.controllers.xmlrpc")
    svc = _service()
    try:
        params, method = xmlrpc.client.loads(request.get_data(), use_datetime=True)
        if service == "common":
            result = svc.common(method, list(params))
        elif service == "object":
            result = svc.object(method, list(params))
        elif service == "db":
            result = svc.db_service(method, list(params))
        else:
            raise KeyError(f"No such service {service}")
        if svc.faults.take_drop(after_commit=True):
            return drop_connection()
        # allow_none=False: a method returning None faults here, after the commit (§1.5)
        body = xmlrpc.client.dumps((to_wire(result),), methodresponse=True, allow_none=False)
    except Exception as exc:  # noqa: BLE001 - every error becomes a fault, like Odoo
        body = xmlrpc.client.dumps(to_fault(exc), methodresponse=True, allow_none=False)
    return Response(body, mimetype="text/xml")


# -- JSON-RPC --------------------------------------------------------------------------------------
@bp.route("/jsonrpc", methods=["POST"])
def jsonrpc() -> Response:
    _deprecation("odoo.addons.rpc.controllers.jsonrpc")
    svc = _service()
    request_id = None
    try:
        payload = json.loads(request.get_data() or b"{}")
        request_id = payload.get("id")
        params = payload.get("params") or {}
        service, method, args = params.get("service"), params.get("method"), list(params.get("args") or [])
        if service == "common":
            result = svc.common(method, args)
        elif service == "object":
            result = svc.object(method, args)
        elif service == "db":
            result = svc.db_service(method, args)
        else:
            raise KeyError(f"No such service {service}")
    except Exception as exc:  # noqa: BLE001
        error = {"code": 200, "message": "Odoo Server Error", "data": serialize_exception(exc)}
        return _json({"jsonrpc": "2.0", "id": request_id, "error": error})
    if svc.faults.take_drop(after_commit=True):
        return drop_connection()
    response: dict[str, Any] = {"jsonrpc": "2.0", "id": request_id}
    if result is not None:  # no "result" key at all for None (§1.5)
        response["result"] = to_wire(result)
    return _json(response)


def _json(obj: Any, status: int = 200) -> Response:
    return Response(json.dumps(obj), status=status, mimetype="application/json")


# -- JSON-2 (19 only) ------------------------------------------------------------------------------
def _json2_error(status: int, name: str, message: str, exc: BaseException | None = None) -> Response:
    body = {
        "name": name,
        "message": message,
        "arguments": [message],
        "context": {},
        "debug": "".join(traceback.format_exception(exc)) if exc else "",
    }
    return _json(body, status)


@bp.route("/json/2/<model>/<method>", methods=["POST"])
def json2(model: str, method: str) -> Response:
    svc = _service()
    if svc.db.version < 19:
        return Response("<h1>404: Not Found</h1>", status=404, mimetype="text/html")
    auth = request.headers.get("Authorization", "")
    scheme, _, key = auth.partition(" ")
    uid = svc.key_owner(key.strip()) if scheme.lower() == "bearer" and key.strip() else None
    if uid is None:
        return _json2_error(401, "werkzeug.exceptions.Unauthorized", "Invalid apikey")
    dbname = request.headers.get("X-Odoo-Database")
    if dbname and dbname != svc.db.name:
        return _json2_error(404, "werkzeug.exceptions.NotFound", f"database {dbname!r} not found")
    if not request.is_json:
        return _json2_error(
            415, "werkzeug.exceptions.UnsupportedMediaType", "Content-Type must be application/json"
        )
    try:
        body = json.loads(request.get_data() or b"{}")
        if not isinstance(body, dict):
            raise HttpError(400, "werkzeug.exceptions.BadRequest", "The body must be a JSON object")
        ids = body.pop("ids", None)
        context = body.pop("context", None) or {}
        if model not in svc.db.registry:
            raise HttpError(404, "werkzeug.exceptions.NotFound", f"the model {model!r} does not exist")
        result = svc.run(uid, context, lambda env: dispatch.call_named(env, model, method, ids, body))
    except HttpError as exc:
        return _json2_error(exc.status, exc.dotted_name, exc.message, exc)
    except OdooError as exc:
        return _json2_error(exc.http_status, exc.dotted_name, exc.message, exc)
    except Exception as exc:  # noqa: BLE001
        data = serialize_exception(exc)
        return _json2_error(500, data["name"], data["message"], exc)
    if svc.faults.take_drop(after_commit=True):
        return drop_connection()
    return _json(to_wire(result))


@bp.route("/web/version", methods=["GET", "POST"])
@bp.route("/json/version", methods=["GET", "POST"])
def web_version() -> Response:
    svc = _service()
    if svc.db.version < 19:  # §1.3: these routes come with 19's rpc module
        return Response("<h1>404: Not Found</h1>", status=404, mimetype="text/html")
    o = svc.db.options
    return _json({"version": o.server_version, "version_info": o.version_info})


@bp.route("/web/webclient/version_info", methods=["POST"])
def version_info() -> Response:
    """The web client's JSON route (all versions)."""
    svc = _service()
    payload = json.loads(request.get_data() or b"{}")
    return _json({"jsonrpc": "2.0", "id": payload.get("id"), "result": svc.version()})
