-- The PostgreSQL 12+ pattern: NOT VALID check, validate in another transaction, then SET NOT NULL.
SET lock_timeout = '2s';
SET statement_timeout = '5min';
BEGIN;
ALTER TABLE users ADD CONSTRAINT users_email_not_null CHECK (email IS NOT NULL) NOT VALID;
COMMIT;
BEGIN;
ALTER TABLE users VALIDATE CONSTRAINT users_email_not_null;
COMMIT;
BEGIN;
ALTER TABLE users ALTER COLUMN email SET NOT NULL;
ALTER TABLE users ALTER COLUMN name SET NOT NULL;
COMMIT;
