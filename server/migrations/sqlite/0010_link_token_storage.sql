-- Link tokens are the busiest write (POST /link-token), and every commit rewrites the last
-- page of each b-tree its rows go into: four of them (the table, its token_hash key, id and
-- created_at) wrote about 5 KB per token. The table is now keyed by token_hash itself
-- (WITHOUT ROWID), and "recent links" sorts by the time-ordered id, so a token goes into two.
-- Tokens issued before ids existed get one here, from their creation time, so that every
-- token sorts by id and can be revoked by it.
CREATE TABLE link_tokens_keyed (
    token_hash       TEXT PRIMARY KEY,
    tenant_id        TEXT NOT NULL,
    deployment_id    TEXT,
    category         TEXT,
    owner_name       TEXT,
    username         TEXT,
    redirect_uri     TEXT,
    created_at       BIGINT NOT NULL,
    expires_at       BIGINT NOT NULL,
    revoked_at       BIGINT,
    account_id       TEXT,
    allow_disconnect BIGINT NOT NULL DEFAULT 0,
    id               TEXT,
    created_by       TEXT,
    used_at          BIGINT
) WITHOUT ROWID;
INSERT INTO link_tokens_keyed
    SELECT token_hash, tenant_id, deployment_id, category, owner_name, username, redirect_uri, created_at,
           expires_at, revoked_at, account_id, allow_disconnect,
           COALESCE(id, 'ltk_' || printf('%012x', created_at * 1000) || lower(hex(randomblob(10)))),
           created_by, used_at
    FROM link_tokens;
DROP TABLE link_tokens;
ALTER TABLE link_tokens_keyed RENAME TO link_tokens;
CREATE UNIQUE INDEX link_tokens_id ON link_tokens (id);
