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


def budgets_text(settings: Settings) -> str:
    """The work budgets of this deployment, as a Markdown table for the schema's description."""
    window = settings.api_budget_window_s
    rows = [
        ("generation", settings.api_budget_generation_grids, "grids",
         f"its count + {settings.api_budget_generation_per_job} per job"),
        ("check", settings.api_budget_check_cells, "ticket-draw cells",
         f"tickets x draws + {settings.api_budget_check_per_request} per check, inline or queued"),
        ("wheel", settings.api_budget_wheel_ms, "ms of estimated search",
         f"its estimate + {settings.api_budget_wheel_per_request} per wheel, inline or queued"),
    ]  # fmt: skip
    lines = [
        "",
        f"**Work budgets** per client (all API processes together), refilled over {window} s: past one, "
        "429 with `Retry-After` (when it holds the request again) and `X-Budget` (which one); a request "
        "that costs more than a whole budget is a 422.",
        "",
        "| budget | per client | a request costs |",
        "|---|---|---|",
    ]
    lines += [f"| {name} | {units:,} {unit} | {cost} |" if units else f"| {name} | off | - |"
              for name, units, unit, cost in rows]  # fmt: skip
    return "\n".join(lines)


def install(app: FastAPI, settings: Settings) -> None:
    """Make ``app.openapi()`` return the schema with ``settings``' bounds and budgets."""
    original: Callable[[], dict[str, Any]] = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = apply_limits(original(), settings)
            schema["info"]["description"] = (
                schema["info"].get("description", "") + "\n" + budgets_text(settings)
            )
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
