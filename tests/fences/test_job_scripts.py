"""Guards of the job-record Lua scripts (serving/job_scripts.py, serving/jobs.py): what they assume
of redis-py's script objects and of the Redis server that runs them."""

from __future__ import annotations

import asyncio

import redis
import redis.asyncio as aioredis

from serving.jobs import AsyncJobReader, JobDeadlines, JobStore

DEADLINES = JobDeadlines(heartbeat_s=30, queue_s=600)


def test_a_registered_script_survives_the_servers_script_cache_being_emptied(redis_url: str) -> None:
    """``register_script`` sends EVALSHA and, on NOSCRIPT (a Redis restarted, failed over or
    ``SCRIPT FLUSH``ed), loads the script and runs it again: the job store keeps working."""
    client = redis.Redis.from_url(redis_url)
    jobs = JobStore(client, ttl_s=60)
    jobs.create("fence-1", "euromillions", "random", 10, queued_ttl_s=60)
    client.script_flush()
    assert client.script_exists(jobs._claim.sha) == [False]
    assert jobs.claim("fence-1", "token", DEADLINES) == "claimed"
    assert jobs.heartbeat("fence-1", "token", 4, 10, DEADLINES) == "ok"
    client.close()


def test_the_asyncio_reader_survives_it_too(redis_url: str) -> None:
    async def go() -> tuple[str, int]:
        client = aioredis.Redis.from_url(redis_url)
        reader = AsyncJobReader(client, ttl_s=60)
        await client.script_flush()
        record = await reader.resolve("fence-2", DEADLINES)
        await client.aclose()
        assert record is not None
        return record.state, record.total

    jobs = JobStore(redis.Redis.from_url(redis_url), ttl_s=60)
    jobs.create("fence-2", "loto", "gap_based", 7, queued_ttl_s=60)
    assert asyncio.run(go()) == ("PENDING", 7)


def test_a_script_may_read_the_servers_clock_then_write(redis_url: str) -> None:
    """Every job script reads ``TIME`` and then writes (allowed since Redis replicates a script's
    effects rather than the script: always so from Redis 7), with Lua 5.1's ``unpack`` and
    ``string.format`` at hand; the record's clock is the server's."""
    client = redis.Redis.from_url(redis_url)
    jobs = JobStore(client, ttl_s=60)
    jobs.create("fence-3", "euromillions", "random", 10, queued_ttl_s=60)
    server_now = float(".".join(str(part) for part in client.time()))
    record = jobs.get("fence-3")
    assert record is not None
    assert abs(record.created_at - server_now) < 60
    probe = client.register_script(
        "local a, b = unpack({'x', 'y'}); redis.call('TIME');"
        " redis.call('SET', KEYS[1], string.format('%s%s %d', a, b, 7)); return redis.call('GET', KEYS[1])"
    )
    assert probe(keys=["fence:probe"]) == b"xy 7"
    client.close()
