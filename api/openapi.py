"""The OpenAPI schema states this deployment's configured bounds (settings), not only static ones."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import FastAPI

from config.settings import Settings


def limits(settings: Settings) -> dict[str, int]:
    """Maximum of each bounded integer, by parameter or field name."""
    return {
        "limit": settings.api_max_page_size,
        "offset": settings.api_max_offset,
        "last": settings.api_max_last,
        "count": settings.api_max_grids,
    }


def _bound(schema: dict[str, Any], maximum: int) -> None:
    """Set ``maximum`` on an integer schema (also inside ``anyOf`` for optional integers)."""
    for option in [schema, *schema.get("anyOf", [])]:
        if option.get("type") == "integer":
            option["maximum"] = min(option.get("maximum", maximum), maximum)


def apply_limits(schema: dict[str, Any], settings: Settings) -> dict[str, Any]:
    """``schema`` with the configured maxima on query parameters and request body fields."""
    bounds = limits(settings)
    for path in schema.get("paths", {}).values():
        for operation in path.values():
            for param in operation.get("parameters", []):
                if param.get("in") == "query" and param.get("name") in bounds:
                    _bound(param["schema"], bounds[param["name"]])
    for name in ("StatsFilter", "GenerateRequest"):
        component = schema.get("components", {}).get("schemas", {}).get(name, {})
        for field, prop in component.get("properties", {}).items():
            if field in bounds:
                _bound(prop, bounds[field])
    return schema


def install(app: FastAPI, settings: Settings) -> None:
    """Make ``app.openapi()`` return the schema with ``settings``' bounds."""
    original: Callable[[], dict[str, Any]] = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = apply_limits(original(), settings)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
