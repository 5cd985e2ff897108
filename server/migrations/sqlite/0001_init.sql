-- Plugboard's schema. The PostgreSQL twin in ../postgres/ differs only in the identity
-- column and BYTEA; times are Unix seconds (BIGINT) so both backends read them alike.

CREATE TABLE api_keys (
    key_hash    TEXT PRIMARY KEY,
    label       TEXT NOT NULL,
    created_at  BIGINT NOT NULL
);

CREATE TABLE link_tokens (
    token_hash    TEXT PRIMARY KEY,
    tenant_id     TEXT NOT NULL,
    deployment_id TEXT,
    category      TEXT,
    owner_name    TEXT,
    username      TEXT,
    redirect_uri  TEXT,
    created_at    BIGINT NOT NULL,
    expires_at    BIGINT NOT NULL,
    revoked_at    BIGINT
);

-- One try at connecting an app: created by the widget, started by the popup, finished by
-- the OAuth callback (or at once for API-key apps). Single-use at every step.
CREATE TABLE connect_attempts (
    attempt_id    TEXT PRIMARY KEY,
    tenant_id     TEXT NOT NULL,
    app           TEXT NOT NULL,
    origin        TEXT NOT NULL,
    state_hash    TEXT UNIQUE,
    pkce_verifier TEXT,
    browser_hash  TEXT,
    created_at    BIGINT NOT NULL,
    expires_at    BIGINT NOT NULL,
    started_at    BIGINT,
    finished_at   BIGINT,
    result        TEXT,
    payload       TEXT
);

CREATE TABLE integrated_accounts (
    authorization_id INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id       TEXT NOT NULL UNIQUE,
    tenant_id        TEXT NOT NULL,
    app              TEXT NOT NULL,
    identity         TEXT NOT NULL,
    status           TEXT NOT NULL,
    credentials      BLOB NOT NULL,
    connected_at     BIGINT NOT NULL,
    verified_at      BIGINT,
    expires_at       BIGINT,
    updated_at       BIGINT NOT NULL,
    UNIQUE (tenant_id, app, identity)
);
CREATE INDEX integrated_accounts_tenant ON integrated_accounts (tenant_id, authorization_id);

-- Authorization codes the sandbox provider has redeemed: codes are single-use (RFC 6749 §4.1.2).
CREATE TABLE sandbox_used_codes (
    code_hash  TEXT PRIMARY KEY,
    used_at    BIGINT NOT NULL
);
