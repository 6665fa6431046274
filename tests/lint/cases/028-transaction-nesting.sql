SET lock_timeout = '2s';
SET statement_timeout = '5min';
BEGIN;
BEGIN;
ALTER TABLE users ADD COLUMN nickname text;
COMMIT;
COMMIT;
