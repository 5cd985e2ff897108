-- "Recent links" sorts by the time-ordered id: one index fewer for POST /link-token, the
-- busiest write, to update (see the SQLite migration).
DROP INDEX link_tokens_created;
