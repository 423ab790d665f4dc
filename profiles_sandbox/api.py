"""HTTP side of the local Customer Profiles service: route -> authorise -> faults -> validate ->
store -> a response shaped like AWS's (REST-JSON).

Errors are sent the way the real service sends them: the status code, the ``x-amzn-ErrorType``
header (botocore's rest-json parser takes the error code from it) and a JSON body ``{"Message": ...}``,
so an unmodified boto3 client raises the modeled exception (``client.exceptions.BadRequestException``).
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import ipaddress
import json
import logging
import random
import re
import threading
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route
from starlette.types import ASGIApp, Receive, Scope, Send

from .store import Invalid, NotFound, SearchPage, Store
from .validation import RequestInvalid, RequestParser, Router, load_service_model

log = logging.getLogger("profiles_sandbox")

DEFAULT_LIST_RESULTS = 100
DEFAULT_SEARCH_RESULTS = 20
MAX_LATENCY_MS = 60_000
MAX_THROTTLE_NEXT = 1_000
# The largest request body read. A real request is a few KB (a profile, a search); 1 MiB leaves
# room for a 100-attribute profile and keeps a hostile body from costing memory.
MAX_BODY_BYTES = 1024 * 1024
_CREDENTIAL = re.compile(r"Credential=([^/,\s]+)/")
CLIENT_GONE = 499  # logged (nginx's "client closed request") when the client left before the answer


class ApiError(Exception):
    """An error answered the AWS way: status, x-amzn-ErrorType and {"Message": ...}."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def bad_request(message: str) -> ApiError:
    return ApiError(400, "BadRequestException", message)


def error_response(err: ApiError, request_id: str | None = None) -> JSONResponse:
    return JSONResponse({"Message": err.message}, status_code=err.status,
                        headers={"x-amzn-ErrorType": err.code,
                                 "x-amzn-RequestId": request_id or str(uuid.uuid4())})


# --- who may ask: loopback host names only (no DNS rebinding) ----------------------------------
WILDCARD_HOSTS = frozenset({"0.0.0.0", "::", ""})


def is_loopback(host: str) -> bool:
    """True for 127.0.0.0/8, ::1 and ``localhost``: addresses no other machine can reach."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def host_name(host_header: str) -> str:
    """The name part of a Host header, lower-cased: ``a.b:80`` -> ``a.b``, ``[::1]:80`` -> ``::1``."""
    host = host_header.strip().lower()
    if host.startswith("["):
        return host[1:host.find("]")] if "]" in host else host
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


def host_is_served(host_header: str, bound_host: str) -> bool:
    """Whether a request naming ``host_header`` is answered by a service bound to ``bound_host``.

    Loopback IP addresses, ``localhost`` and the bound address are; any other name is not, so a
    web page whose domain an attacker re-points at 127.0.0.1 (DNS rebinding) reaches nothing.
    An IP address cannot be rebound: bound to every interface (``--allow-remote``), any is served.
    """
    name, bound = host_name(host_header), bound_host.strip("[]").lower()
    if name == bound or is_loopback(name):
        return True
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return bound in WILDCARD_HOSTS


class LoopbackHostGuard:
    """ASGI middleware: a request whose Host header names another host gets an AWS-shaped 400."""

    def __init__(self, app: ASGIApp, bound_host: str) -> None:
        self.app, self.bound_host = app, bound_host

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            host = dict(scope["headers"]).get(b"host")
            if host is not None and not host_is_served(host.decode("latin-1"), self.bound_host):
                shown = host.decode("latin-1")[:100]
                log.warning("refused a request for Host %r", shown)
                err = bad_request(f"Host '{shown}' is not served here: this local service answers only "
                                  "loopback host names (127.0.0.1, localhost, [::1]) and the address it "
                                  "is bound to, so that web pages cannot reach it by DNS rebinding.")
                await error_response(err)(scope, receive, send)
                return
        await self.app(scope, receive, send)


# --- request bodies: capped, refused early -----------------------------------------------------
def body_too_large(limit: int) -> ApiError:
    return ApiError(413, "BadRequestException", f"The request body is larger than this local service "
                    f"accepts ({limit:,} bytes at most).")


async def read_body(request: Request, limit: int) -> bytes:
    """The body, refused (ApiError 413) as soon as it is known to exceed ``limit`` bytes: from its
    Content-Length before reading anything, else while it streams in. Raises ClientDisconnect
    when the client leaves (or the server's request-read timeout closes the connection).

    After the refusal uvicorn drops whatever more the client sends (nothing is kept), so a client
    that sends its whole body before reading still gets the answer, until the read timeout."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise body_too_large(limit)
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise body_too_large(limit)
        chunks.append(chunk)
    return b"".join(chunks)


# --- fault injection ---------------------------------------------------------------------------
@dataclass
class Faults:
    """Run-time fault injection: each profile call (``FAULTED_OPERATIONS``) waits ``latency_ms`` and
    then fails with ThrottlingException with probability ``throttle_rate``, else InternalServerException
    with probability ``error_rate``. ``throttle_next`` = N throttles exactly the next N profile calls
    (deterministic, for testing clients' retries); it counts down and GET shows it while any remain."""

    throttle_rate: float = 0.0
    error_rate: float = 0.0
    latency_ms: int = 0
    throttle_next: int = 0

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._random = random.Random()
        problems = check_fault_settings(asdict(self))
        if problems:
            raise ValueError(problems)

    def as_dict(self) -> dict[str, Any]:
        with self._lock:
            settings: dict[str, Any] = {"throttle_rate": self.throttle_rate, "error_rate": self.error_rate,
                                        "latency_ms": self.latency_ms}
            if self.throttle_next:  # shown only while requests are still to be throttled
                settings["throttle_next"] = self.throttle_next
            return settings

    def update(self, changes: dict[str, Any]) -> dict[str, Any]:
        """Set any subset of the settings; ValueError names what is wrong."""
        problem = check_fault_settings(changes)
        if problem:
            raise ValueError(problem)
        with self._lock:
            for name, value in changes.items():
                setattr(self, name, int(value) if name in ("latency_ms", "throttle_next") else float(value))
        return self.as_dict()

    def draw(self) -> ApiError | None:
        """The injected failure for one request, if any."""
        with self._lock:
            if self.throttle_next > 0:
                self.throttle_next -= 1
                return ApiError(429, "ThrottlingException", "Rate exceeded (injected by the sandbox's "
                                "throttle_next fault setting).")
            throttle, error, roll = self.throttle_rate, self.error_rate, self._random.random()
        if roll < throttle:
            return ApiError(429, "ThrottlingException", "Rate exceeded (injected by the sandbox's "
                            "fault settings).")
        if roll < throttle + (1 - throttle) * error:
            return ApiError(500, "InternalServerException", "Internal failure (injected by the "
                            "sandbox's fault settings).")
        return None


# The calls faults apply to: a domain's profile reads and writes, what a flow's Get profile block
# (SearchProfiles) and scripts under load make. Domain and object-type calls (ListDomains, GetDomain,
# ListProfileObjectTypes: what a connection check and key discovery read) are answered normally, so
# a check neither spends "throttle the next N" nor reports the service down (AWS, too, sets its
# quotas per call).
FAULTED_OPERATIONS = frozenset({"SearchProfiles", "BatchGetProfile", "CreateProfile", "UpdateProfile",
                                "DeleteProfile", "AddProfileKey", "DeleteProfileKey"})


def check_fault_settings(settings: Any) -> str | None:
    """Why these fault settings cannot be applied, or None."""
    if not isinstance(settings, dict):
        return ("fault settings must be a JSON object with throttle_rate, error_rate, latency_ms "
                "and/or throttle_next")
    unknown = sorted(set(settings) - {"throttle_rate", "error_rate", "latency_ms", "throttle_next"})
    if unknown:
        return (f"unknown fault setting(s) {', '.join(unknown)}: use throttle_rate, error_rate, "
                "latency_ms, throttle_next")
    for name in ("throttle_rate", "error_rate"):
        if name in settings:
            value = settings[name]
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 1:
                return f"{name} must be a number from 0 to 1, got {value!r}"
    if "latency_ms" in settings:
        value = settings["latency_ms"]
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_LATENCY_MS:
            return f"latency_ms must be a whole number from 0 to {MAX_LATENCY_MS}, got {value!r}"
    if "throttle_next" in settings:
        value = settings["throttle_next"]
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_THROTTLE_NEXT:
            return f"throttle_next must be a whole number from 0 to {MAX_THROTTLE_NEXT}, got {value!r}"
    return None


# --- paging tokens -----------------------------------------------------------------------------
def _fingerprint(parts: Any) -> str:
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()[:16]


def encode_token(position: Any, query: Any) -> str:
    raw = json.dumps({"p": position, "q": _fingerprint(query)}, separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_token(token: str | None, query: Any) -> Any:
    """The position a NextToken points at; BadRequest if it is not one of ours for this query."""
    if token is None:
        return None
    try:
        padded = token + "=" * (-len(token) % 4)
        data = json.loads(base64.urlsafe_b64decode(padded.encode()))
        position, fingerprint = data["p"], data["q"]
    except (ValueError, KeyError, TypeError):
        raise bad_request("NextToken is not valid: pass the NextToken of the previous response "
                          "unchanged.") from None
    if fingerprint != _fingerprint(query):
        raise bad_request("NextToken belongs to a different request: repeat the same request "
                          "with it.")
    return position


# --- operations: parameters (already validated) -> response body ------------------------------
def op_list_domains(store: Store, p: dict[str, Any]) -> dict[str, Any]:
    after = decode_token(p.get("NextToken"), "ListDomains") or ""
    domains, last = store.list_domains(after, p.get("MaxResults", DEFAULT_LIST_RESULTS))
    out: dict[str, Any] = {"Items": [
        {k: d[k] for k in ("DomainName", "CreatedAt", "LastUpdatedAt", "Tags") if k in d}
        for d in domains]}
    if last is not None:
        out["NextToken"] = encode_token(last, "ListDomains")
    return out


def _domain_body(domain: dict[str, Any], stats: bool) -> dict[str, Any]:
    body = {k: v for k, v in domain.items() if k != "ProfileCount"}
    if stats:
        count = domain["ProfileCount"]
        body["Stats"] = {"ProfileCount": count, "MeteringProfileCount": count, "ObjectCount": 0,
                         "TotalSize": 0}
    return body


def op_create_domain(store: Store, p: dict[str, Any]) -> dict[str, Any]:
    settings = {k: v for k, v in p.items() if k != "DomainName"}
    return _domain_body(store.create_domain(p["DomainName"], settings), stats=False)


def op_get_domain(store: Store, p: dict[str, Any]) -> dict[str, Any]:
    return _domain_body(store.get_domain(p["DomainName"]), stats=True)


def op_delete_domain(store: Store, p: dict[str, Any]) -> dict[str, Any]:
    store.delete_domain(p["DomainName"])
    return {"Message": f"Domain {p['DomainName']} was deleted."}


def _profile_fields(p: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in p.items() if k not in ("DomainName", "ProfileId")}


def op_create_profile(store: Store, p: dict[str, Any]) -> dict[str, Any]:
    return {"ProfileId": store.create_profile(p["DomainName"], uuid.uuid4().hex, _profile_fields(p))}


def op_update_profile(store: Store, p: dict[str, Any]) -> dict[str, Any]:
    return {"ProfileId": store.update_profile(p["DomainName"], p["ProfileId"], _profile_fields(p))}


def op_delete_profile(store: Store, p: dict[str, Any]) -> dict[str, Any]:
    store.delete_profile(p["DomainName"], p["ProfileId"])
    return {"Message": f"Profile {p['ProfileId']} was deleted."}


def op_search_profiles(store: Store, p: dict[str, Any]) -> dict[str, Any]:
    criteria = [(p["KeyName"], p["Values"])]
    criteria += [(k["KeyName"], k["Values"]) for k in p.get("AdditionalSearchKeys", [])]
    for key, values in criteria:
        if not values:
            raise bad_request(f"Values of key '{key}' is empty: give at least one value to search for.")
    operator = p.get("LogicalOperator", "OR")
    query = ["SearchProfiles", p["DomainName"], criteria, operator]
    after = decode_token(p.get("NextToken"), query) or 0
    if not isinstance(after, int):
        raise bad_request("NextToken is not valid: pass the NextToken of the previous response unchanged.")
    page: SearchPage = store.search(p["DomainName"], criteria, operator,
                                    p.get("MaxResults", DEFAULT_SEARCH_RESULTS), after)
    out: dict[str, Any] = {"Items": page.items}
    if page.last_seq is not None:
        out["NextToken"] = encode_token(page.last_seq, query)
    return out


def op_add_profile_key(store: Store, p: dict[str, Any]) -> dict[str, Any]:
    store.add_profile_key(p["DomainName"], p["ProfileId"], p["KeyName"], p["Values"])
    return {"KeyName": p["KeyName"], "Values": p["Values"]}


def op_delete_profile_key(store: Store, p: dict[str, Any]) -> dict[str, Any]:
    store.delete_profile_key(p["DomainName"], p["ProfileId"], p["KeyName"], p["Values"])
    return {"Message": f"Key {p['KeyName']} was removed from profile {p['ProfileId']}."}


def op_put_profile_object_type(store: Store, p: dict[str, Any]) -> dict[str, Any]:
    definition = {k: v for k, v in p.items() if k not in ("DomainName", "ObjectTypeName")}
    return store.put_object_type(p["DomainName"], p["ObjectTypeName"], definition)


def op_get_profile_object_type(store: Store, p: dict[str, Any]) -> dict[str, Any]:
    return store.get_object_type(p["DomainName"], p["ObjectTypeName"])


_LIST_OBJECT_TYPE_MEMBERS = ("ObjectTypeName", "Description", "CreatedAt", "LastUpdatedAt",
                             "MaxProfileObjectCount", "SourcePriority", "Tags")


def op_list_profile_object_types(store: Store, p: dict[str, Any]) -> dict[str, Any]:
    query = ["ListProfileObjectTypes", p["DomainName"]]
    after = decode_token(p.get("NextToken"), query) or ""
    items, last = store.list_object_types(p["DomainName"], after, p.get("MaxResults", DEFAULT_LIST_RESULTS))
    out: dict[str, Any] = {"Items": [{k: i[k] for k in _LIST_OBJECT_TYPE_MEMBERS if k in i} for i in items]}
    if last is not None:
        out["NextToken"] = encode_token(last, query)
    return out


def op_delete_profile_object_type(store: Store, p: dict[str, Any]) -> dict[str, Any]:
    store.delete_object_type(p["DomainName"], p["ObjectTypeName"])
    return {"Message": f"Object type {p['ObjectTypeName']} was deleted."}


def op_batch_get_profile(store: Store, p: dict[str, Any]) -> dict[str, Any]:
    found, missing = store.get_profiles(p["DomainName"], p["ProfileIds"])
    return {"Profiles": found,
            "Errors": [{"Code": "ResourceNotFoundException", "Message": f"Profile {pid} was not found.",
                        "ProfileId": pid} for pid in missing]}


OPERATIONS: dict[str, Callable[[Store, dict[str, Any]], dict[str, Any]]] = {
    "ListDomains": op_list_domains,
    "CreateDomain": op_create_domain,
    "GetDomain": op_get_domain,
    "DeleteDomain": op_delete_domain,
    "CreateProfile": op_create_profile,
    "UpdateProfile": op_update_profile,
    "DeleteProfile": op_delete_profile,
    "SearchProfiles": op_search_profiles,
    "AddProfileKey": op_add_profile_key,
    "DeleteProfileKey": op_delete_profile_key,
    "PutProfileObjectType": op_put_profile_object_type,
    "GetProfileObjectType": op_get_profile_object_type,
    "ListProfileObjectTypes": op_list_profile_object_types,
    "DeleteProfileObjectType": op_delete_profile_object_type,
    "BatchGetProfile": op_batch_get_profile,
}


def _run(handler: Callable[[Store, dict[str, Any]], dict[str, Any]], store: Store,
         params: dict[str, Any]) -> dict[str, Any]:
    """Call an operation, turning store outcomes into AWS errors."""
    try:
        return handler(store, params)
    except NotFound as exc:
        raise ApiError(404, "ResourceNotFoundException", str(exc)) from None
    except Invalid as exc:
        raise bad_request(str(exc)) from None


# --- the application ---------------------------------------------------------------------------
def access_key_of(authorization: str | None) -> str | None:
    """The access key id in a SigV4 ``Authorization`` header (``Credential=AKID/date/...``)."""
    if not authorization or not authorization.startswith("AWS4-HMAC-SHA256"):
        return None
    match = _CREDENTIAL.search(authorization)
    return match.group(1) if match else None


async def inject_faults(faults: Faults, request: Request) -> None:
    """Wait the injected latency, then raise the injected failure, if any."""
    latency_ms = faults.as_dict()["latency_ms"]
    if latency_ms:
        await asyncio.sleep(latency_ms / 1000)
        if await request.is_disconnected():   # nobody is waiting: spend no fault on it
            raise ClientDisconnect()
    injected = faults.draw()
    if injected is not None:
        raise injected


def log_request(enabled: bool, request: Request, operation: str, status: int, started: float) -> None:
    """One log line per request (when ``enabled``): method, path, operation, status, time taken."""
    if enabled:
        ms = (time.perf_counter() - started) * 1000
        log.info("%s %s %s %d %.1fms", request.method, request.url.path, operation, status, ms)


def create_app(store: Store, *, access_key: str, faults: Faults, log_requests: bool = False,
               bound_host: str = "127.0.0.1", max_body_bytes: int = MAX_BODY_BYTES,
               admin_routes: Sequence[BaseRoute] = ()) -> Starlette:
    """The Starlette app: the AWS API on every path, plus ``/_sandbox/health`` and the admin routes
    given (``admin.admin_routes``: faults, the Data page's routes).

    Only loopback host names and ``bound_host`` are served; bodies over ``max_body_bytes`` are refused.
    """
    model = load_service_model()
    router = Router(model)
    parser = RequestParser(model, OPERATIONS)

    def log_line(request: Request, operation: str, status: int, started: float) -> None:
        log_request(log_requests, request, operation, status, started)

    async def aws_api(request: Request) -> Response:
        started = time.perf_counter()
        request_id = str(uuid.uuid4())
        operation = "-"
        try:
            key = access_key_of(request.headers.get("authorization"))
            if key is None:
                raise ApiError(403, "AccessDeniedException", "The request is not signed: sign it with "
                               "AWS Signature Version 4 (any boto3 client does).")
            if key != access_key:
                raise ApiError(403, "AccessDeniedException", f"The access key '{key}' is not allowed "
                               "by this sandbox: use the access key it was started with.")
            raw_path = request.scope.get("raw_path", b"").decode("latin-1").split("?", 1)[0]
            matched = router.match(request.method, raw_path or request.url.path)
            if matched is None:
                raise ApiError(404, "UnknownOperationException",
                               f"No Customer Profiles operation answers {request.method} {request.url.path}.")
            operation, labels = matched
            handler = OPERATIONS.get(operation)
            if handler is None:
                raise ApiError(501, "NotImplementedException",
                               f"{operation} is not implemented by the local sandbox.")
            body = await read_body(request, max_body_bytes)
            if operation in FAULTED_OPERATIONS:
                await inject_faults(faults, request)
            try:
                params = parser.parse(operation, labels, request.query_params, body)
            except RequestInvalid as exc:
                raise bad_request(str(exc)) from None
            result = await run_in_threadpool(_run, handler, store, params)
            response: Response = JSONResponse(result, headers={"x-amzn-RequestId": request_id})
        except ApiError as err:
            response = error_response(err, request_id)
        except ClientDisconnect:  # the client left (or its request timed out): no one to answer
            log_line(request, operation, CLIENT_GONE, started)
            return Response(status_code=CLIENT_GONE)
        except Exception:  # a bug here must still look like AWS to the client, and be logged
            log.exception("%s %s failed", request.method, request.url.path)
            response = error_response(ApiError(500, "InternalServerException",
                                               "The sandbox failed to handle the request."), request_id)
        log_line(request, operation, response.status_code, started)
        return response

    async def health(request: Request) -> Response:
        return JSONResponse({"status": "ok"})

    methods = ["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD"]
    return Starlette(routes=[
        Route("/_sandbox/health", health, methods=["GET"]),
        *admin_routes,
        Route("/{path:path}", aws_api, methods=methods),
    ], middleware=[Middleware(LoopbackHostGuard, bound_host=bound_host)])


# --- the admin routes: their own origin and JSON only -------------------------------------------
def check_same_origin(request: Request) -> None:
    """ApiError 403 unless the request comes from no web page, or from the service's own origin.

    Browsers send ``Origin`` with every cross-origin request and preflight (``null`` from sandboxed
    frames and files), so no page elsewhere can change the fault settings.
    """
    origin = request.headers.get("origin")
    own = f"http://{request.headers.get('host', '')}".lower()
    if origin is not None and origin.strip().lower() != own:
        raise ApiError(403, "AccessDeniedException", f"Origin '{origin[:100]}' may not use this local "
                       f"service's admin route: it takes requests from {own} (or from tools that send "
                       "no Origin) only.")


def check_json_content_type(request: Request) -> None:
    """ApiError 415 unless the body is declared ``application/json`` (what a form cannot send)."""
    declared = request.headers.get("content-type", "")
    if declared.split(";", 1)[0].strip().lower() != "application/json":
        shown = f"'{declared[:100]}'" if declared else "no Content-Type"
        raise ApiError(415, "UnsupportedMediaTypeException", f"The admin route takes application/json "
                       f"bodies only, got {shown}.")
