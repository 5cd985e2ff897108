-- Reconnect / update mode: a link token (and the attempts it starts) may name the
-- account a connection re-authorizes, or the id the host wants the new account to get.
ALTER TABLE link_tokens ADD COLUMN account_id TEXT;
ALTER TABLE connect_attempts ADD COLUMN account_id TEXT;
