"""The API's published contract: the one error body, the error responses a route declares, the
closed vocabularies as enums, and the OpenAPI document the interactive documentation reads.

Every refusal the API answers has one shape, ``{"error": {"code", "message", "details"?}}``
(:class:`ErrorBody`, the same the app's exception handlers write, :mod:`xinyong.app`). A route declares
its error statuses with :func:`errors`; :func:`complete_operation` adds those that follow from the route
itself (a key → 401, a role check → 403, a path identifier → 404, a change of an existing object → 409,
a body → 413, any parameter → 422),
so an operation added later is documented with the real shape too, and FastAPI's own ``{"detail": …}``
validation schema never appears.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from fastapi.routing import APIRoute
from pydantic import BaseModel, ConfigDict, Field

from xinyong.core.access import PURPOSE_NAMES_ZH, Purpose
from xinyong.core.policy import ALLOWED, ROLE_NAMES_ZH, Role
from xinyong.core.vocabulary import action_zh
from xinyong.web.deps import current_actor


class ErrorDetail(BaseModel):
    """What went wrong: a stable machine code, a Chinese message for the user, optional details."""

    model_config = ConfigDict(json_schema_extra={"examples": [
        {"code": "subject_not_found", "message": "未找到该信用主体"}]})

    code: str = Field(description="稳定的错误代码（英文，供程序判断）", examples=["subject_not_found"])
    message: str = Field(description="给用户看的中文说明", examples=["未找到该信用主体"])
    details: Any | None = Field(
        default=None,
        description="补充信息；参数错误（422）时为 [{field, problem}] 列表，指出每个有误的字段")


class ErrorBody(BaseModel):
    """The platform's one error shape (``xinyong.core.errors.DomainError.to_dict``)."""

    error: ErrorDetail


#: what each error status means on this API, and an example body of it
ERROR_STATUSES: dict[int, tuple[str, dict[str, Any]]] = {
    401: ("未提供有效的接口密钥（X-API-Key），或账户已停用",
          {"code": "invalid_api_key", "message": "API密钥无效或已吊销"}),
    403: ("无权执行该操作：角色、查询目的、所在地域、职责范围或共享范围不符；每次拒绝均登记在查询使用登记中",
          {"code": "forbidden", "message": "实施单位无权执行操作“查阅信用档案”"}),
    404: ("所指的对象（主体、记录、案件、申请等）不存在",
          {"code": "not_found", "message": "未找到该信用主体"}),
    409: ("状态冲突：对象已处于另一状态（例如已被他人办结），或同一事项已存在",
          {"code": "conflict", "message": "该案件已由他人办理，当前状态：已列入"}),
    413: ("请求内容过大（请求体或上传的文件超过限额）",
          {"code": "request_too_large", "message": "请求内容过大"}),
    422: ("请求参数有误：details 列出每个有误的字段；或业务规则不允许（message 说明原因）",
          {"code": "invalid_request", "message": "请求参数有误",
           "details": [{"field": "body.subject_code", "problem": "Field required"}]}),
}


def errors(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """``responses=`` of a route: the given error statuses, each with :class:`ErrorBody` and an example."""
    out: dict[int | str, dict[str, Any]] = {}
    for status in statuses:
        text, example = ERROR_STATUSES[status]
        out[status] = {"model": ErrorBody, "description": text,
                       "content": {"application/json": {"example": {"error": example}}}}
    return out


#: the purposes a query states (国办发〔2020〕49号 §（十三）: 查询使用目的), as the schema's enum
PURPOSE_ENUM: list[str] = [p.value for p in Purpose]


def purpose_schema() -> dict[str, Any]:
    """``json_schema_extra`` of a ``purpose`` parameter: the closed list, with the Chinese names."""
    return {"enum": PURPOSE_ENUM,
            "x-enum-descriptions": {p.value: PURPOSE_NAMES_ZH[p] for p in Purpose}}


WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def _required_action(route: APIRoute) -> str | None:
    for dep in route.dependant.dependencies:
        action = getattr(dep.call, "action", None)
        if isinstance(action, str):
            return action
    return None


def _uses_key(route: APIRoute) -> bool:
    def walk(deps: list[Any]) -> bool:
        return any(d.call is current_actor or walk(d.dependencies) for d in deps)
    return walk(route.dependant.dependencies)


def derived_statuses(route: APIRoute) -> set[int]:
    """The error statuses that follow from the route's own declaration (see the module docstring)."""
    found: set[int] = set()
    action = _required_action(route)
    if _uses_key(route) or action:
        found.add(401)
    if action and set(ALLOWED.get(action, frozenset())) != set(Role):
        found.add(403)
    if route.dependant.path_params:
        found.add(404)
    if route.dependant.path_params and (route.methods or set()) & WRITE_METHODS:
        found.add(409)  # a change of an existing object: another officer may have changed it first
    if route.body_field is not None:
        found |= {413, 422}
    if route.dependant.query_params or route.dependant.path_params or route.body_field is not None:
        found.add(422)
    return found


def _roles_text(action: str) -> str:
    roles = ALLOWED.get(action, frozenset())
    return "、".join(ROLE_NAMES_ZH[r] for r in Role if r in roles) or "无"


def complete_operation(route: APIRoute, operation: dict[str, Any]) -> None:
    """Description, permission and every error status with the platform's error body."""
    action = _required_action(route)
    lines = [operation.get("description") or operation.get("summary") or route.name]
    if action:
        lines.append(f"\n\n**权限**：操作“{action_zh(action)}”（`{action}`），允许的角色：{_roles_text(action)}。"
                     "每次调用（包括被拒绝的）均登记在查询使用登记中。")
    responses = operation.setdefault("responses", {})
    for status, entry in responses.items():
        if str(status).startswith("2") and entry.get("description") == "Successful Response":
            entry["description"] = "成功"
    codes = sorted(derived_statuses(route) | {int(k) for k in responses if str(k).isdigit() and int(k) >= 400})
    if codes:
        lines.append("\n\n**错误**（均为 `{\"error\": {\"code\", \"message\", \"details\"}}`）：" + "；".join(
            f"{c} {ERROR_STATUSES[c][0]}" for c in codes if c in ERROR_STATUSES))
    operation["description"] = "".join(lines)
    for status in codes:
        if status not in ERROR_STATUSES:
            continue
        text, example = ERROR_STATUSES[status]
        entry = responses.get(str(status)) or {}
        entry["description"] = entry.get("description") or text
        if entry["description"] in ("Validation Error", "Unprocessable Entity"):
            entry["description"] = text
        entry["content"] = {"application/json": {
            "schema": {"$ref": "#/components/schemas/ErrorBody"},
            "example": {"error": example}}}
        responses[str(status)] = entry


def api_routes(app: FastAPI) -> list[tuple[APIRoute, str]]:
    """(route, effective path) of every API route, however the routers were included."""
    try:  # FastAPI >= 0.16x keeps included routers as lazy branches
        from fastapi.routing import _iter_routes_with_context
    except ImportError:  # pragma: no cover - older FastAPI flattens them
        return [(r, r.path_format) for r in app.routes if isinstance(r, APIRoute)]
    return [(r, ctx.path if ctx is not None and ctx.path else r.path_format)
            for r, ctx in _iter_routes_with_context(app.routes) if isinstance(r, APIRoute)]


def build_openapi(app: FastAPI) -> dict[str, Any]:
    """The OpenAPI document with every operation completed (cached on the app, as FastAPI does)."""
    if app.openapi_schema:
        return app.openapi_schema
    schema = get_openapi(title=app.title, version=app.version, description=app.description,
                         routes=app.routes, tags=app.openapi_tags)
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    components.update(_model_schemas(ErrorBody))
    for name in ("HTTPValidationError", "ValidationError"):
        components.pop(name, None)
    paths = schema.get("paths", {})
    for route, path in api_routes(app):
        if not route.include_in_schema:
            continue
        path_item = paths.get(path, {})
        for method in route.methods or ():
            operation = path_item.get(method.lower())
            if operation is not None:
                complete_operation(route, operation)
    app.openapi_schema = schema
    return schema


def _model_schemas(model: type[BaseModel]) -> dict[str, Any]:
    root = model.model_json_schema(ref_template="#/components/schemas/{model}")
    defs = root.pop("$defs", {})
    return {model.__name__: root, **defs}
