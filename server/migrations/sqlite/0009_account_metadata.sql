-- Connection metadata: values a provider returned that later calls need (an instance URL,
-- a realm, a cloud id), as a JSON object of strings. Not secret: it is in the account's JSON.
ALTER TABLE integrated_accounts ADD COLUMN metadata TEXT NOT NULL DEFAULT '{}';
