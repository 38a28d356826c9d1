"""Check each REST request against Discord's official OpenAPI description of its API.

``../shared/discord-api-spec/openapi.json`` (Discord's own OpenAPI 3.1 spec, v10) says which
routes exist, which path and query parameters they take and the JSON schema of each request
body. :func:`check_request` matches a request to its operation and returns every way it
breaks the spec, plus the documented limits the schema does not encode (message content 2000
characters, 10 embeds and the embed limits, application command names, descriptions, option
counts and order: the spec's README lists them). The fake Discord records what it returns
(``FakeDiscord.spec_violations``) so a test fails on any request real Discord would refuse.

The spec is big (1.2 MB): it is loaded, patched and compiled once per process
(:func:`discord_api_spec`), and each operation's validators are built on first use.
"""

from __future__ import annotations

import copy
import functools
import json
import os
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError, best_match
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from .payloads import JSON
from .validation import ApiError, validate_choices, validate_commands, validate_message

__all__ = [
    "SPEC_PATH_ENV",
    "SUITE_SPEC_LOG",
    "DiscordApiSpec",
    "SpecLog",
    "SpecViolation",
    "check_request",
    "default_spec_path",
    "discord_api_spec",
]

SPEC_PATH_ENV = "DISCORD_API_SPEC"
"""Environment variable naming another copy of ``openapi.json``."""

SPEC_URI = "urn:discord-api-spec:openapi.json"
SNOWFLAKE_PATTERN = "^(0|[1-9][0-9]*)$"
MAX_SNOWFLAKE = 2**64 - 1
BOOLEAN_QUERY = {"true": True, "1": True, "false": False, "0": False}
"""Discord's "Boolean Query Strings": True/true/1 and False/false/0 (discord.py sends 1)."""
HTTP_METHODS = ("get", "put", "post", "delete", "patch", "head", "options")

MESSAGE_OPERATIONS = frozenset(
    {
        "create_message",
        "update_message",
        "execute_webhook",
        "update_webhook_message",
        "update_original_webhook_message",
    }
)
BULK_COMMAND_OPERATIONS = frozenset(
    {"bulk_set_application_commands", "bulk_set_guild_application_commands"}
)
ONE_COMMAND_OPERATIONS = frozenset(
    {
        "create_application_command",
        "create_guild_application_command",
    }
)


def default_spec_path() -> Path:
    """``$DISCORD_API_SPEC``, else ``../shared/discord-api-spec/openapi.json`` from the repo."""
    override = os.environ.get(SPEC_PATH_ENV)
    if override:
        return Path(override)
    repo = Path(__file__).resolve().parents[2]
    return repo.parent / "shared" / "discord-api-spec" / "openapi.json"


@dataclass(frozen=True, slots=True)
class SpecViolation:
    """One way a request breaks Discord's API description."""

    method: str
    path: str
    operation: str | None
    problem: str

    def __str__(self) -> str:
        where = f" ({self.operation})" if self.operation else ""
        return f"{self.method} {self.path}{where}: {self.problem}"


@dataclass
class SpecLog:
    """Violations seen by every fake Discord of a process (a test suite fails on any)."""

    violations: list[SpecViolation] = field(default_factory=list)
    checked: int = 0
    """Requests checked."""
    seconds: float = 0.0
    """Time spent checking them, loading the spec included."""


SUITE_SPEC_LOG = SpecLog()
"""The process-wide log ``FakeDiscord`` reports to unless given another."""


def _accept_integer_ids(node: Any) -> Any:
    """IDs are typed as strings; Discord also takes integers (its "ID Serialization" docs)."""
    if isinstance(node, list):
        return [_accept_integer_ids(item) for item in node]
    if not isinstance(node, dict):
        return node
    patched = {key: _accept_integer_ids(value) for key, value in node.items()}
    if patched.get("pattern") == SNOWFLAKE_PATTERN or patched.get("format") == "snowflake":
        return {"anyOf": [patched, {"type": "integer", "minimum": 0, "maximum": MAX_SNOWFLAKE}]}
    return patched


def _pointer(*parts: str) -> str:
    return "/".join(part.replace("~", "~0").replace("/", "~1") for part in parts)


def _scalar_from_query(raw: str, schema: Mapping[str, Any]) -> Any:
    """A query string value as the type its schema asks for (the raw string when it is not)."""
    types = schema.get("type")
    names = set(types) if isinstance(types, list) else {types}
    if "boolean" in names and raw.lower() in BOOLEAN_QUERY:
        return BOOLEAN_QUERY[raw.lower()]
    if names & {"integer", "number"}:
        try:
            return int(raw)
        except ValueError:
            try:
                return float(raw) if "number" in names else raw
            except ValueError:
                return raw
    return raw


def _likeliest_branch_error(context: list[ValidationError]) -> ValidationError:
    """Of an ``anyOf``/``oneOf``'s errors, one from the branch the body meant.

    Discord's unions tell their branches apart by a ``type`` enum/const: branches whose
    ``type`` does not match are the ones the body did not mean.
    """
    branches: dict[Any, list[ValidationError]] = {}
    for error in context:
        key = error.relative_schema_path[0] if error.relative_schema_path else None
        branches.setdefault(key, []).append(error)
    meant = [
        errors
        for errors in branches.values()
        if not any(
            (e.validator in ("enum", "const") and list(e.relative_path) == ["type"])
            or (e.validator == "type" and not e.relative_path)  # not even that JSON type
            for e in errors
        )
    ]
    pool = [e for errors in meant for e in errors] or context
    return best_match(pool) or pool[0]


def _error_text(error: ValidationError) -> str:
    """The most specific reason, with the JSON path of the offending value."""
    best = error
    while best.context:
        best = _likeliest_branch_error(best.context)
    location = "".join(f"[{p!r}]" if isinstance(p, str) else f"[{p}]" for p in best.absolute_path)
    message = best.message if len(best.message) <= 200 else best.message[:200] + "…"
    rule = json.dumps(best.validator_value)
    rule = rule if len(rule) <= 80 else rule[:80] + "…"
    return f"body{location} fails {best.validator} {rule}: {message}"


@dataclass(frozen=True)
class _Parameter:
    name: str
    location: str
    required: bool
    schema: Mapping[str, Any]
    validator: Draft202012Validator


@dataclass
class _Operation:
    method: str
    template: str
    operation_id: str
    parameters: dict[tuple[str, str], _Parameter]
    bodies: dict[str, Draft202012Validator | None]
    """Content type -> validator of its schema (None: a body is accepted, not described)."""
    multipart_files: int = 0
    body_required: bool = False
    json_by_type: dict[Any, Draft202012Validator] = field(default_factory=dict)
    """For a JSON body that is a union told apart by ``type`` (interaction callbacks): the
    branch for each ``type`` value, checked alone (the same verdict, several times faster)."""


@dataclass
class _Template:
    template: str
    pattern: re.Pattern[str]
    literals: int
    operations: dict[str, _Operation] = field(default_factory=dict)


class DiscordApiSpec:
    """Discord's OpenAPI spec, compiled for request checks (build it once: see
    :func:`discord_api_spec`)."""

    def __init__(self, document: Mapping[str, Any]) -> None:
        self.document = _accept_integer_ids(copy.deepcopy(dict(document)))
        resource = Resource.from_contents(self.document, default_specification=DRAFT202012)
        self.registry: Registry[Any] = Registry().with_resource(SPEC_URI, resource)
        self.templates = [
            self._template(path, item) for path, item in self.document["paths"].items()
        ]
        # literal segments win: "/users/@me" before "/users/{user_id}"
        self.templates.sort(key=lambda t: (-t.literals, t.template))

    @classmethod
    def load(cls, path: Path) -> DiscordApiSpec:
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as error:
            raise FileNotFoundError(
                f"Discord's API spec is not at {path} ({error.strerror}); set {SPEC_PATH_ENV} "
                "to its openapi.json"
            ) from error
        return cls(json.loads(text))

    # -- compiling ------------------------------------------------------------------------

    def _validator(self, *pointer: str) -> Draft202012Validator:
        ref = {"$ref": f"{SPEC_URI}#/{_pointer(*pointer)}"}
        return Draft202012Validator(ref, registry=self.registry)

    def _template(self, path: str, item: Mapping[str, Any]) -> _Template:
        segments = path.strip("/").split("/")
        regex = "/".join(
            "([^/]+)" if re.fullmatch(r"\{\w+\}", seg) else re.escape(seg) for seg in segments
        )
        literals = sum(1 for seg in segments if not seg.startswith("{"))
        template = _Template(path, re.compile(f"^/{regex}$"), literals)
        shared = item.get("parameters", [])
        for method in HTTP_METHODS:
            raw = item.get(method)
            if raw is not None:
                template.operations[method.upper()] = self._operation(
                    path, method, raw, shared, item
                )
        return template

    def _resolve(self, node: Mapping[str, Any]) -> Mapping[str, Any]:
        ref = node.get("$ref")
        if not isinstance(ref, str):
            return node
        resolved = self.registry.resolver(SPEC_URI).lookup(ref).contents
        return resolved if isinstance(resolved, Mapping) else node

    def _operation(
        self,
        path: str,
        method: str,
        raw: Mapping[str, Any],
        shared: list[Mapping[str, Any]],
        item: Mapping[str, Any],
    ) -> _Operation:
        parameters: dict[tuple[str, str], _Parameter] = {}
        sources = [("parameters", i, p) for i, p in enumerate(shared)] + [
            (method, i, p) for i, p in enumerate(raw.get("parameters", []))
        ]
        for where, i, raw_param in sources:
            param = self._resolve(raw_param)
            pointer = (
                ("paths", path, "parameters", str(i), "schema")
                if where == "parameters"
                else ("paths", path, method, "parameters", str(i), "schema")
            )
            parameters[(param["in"], param["name"])] = _Parameter(
                name=param["name"],
                location=param["in"],
                required=bool(param.get("required")),
                schema=self._resolve(param.get("schema", {})),
                validator=self._validator(*pointer),
            )
        bodies: dict[str, Draft202012Validator | None] = {}
        body = raw.get("requestBody")
        files = 0
        if body is not None:
            for ctype, media in body.get("content", {}).items():
                bodies[ctype] = (
                    self._validator(
                        "paths", path, method, "requestBody", "content", ctype, "schema"
                    )
                    if "schema" in media
                    else None
                )
                if ctype == "multipart/form-data":
                    # the ``files[n]`` the schema lists, else Discord's 10 attachments a message
                    files = json.dumps(media.get("schema", {})).count('"files[') or 10
        json_media = (body or {}).get("content", {}).get("application/json", {})
        return _Operation(
            method=method.upper(),
            template=path,
            operation_id=str(raw.get("operationId", f"{method} {path}")),
            parameters=parameters,
            bodies=bodies,
            multipart_files=files,
            body_required=bool(body and body.get("required")),
            json_by_type=self._branches_by_type(json_media.get("schema", {})),
        )

    def _branches_by_type(self, schema: Mapping[str, Any]) -> dict[Any, Draft202012Validator]:
        """``type`` value -> validator of the only union branch that takes it."""
        branches = schema.get("anyOf") or schema.get("oneOf") or []
        by_type: dict[Any, Draft202012Validator] = {}
        for branch in branches:
            ref = branch.get("$ref") if isinstance(branch, Mapping) else None
            if not isinstance(ref, str) or not ref.startswith("#/"):
                return {}
            kind = self._resolve(branch).get("properties", {}).get("type", {})
            values = kind.get("enum") or ([kind["const"]] if "const" in kind else [])
            if not values or any(v in by_type for v in values):
                return {}  # not told apart by type alone: check the whole union
            validator = self._validator(*ref[2:].split("/"))
            by_type.update(dict.fromkeys(values, validator))
        return by_type

    # -- checking -------------------------------------------------------------------------

    def match(self, method: str, path: str) -> tuple[_Operation | None, dict[str, str], bool]:
        """The operation for ``method path``, its path parameters, and whether the path is known."""
        for template in self.templates:
            found = template.pattern.match(path)
            if found is None:
                continue
            operation = template.operations.get(method.upper())
            if operation is None:
                continue
            names = re.findall(r"\{(\w+)\}", template.template)
            return operation, dict(zip(names, found.groups(), strict=True)), True
        known = any(t.pattern.match(path) for t in self.templates)
        return None, {}, known

    def check(
        self,
        method: str,
        path: str,
        query: Mapping[str, str],
        *,
        body: Any = None,
        multipart: bool = False,
        file_fields: list[str] | None = None,
        form_fields: list[str] | None = None,
        content_type: str | None = None,
    ) -> list[SpecViolation]:
        """Every way this request breaks the spec (an empty list when Discord would take it).

        ``body`` is the decoded JSON body, or the ``payload_json`` of a multipart body.
        """
        operation, path_params, known = self.match(method, path)
        if operation is None:
            problem = (
                f"Discord has no {method.upper()} on this route"
                if known
                else "no such route in Discord's API"
            )
            return [SpecViolation(method.upper(), path, None, problem)]
        problems = list(self._check_parameters(operation, path_params, query))
        problems += self._check_body(
            operation,
            body,
            multipart=multipart,
            file_fields=file_fields or [],
            form_fields=form_fields or [],
            content_type=content_type,
        )
        problems += _documented_limits(operation.operation_id, body)
        return [SpecViolation(method.upper(), path, operation.operation_id, p) for p in problems]

    @staticmethod
    def _check_parameters(
        operation: _Operation, path_params: Mapping[str, str], query: Mapping[str, str]
    ) -> Iterator[str]:
        for name, raw in path_params.items():
            param = operation.parameters.get(("path", name))
            if param is None:
                continue
            for error in param.validator.iter_errors(raw):
                yield f"path parameter {name}={raw!r}: {error.message}"
        for name, raw in query.items():
            param = operation.parameters.get(("query", name))
            if param is None:
                yield f"unknown query parameter {name!r}"
                continue
            value = _scalar_from_query(raw, param.schema)
            for error in param.validator.iter_errors(value):
                yield f"query parameter {name}={raw!r}: {error.message}"
        for (location, name), param in operation.parameters.items():
            if location == "query" and param.required and name not in query:
                yield f"missing required query parameter {name!r}"

    @staticmethod
    def _check_body(
        operation: _Operation,
        body: Any,
        *,
        multipart: bool,
        file_fields: list[str],
        form_fields: list[str],
        content_type: str | None,
    ) -> Iterator[str]:
        has_body = body is not None or bool(file_fields) or bool(form_fields)
        if not operation.bodies:
            if has_body:
                yield "this operation takes no request body"
            return
        if not has_body:
            if operation.body_required:
                yield "missing the required request body"
            return
        if multipart:
            if "multipart/form-data" not in operation.bodies:
                yield "this operation takes no multipart body"
                return
            for name in file_fields:
                found = re.fullmatch(r"files\[(\d+)\]", name)
                if found is None or int(found.group(1)) >= operation.multipart_files:
                    yield f"multipart file field {name!r} is not one the operation takes"
            for name in form_fields:
                yield f"unexpected multipart field {name!r} (fields go in payload_json)"
            if body is None:
                return
            # ``payload_json`` is the JSON body (the multipart schema adds only files[n])
            validator = operation.bodies.get("application/json") or operation.bodies.get(
                "multipart/form-data"
            )
        else:
            if content_type not in (None, "", "application/json"):
                yield f"content type {content_type!r}: Discord expects application/json"
            if "application/json" not in operation.bodies:
                yield "this operation takes no JSON body"
                return
            if form_fields:
                yield "the body is not valid JSON"
                return
            validator = operation.bodies["application/json"]
            if isinstance(body, dict) and operation.json_by_type:
                kind = body.get("type")
                if kind not in operation.json_by_type:
                    yield f"body['type'] {kind!r} is not one of {sorted(operation.json_by_type)}"
                    return
                validator = operation.json_by_type[kind]
        if validator is None:
            return
        for error in validator.iter_errors(body):
            yield _error_text(error)


def _flatten(errors: Any, path: str = "") -> Iterator[str]:
    """Discord's nested ``errors`` object as ``"embeds.0.title: message"`` lines."""
    if not isinstance(errors, dict):
        return
    for key, value in errors.items():
        if key == "_errors":
            for item in value:
                yield f"{path or 'body'}: {item.get('message')} ({item.get('code')})"
        else:
            yield from _flatten(value, f"{path}.{key}" if path else str(key))


def _limit_errors(check: Callable[[], None]) -> list[str]:
    try:
        check()
    except ApiError as error:
        details = list(_flatten(error.errors))
        return [f"documented limit: {d}" for d in details] or [f"documented limit: {error.message}"]
    return []


def _documented_limits(operation_id: str, body: Any) -> list[str]:
    """The limits the README lists and the schema leaves out."""
    if operation_id in MESSAGE_OPERATIONS and isinstance(body, dict):
        return _limit_errors(lambda: validate_message(body, has_files=False, require_body=False))
    if operation_id == "create_interaction_response" and isinstance(body, dict):
        data = body.get("data")
        if not isinstance(data, dict):
            return []
        if body.get("type") in (4, 7):
            return _limit_errors(
                lambda: validate_message(data, has_files=False, require_body=False)
            )
        if body.get("type") == 8:
            return _limit_errors(lambda: validate_choices(data.get("choices") or []))
        return []
    if operation_id in BULK_COMMAND_OPERATIONS:
        return _limit_errors(lambda: validate_commands(body))
    if operation_id in ONE_COMMAND_OPERATIONS and isinstance(body, dict) and "name" in body:
        return _limit_errors(lambda: validate_commands([{"type": 1, **body}]))
    return []


@functools.cache
def discord_api_spec(path: Path | None = None) -> DiscordApiSpec:
    """The compiled spec, loaded once per process (per path)."""
    return DiscordApiSpec.load(path or default_spec_path())


def check_request(
    method: str,
    path: str,
    query: Mapping[str, str],
    *,
    body: JSON | list[Any] | None = None,
    multipart: bool = False,
    file_fields: list[str] | None = None,
    form_fields: list[str] | None = None,
    content_type: str | None = None,
    spec: DiscordApiSpec | None = None,
) -> list[SpecViolation]:
    """:meth:`DiscordApiSpec.check` with the process-wide spec."""
    return (spec or discord_api_spec()).check(
        method,
        path,
        query,
        body=body,
        multipart=multipart,
        file_fields=file_fields,
        form_fields=form_fields,
        content_type=content_type,
    )
