-- A plain index on an existing table blocks writes while it is built.
SET lock_timeout = '2s';
SET statement_timeout = '5min';
BEGIN;
CREATE INDEX users_email_idx ON users (email);
COMMIT;
