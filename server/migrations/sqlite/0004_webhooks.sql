-- Webhooks: a durable outbox. An event is written with one delivery row per endpoint;
-- a worker on any instance leases due deliveries, posts them, and retries with
-- exponential backoff until the receiver answers 2xx. Every try is logged.
CREATE TABLE webhook_events (
    event_id    TEXT PRIMARY KEY,
    event_type  TEXT NOT NULL,
    account_id  TEXT NOT NULL,
    payload     TEXT NOT NULL,
    created_at  BIGINT NOT NULL
);

CREATE TABLE webhook_deliveries (
    delivery_id      INTEGER PRIMARY KEY AUTOINCREMENT,
    event_id         TEXT NOT NULL,
    endpoint         TEXT NOT NULL,
    attempts         BIGINT NOT NULL,
    next_attempt_at  BIGINT NOT NULL,
    lease_until      BIGINT,
    delivered_at     BIGINT,
    last_status      BIGINT,
    last_error       TEXT,
    UNIQUE (event_id, endpoint)
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (delivered_at, next_attempt_at);

CREATE TABLE webhook_attempts (
    attempt_log_id  INTEGER PRIMARY KEY AUTOINCREMENT,
    delivery_id     BIGINT NOT NULL,
    at              BIGINT NOT NULL,
    status_code     BIGINT,
    error           TEXT,
    latency_ms      BIGINT NOT NULL
);
CREATE INDEX webhook_attempts_delivery ON webhook_attempts (delivery_id);
