"""The API's documentation page, read from the committed schema (docs/openapi-v1.yaml): every operation with its
parameters, the fields it takes and the fields it answers. Server-rendered from the project's own files, no
script and no CDN; the schema test keeps the file equal to the API, so the page is too."""

import functools
from dataclasses import dataclass, field

import yaml
from django.conf import settings

SCHEMA_FILE = "docs/openapi-v1.yaml"
METHODS = ("get", "post", "put", "patch", "delete")


@dataclass
class Field:
    name: str
    type: str
    required: bool = False
    description: str = ""
    where: str = ""


@dataclass
class Operation:
    method: str
    path: str
    operation_id: str
    summary: str
    parameters: list[Field] = field(default_factory=list)
    request: list[Field] = field(default_factory=list)
    success: str = ""
    answer: list[Field] = field(default_factory=list)


@functools.cache
def _schema() -> dict:
    with open(settings.BASE_DIR / SCHEMA_FILE, encoding="utf-8") as f:
        return yaml.safe_load(f)


def _resolve(schema: dict) -> tuple[str, dict]:
    """(component name or "", the schema it names)."""
    ref = schema.get("$ref", "")
    if not ref:
        return "", schema
    name = ref.rsplit("/", 1)[-1]
    return name, _schema()["components"]["schemas"][name]


def _type(schema: dict) -> str:
    if "allOf" in schema:
        return " & ".join(_type(part) for part in schema["allOf"])
    if "oneOf" in schema or "anyOf" in schema:
        return " | ".join(_type(part) for part in schema.get("oneOf") or schema["anyOf"])
    name, resolved = _resolve(schema)
    if "enum" in resolved:
        text = " | ".join(f"«{v}»" for v in resolved["enum"] if v not in ("", None))
    elif resolved.get("type") == "array":
        text = f"[{_type(resolved.get('items', {}))}]"
    elif name:
        text = name
    else:
        text = resolved.get("type", "object")
        if resolved.get("format"):
            text += f" ({resolved['format']})"
        if resolved.get("additionalProperties"):
            text = f"{{string: {_type(resolved['additionalProperties'])}}}"
    if schema.get("nullable") or resolved.get("nullable"):
        text += " | null"
    return text


def _fields(schema: dict) -> list[Field]:
    _name, resolved = _resolve(schema)
    if resolved.get("type") == "array":
        _name, resolved = _resolve(resolved.get("items", {}))
    required = set(resolved.get("required", []))
    return [
        Field(
            name=name,
            type=_type(prop),
            required=name in required,
            description=prop.get("description", "") or _resolve(prop)[1].get("description", ""),
        )
        for name, prop in resolved.get("properties", {}).items()
    ]


def _json_schema(body: dict) -> dict:
    return body.get("content", {}).get("application/json", {}).get("schema", {})


def api_operations() -> list[tuple[str, list[Operation]]]:
    """The operations by resource (the path's first part), in the schema's order."""
    groups: dict[str, list[Operation]] = {}
    for path, item in _schema()["paths"].items():
        for method in METHODS:
            if method not in item:
                continue
            spec = item[method]
            success = next((code for code in sorted(spec["responses"]) if code.startswith("2")), "")
            answer = _json_schema(spec["responses"].get(success, {})) if success else {}
            operation = Operation(
                method=method.upper(),
                path=path,
                operation_id=spec.get("operationId", ""),
                summary=spec.get("summary", "") or spec.get("description", ""),
                parameters=[
                    Field(
                        name=p["name"],
                        type=_type(p.get("schema", {})),
                        required=p.get("required", False),
                        description=p.get("description", ""),
                        where=p["in"],
                    )
                    for p in spec.get("parameters", [])
                ],
                request=_fields(_json_schema(spec.get("requestBody", {}))),
                success=success,
                answer=_fields(answer),
            )
            groups.setdefault(path.removeprefix("/api/v1/").split("/", 1)[0] or "api", []).append(operation)
    return list(groups.items())
