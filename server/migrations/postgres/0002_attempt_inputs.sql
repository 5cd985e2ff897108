-- Values the person typed before the popup (a subdomain…), needed again at the callback.
ALTER TABLE connect_attempts ADD COLUMN inputs TEXT;
