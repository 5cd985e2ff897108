-- A public id for each link token, so the host can revoke one (DELETE /link-tokens/{id})
-- while the token itself stays stored only as a hash. Tokens issued before have none.
ALTER TABLE link_tokens ADD COLUMN id TEXT;
CREATE UNIQUE INDEX link_tokens_id ON link_tokens (id);
