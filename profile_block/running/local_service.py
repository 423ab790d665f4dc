"""The local Customer Profiles service's admin routes (``/_sandbox/...``), over HTTP.

What the Data page needs beyond the Customer Profiles API: browse a domain page by page, load
CSV (with a preview) and export it, define a custom key, reset the demo domain, fault settings.
This module speaks HTTP only and imports nothing of ``profiles_sandbox``: the page reaches the
service the way any tool would. Requests go straight to the endpoint (never through a proxy) and
send no ``Origin``, which the admin routes accept from tools.

Every failure is a ``LocalServiceError`` whose message says what went wrong in words.
"""

from __future__ import annotations

import base64
import json
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from typing import Any

TIMEOUT_S = 30
LOAD_TIMEOUT_S = 600        # a check or load of a few hundred thousand rows
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


class LocalServiceError(Exception):
    """The local service refused a request or could not be reached; the message says why."""


@dataclass(frozen=True)
class CsvFormat:
    """The service's CSV columns (one format for load, dump and the page)."""

    columns: list[str]                    # ProfileId and every standard column, in order
    choices: dict[str, list[str]]         # enum columns -> allowed values
    map_members: list[str]                # "Attributes": columns Attributes.<name>
    json_members: list[str]               # columns holding JSON
    key_prefix: str                       # "Key.": columns Key.<name>
    value_separator: str                  # between several values of one key in a cell


@dataclass(frozen=True)
class ProfilesPage:
    """Profiles as CSV rows (column -> text): a page of the domain, or search results."""

    count: int                            # profiles in the domain
    offset: int
    rows: list[dict[str, str]]
    columns: list[str]                    # the columns these rows use, in the format's order
    more: bool                            # further pages / matches exist


@dataclass(frozen=True)
class LoadReport:
    """What a load would change (a preview) or changed (committed)."""

    ok: bool
    committed: bool
    creates: int
    updates: int
    new_keys: list[str]
    attached_values: int
    create_domain: bool
    rows: list[dict[str, Any]]            # first rows: row, action, ProfileId, name, changes
    errors: list[dict[str, Any]]          # row, column, message (the first 1,000)
    error_count: int
    summary: str = ""
    profile_ids: list[str] = field(default_factory=list)

    @classmethod
    def from_answer(cls, answer: dict[str, Any]) -> LoadReport:
        return cls(ok=answer["ok"], committed=answer["committed"], creates=answer["creates"],
                   updates=answer["updates"], new_keys=answer["new_keys"],
                   attached_values=answer["attached_values"], create_domain=answer["create_domain"],
                   rows=answer["rows"], errors=answer["errors"], error_count=answer["error_count"],
                   summary=answer.get("summary", ""), profile_ids=answer.get("profile_ids", []))


def _call(endpoint: str, method: str, path: str, body: Any = None, *, timeout: float = TIMEOUT_S,
          raw: bool = False) -> Any:
    data = None if body is None else json.dumps(body).encode("utf-8")
    headers = {"Content-Type": "application/json"} if data is not None else {}
    request = urllib.request.Request(endpoint.rstrip("/") + path, data=data, method=method, headers=headers)
    try:
        with _OPENER.open(request, timeout=timeout) as response:
            content = response.read()
    except urllib.error.HTTPError as err:
        raise LocalServiceError(_message(err)) from None
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise LocalServiceError(f"The local service at {endpoint} did not answer ({reason}).") from None
    return content if raw else json.loads(content or b"null")


def _message(err: urllib.error.HTTPError) -> str:
    try:
        return str(json.loads(err.read())["Message"])
    except (ValueError, KeyError, TypeError, OSError):
        return f"The local service answered HTTP {err.code}."


def _domain_path(domain: str, tail: str) -> str:
    return f"/_sandbox/domains/{urllib.parse.quote(domain, safe='')}/{tail}"


def csv_format(endpoint: str) -> CsvFormat:
    answer = _call(endpoint, "GET", "/_sandbox/csv-format")
    return CsvFormat(answer["Columns"], answer["Choices"], answer["MapMembers"], answer["JsonMembers"],
                     answer["KeyPrefix"], answer["ValueSeparator"])


def _page(answer: dict[str, Any]) -> ProfilesPage:
    return ProfilesPage(answer["ProfileCount"], answer["Offset"], answer["Rows"], answer["Columns"],
                        answer["More"])


def profiles_page(endpoint: str, domain: str, offset: int, limit: int) -> ProfilesPage:
    """Profiles ``offset`` .. ``offset + limit - 1`` of ``domain`` in creation order."""
    query = urllib.parse.urlencode({"offset": offset, "limit": limit})
    return _page(_call(endpoint, "GET", _domain_path(domain, f"profiles?{query}")))


def search_profiles(endpoint: str, domain: str, key: str, value: str, limit: int) -> ProfilesPage:
    """The first ``limit`` profiles a search key finds for ``value`` (SearchProfiles' matching)."""
    query = urllib.parse.urlencode({"key": key, "value": value, "limit": limit})
    return _page(_call(endpoint, "GET", _domain_path(domain, f"profiles?{query}")))


def load_csv(endpoint: str, domain: str, data: bytes, *, commit: bool) -> LoadReport:
    """Check CSV bytes against ``domain`` (commit=False: a preview, nothing written) or load them
    (written only when every row is good)."""
    body = {"csv": base64.b64encode(data).decode("ascii"), "commit": commit}
    return LoadReport.from_answer(_call(endpoint, "POST", _domain_path(domain, "load"), body,
                                        timeout=LOAD_TIMEOUT_S))


def load_rows(endpoint: str, domain: str, rows: list[dict[str, str | None]], *, commit: bool) -> LoadReport:
    """Like ``load_csv`` for records (column -> text; "" clears a value of an existing profile)."""
    return LoadReport.from_answer(_call(endpoint, "POST", _domain_path(domain, "load"),
                                        {"rows": rows, "commit": commit}, timeout=LOAD_TIMEOUT_S))


def export_csv(endpoint: str, domain: str) -> bytes:
    """The whole domain as CSV (what ``python -m profiles_sandbox dump`` writes)."""
    return _call(endpoint, "GET", _domain_path(domain, "csv"), timeout=LOAD_TIMEOUT_S, raw=True)


def define_key(endpoint: str, domain: str, key: str) -> str:
    """Define custom search key ``key`` on ``domain``; the name of the object type declaring it."""
    return _call(endpoint, "POST", _domain_path(domain, "keys"), {"KeyName": key})["ObjectTypeName"]


def reset_demo(endpoint: str) -> str:
    """Put the demo domain back to its original data; what the service says it did."""
    return _call(endpoint, "POST", "/_sandbox/reset-demo", {}, timeout=LOAD_TIMEOUT_S)["Message"]


def get_faults(endpoint: str) -> dict[str, Any]:
    return _call(endpoint, "GET", "/_sandbox/faults")


def set_faults(endpoint: str, changes: dict[str, Any]) -> dict[str, Any]:
    """Change fault settings (throttle_rate, error_rate, latency_ms, throttle_next, error_next,
    slow_next, slow_ms); the new ones."""
    return _call(endpoint, "POST", "/_sandbox/faults", changes)


# "Make the next lookup fail": each failure is a counted fault of the service (it fails exactly the
# next N profile calls; domain calls such as the connection check spend none of it).
NEXT_LOOKUP_FAILURES: dict[str, str] = {
    "Throttled": "throttle_next",
    "Service error": "error_next",
    "Slow past the timeout": "slow_next",
}
SLOW_MARGIN_MS = 2_000      # a slow call waits this much longer than the client's read timeout


def fail_next_lookup(endpoint: str, failure: str, calls: int, read_timeout_s: float) -> dict[str, Any]:
    """Make the next lookup fail with ``failure`` (a key of ``NEXT_LOOKUP_FAILURES``): the next
    ``calls`` profile calls fail (a lookup's client retries, so every attempt must fail), a slow
    one waiting past ``read_timeout_s``. Other pending failures are cancelled: one at a time.
    The new fault settings."""
    setting = NEXT_LOOKUP_FAILURES[failure]
    changes: dict[str, Any] = {name: 0 for name in NEXT_LOOKUP_FAILURES.values()}
    changes[setting] = calls
    if setting == "slow_next":
        changes["slow_ms"] = int(read_timeout_s * 1000) + SLOW_MARGIN_MS
    return set_faults(endpoint, changes)


def cancel_next_failures(endpoint: str) -> dict[str, Any]:
    """Cancel every pending "next N calls" failure; the new fault settings."""
    return set_faults(endpoint, {name: 0 for name in NEXT_LOOKUP_FAILURES.values()})


def pending_failure(settings: dict[str, Any]) -> tuple[str, int] | None:
    """The "next N calls" failure the service still has pending (its name here and N), if any."""
    for failure, setting in NEXT_LOOKUP_FAILURES.items():
        if settings.get(setting):
            return failure, int(settings[setting])
    return None
