-- Keeping accounts alive: a refresh lease so one refresh runs at a time per account
-- across instances, an audit log per account, and the sandbox's counters.
ALTER TABLE integrated_accounts ADD COLUMN refresh_lease_until BIGINT;

CREATE TABLE account_logs (
    log_id       INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id   TEXT NOT NULL,
    at           BIGINT NOT NULL,
    action       TEXT NOT NULL,
    outcome      TEXT NOT NULL,
    status_code  BIGINT,
    latency_ms   BIGINT NOT NULL,
    detail       TEXT
);
CREATE INDEX account_logs_account ON account_logs (account_id, log_id);

CREATE TABLE sandbox_counters (
    name   TEXT PRIMARY KEY,
    value  BIGINT NOT NULL
);

CREATE TABLE sandbox_revoked_tokens (
    token_hash  TEXT PRIMARY KEY,
    revoked_at  BIGINT NOT NULL
);
