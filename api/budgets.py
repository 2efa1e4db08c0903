"""Per-client work budgets of the costly endpoints, kept in Redis so every API process shares them.

A request is charged what it costs in its own unit: grids generated, ticket x draw cells checked,
milliseconds of estimated wheel search. Each budget refills at ``units`` per ``window_s`` and holds
at most ``units`` (so a client that waited a whole window may spend them at once, then at the refill
rate). The accounting is GCRA (the generic cell rate algorithm), one Lua script per request on
``lotostats:v1:budget:{name}:{client}``: the key holds the client's "theoretical arrival time" in
milliseconds of Redis's own clock, so API processes on different machines agree, and it expires
once the budget is full again (an idle client holds no key).

Beyond the budget the caller gets 429 with ``Retry-After``: the seconds until the budget holds this
request's cost again. A request that costs more than the whole budget can never be served: that is
a 422 (:class:`BudgetTooSmallError`), not a 429 to retry forever. When Redis is unreachable each
process keeps the same accounting in memory (N processes allow at most N times the budget until
Redis is back).
"""

from __future__ import annotations

import logging
import math
import time
from collections import OrderedDict
from dataclasses import dataclass

import redis
import redis.asyncio as aioredis
from starlette.types import Scope

from config.settings import Settings
from serving.cache import PREFIX

log = logging.getLogger(__name__)
BUDGET_PREFIX = f"{PREFIX}:budget"
LOCAL_CLIENTS = 10_000  # clients the in-process fallback remembers (oldest forgotten first)

# KEYS[1]: the client's key. ARGV: cost in ms of refill time, capacity in ms of refill time.
# Returns 0 when charged, else the milliseconds until the cost fits.
_SPEND = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local cost = tonumber(ARGV[1])
local capacity = tonumber(ARGV[2])
local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
if tat < now then tat = now end
local after = tat + cost - capacity - now
if after > 0 then return math.ceil(after) end
redis.call('SET', KEYS[1], tostring(tat + cost), 'PX', math.ceil(tat + cost - now) + 1)
return 0
"""


class BudgetExceededError(Exception):
    """The client's budget does not hold this request's cost now (429 with ``Retry-After``)."""

    def __init__(self, budget: Budget, cost: int, retry_after_s: int) -> None:
        super().__init__(
            f"the {budget.name} budget ({budget.units:,} {budget.unit} per {budget.window_s} s per client) "
            f"does not hold this request's {cost:,} {budget.unit} now; it does again in {retry_after_s} s"
        )
        self.budget = budget.name
        self.retry_after_s = retry_after_s


class BudgetTooSmallError(Exception):
    """The request costs more than the whole budget: it can never be served (422)."""

    def __init__(self, budget: Budget, cost: int, field: str) -> None:
        super().__init__(
            f"this request costs {cost:,} {budget.unit}, more than the whole {budget.name} budget "
            f"({budget.units:,} {budget.unit} per {budget.window_s} s): ask for less"
        )
        self.budget = budget.name
        self.field = field


@dataclass
class Budget:
    """``units`` of work (in ``unit``) per client and ``window_s``, each request charged its cost plus
    ``per_request``; ``units`` = 0 turns it off."""

    client: aioredis.Redis
    name: str
    units: int
    window_s: int
    unit: str
    per_request: int = 0

    def __post_init__(self) -> None:
        self._script = self.client.register_script(_SPEND)
        self._local: OrderedDict[str, float] = OrderedDict()

    @property
    def ms_per_unit(self) -> float:
        """Refill time of one unit, in milliseconds."""
        return self.window_s * 1000 / self.units

    async def spend(self, who: str, cost: int, field: str = "") -> None:
        """Charge ``cost`` units to ``who``: :class:`BudgetExceededError` (429) when the budget does not
        hold it now, :class:`BudgetTooSmallError` (422 on ``field``) when it never will."""
        if self.units <= 0:
            return
        cost = max(1, cost + self.per_request)
        if cost > self.units:
            raise BudgetTooSmallError(self, cost, field)
        cost_ms = cost * self.ms_per_unit
        capacity_ms = self.window_s * 1000.0
        try:
            key = f"{BUDGET_PREFIX}:{self.name}:{who}"
            wait_ms = int(await self._script(keys=[key], args=[cost_ms, capacity_ms]))
        except (redis.RedisError, OSError) as exc:
            log.warning("budget store unreachable (%s): accounting in this process", type(exc).__name__)
            wait_ms = self._spend_local(who, cost_ms, capacity_ms)
        if wait_ms > 0:
            raise BudgetExceededError(self, cost, max(1, math.ceil(wait_ms / 1000)))

    def _spend_local(self, who: str, cost_ms: float, capacity_ms: float) -> int:
        """The same accounting as the script, in this process (Redis unreachable)."""
        now = time.monotonic() * 1000
        tat = max(self._local.pop(who, now), now)
        after = tat + cost_ms - capacity_ms - now
        if after <= 0:
            tat += cost_ms
        self._local[who] = tat
        while len(self._local) > LOCAL_CLIENTS:
            self._local.popitem(last=False)
        return math.ceil(after) if after > 0 else 0


@dataclass(frozen=True)
class Budgets:
    """The budgets of one API process: generation (grids), check (cells), wheel (search ms)."""

    generation: Budget
    check: Budget
    wheel: Budget

    @classmethod
    def from_settings(cls, client: aioredis.Redis, settings: Settings) -> Budgets:
        """Each budget as the settings give it, all on ``client`` (the cache's Redis)."""
        window = settings.api_budget_window_s
        return cls(
            generation=Budget(
                client,
                "generation",
                settings.api_budget_generation_grids,
                window,
                "grids",
                settings.api_budget_generation_per_job,
            ),
            check=Budget(
                client,
                "check",
                settings.api_budget_check_cells,
                window,
                "ticket-draw cells",
                settings.api_budget_check_per_request,
            ),
            wheel=Budget(
                client,
                "wheel",
                settings.api_budget_wheel_ms,
                window,
                "ms of wheel search",
                settings.api_budget_wheel_per_request,
            ),
        )


def client_of(scope: Scope) -> str:
    """The client a budget charges: the connection's peer, or the address the trusted proxies named
    (``ClientIdentity`` resolves it before any route runs)."""
    client = scope.get("client")
    return client[0] if client else "unknown"
