"""The three ways to call Odoo's external API, behind one interface (odoo-facts §1).

Each transport turns Odoo's own error shape into a bridge error: JSON-RPC's `error.data.name`,
XML-RPC's integer fault codes, JSON-2's HTTP status and body.

Decimal arguments go out as numbers with their own digits on all three (JSON through
bridge.money.json_dumps, XML-RPC as a <double> written from the Decimal's text): Odoo reads either into
the same float it would have made of the number typed in its UI. The stdlib's XML-RPC marshaller has no
hook for Decimal, so XML-RPC requests are marshalled here and sent through the same requests session
(with the same timeout) as the JSON transports.
"""

from __future__ import annotations

import itertools
import xmlrpc.client
from abc import ABC, abstractmethod
from decimal import Decimal
from typing import Any
from xml.parsers.expat import ExpatError

import requests

from bridge.errors import BridgeError, PermanentError, TransientError, from_odoo_error
from bridge.money import decimal_text, json_dumps

# JSON-2 binds arguments by name (odoo-facts §1.3): the positional order of the ORM methods we call.
POSITIONAL = {
    "search": ("domain", "offset", "limit", "order"),
    "search_read": ("domain", "fields", "offset", "limit", "order"),
    "search_count": ("domain",),
    "read": ("fields",),
    "create": ("vals_list",),
    "write": ("vals",),
    "load": ("fields", "data"),
}
RECORD_METHODS = {"read", "write", "unlink"}  # methods on records: ids go first


class AuthenticationFailed(PermanentError):
    """Odoo refused the login or API key (AccessDenied)."""


class Transport(ABC):
    name = "?"

    def __init__(self, url: str, db: str, username: str, secret: str, http: requests.Session | None = None):
        self.url = url.rstrip("/")
        self.db = db
        self.username = username
        self.secret = secret
        self.http = http or requests.Session()
        self.uid: int | None = None

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.url}, db={self.db}, user={self.username})"

    @abstractmethod
    def call(
        self, model: str, method: str, ids: list[int] | None, args: tuple, kwargs: dict, context: dict
    ) -> Any:
        """Call `model.method` (on `ids` when given) and return its result."""

    @abstractmethod
    def login(self) -> int:
        """Authenticate; return the user id."""

    @abstractmethod
    def version(self) -> dict:
        """The server's version information (no authentication needed)."""


def _post(http: requests.Session, url: str, **kwargs) -> requests.Response:
    try:
        return http.post(url, timeout=60, **kwargs)
    except (requests.ConnectionError, requests.Timeout) as exc:
        raise TransientError(f"Odoo unreachable: {type(exc).__name__}") from None


def _post_json(http: requests.Session, url: str, body: Any, headers: dict | None = None) -> requests.Response:
    """POST a JSON body written by bridge.money.json_dumps: Decimals as exact numbers."""
    data = json_dumps(body).encode("utf-8")
    return _post(http, url, data=data, headers={"Content-Type": "application/json", **(headers or {})})


class JsonRpc(Transport):
    """POST /jsonrpc, execute_kw (16–19; deprecated in 19)."""

    name = "jsonrpc"
    _ids = itertools.count(1)

    def _rpc(self, service: str, method: str, args: list) -> Any:
        payload = {
            "jsonrpc": "2.0",
            "method": "call",
            "params": {"service": service, "method": method, "args": args},
        }
        response = _post_json(self.http, f"{self.url}/jsonrpc", payload | {"id": next(self._ids)})
        if response.status_code >= 500:
            raise TransientError(f"Odoo answered HTTP {response.status_code}")
        body = response.json()
        if "error" in body:
            error = from_odoo_error(body["error"])
            if error.details.get("name") == "odoo.exceptions.AccessDenied":
                raise AuthenticationFailed(error.note, details=error.details)
            raise error
        return body.get("result")  # a method returning None sends no result key (odoo-facts §1.5)

    def login(self) -> int:
        uid = self._rpc("common", "login", [self.db, self.username, self.secret])
        if not uid:
            raise AuthenticationFailed(f"Odoo refused the login of {self.username} on {self.db}")
        self.uid = uid
        return uid

    def version(self) -> dict:
        return self._rpc("common", "version", [])

    def call(self, model, method, ids, args, kwargs, context):
        if self.uid is None:
            self.login()
        positional = [ids, *args] if ids is not None else list(args)
        return self._rpc(
            "object",
            "execute_kw",
            [self.db, self.uid, self.secret, model, method, positional, kwargs | {"context": context}],
        )


class XmlRpc(Transport):
    """/xmlrpc/2/common and /xmlrpc/2/object; integer fault codes (odoo-facts §1.5)."""

    name = "xmlrpc"

    def _rpc(self, service: str, method: str, *args) -> Any:
        body = _xmlrpc_request(method, args)
        response = _post(
            self.http, f"{self.url}/xmlrpc/2/{service}", data=body, headers={"Content-Type": "text/xml"}
        )
        if response.status_code >= 500:
            raise TransientError(f"Odoo answered HTTP {response.status_code}")
        if response.status_code != 200:
            raise PermanentError(f"Odoo answered HTTP {response.status_code}")
        try:
            (result,), _ = xmlrpc.client.loads(response.content)
        except xmlrpc.client.Fault as fault:
            raise _xmlrpc_error(fault) from None
        except (ExpatError, xmlrpc.client.ResponseError, ValueError) as exc:
            raise TransientError(
                f"Odoo answered something that is not XML-RPC: {type(exc).__name__}"
            ) from None
        return result

    def login(self) -> int:
        uid = self._rpc("common", "login", self.db, self.username, self.secret)
        if not uid:
            raise AuthenticationFailed(f"Odoo refused the login of {self.username} on {self.db}")
        self.uid = uid
        return uid

    def version(self) -> dict:
        return self._rpc("common", "version")

    def call(self, model, method, ids, args, kwargs, context):
        if self.uid is None:
            self.login()
        positional = [ids, *args] if ids is not None else list(args)
        return self._rpc(
            "object",
            "execute_kw",
            self.db,
            self.uid,
            self.secret,
            model,
            method,
            positional,
            kwargs | {"context": context},
        )


class _Marshaller(xmlrpc.client.Marshaller):
    """The stdlib marshaller, plus Decimal as a <double> written from its own digits (no float)."""

    dispatch = dict(xmlrpc.client.Marshaller.dispatch)

    def dump_decimal(self, value: Decimal, write) -> None:
        write("<value><double>")
        write(decimal_text(value))
        write("</double></value>\n")

    dispatch[Decimal] = dump_decimal


def _xmlrpc_request(method: str, params: tuple) -> bytes:
    """An XML-RPC methodCall, as xmlrpc.client.dumps writes it (allow_none: Odoo accepts <nil/>)."""
    marshalled = _Marshaller("utf-8", allow_none=True).dumps(params)
    return (
        f"<?xml version='1.0'?>\n<methodCall>\n<methodName>{method}</methodName>\n{marshalled}</methodCall>\n"
    ).encode()


def _xmlrpc_error(fault: xmlrpc.client.Fault) -> BridgeError:
    text = str(fault.faultString)
    if fault.faultCode == 3:
        return AuthenticationFailed("Odoo AccessDenied: wrong login, password or API key")
    if fault.faultCode == 4:
        return PermanentError(f"Odoo AccessError: {text}", details={"name": "odoo.exceptions.AccessError"})
    if fault.faultCode == 2:
        return PermanentError(f"Odoo UserError: {text}", details={"name": "odoo.exceptions.UserError"})
    if "cannot marshal None" in text:
        # The method ran and committed, then returned None, which XML-RPC cannot send (odoo-facts §1.5).
        return _Done("the method ran; XML-RPC could not send its empty result")
    if any(
        name in text
        for name in ("SerializationFailure", "LockNotAvailable", "DeadlockDetected", "concurrent update")
    ):
        return TransientError(
            "Odoo serialization failure", details={"name": "psycopg2.errors.SerializationFailure"}
        )
    last = text.strip().splitlines()[-1] if text.strip() else "error"
    return BridgeError(f"Odoo error: {last}")


class _Done(BridgeError):
    """Not an error: see _xmlrpc_error."""


class Json2(Transport):
    """POST /json/2/<model>/<method>, bearer API key, named arguments (19+, odoo-facts §1.3)."""

    name = "json2"

    def login(self) -> int:
        self.uid = self.call("res.users", "context_get", None, (), {}, {}).get("uid")
        return self.uid

    def version(self) -> dict:
        response = self.http.get(f"{self.url}/web/version", timeout=30)
        return response.json()

    def call(self, model, method, ids, args, kwargs, context):
        names = POSITIONAL.get(method, ())
        if len(args) > len(names):
            raise PermanentError(f"JSON-2 needs named arguments for {model}.{method}")
        body = dict(zip(names, args, strict=False)) | kwargs
        if ids is not None:
            body["ids"] = ids
        if context:
            body["context"] = context
        headers = {"Authorization": f"bearer {self.secret}", "X-Odoo-Database": self.db}
        response = _post_json(self.http, f"{self.url}/json/2/{model}/{method}", body, headers)
        if response.status_code == 200:
            return response.json()
        try:
            error = response.json()
        except ValueError:
            error = {"name": f"http.{response.status_code}", "message": response.text[:300]}
        status, name = response.status_code, error.get("name")
        if status == 401:
            raise AuthenticationFailed("Odoo refused the API key (JSON-2 needs an API key, not a password)")
        if status == 409 or status >= 500:  # LockError, exhausted serialization retries, outages
            raise TransientError(
                f"Odoo {status} {name}: {error.get('message')}", details={"name": name, "status": status}
            )
        classified = from_odoo_error(error)
        if isinstance(classified, PermanentError):
            raise classified
        raise PermanentError(
            f"Odoo {status} {name}: {error.get('message')}", details={"name": name, "status": status}
        )
