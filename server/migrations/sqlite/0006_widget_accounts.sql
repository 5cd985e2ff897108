-- Connected accounts in the widget: a link token may let the person disconnect accounts
-- (0 = no, 1 = yes), and an attempt in redirect mode remembers where to send the browser
-- back instead of answering the popup page.
ALTER TABLE link_tokens ADD COLUMN allow_disconnect BIGINT NOT NULL DEFAULT 0;
ALTER TABLE connect_attempts ADD COLUMN return_to TEXT;
