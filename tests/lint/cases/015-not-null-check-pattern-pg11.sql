-- lint-case: pg-version=11
-- PostgreSQL 11 does not use the validated check: SET NOT NULL still scans.
SET lock_timeout = '2s';
SET statement_timeout = '5min';
BEGIN;
ALTER TABLE users VALIDATE CONSTRAINT users_email_not_null;
COMMIT;
BEGIN;
ALTER TABLE users ALTER COLUMN email SET NOT NULL;
COMMIT;
