"""The local service's own routes beside the AWS API, under ``/_sandbox/``: fault settings, and
what the Data page needs that Customer Profiles has no call for (browse a domain page by page,
load and export CSV, define a custom key, reset the demo domain).

Every admin route takes requests from tools (no ``Origin``) or from the service's own origin only,
and POST bodies declared ``application/json`` only (what no web form can send), so no web page
elsewhere can use them; the Host guard of ``api`` applies as to every route.

    GET  /_sandbox/faults                          the fault settings; POST changes them
    GET  /_sandbox/csv-format                      the CSV columns (csv_io) and enum choices
    GET  /_sandbox/domains/{d}/profiles            ?offset=&limit=  or  ?key=&value=&limit=
    POST /_sandbox/domains/{d}/load                {"csv": base64} or {"rows": [...]}, "commit": bool
    GET  /_sandbox/domains/{d}/csv                 the domain as CSV (dump)
    POST /_sandbox/domains/{d}/keys                {"KeyName": name}: define a custom key
    POST /_sandbox/reset-demo                      the demo domain back to its original data
"""

from __future__ import annotations

import base64
import binascii
import io
import logging
import time
from collections.abc import Awaitable, Callable, Iterable
from typing import Any, TypeVar

from starlette.concurrency import run_in_threadpool
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from . import csv_io
from .api import (
    CLIENT_GONE,
    ApiError,
    Faults,
    bad_request,
    check_json_content_type,
    check_same_origin,
    error_response,
    log_request,
    read_body,
)
from .demo import DEMO_DOMAIN, seed_demo
from .store import Invalid, NotFound, Store
from .validation import RequestInvalid, parse_json

log = logging.getLogger("profiles_sandbox")

# A CSV upload from the Data page (base64 in JSON): room for ~300,000 ordinary profiles. The CSV
# is read, checked and written a chunk of rows at a time (csv_io.run_load), so its size costs the
# body, its text and the decoded bytes (~3x the body), never memory per row.
MAX_LOAD_BODY_BYTES = 64 * 1024 * 1024
# Records ({"rows": [{...}, ...]}) are parsed whole by json, and a small object costs ~25 times its
# text ("{}," is 3 bytes, a dict 64): a body is refused at once when it holds more JSON values than
# this (counted from its text before parsing; a CSV body holds a handful).
MAX_LOAD_JSON_VALUES = 200_000
# Rows of one load: what grows with them is the set of ProfileIds given (duplicates are errors).
MAX_LOAD_ROWS = 300_000
MAX_PAGE_ROWS = 1_000
MAX_RETURNED_IDS = 1_000

Handler = Callable[[Request, Any], Awaitable[Response]]
T = TypeVar("T")


async def _in_thread(function: Callable[..., T], *args: Any) -> T:
    """Run a store call off the event loop; its NotFound / Invalid become AWS-shaped errors."""
    try:
        return await run_in_threadpool(function, *args)
    except NotFound as exc:
        raise ApiError(404, "ResourceNotFoundException", str(exc)) from None
    except Invalid as exc:
        raise bad_request(str(exc)) from None


def json_values_at_most(body: bytes) -> int:
    """An upper bound on the number of values in JSON text, without parsing it: every value but
    the first follows a ``[``, a ``,`` or a ``:`` (counted in strings too, so never too low)."""
    return 1 + body.count(b"[") + body.count(b",") + body.count(b":")


def _admin(name: str, handlers: dict[str, Handler], *, log_requests: bool, body_limit: int,
           value_limit: int | None = None) -> Callable:
    """An endpoint that applies the admin rules, parses a POST's JSON body and calls the handler
    of the method; every failure is an AWS-shaped JSON error."""
    allow = ", ".join([*handlers, "OPTIONS"])

    async def endpoint(request: Request) -> Response:
        started = time.perf_counter()
        try:
            check_same_origin(request)
            if request.method == "OPTIONS":   # a same-origin or tool's preflight: nothing to grant
                response: Response = Response(status_code=204, headers={"Allow": allow})
            else:
                payload = None
                if request.method == "POST":
                    check_json_content_type(request)
                    body = await read_body(request, body_limit)
                    if value_limit is not None and json_values_at_most(body) > value_limit:
                        raise ApiError(413, "BadRequestException", f"The request body holds more than "
                                       f"{value_limit:,} JSON values, the most this local service "
                                       "parses in one load: send the rows as csv (the file's bytes "
                                       "in base64), or fewer rows at a time.")
                    try:
                        payload = parse_json(body) if body.strip() else {}
                    except RequestInvalid as exc:
                        raise bad_request(str(exc)) from None
                response = await handlers[request.method](request, payload)
        except ApiError as err:
            response = error_response(err)
        except ClientDisconnect:
            log_request(log_requests, request, f"sandbox:{name}", CLIENT_GONE, started)
            return Response(status_code=CLIENT_GONE)
        except Exception:  # a bug must still answer in the service's shape, and be logged
            log.exception("%s %s failed", request.method, request.url.path)
            response = error_response(ApiError(500, "InternalServerException",
                                               "The sandbox failed to handle the request."))
        log_request(log_requests, request, f"sandbox:{name}", response.status_code, started)
        return response

    return endpoint


def _object(payload: Any) -> dict[str, Any]:
    if not isinstance(payload, dict):
        raise bad_request("The body must be a JSON object.")
    return payload


def _int_param(request: Request, name: str, default: int, low: int, high: int) -> int:
    text = request.query_params.get(name)
    if text is None:
        return default
    if not text.isdigit() or not low <= int(text) <= high:
        raise bad_request(f"{name} must be a whole number from {low} to {high:,}, got '{text[:20]}'.")
    return int(text)


def _rows_payload(payload: dict[str, Any]) -> tuple[list[str], Iterable[csv_io.Row]]:
    """The header and rows of a load body: base64 CSV bytes (rows read as the load goes), or
    records (column -> text or null)."""
    if "csv" in payload:
        try:
            data = base64.b64decode(str(payload["csv"]), validate=True)
        except (binascii.Error, ValueError):
            raise bad_request("csv must be the file's bytes in base64.") from None
        payload.pop("csv")      # the decoded bytes are all the load keeps
        try:
            return csv_io.open_csv(io.BytesIO(data))
        except csv_io.CsvUnreadable as exc:
            raise bad_request(f"The file cannot be read as CSV: {exc}.") from None
    records = payload.get("rows")
    if not isinstance(records, list) or not all(
            isinstance(r, dict) and all(isinstance(v, str) or v is None for v in r.values())
            for r in records):
        raise bad_request("Give csv (base64) or rows: a list of objects whose values are text or null.")
    return csv_io.rows_from_records(records)


def admin_routes(store: Store, faults: Faults, *, log_requests: bool, max_body_bytes: int) -> list[Route]:
    """The admin routes of one running service (see the module docstring)."""

    def route(path: str, name: str, handlers: dict[str, Handler], body_limit: int = max_body_bytes,
              value_limit: int | None = None) -> Route:
        return Route(path, _admin(name, handlers, log_requests=log_requests, body_limit=body_limit,
                                  value_limit=value_limit), methods=[*handlers, "OPTIONS"])

    async def get_faults(request: Request, _: Any) -> Response:
        return JSONResponse(faults.as_dict())

    async def set_faults(request: Request, payload: Any) -> Response:
        try:
            return JSONResponse(faults.update(payload))
        except ValueError as exc:
            raise bad_request(str(exc)) from None

    async def csv_format(request: Request, _: Any) -> Response:
        fmt = csv_io.csv_format()
        return JSONResponse({"Columns": csv_io.standard_columns(), "Choices": dict(fmt.choices),
                             "MapMembers": list(fmt.maps), "JsonMembers": list(fmt.json_members),
                             "KeyPrefix": csv_io.KEY_PREFIX, "ValueSeparator": csv_io.VALUE_SEPARATOR})

    def browse(domain: str, key: str | None, value: str, offset: int, limit: int) -> dict[str, Any]:
        if key is None:
            count, profiles = store.profiles_page(domain, offset, limit)
            more = offset + len(profiles) < count
        else:
            count = store.get_domain(domain)["ProfileCount"]
            page = store.search(domain, [(key, [value])], "OR", limit)
            profiles = store.profiles_by_id(domain, [item["ProfileId"] for item in page.items])
            more = page.last_seq is not None
        rows = [csv_io.profile_cells(p) for p in profiles]
        columns = csv_io.column_order(c for row in rows for c in row)
        return {"ProfileCount": count, "Offset": offset, "Rows": rows, "Columns": columns, "More": more}

    async def profiles(request: Request, _: Any) -> Response:
        key = request.query_params.get("key") or None
        value = request.query_params.get("value", "")
        if key is not None and not value:
            raise bad_request("Give a value to search for with the key.")
        offset = _int_param(request, "offset", 0, 0, 10**12) if key is None else 0
        limit = _int_param(request, "limit", 50, 1, MAX_PAGE_ROWS)
        domain = request.path_params["domain"]
        return JSONResponse(await _in_thread(browse, domain, key, value, offset, limit))

    def check_and_load(domain: str, header: list[str], rows: Iterable[csv_io.Row],
                       commit: bool) -> dict[str, Any]:
        result = None
        try:
            with store.domain_load(domain, write=commit) as target:
                plan, result = csv_io.run_load(target, header, rows, commit=commit,
                                               max_rows=MAX_LOAD_ROWS)
        except csv_io.LoadRejected as rejected:          # rolled back: nothing was written
            plan = rejected.plan
        except csv_io.CsvUnreadable as exc:              # a row further down; rolled back
            raise Invalid(f"The file cannot be read as CSV: {exc}; nothing was written.") from None
        described = csv_io.describe_plan(plan)
        described["committed"] = False
        if result is not None:
            described.update(committed=True, summary=csv_io.describe_result(result, domain),
                             profile_ids=result.profile_ids[:MAX_RETURNED_IDS])
        return described

    async def load(request: Request, payload: Any) -> Response:
        body = _object(payload)
        commit = body.get("commit", False)
        if not isinstance(commit, bool):
            raise bad_request("commit must be true (write when every row is good) or false (check only).")
        header, rows = _rows_payload(body)
        return JSONResponse(await _in_thread(check_and_load, request.path_params["domain"], header, rows,
                                             commit))

    async def export(request: Request, _: Any) -> Response:
        domain = request.path_params["domain"]
        text = await _in_thread(csv_io.dump_text, store, domain)
        return Response(text.encode("utf-8"), media_type="text/csv; charset=utf-8",
                        headers={"Content-Disposition": f'attachment; filename="{domain}.csv"'})

    def define_key(domain: str, key: Any) -> dict[str, Any]:
        state = store.domain_state(domain)
        if state is None:
            raise NotFound(f"Domain '{domain}' was not found.")
        if not isinstance(key, str):
            raise Invalid("KeyName must be text.")
        if key in state.search_keys:
            raise Invalid(f"'{key}' is already a search key of domain '{domain}'.")
        try:
            with store.domain_load(domain, write=True) as target:
                plan, _ = csv_io.run_load(target, [f"{csv_io.KEY_PREFIX}{key}"], [], commit=True)
        except csv_io.LoadRejected as rejected:
            raise Invalid("; ".join(e.message for e in rejected.plan.errors)) from None
        return {"KeyName": key, "ObjectTypeName": plan.new_keys[0][1]}

    async def keys(request: Request, payload: Any) -> Response:
        key = _object(payload).get("KeyName")
        return JSONResponse(await _in_thread(define_key, request.path_params["domain"], key))

    def reseed_demo() -> dict[str, Any]:
        store.reseed_domain(DEMO_DOMAIN, seed_demo)
        count = store.get_domain(DEMO_DOMAIN)["ProfileCount"]
        return {"Message": f"Domain {DEMO_DOMAIN} has its original {count} profiles again.",
                "ProfileCount": count}

    async def reset_demo(request: Request, payload: Any) -> Response:
        _object(payload)
        return JSONResponse(await _in_thread(reseed_demo))

    return [
        route("/_sandbox/faults", "faults", {"GET": get_faults, "POST": set_faults}),
        route("/_sandbox/csv-format", "csv-format", {"GET": csv_format}),
        route("/_sandbox/domains/{domain}/profiles", "profiles", {"GET": profiles}),
        route("/_sandbox/domains/{domain}/load", "load", {"POST": load}, MAX_LOAD_BODY_BYTES,
              MAX_LOAD_JSON_VALUES),
        route("/_sandbox/domains/{domain}/csv", "csv", {"GET": export}),
        route("/_sandbox/domains/{domain}/keys", "keys", {"POST": keys}),
        route("/_sandbox/reset-demo", "reset-demo", {"POST": reset_demo}),
    ]
