"""Request parsing and validation driven by botocore's own service model.

botocore checks only a few constraints client-side (required members, types, minimums); the real
service rejects the rest (maximum lengths, list sizes, patterns, enums, unknown members). Walking
the model here, instead of copying its limits, keeps the sandbox in step with whatever botocore
version is installed.
"""

from __future__ import annotations

import functools
import json
import os
import re
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

import botocore.loaders
from botocore.model import OperationModel, ServiceModel, Shape

SERVICE_NAME = "customer-profiles"
MAX_REPORTED_ERRORS = 5
_SHOWN_VALUE_CHARS = 40


class RequestInvalid(Exception):
    """The request breaks the service model; the message says where and how."""


class Violation(str):
    """One broken constraint: the sentence the API answers, plus ``where`` it is, the member's
    path (``FirstName``, ``Address.City``, ``Attributes.tier``), for callers that point at a field."""

    where: str

    def __new__(cls, where: str, message: str) -> Violation:
        violation = super().__new__(cls, message)
        violation.where = where
        return violation


@functools.cache
def data_loader() -> Any:
    """The botocore data loader the models come from, one per process. It keeps what it read: a
    client made through it (the app's, see profile_block.running.aws.share_data_loader) does not parse the
    model again. A bare loader, not a session: a session brings the client machinery's imports."""
    return botocore.loaders.create_loader(os.environ.get("AWS_DATA_PATH"))


@functools.cache
def load_service_model() -> ServiceModel:
    """The Customer Profiles model of the installed botocore, read once per process (the service's
    routes and its CSV loads share it; it is only read, never changed)."""
    model = data_loader().load_service_model(SERVICE_NAME, "service-2")
    return ServiceModel(model, service_name=SERVICE_NAME)


@dataclass(frozen=True)
class Route:
    """One operation's HTTP binding: method and path template split into segments."""

    operation: str
    method: str
    segments: tuple[str, ...]  # literal text, or "{Label}" / "{Label+}"

    @property
    def specificity(self) -> tuple[int, ...]:
        """Literal segments sort before labels, so /profiles/search wins over /profiles/{Id}."""
        return tuple(1 if s.startswith("{") else 0 for s in self.segments)

    def match(self, method: str, parts: list[str]) -> dict[str, str] | None:
        if method != self.method:
            return None
        labels: dict[str, str] = {}
        for i, seg in enumerate(self.segments):
            if seg.startswith("{") and seg.endswith("+}"):  # greedy label takes the rest
                rest = parts[i:]
                if not rest:
                    return None
                labels[seg[1:-2]] = unquote("/".join(rest))
                return labels
            if i >= len(parts):
                return None
            if seg.startswith("{"):
                if not parts[i]:
                    return None
                labels[seg[1:-1]] = unquote(parts[i])
            elif seg != parts[i]:
                return None
        return labels if len(parts) == len(self.segments) else None


class Router:
    """Maps (method, raw path) to an operation name using each operation's http.requestUri."""

    def __init__(self, model: ServiceModel) -> None:
        routes = []
        for name in model.operation_names:
            http = model.operation_model(name).http
            path = http["requestUri"].split("?", 1)[0]
            routes.append(Route(name, http["method"].upper(), tuple(_split(path))))
        self.routes = sorted(routes, key=lambda r: (len(r.segments), r.specificity))

    def match(self, method: str, raw_path: str) -> tuple[str, dict[str, str]] | None:
        parts = _split(raw_path)
        for route in self.routes:
            labels = route.match(method.upper(), parts)
            if labels is not None:
                return route.operation, labels
        return None


def _split(path: str) -> list[str]:
    return [p for p in path.split("/") if p != ""] if path.strip("/") else []


class RequestParser:
    """Turns one HTTP request into the operation's input parameters, validated against the model.

    Patterns of every input shape of the served operations are compiled once, at start-up.
    """

    def __init__(self, model: ServiceModel, operations: Iterable[str], *,
                 mask_sensitive: bool = True) -> None:
        self.model = model
        self._mask = mask_sensitive   # as AWS does; a local CSV load shows the user's own value
        self._patterns: dict[str, re.Pattern[str] | None] = {}
        for name in operations:
            shape = model.operation_model(name).input_shape
            if shape is not None:
                self._compile_patterns(shape, set())

    def _compile_patterns(self, shape: Shape, seen: set[str]) -> None:
        if shape.name in seen:
            return
        seen.add(shape.name)
        pattern = shape.metadata.get("pattern")
        if pattern is not None and pattern not in self._patterns:
            try:
                self._patterns[pattern] = re.compile(pattern)
            except re.error:  # a regex dialect Python lacks: skip that one check rather than fail
                self._patterns[pattern] = None
        if shape.type_name == "structure":
            for member in shape.members.values():
                self._compile_patterns(member, seen)
        elif shape.type_name == "list":
            self._compile_patterns(shape.member, seen)
        elif shape.type_name == "map":
            self._compile_patterns(shape.key, seen)
            self._compile_patterns(shape.value, seen)

    def check(self, operation: str, params: Mapping[str, Any], *, partial: bool = False) -> list[Violation]:
        """Every constraint of ``operation``'s input that ``params`` (member name -> value) breaks,
        as the service would report them; ``partial`` skips the required-member check (for
        checking some members alone)."""
        shape = self.model.operation_model(operation).input_shape
        errors: list[Violation] = []
        if shape is not None:
            self._check_structure(dict(params), shape, "", errors, partial=partial)
        return errors

    def parse(self, operation: str, labels: Mapping[str, str], query: Mapping[str, str],
              body: bytes) -> dict[str, Any]:
        """Parameters keyed by member name, or RequestInvalid naming every broken constraint."""
        op: OperationModel = self.model.operation_model(operation)
        shape = op.input_shape
        if shape is None:
            return {}
        params: dict[str, Any] = {}
        errors: list[Violation] = []
        body_members = {}
        for name, member in shape.members.items():
            location = member.serialization.get("location")
            wire = member.serialization.get("name", name)
            if location == "uri":
                if wire in labels:
                    params[name] = labels[wire]
            elif location == "querystring":
                if wire in query:
                    params[name] = _from_text(query[wire], member, name, errors)
            elif location in ("header", "headers"):
                continue  # no served operation reads headers
            else:
                body_members[wire] = name
        payload = _parse_json_body(body)
        for wire, value in payload.items():
            if wire not in body_members:
                errors.append(Violation(wire, f"Unknown field '{wire}': {operation} has no such member"))
                continue
            params[body_members[wire]] = value
        if not errors:
            self._check_structure(params, shape, "", errors)
        if errors:
            raise RequestInvalid(_report(errors))
        return params

    # --- shape walkers -------------------------------------------------------------------
    def _check(self, value: Any, shape: Shape, where: str, errors: list[Violation]) -> None:
        kind = shape.type_name
        if kind == "structure":
            self._check_structure(value, shape, where, errors)
        elif kind == "list":
            if not isinstance(value, list):
                errors.append(Violation(where, f"Value at '{where}' must be a list"))
                return
            _check_range(len(value), shape, where, errors, "have length")
            for i, item in enumerate(value):
                self._check(item, shape.member, f"{where}[{i}]", errors)
        elif kind == "map":
            if not isinstance(value, dict):
                errors.append(Violation(where, f"Value at '{where}' must be a JSON object"))
                return
            _check_range(len(value), shape, where, errors, "have length")
            for key, item in value.items():
                key_errors: list[Violation] = []
                self._check(key, shape.key, f"{where}.key", key_errors)
                # A bad map key is reported at that entry (Attributes.<name>), not at the map.
                errors += [Violation(f"{where}.{key}", e) for e in key_errors]
                self._check(item, shape.value, f"{where}.{key}", errors)
        elif kind == "string":
            self._check_string(value, shape, where, errors)
        elif kind in ("integer", "long"):
            if isinstance(value, bool) or not isinstance(value, int):
                errors.append(Violation(where, f"Value at '{where}' must be an integer"))
                return
            _check_range(value, shape, where, errors, "have value")
        elif kind in ("float", "double"):
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                errors.append(Violation(where, f"Value at '{where}' must be a number"))
        elif kind == "boolean":
            if not isinstance(value, bool):
                errors.append(Violation(where, f"Value at '{where}' must be true or false"))
        elif kind == "timestamp":
            if isinstance(value, bool) or not isinstance(value, (int, float, str)):
                errors.append(Violation(where, f"Value at '{where}' must be a timestamp"))

    def _check_structure(self, value: Any, shape: Shape, where: str, errors: list[Violation], *,
                         partial: bool = False) -> None:
        if not isinstance(value, dict):
            errors.append(Violation(where, f"Value at '{where}' must be a JSON object"))
            return
        prefix = f"{where}." if where else ""
        for name in () if partial else shape.required_members:
            if name not in value:
                errors.append(Violation(f"{prefix}{name}", f"Value at '{prefix}{name}' failed to satisfy "
                                        "constraint: Member must not be null"))
        for name, item in value.items():
            member = shape.members.get(name)
            if member is None:
                errors.append(Violation(f"{prefix}{name}", f"Unknown field '{prefix}{name}'"))
                continue
            self._check(item, member, prefix + name, errors)

    def string_limits(self, shape: Shape) -> StringLimits:
        """A string shape's constraints in a form that is quick to test (``StringLimits.fits``):
        a value that fits breaks none of the constraints ``check`` reports for that shape."""
        meta = shape.metadata
        pattern = meta.get("pattern")
        enum = meta.get("enum")
        return StringLimits(meta.get("min", 0), meta.get("max", sys.maxsize),
                            frozenset(enum) if enum else None,
                            self._patterns.get(pattern) if pattern is not None else None)

    def _check_string(self, value: Any, shape: Shape, where: str, errors: list[Violation]) -> None:
        if not isinstance(value, str):
            errors.append(Violation(where, f"Value at '{where}' must be a string"))
            return
        meta = shape.metadata
        shown = "***" if self._mask and meta.get("sensitive") else _shown(value)
        if "min" in meta and len(value) < meta["min"]:
            errors.append(Violation(where, f"Value {shown} at '{where}' failed to satisfy constraint: "
                                    f"Member must have length greater than or equal to {meta['min']}"))
        if "max" in meta and len(value) > meta["max"]:
            errors.append(Violation(where, f"Value at '{where}' ({len(value)} characters) failed to "
                                    "satisfy constraint: Member must have length less than or equal to "
                                    f"{meta['max']}"))
        enum = meta.get("enum")
        if enum and value not in enum:
            errors.append(Violation(where, f"Value {shown} at '{where}' failed to satisfy constraint: "
                                    f"Member must satisfy enum value set: [{', '.join(enum)}]"))
        pattern = meta.get("pattern")
        compiled = self._patterns.get(pattern) if pattern is not None else None
        if compiled is not None and not compiled.search(value):
            errors.append(Violation(where, f"Value {shown} at '{where}' failed to satisfy constraint: "
                                    f"Member must satisfy regular expression pattern: {pattern}"))


@dataclass(frozen=True)
class StringLimits:
    """min/max length, enum and pattern of one string shape (see ``RequestParser.string_limits``)."""

    low: int
    high: int
    choices: frozenset[str] | None
    pattern: re.Pattern[str] | None

    def fits(self, value: Any) -> bool:
        return (isinstance(value, str) and self.low <= len(value) <= self.high
                and (self.choices is None or value in self.choices)
                and (self.pattern is None or self.pattern.search(value) is not None))


def _check_range(number: int, shape: Shape, where: str, errors: list[Violation], what: str) -> None:
    meta = shape.metadata
    if "min" in meta and number < meta["min"]:
        errors.append(Violation(where, f"Value at '{where}' failed to satisfy constraint: Member must "
                                f"{what} greater than or equal to {meta['min']}"))
    if "max" in meta and number > meta["max"]:
        errors.append(Violation(where, f"Value at '{where}' failed to satisfy constraint: Member must "
                                f"{what} less than or equal to {meta['max']}"))


def _from_text(text: str, shape: Shape, where: str, errors: list[Violation]) -> Any:
    """Query-string values arrive as text; convert to the member's type."""
    if shape.type_name in ("integer", "long"):
        try:
            return int(text)
        except ValueError:
            errors.append(Violation(where, f"Value '{_short(text)}' at '{where}' must be an integer"))
            return None
    if shape.type_name == "boolean":
        return text.lower() == "true"
    return text


def parse_json(body: bytes) -> Any:
    """The JSON value of a request body; RequestInvalid for anything a hostile client may send:
    text that is not JSON or not UTF-8, nesting deeper than Python's recursion limit, and
    ``\\ud800``-style escapes of unpaired UTF-16 surrogates (valid JSON, but not Unicode text:
    they could be neither stored nor echoed back in a message)."""
    try:
        payload = json.loads(body)
    except RecursionError:
        raise RequestInvalid("The request body is nested too deeply to be a request: send a JSON "
                             "object whose members are the operation's fields") from None
    except (ValueError, UnicodeDecodeError) as exc:
        raise RequestInvalid(f"The request body is not valid JSON: {exc}") from None
    surrogate = _first_lone_surrogate(payload)
    if surrogate is not None:
        shown = surrogate.encode("unicode_escape").decode("ascii")
        raise RequestInvalid(f"The request body holds an unpaired surrogate escape ({shown}), "
                             "which is not a character: send UTF-8 text (a \\u escape of a "
                             "character above U+FFFF must be a whole surrogate pair)")
    return payload


_SURROGATE = re.compile("[\ud800-\udfff]")


def _first_lone_surrogate(payload: Any) -> str | None:
    """The first lone surrogate in any string (member name or value) of a parsed JSON value.
    json joins escaped pairs into one character, so any surrogate left is a lone one. Walked
    without copying (a 64 MiB string is searched only when it is not ASCII)."""
    stack = [payload]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if not item.isascii():
                found = _SURROGATE.search(item)
                if found:
                    return found.group()
        elif isinstance(item, dict):
            stack += item
            stack += item.values()
        elif isinstance(item, list):
            stack += item
    return None


def _parse_json_body(body: bytes) -> dict[str, Any]:
    if not body.strip():
        return {}
    payload = parse_json(body)
    if not isinstance(payload, dict):
        raise RequestInvalid("The request body must be a JSON object")
    return payload


def _short(text: str) -> str:
    return text if len(text) <= _SHOWN_VALUE_CHARS else text[:_SHOWN_VALUE_CHARS] + "..."


def _shown(value: str) -> str:
    return f"'{_short(value)}'"


def _report(errors: list[Violation]) -> str:
    count = len(errors)
    shown = "; ".join(errors[:MAX_REPORTED_ERRORS])
    more = f" (and {count - MAX_REPORTED_ERRORS} more)" if count > MAX_REPORTED_ERRORS else ""
    noun = "error" if count == 1 else "errors"
    return f"{count} validation {noun} detected: {shown}{more}"
