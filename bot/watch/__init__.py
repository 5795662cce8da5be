"""The watch loop: the monitor (scheduling, concurrency, backoff, health) and its ingest step."""
