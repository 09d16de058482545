"""The ``/api/v1`` blueprint and the registry that makes its OpenAPI document.

Every API view is declared with :func:`endpoint`, which names its input and output
models (pydantic). The same declaration parses the request, checks who may call it,
serialises the answer and describes the call in ``/api/v1/openapi.json``, so the
document cannot drift from the code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import wraps
from typing import Any, Callable, Iterable

from flask import Blueprint, Response, jsonify, request
from flask_login import current_user
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from marketplace.accounts.models import Role
from marketplace.core.errors import Forbidden, Unauthorized, ValidationFailed
from marketplace.extensions import csrf

api = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(api)  # cookie-authenticated writes are checked in _check_csrf below

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}

PUBLIC = "public"
ANY_USER = "user"


class Problem(BaseModel):
    """An RFC 9457 problem document."""

    type: str
    title: str
    status: int
    detail: str
    errors: dict[str, list[str]] = Field(default_factory=dict)
    suggestions: list[str] | None = Field(
        default=None, description="Things the caller may have meant, e.g. places when `near` was not found.")


class Schema(BaseModel):
    """Base for API input: unknown fields are rejected, so typos get a clear answer."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


@dataclass
class Endpoint:
    rule: str
    method: str
    name: str
    summary: str
    tag: str
    auth: str | frozenset[Role]
    status: int
    response: type[BaseModel] | None
    body: type[BaseModel] | None = None
    query: type[BaseModel] | None = None
    form: type[BaseModel] | None = None
    files: tuple[str, ...] = ()
    errors: tuple[int, ...] = ()
    description: str = ""
    media: tuple[str, ...] = ()
    body_optional: bool = False


ENDPOINTS: list[Endpoint] = []


def _field_errors(exc: ValidationError) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for err in exc.errors():
        loc = ".".join(str(part) for part in err["loc"]) or "body"
        message = err["msg"].removeprefix("Value error, ")
        errors.setdefault(loc, []).append(message)
    return errors


def _nul_fields(data: Any, path: str = "") -> list[str]:  # noqa: ANN401
    """Where ``data`` holds a NUL character: no text column (PostgreSQL) can store one,
    so it would fail deep in a query instead of answering 400."""
    if isinstance(data, str):
        return [path or "body"] if "\x00" in data else []
    if isinstance(data, dict):
        return [f for k, v in data.items() for f in _nul_fields(v, f"{path}.{k}" if path else str(k))]
    if isinstance(data, list):
        return [f for i, v in enumerate(data) for f in _nul_fields(v, f"{path}.{i}" if path else str(i))]
    return []


def refuse_nul(data: Any, where: str) -> None:  # noqa: ANN401
    """Raise ValidationFailed naming each field of ``data`` that contains a NUL character."""
    fields = _nul_fields(data)
    if fields:
        raise ValidationFailed(f"The request {where} contains a NUL character.",
                               {f: ["must not contain NUL characters"] for f in fields})


def parse(model: type[BaseModel], data: Any, *, where: str = "body") -> Any:
    """Validate ``data`` with ``model``; raise ValidationFailed naming every bad field."""
    if not isinstance(data, dict):
        raise ValidationFailed(f"The request {where} must be a JSON object.", {where: ["must be a JSON object"]})
    refuse_nul(data, where)
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        errors = _field_errors(exc)
        fields = ", ".join(sorted(errors))
        raise ValidationFailed(f"Some fields are not valid: {fields}.", errors) from None


def _args_dict(model: type[BaseModel], source) -> dict[str, Any]:  # noqa: ANN001
    """Multi-valued query/form fields become lists where the model expects a list."""
    out: dict[str, Any] = {}
    for key in source.keys():
        info = model.model_fields.get(key)
        is_list = info is not None and getattr(info.annotation, "__origin__", None) is list
        out[key] = source.getlist(key) if is_list else source.get(key)
    return out


def _authorise(auth: str | frozenset[Role]) -> None:
    if auth == PUBLIC:
        return
    if not current_user.is_authenticated:
        raise Unauthorized("Sign in, or send an API token as 'Authorization: Bearer <token>'.")
    if auth != ANY_USER and current_user.role not in auth:  # type: ignore[operator]
        raise Forbidden("Your account's role cannot do this.")


@api.before_request
def _check_csrf() -> None:
    """A browser session writing through the API must show its CSRF token; a bearer
    token is not sent ambiently by browsers, so it needs none."""
    if request.method in SAFE_METHODS:
        return
    if request.headers.get("Authorization", "").lower().startswith("bearer "):
        return
    if current_user.is_authenticated:
        csrf.protect()


def endpoint(
    rule: str,
    method: str = "GET",
    *,
    summary: str,
    tag: str,
    auth: str | Iterable[Role] = PUBLIC,
    status: int = 200,
    response: type[BaseModel] | None = None,
    body: type[BaseModel] | None = None,
    query: type[BaseModel] | None = None,
    form: type[BaseModel] | None = None,
    files: tuple[str, ...] = (),
    errors: tuple[int, ...] = (),
    description: str = "",
    media: tuple[str, ...] = (),
    body_optional: bool = False,
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Declare an API view. The view receives parsed ``body``/``query``/``form`` models
    as keyword arguments and returns a pydantic model, None (no content), or a ready
    Response for binary ``media`` types. With ``body_optional`` an empty body means the
    model's defaults."""
    auth_value: str | frozenset[Role] = auth if isinstance(auth, str) else frozenset(auth)

    def decorate(fn: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(fn)
        def view(**kwargs: Any) -> Response | tuple[Response, int]:
            _authorise(auth_value)
            refuse_nul(kwargs, "path")
            if query is not None:
                kwargs["query"] = parse(query, _args_dict(query, request.args), where="query")
            if body is not None:
                data = request.get_json(silent=True)
                if data is None and body_optional and not request.get_data():
                    data = {}
                kwargs["body"] = parse(body, data, where="body")
            if form is not None:
                kwargs["form"] = parse(form, _args_dict(form, request.form), where="form")
            result = fn(**kwargs)
            if result is None:
                return Response(status=status)
            if isinstance(result, Response):
                return result
            if isinstance(result, BaseModel):  # pydantic writes its own JSON: no dict in between
                return Response(result.model_dump_json(), status=status, mimetype="application/json")
            return jsonify(result), status

        api.add_url_rule(rule, endpoint=fn.__name__, view_func=view, methods=[method])
        ENDPOINTS.append(
            Endpoint(
                rule=rule, method=method, name=fn.__name__, summary=summary, tag=tag,
                auth=auth_value, status=status, response=response, body=body, query=query,
                form=form, files=files, errors=errors, description=description or (fn.__doc__ or "").strip(),
                media=media, body_optional=body_optional,
            )
        )
        return view

    return decorate


# --- OpenAPI ---------------------------------------------------------------------------

_RULE_ARG = re.compile(r"<(?:(\w+):)?(\w+)>")


def _openapi_path(rule: str) -> tuple[str, list[dict[str, Any]]]:
    params = []
    for converter, name in _RULE_ARG.findall(rule):
        schema = {"type": "integer", "minimum": 0, "maximum": 2**31 - 1} if converter == "int" else {"type": "string"}
        params.append({"name": name, "in": "path", "required": True, "schema": schema})
    return _RULE_ARG.sub(r"{\2}", rule), params


class _Components:
    def __init__(self) -> None:
        self.schemas: dict[str, Any] = {}

    def _put(self, name: str, schema: dict[str, Any]) -> None:
        """Two models sharing a name would silently document one as the other: refuse."""
        known = self.schemas.get(name)
        if known is not None and known.get("properties", {}).keys() != schema.get("properties", {}).keys():
            raise RuntimeError(f"Two API models are both called {name!r}; rename one.")
        self.schemas.setdefault(name, schema)

    def ref(self, model: type[BaseModel], mode: str = "validation") -> dict[str, str]:
        schema = model.model_json_schema(ref_template="#/components/schemas/{model}", mode=mode)  # type: ignore[arg-type]
        for name, sub in schema.pop("$defs", {}).items():
            self._put(name, sub)
        self._put(model.__name__, schema)
        return {"$ref": f"#/components/schemas/{model.__name__}"}


def _parameters(model: type[BaseModel]) -> list[dict[str, Any]]:
    schema = model.model_json_schema()
    required = set(schema.get("required", []))
    out = []
    for name, prop in schema.get("properties", {}).items():
        param: dict[str, Any] = {"name": name, "in": "query", "required": name in required, "schema": prop}
        if prop.get("type") == "array":
            param.update(style="form", explode=True)
        if "description" in prop:
            param["description"] = prop["description"]
        out.append(param)
    return out


def _problem_response(components: _Components, description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/problem+json": {"schema": components.ref(Problem)}}}


_ERROR_TEXT = {
    400: "Invalid input; `errors` maps each field to its messages",
    401: "Not signed in",
    403: "Signed in without the right role or ownership",
    404: "Not found, or not visible to the caller",
    409: "Conflicts with the current state",
    413: "Upload too large",
    429: "Too many requests from this client; `Retry-After` says when to try again",
    503: "A provider this call needs is unavailable",
}


def openapi_document() -> dict[str, Any]:
    """The OpenAPI 3.1 description of every declared endpoint."""
    from marketplace.infra.limits import ROUTE_LIMITS  # the one table the limiter applies

    components = _Components()
    paths: dict[str, dict[str, Any]] = {}
    limited = {row.endpoint for row in ROUTE_LIMITS}
    for ep in ENDPOINTS:
        path, path_params = _openapi_path(f"{api.url_prefix}{ep.rule}")
        op: dict[str, Any] = {
            "operationId": ep.name,
            "summary": ep.summary,
            "tags": [ep.tag],
            "parameters": path_params + (_parameters(ep.query) if ep.query else []),
            "responses": {},
        }
        if ep.description:
            op["description"] = ep.description
        if ep.auth == PUBLIC:
            op["security"] = [{}, {"bearerAuth": []}, {"cookieAuth": []}]
        else:
            op["security"] = [{"bearerAuth": []}, {"cookieAuth": []}]
            roles = "any signed-in user" if ep.auth == ANY_USER else ", ".join(sorted(r.value for r in ep.auth))
            op["description"] = (op.get("description", "") + f"\n\nAllowed: {roles}.").strip()
        if ep.body is not None:
            op["requestBody"] = {"required": not ep.body_optional, "content": {"application/json": {"schema": components.ref(ep.body)}}}
        if ep.form is not None:
            form_schema = ep.form.model_json_schema()
            for name in ep.files:
                form_schema.setdefault("properties", {})[name] = {"type": "string", "format": "binary"}
                form_schema.setdefault("required", []).append(name)
            form_schema.pop("title", None)
            op["requestBody"] = {"required": True, "content": {"multipart/form-data": {"schema": form_schema}}}
        if ep.media:
            op["responses"][str(ep.status)] = {
                "description": "The file",
                "content": {m: {"schema": {"type": "string", "format": "binary"}} for m in ep.media},
            }
        elif ep.response is not None:
            op["responses"][str(ep.status)] = {
                "description": "Success",
                "content": {"application/json": {"schema": components.ref(ep.response, mode="serialization")}},
            }
        else:
            op["responses"][str(ep.status)] = {"description": "Success, no content"}
        codes = set(ep.errors)
        if ep.body is not None or ep.query is not None or ep.form is not None or path_params:
            codes.add(400)
        if path_params:
            codes.add(404)  # an id or a slug in the path may name nothing the caller can see
        if ep.auth != PUBLIC:
            codes.update({401, 403})
        if ep.form is not None:
            codes.add(413)
        if f"{api.name}.{ep.name}" in limited:
            codes.add(429)
        for code in sorted(codes):
            op["responses"][str(code)] = _problem_response(components, _ERROR_TEXT.get(code, "Error"))
        paths.setdefault(path, {})[ep.method.lower()] = op
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Practitioner marketplace API",
            "version": "1.0.0",
            "description": "Find verified practitioners for back pain and muscle spasm. "
            "Errors are application/problem+json (RFC 9457).",
        },
        "servers": [{"url": "/"}],
        "paths": paths,
        "components": {
            "schemas": components.schemas,
            "securitySchemes": {
                "bearerAuth": {"type": "http", "scheme": "bearer"},
                "cookieAuth": {"type": "apiKey", "in": "cookie", "name": "session"},
            },
        },
    }


@api.get("/openapi.json")
def openapi_json() -> Response:
    return jsonify(openapi_document())
