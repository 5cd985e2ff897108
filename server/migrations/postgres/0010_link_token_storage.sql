-- "Recent links" sorts by the time-ordered id: one index fewer for POST /link-token, the
-- busiest write, to update (see the SQLite migration). Tokens issued before ids existed
-- get one from their creation time, so that every token sorts by id and can be revoked by it.
DROP INDEX link_tokens_created;
UPDATE link_tokens
SET id = 'ltk_' || lpad(to_hex(created_at * 1000), 12, '0') || substr(md5(random()::text || token_hash), 1, 20)
WHERE id IS NULL;
