-- The operators' console: operators (argon2id password hashes), what they did, who made
-- each link token and when it was first used, and API keys that can be listed and revoked.
CREATE TABLE operators (
    operator_id    TEXT PRIMARY KEY,
    email          TEXT NOT NULL UNIQUE,
    password_hash  TEXT NOT NULL,
    role           TEXT NOT NULL,
    created_at     BIGINT NOT NULL
);

CREATE TABLE operator_audit (
    entry_id  INTEGER PRIMARY KEY AUTOINCREMENT,
    at        BIGINT NOT NULL,
    operator  TEXT NOT NULL,
    action    TEXT NOT NULL,
    target    TEXT NOT NULL
);
CREATE INDEX operator_audit_at ON operator_audit (at);

ALTER TABLE link_tokens ADD COLUMN created_by TEXT;
ALTER TABLE link_tokens ADD COLUMN used_at BIGINT;
CREATE INDEX link_tokens_created ON link_tokens (created_at);

ALTER TABLE api_keys ADD COLUMN id TEXT;
ALTER TABLE api_keys ADD COLUMN last_used_at BIGINT;
CREATE UNIQUE INDEX api_keys_id ON api_keys (id);
