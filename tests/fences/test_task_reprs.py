"""Guards of the two places that replace Celery's saferepr: the generation message's argument text
(``repr``, api/routes/generation.py) and the result's text in the worker's log line
(``GenerationTask.resultrepr_maxsize``, CELERY_RESULT_LOG_CHARS, api/tasks.py)."""

from __future__ import annotations

import base64
import json
import logging
import uuid
from typing import Any

import pytest
import redis
from celery.app.trace import build_tracer
from celery.utils.saferepr import saferepr

from api.celery_app import create_celery
from api.tasks import GenerationTask
from config.settings import Settings

# The largest generation message the API can send: every field at its bound (64 excluded numbers of
# each kind is the schema's limit, beyond any game's pool; a seed of 64 bits; the longest window).
LARGEST = {
    "game": "euromillions",
    "strategy": "combination_based",
    "count": 10_000,
    "seed": 2**64 - 1,
    "window": {"year": 2024, "month": 12, "from": "2004-02-13", "to": "2024-12-31", "last": 100_000},
    "exclude": list(range(36, 100)),
    "exclude_bonus": list(range(36, 100)),
}
SMALLEST = {
    "game": "loto",
    "strategy": "random",
    "count": 1,
    "seed": None,
    "window": {},
    "exclude": [],
    "exclude_bonus": [],
}


@pytest.mark.parametrize("kwargs", [LARGEST, SMALLEST], ids=["largest", "smallest"])
def test_repr_of_a_generation_message_is_celerys_saferepr(kwargs: dict[str, Any]) -> None:
    """The submit writes ``repr(kwargs)`` where Celery would write ``saferepr(kwargs, 1024,
    maxlevels=task_repr_maxlevels)``: the same text as long as the body stays plain (str, int,
    None, lists and dicts of them) and under the 1,024 characters saferepr would cut it at."""
    conf = create_celery(Settings()).conf
    assert len(repr(kwargs)) < 1024
    assert saferepr(kwargs, 1024, maxlevels=conf.task_repr_maxlevels) == repr(kwargs)


def test_a_given_kwargsrepr_is_written_into_the_message_as_is(celery_settings: Settings) -> None:
    """``send_task(kwargsrepr=...)`` replaces Celery's own saferepr of the arguments, verbatim."""
    app = create_celery(celery_settings)
    try:
        app.send_task(
            "lotostats.generate_grids",
            task_id=str(uuid.uuid4()),
            queue=celery_settings.celery_queue,
            exchange="",
            routing_key=celery_settings.celery_queue,
            kwargs={"count": 1},
            argsrepr="()",
            kwargsrepr="{'count': 1, 'written': 'by the caller'}",
        )
        broker = redis.Redis.from_url(celery_settings.celery_broker_url)
        message = json.loads(broker.lpop(celery_settings.celery_queue))
    finally:
        app.close()
    assert message["headers"]["kwargsrepr"] == "{'count': 1, 'written': 'by the caller'}"
    assert message["headers"]["argsrepr"] == "()"
    assert json.loads(base64.b64decode(message["body"]))[1] == {"count": 1}


def _logged_result(caplog: pytest.LogCaptureFixture) -> str:
    """Run a task whose class is ``GenerationTask`` (its job-record writes left out) through Celery's
    tracer and return the result text of its 'succeeded' log line."""
    app = create_celery(Settings())

    class Probe(GenerationTask):
        def on_success(self, retval: Any, task_id: str, args: Any, kwargs: Any) -> None:
            pass

    @app.task(bind=True, base=Probe, name=f"fences.result.{uuid.uuid4().hex[:6]}")
    def probe(self: Any) -> dict[str, object]:
        return {"grids": [{"numbers": [1, 2, 3, 4, 5], "reason": "x" * 40} for _ in range(50)]}

    caplog.set_level(logging.INFO, logger="celery.app.trace")
    caplog.clear()
    trace = build_tracer(probe.name, probe, app=app, eager=True)
    trace(str(uuid.uuid4()), (), {}, request={})
    lines = [r for r in caplog.records if isinstance(r.args, dict) and "return_value" in r.args]
    assert len(lines) == 1, [r.getMessage() for r in caplog.records]
    return str(lines[0].args["return_value"])  # type: ignore[call-overload,index]


@pytest.mark.parametrize("chars", [None, 1024])
def test_the_logged_result_is_cut_at_the_tasks_resultrepr_maxsize(
    caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch, chars: int | None
) -> None:
    """Celery's tracer reads ``task.resultrepr_maxsize`` when it is built and cuts the result's
    saferepr there. CELERY_RESULT_LOG_CHARS: 128 by default; 1024 is Celery's own."""
    if chars is None:
        monkeypatch.delenv("CELERY_RESULT_LOG_CHARS", raising=False)
    else:
        monkeypatch.setenv("CELERY_RESULT_LOG_CHARS", str(chars))
    limit = chars or 128
    shown = _logged_result(caplog)
    assert shown.startswith("{'grids': [{'numbers': ")
    assert limit <= len(shown) <= limit + 16, (len(shown), shown)  # saferepr closes what it cut ("...]}")
