"""One settings object for every process, read from environment variables."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from lottery.fdj.guards import MIB, FileLimits
from lottery.games import Game

PROJECT_ROOT = Path(__file__).resolve().parents[1]
# FDJ's download service for draw-history archives (the links of fdj.fr's "historique" pages).
FDJ_ARCHIVES = "https://www.sto.api.fdj.fr/anonymous/service-draw-info/v3/documentations/"


class Settings(BaseSettings):
    """Typed configuration. Each field reads the environment variable of the same name, upper-cased."""

    model_config = SettingsConfigDict(extra="ignore", frozen=True)

    warehouse_path: Path = Field(
        default=PROJECT_ROOT / "var" / "warehouse.duckdb",
        description="The DuckDB warehouse that Dagster writes (WAREHOUSE_PATH).",
    )
    fdj_source: str = Field(
        default=str(PROJECT_ROOT / "data" / "fdj"),
        description=(
            "Where FDJ files come from (FDJ_SOURCE): a directory (searched recursively for .csv/.zip), "
            "a file, or an http(s) URL; several separated by commas."
        ),
    )
    http_timeout_s: float = Field(default=30.0, gt=0, description="Timeout of one download (HTTP_TIMEOUT_S).")
    inbox_dir: Path = Field(
        default=PROJECT_ROOT / "var" / "inbox",
        description="Drop FDJ .csv/.zip files here; the sensor ingests them (INBOX_DIR).",
    )
    inbox_poll_s: int = Field(
        default=2,
        ge=1,
        description=(
            "Least seconds between two looks of the inbox sensor (INBOX_POLL_S); Dagster's sensor daemon "
            "evaluates sensors at most every 5 s."
        ),
    )
    ingest_max_file_bytes: int = Field(
        default=20 * MIB, ge=1024, description="Largest FDJ file read, CSV or zip (INGEST_MAX_FILE_BYTES)."
    )
    ingest_max_member_bytes: int = Field(
        default=20 * MIB,
        ge=1024,
        description="Largest zip member uncompressed, declared and inflated (INGEST_MAX_MEMBER_BYTES).",
    )
    ingest_max_zip_ratio: float = Field(
        default=100.0, ge=1, description="Largest compression ratio of a zip member (INGEST_MAX_ZIP_RATIO)."
    )
    ingest_max_zip_members: int = Field(
        default=16, ge=1, description="Most entries in one zip archive (INGEST_MAX_ZIP_MEMBERS)."
    )
    ingest_max_line_bytes: int = Field(
        default=64 * 1024, ge=256, description="Longest line of a CSV (INGEST_MAX_LINE_BYTES)."
    )
    reject_file_share: float = Field(
        default=0.5,
        ge=0,
        le=1,
        description="Above this share of rejected rows a file is rejected whole (REJECT_FILE_SHARE).",
    )
    rejects_kept_per_file: int = Field(
        default=100, ge=0, description="Rejected rows stored per file; the count is always kept."
    )
    fdj_download_enabled: bool = Field(
        default=True,
        description=(
            "Download FDJ's current history archives the evening after each draw day (FDJ_DOWNLOAD_ENABLED); "
            "the schedules run only where AUTOMATION_ENABLED is set too."
        ),
    )
    fdj_download_url_euromillions: str = Field(
        default=FDJ_ARCHIVES + "1a2b3c4d-9876-4562-b3fc-2c963f66afe6",
        description=(
            "FDJ's EuroMillions history archive of the current period, 2020-02 on (a zip holding "
            "euromillions_202002.csv); empty: not downloaded (FDJ_DOWNLOAD_URL_EUROMILLIONS)."
        ),
    )
    fdj_download_url_loto: str = Field(
        default=FDJ_ARCHIVES + "1a2b3c4d-9876-4562-b3fc-2c963f66afp6",
        description=(
            "FDJ's Loto history archive of the current period, 2019-11 on (a zip holding loto_201911.csv); "
            "empty: not downloaded (FDJ_DOWNLOAD_URL_LOTO)."
        ),
    )
    fdj_download_timeout_s: float = Field(
        default=20.0,
        gt=0,
        le=50,
        description=(
            "Longest wait for one archive download, connection and whole body (FDJ_DOWNLOAD_TIMEOUT_S); "
            "under Dagster's 60 s limit on a schedule tick."
        ),
    )
    fdj_download_dir: Path = Field(
        default=PROJECT_ROOT / "var" / "downloads",
        description="Where downloaded archives wait for their run, one folder per game (FDJ_DOWNLOAD_DIR).",
    )
    automation_enabled: bool = Field(
        default=False,
        description="Schedules and sensors start RUNNING (AUTOMATION_ENABLED; the main command sets it).",
    )
    serving_dir: Path = Field(
        default=PROJECT_ROOT / "var" / "serving",
        description="Where Dagster publishes the read-only serving snapshot the API reads (SERVING_DIR).",
    )
    serving_recheck_s: float = Field(
        default=0.1,
        ge=0,
        le=10,
        description=(
            "Least seconds between two looks of an API process at the published manifest "
            "(SERVING_RECHECK_S): a new snapshot is served at most this long after it is published; "
            "0 looks at every request."
        ),
    )
    web_dist_dir: Path = Field(
        default=PROJECT_ROOT / "web" / "dist",
        description="The built web app the API serves at / (WEB_DIST_DIR; scripts/run.sh builds it).",
    )
    reports_dir: Path = Field(
        default=PROJECT_ROOT / "reports", description="Where the weekly reports are written (REPORTS_DIR)."
    )
    redis_url: str = Field(default="redis://127.0.0.1:6379/0", description="Redis cache (REDIS_URL).")
    redis_timeout_s: float = Field(default=0.25, gt=0, description="Redis socket timeout (REDIS_TIMEOUT_S).")
    redis_connect_timeout_s: float = Field(
        default=1.0,
        gt=0,
        description="Timeout of opening a Redis connection (a reconnect storm after a restart needs more "
        "than a command's timeout; a refused connection fails at once).",
    )
    redis_max_connections: int = Field(default=64, ge=1, description="Connections per API process.")
    redis_retry_after_s: float = Field(
        default=1.0, ge=0, description="After a Redis failure, serve without it this long before retrying."
    )
    celery_broker_url: str = Field(
        default="", description="Celery broker (CELERY_BROKER_URL); default REDIS_URL db 1."
    )
    celery_result_backend: str = Field(
        default="", description="Celery results (CELERY_RESULT_BACKEND); default REDIS_URL db 2."
    )
    celery_queue: str = Field(default="lotostats.generation", description="Queue of generation tasks.")
    task_time_limit_s: int = Field(
        default=30 * 60, ge=1, description="Hard time limit of one generation task."
    )
    job_heartbeat_timeout_s: float = Field(
        default=30.0,
        gt=0,
        description="A started job silent this long is reported FAILURE (worker lost).",
    )
    job_queue_timeout_s: float = Field(
        default=600.0,
        gt=0,
        description="A job no worker started this long after its submission is FAILURE, final.",
    )
    celery_worker_concurrency: int = Field(
        default=2,
        ge=1,
        le=64,
        description="Worker processes of a Celery worker (prefork pool; CELERY_WORKER_CONCURRENCY).",
    )
    celery_prefetch_multiplier: int = Field(
        default=1,
        ge=1,
        le=64,
        description=(
            "Messages each worker process reserves beyond those it runs (CELERY_PREFETCH_MULTIPLIER); "
            "the outcomes documented for a killed worker assume 1."
        ),
    )
    celery_visibility_timeout_s: int = Field(
        default=300,
        ge=1,
        description=(
            "Redis broker: a message taken by a worker and not acknowledged this long goes back to the "
            "queue (CELERY_VISIBILITY_TIMEOUT_S); the job record decides whether it runs."
        ),
    )
    celery_reuse_broker_client: bool = Field(
        default=True,
        description=(
            "One redis client per broker channel (CELERY_REUSE_BROKER_CLIENT; api/celery_app.py's "
            "ReusedClientTransport); false: kombu's own Redis transport, a client per command "
            "(docs/contributors/fenced.md)."
        ),
    )
    celery_polled_result_backend: bool = Field(
        default=True,
        description=(
            "A Redis result backend that subscribes to nothing when a task is sent "
            "(CELERY_POLLED_RESULT_BACKEND; PolledRedisBackend); false: Celery's own, one pub/sub "
            "subscription per sent task (docs/contributors/fenced.md)."
        ),
    )
    celery_result_log_chars: int = Field(
        default=128,
        ge=16,
        description=(
            "Characters of a task's result in the worker's 'succeeded' log line "
            "(CELERY_RESULT_LOG_CHARS; Celery's own default is 1024, each one costs CPU time)."
        ),
    )
    api_fast_path: bool = Field(
        default=True,
        description="Cached statistics and job states are answered from memory before FastAPI's routing "
        "(API_FAST_PATH; api/fastpath.py); false: every request goes through the routes "
        "(docs/contributors/fenced.md).",
    )
    gc_freeze: bool = Field(
        default=True,
        description=(
            "The API process and the Celery worker's main process leave what they built at startup out "
            "of every later garbage collection (GC_FREEZE; gc.freeze); false: collections scan it all "
            "(docs/contributors/fenced.md)."
        ),
    )
    cache_ttl_quick_s: int = Field(default=15 * 60, ge=1, description="TTL of cached quick stats.")
    cache_ttl_full_s: int = Field(default=30 * 60, ge=1, description="TTL of cached full stats.")
    cache_ttl_draws_s: int = Field(default=15 * 60, ge=1, description="TTL of cached draw lists.")
    cache_ttl_generation_s: int = Field(default=5 * 60, ge=1, description="TTL of generation results.")
    cache_ttl_odds_s: int = Field(default=30 * 60, ge=1, description="TTL of cached odds-and-value answers.")
    cache_local_ttl_s: float = Field(
        default=5.0, ge=0, description="In-process cache in front of Redis (0 disables it)."
    )
    cache_fill_wait_s: float = Field(
        default=2.0,
        ge=0,
        description="On a miss, how long to wait for another process computing the same key.",
    )

    redis_health_check_interval_s: float = Field(
        default=30.0,
        ge=0,
        description="A pooled Redis connection idle this long is PINGed before use (0: never).",
    )
    redis_retries: int = Field(
        default=2, ge=0, le=10, description="Retries (with backoff) of a Redis command on a connection error."
    )
    cache_fill_lock_s: float = Field(
        default=2.0,
        gt=0,
        description="Lifetime of a fill lock: a stalled filler delays others at most this long.",
    )
    cache_local_max_bytes: int = Field(
        default=64 * 2**20, ge=0, description="Bytes the in-process cache layer may hold (0 disables it)."
    )
    cache_max_value_bytes: int = Field(
        default=1 * 2**20,
        ge=1,
        description="A single answer larger than this is served but stored neither in Redis nor in process.",
    )
    cache_draws_max_limit: int = Field(
        default=100, ge=0, description="/draws pages with a larger limit are served uncached."
    )
    cache_draws_max_offset: int = Field(
        default=100,
        ge=0,
        description="/draws pages past this offset (or unaligned, or date-filtered) are not cached.",
    )
    cache_uncached_concurrency: int = Field(
        default=2,
        ge=1,
        description="Answers not worth caching computed at once per process (bounds their memory).",
    )
    api_max_body_bytes: int = Field(
        default=64 * 1024, ge=1024, description="Largest request body (413 beyond, checked as it streams)."
    )
    api_connection_guard: bool = Field(
        default=True,
        description=(
            "Enforce the API_HEADER_TIMEOUT_S, API_MAX_HEADER_BYTES, API_MAX_HEADERS and API_BODY_TIMEOUT_S "
            "limits in the API's HTTP protocol (API_CONNECTION_GUARD); false: uvicorn's own protocol, "
            "which bounds only the keep-alive idle time."
        ),
    )
    api_header_timeout_s: float = Field(
        default=10.0,
        gt=0,
        description=(
            "A request head (request line and headers) not complete this long after the connection "
            "opened, or after its first byte on a kept-alive connection, is answered 408 and the "
            "connection closed; a connection that sent nothing is closed (API_HEADER_TIMEOUT_S)."
        ),
    )
    api_max_header_bytes: int = Field(
        default=16 * 1024,
        ge=1024,
        description="Largest request head, request line and headers (431 beyond; API_MAX_HEADER_BYTES).",
    )
    api_max_headers: int = Field(
        default=100, ge=8, description="Most header fields in one request (431 beyond; API_MAX_HEADERS)."
    )
    api_keepalive_timeout_s: float = Field(
        default=5.0,
        gt=0,
        description=(
            "A kept-alive connection idle this long after an answer is closed (API_KEEPALIVE_TIMEOUT_S)."
        ),
    )
    api_body_timeout_s: float = Field(
        default=30.0,
        gt=0,
        description=(
            "A request body not complete this long after its head is answered 408 and the connection "
            "closed (API_BODY_TIMEOUT_S)."
        ),
    )
    api_refusal_linger_s: float = Field(
        default=2.0,
        ge=0,
        description=(
            "After a 408/414/431, what the client still sends is read and dropped this long before the "
            "socket closes, so the client reads the answer, not a reset (API_REFUSAL_LINGER_S)."
        ),
    )
    api_max_page_size: int = Field(default=1000, ge=1, description="Largest /draws limit (422 beyond).")
    api_max_offset: int = Field(default=100_000, ge=0, description="Largest /draws offset (422 beyond).")
    api_max_last: int = Field(
        default=100_000, ge=1, description="Largest `last` window, query or body (422 beyond)."
    )
    api_max_grids: int = Field(
        default=10_000, ge=1, le=10_000, description="Most grids one generation request may ask for."
    )
    api_max_check_tickets: int = Field(
        default=10_000, ge=1, le=10_000, description="Most tickets one /check request may hold (422 beyond)."
    )
    api_max_check_body_bytes: int = Field(
        default=1024 * 1024,
        ge=1024,
        description="Largest /check request body (413 beyond): 10,000 tickets take about 450 kB.",
    )
    api_check_max_win_rows: int = Field(
        default=1000, ge=0, description="Win rows listed per /check answer (totals are always complete)."
    )
    check_direct_max_cells: int = Field(
        default=2_000_000,
        ge=0,
        description="Checks of more tickets x draws than this go to Celery (202); smaller ones answer now.",
    )
    api_error_excerpt_chars: int = Field(
        default=120, ge=16, description="422 bodies echo at most this many characters of an input."
    )
    api_budget_window_s: int = Field(
        default=60,
        ge=1,
        description="Every work budget refills in this many seconds (and holds at most one window's worth).",
    )
    api_budget_generation_grids: int = Field(
        default=60_000,
        ge=0,
        description="Grids a client may have generated per budget window, all API processes together "
        "(0: no budget).",
    )
    api_budget_generation_per_job: int = Field(
        default=500,
        ge=0,
        description="Grids charged per generation job on top of its count (its record, queue and polls).",
    )
    api_budget_check_cells: int = Field(
        default=30_000_000,
        ge=0,
        description="Tickets x draws a client may have checked per budget window, inline or queued (0: no "
        "budget); a whole-history check of 10,000 tickets is about 27 M.",
    )
    api_budget_check_per_request: int = Field(
        default=10_000, ge=0, description="Cells charged per check on top of its tickets x draws."
    )
    api_budget_wheel_ms: int = Field(
        default=240_000,
        ge=0,
        description="Milliseconds of estimated wheel search a client may use per budget window, inline or "
        "queued (0: no budget); it must hold the longest search allowed (WHEEL_MAX_SEARCH_S).",
    )
    api_budget_wheel_per_request: int = Field(
        default=10, ge=0, description="Milliseconds charged per wheel on top of its estimated search."
    )
    api_trusted_proxies: list[str] = Field(
        default_factory=list,
        description='Addresses or networks (JSON list, e.g. ["127.0.0.1"]) of the reverse proxies whose '
        "X-Forwarded-For / X-Forwarded-Proto are believed; the budgets key on the address this yields. "
        "Empty: no proxy is trusted, the client is the peer of the connection.",
    )
    api_tls: bool = Field(
        default=False,
        description="The deployment is served over HTTPS (at the proxy or here): answers carry "
        "Strict-Transport-Security.",
    )
    wheel_inline_max_s: float = Field(
        default=1.0,
        ge=0,
        description="Wheels whose estimated search is at most this long are answered at once (200); "
        "longer ones are queued on Celery (202).",
    )
    wheel_max_search_s: float = Field(
        default=120.0, gt=0, description="Wheels whose estimated search is longer are refused (422)."
    )

    platform_host: str = Field(
        default="127.0.0.1",
        description="Address the main command's UI and API listen on, and print in their URLs.",
    )
    dagster_port: int = Field(
        default=3000, ge=1, le=65535, description="Port of the main command's Dagster UI."
    )
    api_port: int = Field(default=8000, ge=1, le=65535, description="Port of the main command's API.")
    supervise_restart_backoff_s: float = Field(
        default=1.0,
        gt=0,
        description="The main command restarts a service that died after this long, doubled "
        "at each further death in the window.",
    )
    supervise_restart_backoff_max_s: float = Field(
        default=30.0, gt=0, description="The longest wait before a restart."
    )
    supervise_restart_limit: int = Field(
        default=5,
        ge=0,
        description="Deaths of one service within SUPERVISE_RESTART_WINDOW_S after which the "
        "main command gives up on it (the rest keeps running).",
    )
    supervise_restart_window_s: float = Field(
        default=300.0, gt=0, description="The window in which a service's deaths count against the limit."
    )
    supervise_restart_grace_s: float = Field(
        default=10.0,
        gt=0,
        description="What is left of a dead service's process group gets this long to stop before SIGKILL.",
    )

    @model_validator(mode="after")
    def _derive_celery_urls(self) -> Settings:
        base = (
            self.redis_url.rsplit("/", 1)[0]
            if self.redis_url.rsplit("/", 1)[-1].isdigit()
            else self.redis_url
        )
        if not self.celery_broker_url:
            object.__setattr__(self, "celery_broker_url", f"{base.rstrip('/')}/1")
        if not self.celery_result_backend:
            object.__setattr__(self, "celery_result_backend", f"{base.rstrip('/')}/2")
        return self

    def fdj_download_url(self, game: Game) -> str:
        """The configured archive URL of ``game`` ("" when that game is not downloaded)."""
        return {
            Game.EUROMILLIONS: self.fdj_download_url_euromillions,
            Game.LOTO: self.fdj_download_url_loto,
        }[game].strip()

    def file_limits(self) -> FileLimits:
        """The ingest guards these settings describe."""
        return FileLimits(
            max_file_bytes=self.ingest_max_file_bytes,
            max_member_bytes=self.ingest_max_member_bytes,
            max_zip_ratio=self.ingest_max_zip_ratio,
            max_zip_members=self.ingest_max_zip_members,
            max_line_bytes=self.ingest_max_line_bytes,
            reject_file_share=self.reject_file_share,
            rejects_kept=self.rejects_kept_per_file,
        )


def get_settings() -> Settings:
    """Settings as the environment says now (cheap; call where needed, inject into resources)."""
    return Settings()
