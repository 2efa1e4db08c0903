"""The responses the routes document in OpenAPI, in one place: every error answer is an
:class:`~api.errors.ErrorBody`; routes compose these and add only what is their own.

    responses={**posted_body(invalid="...", budget="check"), 404: error("..."), 503: error("...")}
"""

from __future__ import annotations

from typing import Any

from api.errors import ErrorBody

Responses = dict[int | str, dict[str, Any]]


def error(description: str) -> dict[str, Any]:
    """An error answer (the one shape, :class:`ErrorBody`) and when it is given."""
    return {"model": ErrorBody, "description": description}


# Documented on every route under /api/{game} (api.routing.game_router); a route's own entry for
# the same status replaces the description.
GAME_RESPONSES: Responses = {
    404: error("Unknown game, or nothing found (no draw in the window ...)"),
    422: error("A parameter out of range or inconsistent, with the reason"),
    503: error("No serving snapshot published yet, or a service unreachable"),
}


def posted_body(invalid: str, budget: str) -> Responses:
    """What a POST with a JSON body charged to a work budget answers besides its own: 400 (a body
    that cannot be decoded), 413 (too large), 422 (``invalid``: why the body is refused), 429 (the
    client's ``budget`` is spent)."""
    return {
        400: {"description": "Body that cannot be decoded"},
        413: error("Request body too large"),
        422: error(invalid),
        429: error(f"The client's {budget} budget is spent; see Retry-After"),
    }


def cached(model: type, what: str) -> Responses:
    """The 200 of a cached route: its body's model, and the ``X-Cache`` header."""
    return {200: {"model": model, "description": f"{what}; `X-Cache` says HIT, MISS or BYPASS"}}


def body(model: type) -> Responses:
    """The 200 of a route that sends its JSON bytes itself (``response_class=Response``): its model."""
    return {200: {"model": model}}
