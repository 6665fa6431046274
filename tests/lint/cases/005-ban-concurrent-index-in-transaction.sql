SET lock_timeout = '2s';
SET statement_timeout = '5min';
BEGIN;
CREATE INDEX CONCURRENTLY IF NOT EXISTS users_email_idx ON users (email);
COMMIT;
