"""What serves: the immutable serving snapshot and the queries the API runs on it, the Redis cache
(keys, TTLs, counters, locks, warm-up, clean-up), job records and generation metrics."""
